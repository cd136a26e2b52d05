// SPDX-License-Identifier: MIT
// Comparisons (eq, lt, ...), isfinite / isnan and where: elementwise kernels
// that produce or consume masks.
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

TensorData where(const TensorData& cond, const TensorData& a, const TensorData& b) {
  check(a.dtype == b.dtype, "where: dtypes ", dtype_name(a.dtype), " and ", dtype_name(b.dtype),
        " differ; convert one with .to(dtype)");
  return dispatch(cond.dtype, [&](auto ctag) {
    using C = decltype(ctag);
    return dispatch(a.dtype, [&](auto tag) {
      using T = decltype(tag);
      return zip3<T, C, T, T>(cond, a, b, "where", [](C c, T x, T y) { return c != 0 ? x : y; });
    });
  });
}

}  // namespace fluxion::kernels
