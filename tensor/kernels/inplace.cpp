// SPDX-License-Identifier: MIT
// In-place arithmetic on existing arrays (add_, mul_, ...): what optimizers
// and gradient accumulation write into parameters and .grad.
#include "tensor/kernels/inplace.h"

#include <cmath>

#include "tensor/kernels/copy.h"
#include "tensor/kernels/loops.h"

namespace fluxion::kernels {

static void check_scalar_fits(const TensorData& dst, double v, const char* op) {
  check(dst.dtype != Int64 || v == std::floor(v), op, ": cannot apply the fractional scalar ", v,
        " to an int64 tensor in place; convert it with .to(fluxion::Float32) first");
}

// dst[i] = f(dst[i], src[i]) with src broadcast to dst's shape, in dst's dtype.
template <class F>
static void zip_into(const TensorData& dst, const TensorData& src, const char* op, F f) {
  check(broadcast_shapes(dst.shape, src.shape, op) == dst.shape, op, ": cannot broadcast shape ",
        to_string(src.shape), " into the shape ", to_string(dst.shape), " of the tensor written to");
  check(src.dtype == dst.dtype || is_floating(dst.dtype), op, ": cannot write a ", dtype_name(src.dtype),
        " result into an int64 tensor in place");
  for (int64_t d = 0; d < dst.dim(); ++d)
    check(dst.strides[d] != 0 || dst.shape[d] <= 1, op, ": the tensor written to (shape ", to_string(dst.shape),
          ") is an expanded view whose elements share memory; write into a .clone() instead");
  // Read src fully first when it shares memory with dst (x.add_(x.flip(0))).
  TensorData s = to_dtype(src, dst.dtype);
  if (s.storage == dst.storage) s = clone(s);
  dispatch(dst.dtype, [&](auto tag) {
    using T = decltype(tag);
    T* pd = dst.data<T>();
    const T* ps = s.data<T>();
    int64_t n = dst.numel();
    if (dst.is_contiguous() && s.is_contiguous() && s.shape == dst.shape) {
      parallel_for(n, kParallelGrain, [&](int64_t b, int64_t e) { flat_zip(pd + b, pd + b, ps + b, e - b, f); });
    } else if (dst.is_contiguous() && s.numel() == 1) {
      T v = *ps;
      parallel_for(n, kParallelGrain, [&](int64_t b, int64_t e) { flat_zip_scalar_b(pd + b, pd + b, v, e - b, f); });
    } else {
      Rows<2> r = rows_of<2>(dst.shape, {dst.strides, broadcast_strides(s, dst.shape)});
      for_each_row<2>(r.shape, r.strides, {0, 0}, 0, r.rows, [&](auto off, int64_t len, auto step) {
        for (int64_t i = 0; i < len; ++i) {
          T& d = pd[off[0] + i * step[0]];
          d = (T)f(d, ps[off[1] + i * step[1]]);
        }
      });
    }
  });
  dst.storage->version++;
}

void add_(const TensorData& dst, const TensorData& src, double alpha) {
  check_scalar_fits(dst, alpha, "add_");
  dispatch(dst.dtype, [&](auto tag) {
    using T = decltype(tag);
    T a = (T)alpha;
    if (alpha == 1) zip_into(dst, src, "add_", [](T d, T s) { return (T)(d + s); });
    else zip_into(dst, src, "add_", [a](T d, T s) { return (T)(d + a * s); });
  });
}

void mul_(const TensorData& dst, const TensorData& src) {
  dispatch(dst.dtype, [&](auto tag) {
    using T = decltype(tag);
    zip_into(dst, src, "mul_", [](T d, T s) { return (T)(d * s); });
  });
}

void mul_(const TensorData& dst, double value) {
  check_scalar_fits(dst, value, "mul_");
  TensorData v = full({}, value, dst.dtype);
  mul_(dst, v);
}

}  // namespace fluxion::kernels
