// SPDX-License-Identifier: MIT
// Copies and conversions: contiguous, clone, to_dtype, full, copy_ / fill_
// between strided arrays, and reading one element (item).
#include "tensor/kernels/copy.h"

#include "tensor/kernels/loops.h"

namespace fluxion::kernels {

TensorData contiguous(const TensorData& x) { return x.is_contiguous() ? x : clone(x); }

TensorData clone(const TensorData& x) {
  return dispatch_all(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    return map<T, T>(x, [](T v) { return v; });
  });
}

TensorData to_dtype(const TensorData& x, DType dtype) {
  if (x.dtype == dtype) return x;
  return dispatch_all(dtype, [&](auto out_tag) {
    using O = decltype(out_tag);
    return dispatch_all(x.dtype, [&](auto in_tag) {
      using I = decltype(in_tag);
      return map<O, I>(x, [](I v) { return static_cast<O>(v); });
    });
  });
}

TensorData full(const Shape& shape, double value, DType dtype) {
  TensorData t = TensorData::empty(shape, dtype);
  fill_(t, value);
  return t;
}

void copy_(const TensorData& dst, const TensorData& src) {
  Shape b = broadcast_shapes(dst.shape, src.shape, "copy_");
  check(b == dst.shape, "copy_: cannot copy a tensor of shape ", src.shape, " into shape ",
        dst.shape);
  // Read src fully first, so an overlapping src/dst (x.copy_(x.flip(0))) is safe.
  TensorData s = to_dtype(src, dst.dtype);
  if (s.storage == dst.storage) s = clone(s);
  dispatch_all(dst.dtype, [&](auto tag) {
    using T = decltype(tag);
    T* pd = dst.data<T>();
    const T* ps = s.data<T>();
    Rows<2> r = rows_of<2>(dst.shape, {dst.strides, broadcast_strides(s, dst.shape)});
    for_each_row<2>(r.shape, r.strides, {0, 0}, 0, r.rows,
                    [&](auto off, int64_t n, auto step) { copy_row(pd + off[0], step[0], ps + off[1], step[1], n); });
  });
  dst.storage->version++;
}

void fill_(const TensorData& dst, double value) {
  dispatch_all(dst.dtype, [&](auto tag) {
    using T = decltype(tag);
    T v = static_cast<T>(value);
    T* pd = dst.data<T>();
    if (dst.is_contiguous()) {
      std::fill(pd, pd + dst.numel(), v);
    } else {
      Rows<1> r = rows_of<1>(dst.shape, {dst.strides});
      for_each_row<1>(r.shape, r.strides, {0}, 0, r.rows, [&](auto off, int64_t n, auto step) {
        for (int64_t i = 0; i < n; ++i) pd[off[0] + i * step[0]] = v;
      });
    }
  });
  dst.storage->version++;
}

double item(const TensorData& x, const char* op) {
  check(x.numel() == 1, op, ": expected a tensor with one element but got shape ", x.shape,
        "; reduce it first (e.g. .sum()) or index an element");
  return dispatch_all(x.dtype, [&](auto tag) { return static_cast<double>(*x.data<decltype(tag)>()); });
}

}  // namespace fluxion::kernels
