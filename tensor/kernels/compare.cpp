// SPDX-License-Identifier: MIT
// Comparisons (eq, lt, ...), tests (isfinite, isnan, isinf ...), logical ops and
// where: elementwise kernels that produce or consume Bool masks.
#include "tensor/kernels/compare.h"

#include <cmath>
#include <type_traits>

#include "tensor/kernels/copy.h"
#include "tensor/kernels/loops.h"
#include "tensor/kernels/vmath.h"

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

// y[i] = c[i] ? a[i or 0] : b[i or 0], one operand a single value. Floats are
// chosen by vmath::blend: with a constant arm GCC turns ?: into a branch, which
// keeps the loop scalar.
template <bool ScalarA, class C, class T>
FLUXION_SIMD_CLONES void where_scalar(T* y, const C* c, const T* a, const T* b, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const T x = a[ScalarA ? 0 : i], z = b[ScalarA ? i : 0];
    if constexpr (std::is_floating_point_v<T>)
      y[i] = vmath::blend(c[i] != C(0), x, z);
    else
      y[i] = c[i] != C(0) ? x : z;
  }
}

TensorData where(const TensorData& cond, const TensorData& a, const TensorData& b) {
  check(a.dtype == b.dtype, "where: dtypes ", dtype_name(a.dtype), " and ", dtype_name(b.dtype),
        " differ; convert one with .to(dtype)");
  // where(mask, x, 0) with a dense mask and x: masked gradients (relu's, clamp's) take
  // a flat loop the compiler vectorises instead of the broadcasting rows of zip3.
  // (A single value broadcasts to cond's shape when it has no more dims than cond.)
  auto dense = [&](const TensorData& t) { return t.is_contiguous() && t.shape == cond.shape; };
  auto single = [&](const TensorData& t) { return t.numel() == 1 && t.dim() <= cond.dim(); };
  const bool scalar_a = single(a) && dense(b), scalar_b = single(b) && dense(a);
  const bool flat = dense(cond) && (scalar_a || scalar_b);
  return dispatch_all(cond.dtype, [&](auto ctag) {
    using C = decltype(ctag);
    return dispatch_all(a.dtype, [&](auto tag) {
      using T = decltype(tag);
      if (!flat) return zip3<T, C, T, T>(cond, a, b, "where", [](C c, T x, T y) { return c != C(0) ? x : y; });
      TensorData y = TensorData::empty(cond.shape, a.dtype);
      // a Bool mask read as its bytes (0 or 1): GCC does not vectorise loads of bool
      using M = std::conditional_t<std::is_same_v<C, bool>, uint8_t, C>;
      const M* mask = reinterpret_cast<const M*>(cond.data<C>());
      parallel_for(y.numel(), kParallelGrain, [&](int64_t s, int64_t e) {
        if (scalar_a)
          where_scalar<true>(y.data<T>() + s, mask + s, a.data<T>(), b.data<T>() + s, e - s);
        else
          where_scalar<false>(y.data<T>() + s, mask + s, a.data<T>() + s, b.data<T>(), e - s);
      });
      return y;
    });
  });
}

}  // namespace fluxion::kernels
