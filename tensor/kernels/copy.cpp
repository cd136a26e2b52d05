// SPDX-License-Identifier: MIT
// Copies and conversions: contiguous, clone, to_dtype, full, copy_ / fill_
// between strided arrays, and reading one element (item).
#include "tensor/kernels/copy.h"

#include <algorithm>
#include <cstring>

#include "tensor/kernels/index.h"
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

// y = [x_0, x_1, ...] along dim. With every x contiguous and of y's dtype, each
// is `outer` runs of (its size along dim) x inner values that land at a fixed
// offset in each of y's `outer` rows: one memcpy per run, where copy_ into a
// narrowed view of y would work out strides and broadcasting per input.
TensorData cat(const std::vector<TensorData>& xs, int64_t dim) {
  Shape shape = xs[0].shape;
  shape[dim] = 0;
  for (const TensorData& x : xs) shape[dim] += x.shape[dim];
  TensorData y = TensorData::empty(shape, xs[0].dtype);
  const bool plain = std::all_of(xs.begin(), xs.end(), [&](const TensorData& x) {
    return x.dtype == y.dtype && x.is_contiguous();
  });
  if (!plain) {
    int64_t at = 0;
    for (const TensorData& x : xs) {
      copy_(narrow_view(y, dim, at, x.shape[dim]), x);
      at += x.shape[dim];
    }
    return y;
  }
  const int64_t item = (int64_t)dtype_size(y.dtype);
  const int64_t outer = numel(Shape(shape.begin(), shape.begin() + dim));
  const int64_t inner = numel(Shape(shape.begin() + dim + 1, shape.end())) * item;  // bytes per index along dim
  char* out = static_cast<char*>(y.storage->data);
  int64_t at = 0;
  for (const TensorData& x : xs) {
    const int64_t run = x.shape[dim] * inner;
    const char* in = static_cast<const char*>(x.storage->data) + x.offset * item;
    if (run > 0)
      for (int64_t o = 0; o < outer; ++o) std::memcpy(out + o * shape[dim] * inner + at, in + o * run, (size_t)run);
    at += run;
  }
  return y;
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
