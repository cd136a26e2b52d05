// SPDX-License-Identifier: MIT
// Comparisons (eq, lt, ...), tests (isfinite, isnan, isinf ...), logical ops and
// where: elementwise kernels that produce or consume Bool masks.
#include "tensor/kernels/compare.h"

#include <cmath>

#include "tensor/kernels/copy.h"
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
  return dispatch_all(a.dtype, [&](auto tag) {
    using T = decltype(tag);
    auto run = [&](auto f) { return zip<bool, T, T>(a, b, name, f); };
    switch (op) {
      case Compare::eq:
        return run([](T x, T y) { return x == y; });
      case Compare::ne:
        return run([](T x, T y) { return x != y; });
      case Compare::lt:
        return run([](T x, T y) { return x < y; });
      case Compare::le:
        return run([](T x, T y) { return x <= y; });
      case Compare::gt:
        return run([](T x, T y) { return x > y; });
      default:
        return run([](T x, T y) { return x >= y; });
    }
  });
}

// A Bool test of each element; integers and bools are finite, never NaN or inf.
template <class F>
static TensorData test(const TensorData& x, bool integral_answer, F f) {
  return dispatch_all(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>)
      return map<bool, T>(x, f);
    else
      return map<bool, T>(x, [integral_answer](T) { return integral_answer; });
  });
}

TensorData isfinite(const TensorData& x) {
  return test(x, true, [](auto v) { return std::isfinite(v); });
}
TensorData isnan(const TensorData& x) {
  return test(x, false, [](auto v) { return v != v; });
}
TensorData isinf(const TensorData& x) {
  return test(x, false, [](auto v) { return std::isinf(v); });
}
TensorData isposinf(const TensorData& x) {
  return test(x, false, [](auto v) { return std::isinf(v) && v > 0; });
}
TensorData isneginf(const TensorData& x) {
  return test(x, false, [](auto v) { return std::isinf(v) && v < 0; });
}

TensorData logical(const TensorData& a, const TensorData& b, Logical op) {
  static const char* names[] = {"logical_and", "logical_or", "logical_xor"};
  TensorData x = to_dtype(a, Bool), y = to_dtype(b, Bool);
  switch (op) {
    case Logical::and_:
      return zip<bool, bool, bool>(x, y, names[0], [](bool u, bool v) { return u && v; });
    case Logical::or_:
      return zip<bool, bool, bool>(x, y, names[1], [](bool u, bool v) { return u || v; });
    default:
      return zip<bool, bool, bool>(x, y, names[2], [](bool u, bool v) { return u != v; });
  }
}

TensorData logical_not(const TensorData& x) {
  return dispatch_all(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    return map<bool, T>(x, [](T v) { return v == T(0); });
  });
}

TensorData where(const TensorData& cond, const TensorData& a, const TensorData& b) {
  check(a.dtype == b.dtype, "where: dtypes ", dtype_name(a.dtype), " and ", dtype_name(b.dtype),
        " differ; convert one with .to(dtype)");
  return dispatch_all(cond.dtype, [&](auto ctag) {
    using C = decltype(ctag);
    return dispatch_all(a.dtype, [&](auto tag) {
      using T = decltype(tag);
      return zip3<T, C, T, T>(cond, a, b, "where", [](C c, T x, T y) { return c != C(0) ? x : y; });
    });
  });
}

}  // namespace fluxion::kernels
