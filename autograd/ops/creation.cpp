// SPDX-License-Identifier: MIT
// Tensors from values: literals, constants. (Ranges and grids: range.cpp;
// random numbers: random.cpp.)
#include <cstring>

#include "autograd/ops.h"
#include "tensor/kernels/copy.h"

namespace fluxion {

static DType or_default(std::optional<DType> d) { return d.value_or(default_dtype()); }

// Copies doubles into a new tensor of `dtype`.
static Tensor from_doubles(const std::vector<double>& values, const Shape& shape, DType dtype) {
  check((int64_t)values.size() == numel(shape), "tensor: ", values.size(), " values do not fill shape ",
        shape, " (", numel(shape), " elements)");
  TensorData t = TensorData::empty(shape, dtype);
  dispatch_all(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* p = t.data<T>();
    for (size_t i = 0; i < values.size(); ++i) p[i] = static_cast<T>(values[i]);
  });
  return Tensor(std::move(t));
}

Tensor scalar(double value, std::optional<DType> dtype) { return from_doubles({value}, {}, or_default(dtype)); }

Tensor tensor(std::initializer_list<double> values, std::optional<DType> dtype) {
  return from_doubles(values, {(int64_t)values.size()}, or_default(dtype));
}

Tensor tensor(std::initializer_list<std::initializer_list<double>> rows, std::optional<DType> dtype) {
  std::vector<double> v;
  int64_t cols = rows.size() ? (int64_t)rows.begin()->size() : 0;
  for (const auto& r : rows) {
    check((int64_t)r.size() == cols, "tensor: rows have different lengths (", cols, " and ", r.size(), ")");
    v.insert(v.end(), r.begin(), r.end());
  }
  return from_doubles(v, {(int64_t)rows.size(), cols}, or_default(dtype));
}

Tensor tensor(std::initializer_list<std::initializer_list<std::initializer_list<double>>> blocks,
              std::optional<DType> dtype) {
  std::vector<double> v;
  int64_t rows = blocks.size() ? (int64_t)blocks.begin()->size() : 0;
  int64_t cols = rows ? (int64_t)blocks.begin()->begin()->size() : 0;
  for (const auto& b : blocks) {
    check((int64_t)b.size() == rows, "tensor: blocks have different numbers of rows");
    for (const auto& r : b) {
      check((int64_t)r.size() == cols, "tensor: rows have different lengths (", cols, " and ", r.size(), ")");
      v.insert(v.end(), r.begin(), r.end());
    }
  }
  return from_doubles(v, {(int64_t)blocks.size(), rows, cols}, or_default(dtype));
}

Tensor tensor(const std::vector<double>& values, const Shape& shape, std::optional<DType> dtype) {
  return from_doubles(values, shape, or_default(dtype));
}

Tensor tensor(const std::vector<float>& values, const Shape& shape) {
  check((int64_t)values.size() == numel(shape), "tensor: ", values.size(), " values do not fill shape ", shape);
  TensorData t = TensorData::empty(shape, Float32);
  if (!values.empty()) std::memcpy(t.data<float>(), values.data(), values.size() * sizeof(float));
  return Tensor(std::move(t));
}

Tensor tensor(const std::vector<int64_t>& values, const Shape& shape) {
  check((int64_t)values.size() == numel(shape), "tensor: ", values.size(), " values do not fill shape ", shape);
  TensorData t = TensorData::empty(shape, Int64);
  if (!values.empty()) std::memcpy(t.data<int64_t>(), values.data(), values.size() * sizeof(int64_t));
  return Tensor(std::move(t));
}

Tensor full(const Shape& shape, double value, std::optional<DType> dtype) {
  return Tensor(kernels::full(shape, value, or_default(dtype)));
}
Tensor zeros(const Shape& shape, std::optional<DType> dtype) { return full(shape, 0, dtype); }
Tensor ones(const Shape& shape, std::optional<DType> dtype) { return full(shape, 1, dtype); }
Tensor empty(const Shape& shape, std::optional<DType> dtype) { return Tensor(TensorData::empty(shape, or_default(dtype))); }
Tensor full_like(const Tensor& t, double value, std::optional<DType> dtype) {
  return full(t.shape(), value, dtype.value_or(t.dtype()));
}
Tensor zeros_like(const Tensor& t, std::optional<DType> dtype) { return full_like(t, 0, dtype); }
Tensor ones_like(const Tensor& t, std::optional<DType> dtype) { return full_like(t, 1, dtype); }

}  // namespace fluxion
