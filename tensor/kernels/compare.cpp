// SPDX-License-Identifier: MIT
#include "tensor/kernels/compare.h"

#include <cmath>

#include "tensor/kernels/loops.h"

namespace fluxion::kernels {

static const char* compare_name(Compare op) {
  static const char* names[] = {"eq", "ne", "lt", "le", "gt", "ge"};
  return names[(int)op];
}

TensorData compare(const TensorData& a, const TensorData& b, Compare op) {
  const char* name = compare_name(op);
  check(a.dtype == b.dtype, name, ": dtypes ", dtype_name(a.dtype), " and ", dtype_name(b.dtype),
        " differ; convert one with .to(dtype)");
  return dispatch(a.dtype, [&](auto tag) {
    using T = decltype(tag);
    auto run = [&](auto f) { return zip<T, T, T>(a, b, name, [f](T x, T y) { return (T)f(x, y); }); };
    switch (op) {
      case Compare::eq: return run([](T x, T y) { return x == y; });
      case Compare::ne: return run([](T x, T y) { return x != y; });
      case Compare::lt: return run([](T x, T y) { return x < y; });
      case Compare::le: return run([](T x, T y) { return x <= y; });
      case Compare::gt: return run([](T x, T y) { return x > y; });
      default: return run([](T x, T y) { return x >= y; });
    }
  });
}

TensorData isfinite(const TensorData& x) {
  return dispatch(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    return map<T, T>(x, [](T v) {
      if constexpr (std::is_floating_point_v<T>) return (T)std::isfinite(v);
      else return T{1};
    });
  });
}

TensorData isnan(const TensorData& x) {
  return dispatch(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    return map<T, T>(x, [](T v) { return (T)(v != v); });
  });
}

template <class C, class T>
FLUXION_SIMD_CLONES static void flat_where(T* y, const C* c, const T* a, const T* b, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = c[i] != 0 ? a[i] : b[i];
}

TensorData where(const TensorData& cond, const TensorData& a, const TensorData& b) {
  check(a.dtype == b.dtype, "where: dtypes ", dtype_name(a.dtype), " and ", dtype_name(b.dtype),
        " differ; convert one with .to(dtype)");
  Shape shape = broadcast_shapes(broadcast_shapes(cond.shape, a.shape, "where"), b.shape, "where");
  TensorData y = TensorData::empty(shape, a.dtype);
  int64_t n = y.numel();
  dispatch(cond.dtype, [&](auto ctag) {
    using C = decltype(ctag);
    dispatch(a.dtype, [&](auto tag) {
      using T = decltype(tag);
      T* py = y.data<T>();
      const C* pc = cond.data<C>();
      const T *pa = a.data<T>(), *pb = b.data<T>();
      auto dense = [&](const TensorData& t) { return t.is_contiguous() && t.shape == shape; };
      if (dense(cond) && dense(a) && dense(b)) {
        parallel_for(n, kParallelGrain, [&](int64_t s, int64_t e) { flat_where(py + s, pc + s, pa + s, pb + s, e - s); });
        return;
      }
      int64_t cols = shape.empty() ? 1 : shape.back(), rows = cols ? n / cols : 0;
      std::array<Shape, 4> st{y.strides, broadcast_strides(cond, shape), broadcast_strides(a, shape),
                              broadcast_strides(b, shape)};
      parallel_for(rows, kParallelGrain / std::max<int64_t>(cols, 1) + 1, [&](int64_t rb, int64_t re) {
        for_each_row<4>(shape, st, {0, 0, 0, 0}, rb, re, [&](auto off, int64_t len, auto step) {
          for (int64_t i = 0; i < len; ++i)
            py[off[0] + i] = pc[off[1] + i * step[1]] != 0 ? pa[off[2] + i * step[2]] : pb[off[3] + i * step[3]];
        });
      });
    });
  });
  return y;
}

}  // namespace fluxion::kernels
