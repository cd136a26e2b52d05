// SPDX-License-Identifier: MIT
// Reductions. sum is the primitive; mean is a composite of it.
#include "autograd/function.h"
#include "autograd/ops.h"
#include "tensor/kernels/reduce.h"

namespace fluxion {

// The gradient of a reduction, in the input's shape: put back the reduced
// dims as size 1 (when keepdim was false), then broadcast.
static Tensor unreduce(const Tensor& grad, const Shape& input_shape, const std::vector<int64_t>& dims, bool keepdim) {
  std::vector<int64_t> d = reduction_dims(dims, (int64_t)input_shape.size(), "sum");
  Tensor g = keepdim ? grad : grad.reshape(reduced_shape(input_shape, d, true));
  return g.expand(input_shape);
}

// sum: y = sum_i x_i over dims.   dy/dx_i = 1
struct Sum {
  static constexpr const char* name = "Sum";
  static constexpr Save save = Save::nothing;
  std::vector<int64_t> dims;
  bool keepdim;
  TensorData forward(const TensorData& x) const { return kernels::sum(x, dims, keepdim); }
  Tensor vjp(const Tensor& grad, const Saved& s) const { return unreduce(grad, s.input_shape(0), dims, keepdim); }
  Tensor jvp(const Tensor& dx, const Saved&) const { return dx.sum(dims, keepdim); }
};

// sum_to: sums the broadcast dims of x so that the result has `shape`.
// The reverse of expand; the engine un-broadcasts every gradient with it.
struct SumTo {
  static constexpr const char* name = "SumTo";
  static constexpr Save save = Save::nothing;
  Shape shape;
  TensorData forward(const TensorData& x) const {
    std::vector<int64_t> dims;
    size_t lead = x.shape.size() - shape.size();
    for (size_t i = 0; i < x.shape.size(); ++i)
      if (i < lead || (shape[i - lead] == 1 && x.shape[i] != 1)) dims.push_back((int64_t)i);
    if (dims.empty()) return x;
    TensorData y = kernels::sum(x, dims, true);
    return y.as_strided(shape, contiguous_strides(shape), 0);
  }
  Tensor vjp(const Tensor& grad, const Saved& s) const { return grad.expand(s.input_shape(0)); }
  Tensor jvp(const Tensor& dx, const Saved&) const { return sum_to(dx, shape); }
};

Tensor sum(const Tensor& x, std::vector<int64_t> dims, bool keepdim) {
  reduction_dims(dims, x.dim(), "sum");  // validate before running
  return apply(Sum{std::move(dims), keepdim}, x);
}

Tensor sum_to(const Tensor& x, const Shape& shape) {
  if (x.shape() == shape) return x;
  check(broadcast_shapes(x.shape(), shape, "sum_to") == x.shape(), "sum_to: shape ", to_string(x.shape()),
        " cannot be summed down to ", to_string(shape));
  return apply(SumTo{shape}, x);
}

// mean = sum / count
Tensor mean(const Tensor& x, std::vector<int64_t> dims, bool keepdim) {
  check(x.is_floating_point(), "mean: expected a floating tensor, got int64; convert with .to(fluxion::Float32)");
  std::vector<int64_t> d = reduction_dims(dims, x.dim(), "mean");
  int64_t count = 1;
  for (int64_t i : d) count *= x.shape()[i];
  return sum(x, dims, keepdim) / (double)count;
}

Tensor Tensor::sum(std::vector<int64_t> dims, bool keepdim) const { return fluxion::sum(*this, std::move(dims), keepdim); }
Tensor Tensor::mean(std::vector<int64_t> dims, bool keepdim) const { return fluxion::mean(*this, std::move(dims), keepdim); }

}  // namespace fluxion
