// SPDX-License-Identifier: MIT
// Elementwise kernels of one tensor: a scalar lambda per op, run by map().
#include "tensor/kernels/unary.h"

#include <cmath>
#include <limits>
#include <type_traits>

#include "tensor/kernels/loops.h"
#include "tensor/kernels/split_map.h"
#include "tensor/kernels/unary_rules.h"
#include "tensor/kernels/vmath.h"
#include "tensor/kernels/vmath_f32.h"
#include "tensor/kernels/vmath_f32_trig.h"
#include "tensor/kernels/vmath_f64.h"
#include "tensor/kernels/vmath_f64_hyp.h"
#include "tensor/kernels/vmath_f64_trig.h"

namespace fluxion::kernels {

template <class T>
constexpr bool is_f32 = std::is_same_v<T, float>;

TensorData neg(const TensorData& x) { return same_type_map(x, NegRule{}); }
TensorData abs(const TensorData& x) {
  return same_type_map(x, [](auto v) {
    if constexpr (std::is_floating_point_v<decltype(v)>)
      return std::fabs(v);  // |-0| = +0
    else
      return v < 0 ? NegRule{}(v) : v;  // |INT64_MIN| wraps to INT64_MIN
  });
}
TensorData sign(const TensorData& x) {
  return same_type_map(x, [](auto v) {
    using T = decltype(v);
    return v != v ? v : (T)((T{0} < v) - (v < T{0}));  // v != v: NaN
  });
}

TensorData exp(const TensorData& x) { return float_map(x, "exp", ExpRule{}); }
TensorData log(const TensorData& x) { return float_map(x, "log", LogRule{}); }
TensorData tanh(const TensorData& x) { return float_map(x, "tanh", TanhRule{}); }
TensorData sigmoid(const TensorData& x) { return float_map(x, "sigmoid", SigmoidRule{}); }
TensorData erf(const TensorData& x) {
  return float_map(x, "erf", [](auto v) __attribute__((always_inline)) {
    if constexpr (is_f32<decltype(v)>)
      return vmath::erf(v);
    else
      return vmath::f64::erf(v);
  });
}

TensorData expm1(const TensorData& x) {
  return float_map_split(
      x, "expm1", [](double v) { return vmath::f32::expm1(v); },
      [](double v) __attribute__((always_inline)) { return vmath::f64::expm1(v); });
}
TensorData log1p(const TensorData& x) {
  return float_map_split(
      x, "log1p", [](double v) { return vmath::f32::log1p(v); },
      [](double v) __attribute__((always_inline)) { return vmath::f64::log1p(v); });
}
TensorData sqrt(const TensorData& x) { return float_map(x, "sqrt", SqrtRule{}); }

// sin, cos, tan: vectorised below 2^20 in magnitude (each precision's reduction
// bound), std:: past it and for inf / NaN.
static constexpr auto trig_in_range = [](auto v) {
  if constexpr (is_f32<decltype(v)>)
    return std::fabs(v) < vmath::f32::kTrigBound;
  else
    return std::fabs(v) < vmath::f64::kTrigBound64;
};
TensorData sin(const TensorData& x) {
  return float_map_ranged(
      x, "sin", [](double v) __attribute__((always_inline)) { return vmath::f32::sin(v); },
      [](double v) __attribute__((always_inline)) { return vmath::f64::sin(v); }, [](double v) { return std::sin(v); },
      trig_in_range);
}
TensorData cos(const TensorData& x) {
  return float_map_ranged(
      x, "cos", [](double v) __attribute__((always_inline)) { return vmath::f32::cos(v); },
      [](double v) __attribute__((always_inline)) { return vmath::f64::cos(v); }, [](double v) { return std::cos(v); },
      trig_in_range);
}
TensorData tan(const TensorData& x) {
  return float_map_ranged(
      x, "tan", [](double v) __attribute__((always_inline)) { return vmath::f32::tan(v); },
      [](double v) __attribute__((always_inline)) { return vmath::f64::tan(v); }, [](double v) { return std::tan(v); },
      trig_in_range);
}

TensorData relu(const TensorData& x) {
  // Written so that NaN > 0 is false and NaN is kept (as PyTorch does).
  return same_type_map(x, [](auto v) { return v <= 0 ? decltype(v){0} : v; });
}

TensorData softplus(const TensorData& x, double beta, double threshold) {
  check(beta != 0, "softplus: beta must be nonzero");
  return dispatch_float(x.dtype, "softplus", [&](auto tag) {
    using T = decltype(tag);
    T b = (T)beta, th = (T)threshold;
    // log(1 + e^z) = max(z, 0) + log1p(e^{-|z|}): e^{-|z|} <= 1 never overflows.
    // Float32 evaluates that in double with vmath_f32's exp / log1p (vectorised,
    // rounded once); Float64 with vmath's, within 1.7 ulp (std::'s pair: 1.5).
    return map<T, T>(x, [b, th](T v) __attribute__((always_inline)) {
      double z = (double)b * v, e = -vmath::fabs(z), t;  // t = log1p(e^e), in T's precision
      if constexpr (is_f32<T>)
        t = vmath::f32::log1p(vmath::f32::exp(e));
      else
        t = vmath::f64::log1p(vmath::exp(e));
      return (T)vmath::blend(b * v > th, (double)v, (vmath::blend(z > 0, z, 0.0) + t) / b);
    });
  });
}

TensorData pow(const TensorData& x, double p) {
  TensorData y = TensorData::empty(x.shape, x.dtype);
  pow_into(x, p, y);
  return y;
}

void pow_into(const TensorData& x, double p, const TensorData& y) {
  check(y.dtype == x.dtype && y.shape == x.shape && y.is_contiguous(), "pow_into: y (shape ", y.shape, ", ",
        dtype_name(y.dtype), ") must be contiguous, of x's shape ", x.shape, " and dtype ", dtype_name(x.dtype));
  if (x.dtype == Int64) {
    check(p >= 0 && p == std::floor(p), "pow: an int64 tensor needs an integer exponent >= 0, got ", p,
          "; convert with .to(fluxion::Float32) first");
    auto e = (int64_t)p;
    map_into<int64_t, int64_t>(x, y, [e](int64_t v) {
      uint64_t r = 1, base = (uint64_t)v;  // square and multiply, wrapping on overflow as PyTorch does
      for (int64_t k = e; k > 0; k >>= 1, base *= base)
        if (k & 1) r *= base;
      return (int64_t)r;
    });
    return;
  }
  dispatch_float(x.dtype, "pow", [&](auto tag) {
    using T = decltype(tag);
    auto run = [&](auto f) { map_into<T, T>(x, y, f); };
    if (p == 0) return run([](T) { return T{1}; });
    if (p == 1) return run([](T v) { return v; });
    if (p == 2) return run([](T v) { return v * v; });
    if (p == 3) return run([](T v) { return v * v * v; });
    if (p == 0.5) return run([](T v) { return std::sqrt(v); });
    if (p == -0.5) return run([](T v) { return T{1} / std::sqrt(v); });
    if (p == -1) return run([](T v) { return T{1} / v; });
    if (p == -2) return run([](T v) { return T{1} / (v * v); });
    T e = (T)p;
    return run([e](T v) { return std::pow(v, e); });
  });
}

TensorData clamp(const TensorData& x, std::optional<double> lo, std::optional<double> hi) {
  check(lo || hi, "clamp: give at least one of min and max");
  return dispatch(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    if (x.dtype == Int64)
      check((!lo || *lo == std::floor(*lo)) && (!hi || *hi == std::floor(*hi)),
            "clamp: bounds of an int64 tensor must be integers; convert with .to(fluxion::Float32) first");
    // A missing bound is an infinite one (for int64: its extremes).
    using L = std::numeric_limits<T>;
    T none = L::has_infinity ? L::infinity() : L::max();
    T l = lo ? (T)*lo : -none, h = hi ? (T)*hi : none;
    return map<T, T>(x, [l, h](T v) {
      T r = v < l ? l : v;  // comparisons with NaN are false: NaN passes through
      return r > h ? h : r;
    });
  });
}

}  // namespace fluxion::kernels
