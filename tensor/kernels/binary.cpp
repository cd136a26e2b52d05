// SPDX-License-Identifier: MIT
// Elementwise kernels of two tensors: a scalar lambda per op, run by zip().
#include "tensor/kernels/binary.h"

#include <algorithm>
#include <cmath>

#include "tensor/kernels/copy.h"
#include "tensor/kernels/loops.h"

namespace fluxion::kernels {

TensorData add(const TensorData& a, const TensorData& b) {
  return same_type_zip(a, b, "add", AddRule{});
}
TensorData sub(const TensorData& a, const TensorData& b) {
  return same_type_zip(a, b, "sub", SubRule{});
}
TensorData mul(const TensorData& a, const TensorData& b) {
  return same_type_zip(a, b, "mul", MulRule{});
}
TensorData addcmul(const TensorData& input, const TensorData& t1, const TensorData& t2, double value) {
  check(input.dtype == t1.dtype && t1.dtype == t2.dtype, "addcmul: dtypes ", dtype_name(input.dtype), ", ",
        dtype_name(t1.dtype), " and ", dtype_name(t2.dtype), " differ; convert with .to(dtype)");
  return dispatch_float(input.dtype, "addcmul", [&](auto tag) {
    using T = decltype(tag);
    const T v = static_cast<T>(value);
    return zip3<T, T, T, T>(input, t1, t2, "addcmul", [v](T x, T a, T b) { return x + v * a * b; });
  });
}

TensorData div(const TensorData& a, const TensorData& b) {
  check(a.dtype != Int64, "div: integer division is not supported; convert to a float dtype first");
  return same_type_zip(a, b, "div", DivRule{});
}

// Selects rather than std::fmax: they vectorise, and they propagate NaN
// where fmax would drop it (x NaN: x != x picks x; y NaN: every test fails, picking y).
TensorData maximum(const TensorData& a, const TensorData& b) {
  return same_type_zip(a, b, "maximum", [](auto x, auto y) { return x > y || x != x ? x : y; });
}
TensorData minimum(const TensorData& a, const TensorData& b) {
  return same_type_zip(a, b, "minimum", [](auto x, auto y) { return x < y || x != x ? x : y; });
}

TensorData atan2(const TensorData& y, const TensorData& x) {
  return float_zip(y, x, "atan2", [](auto u, auto v) { return std::atan2(u, v); });
}
TensorData hypot(const TensorData& a, const TensorData& b) {
  return float_zip(a, b, "hypot", [](auto u, auto v) { return std::hypot(u, v); });
}

TensorData pow(const TensorData& a, const TensorData& b) {
  check_same_dtype(a, b, "pow");
  if (a.dtype == Int64) {
    TensorData e = contiguous(b);
    const int64_t* pe = e.data<int64_t>();
    check(std::all_of(pe, pe + e.numel(), [](int64_t v) { return v >= 0; }),
          "pow: integers to negative integer powers are not allowed; convert with .to(fluxion::Float32) first");
    return zip<int64_t, int64_t, int64_t>(a, b, "pow", [](int64_t v, int64_t k) {
      uint64_t r = 1, base = (uint64_t)v;  // square and multiply, wrapping on overflow as PyTorch does
      for (; k > 0; k >>= 1, base *= base)
        if (k & 1) r *= base;
      return (int64_t)r;
    });
  }
  return float_zip(a, b, "pow", [](auto u, auto v) { return std::pow(u, v); });
}

}  // namespace fluxion::kernels
