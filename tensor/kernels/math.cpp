// SPDX-License-Identifier: MIT
// The kernels of math.h: a scalar lambda per op, run by map() / zip() (whose
// contiguous loops are cloned for AVX-512 / AVX2 / baseline).
#include "tensor/kernels/math.h"

#include <cmath>
#include <limits>
#include <numbers>

#include "tensor/kernels/copy.h"
#include "tensor/kernels/loops.h"
#include "tensor/kernels/special.h"
#include "tensor/kernels/split_map.h"
#include "tensor/kernels/vmath_f32.h"
#include "tensor/kernels/vmath_f32_special.h"
#include "tensor/kernels/vmath_f64.h"
#include "tensor/kernels/vmath_f64_gamma.h"
#include "tensor/kernels/vmath_f64_hyp.h"
#include "tensor/kernels/vmath_f64_special.h"
#include "tensor/kernels/vmath_f64_trig.h"

namespace fluxion::kernels {

// Rounding: int64 values are already whole.
template <class F>
static TensorData round_map(const TensorData& x, F f) {
  return x.dtype == Int64 ? contiguous(x) : same_type_map(x, f);
}

// Integer division by zero has no value; PyTorch raises, and so do we.
static void check_no_int_zero(const TensorData& b, const char* op) {
  if (b.dtype != Int64) return;
  TensorData c = contiguous(b);
  const int64_t* p = c.data<int64_t>();
  for (int64_t i = 0; i < c.numel(); ++i)
    check(p[i] != 0, op, ": integer division by zero (the divisor of shape ", b.shape,
          " has a 0); use a float dtype for inf/NaN results");
}

TensorData asin(const TensorData& x) {
  return float_map_split(
      x, "asin", [](double v) { return vmath::f32::asin(v); },
      [](double v) __attribute__((always_inline)) { return vmath::f64::asin(v); });
}
TensorData acos(const TensorData& x) {
  return float_map_split(
      x, "acos", [](double v) { return vmath::f32::acos(v); },
      [](double v) __attribute__((always_inline)) { return vmath::f64::acos(v); });
}
TensorData atan(const TensorData& x) {
  return float_map_split(
      x, "atan", [](double v) { return vmath::f32::atan(v); },
      [](double v) __attribute__((always_inline)) { return vmath::f64::atan(v); });
}
TensorData sinh(const TensorData& x) {
  return float_map_split(
      x, "sinh", [](double v) { return vmath::f32::sinh(v); },
      [](double v) __attribute__((always_inline)) { return vmath::f64::sinh(v); });
}
TensorData cosh(const TensorData& x) {
  return float_map_split(
      x, "cosh", [](double v) { return vmath::f32::cosh(v); },
      [](double v) __attribute__((always_inline)) { return vmath::f64::cosh(v); });
}
TensorData asinh(const TensorData& x) {
  return float_map_split(
      x, "asinh", [](double v) { return vmath::f32::asinh(v); },
      [](double v) __attribute__((always_inline)) { return vmath::f64::asinh(v); });
}
TensorData acosh(const TensorData& x) {
  return float_map_split(
      x, "acosh", [](double v) { return vmath::f32::acosh(v); },
      [](double v) __attribute__((always_inline)) { return vmath::f64::acosh(v); });
}
TensorData atanh(const TensorData& x) {
  return float_map_split(
      x, "atanh", [](double v) { return vmath::f32::atanh(v); },
      [](double v) __attribute__((always_inline)) { return vmath::f64::atanh(v); });
}
TensorData log2(const TensorData& x) {
  return float_map_split(
      x, "log2", [](double v) { return vmath::f32::log2(v); },
      [](double v) __attribute__((always_inline)) { return vmath::f64::log2(v); });
}
TensorData log10(const TensorData& x) {
  return float_map_split(
      x, "log10", [](double v) { return vmath::f32::log10(v); },
      [](double v) __attribute__((always_inline)) { return vmath::f64::log10(v); });
}
TensorData exp2(const TensorData& x) {
  return float_map_split(
      x, "exp2", [](double v) { return vmath::f32::exp2(v); },
      [](double v) __attribute__((always_inline)) { return vmath::f64::exp2(v); });
}
TensorData erfc(const TensorData& x) {
  return float_map_split(
      x, "erfc", [](double v) { return vmath::f32::erfc(v); },
      [](double v) __attribute__((always_inline)) { return vmath::f64::erfc(v); });
}
TensorData erfinv(const TensorData& x) {
  return float_map_ranged(
      x, "erfinv", [](double v) __attribute__((always_inline)) { return vmath::f32::erfinv(v); },
      [](double v) __attribute__((always_inline)) { return vmath::f64::erfinv(v); },
      [](double v) { return special::erfinv(v); },
      [](auto v) { return std::fabs(v) < 1; });  // +-1 (+-inf), |y| > 1 and NaN (NaN): the scalar pass
}
TensorData lgamma(const TensorData& x) {
  return float_map_ranged(
      x, "lgamma", [](double v) __attribute__((always_inline)) { return vmath::f32::lgamma_positive(v); },
      [](double v) __attribute__((always_inline)) { return vmath::f64::lgamma_positive(v); },
      [](double v) { return std::lgamma(v); },
      [](auto v) { return v > 0 && v < INFINITY; });  // x <= 0 (the poles and sign changes), inf, NaN: std::
}
TensorData polygamma(int n, const TensorData& x) {
  check(n >= 0, "polygamma: the order n must be >= 0, got ", n);
  auto positive = [](auto v) { return v > 0 && v < INFINITY; };  // x <= 0 (poles, reflection), inf, NaN: scalar
  if (n == 0)  // digamma
    return float_map_ranged(
        x, "digamma", [](double v) __attribute__((always_inline)) { return vmath::f32::digamma_positive(v); },
        [](double v) __attribute__((always_inline)) { return vmath::f64::digamma_positive(v); },
        [](double v) { return special::digamma(v); }, positive);
  if (n > vmath::f64::kPolygammaMaxOrder)  // past pow_neg's clamp and the tested orders: the scalar form throughout
    return float_map(x, "polygamma", [n](auto v) { return special::polygamma(n, (double)v); });
  vmath::f64::PolygammaCoefs c = vmath::f64::polygamma_coefs(n);
  auto fast = [c](double v) __attribute__((always_inline)) { return vmath::f64::polygamma_positive(v, c); };
  return float_map_ranged(x, "polygamma", fast, fast, [n](double v) { return special::polygamma(n, v); }, positive);
}
TensorData sinc(const TensorData& x) {
  auto fast = [](double v) __attribute__((always_inline)) { return vmath::f64::sinc(v); };
  return float_map_ranged(x, "sinc", fast, fast, [](double v) { return special::sinc(v); },
                          [](auto v) { return std::fabs(v) < 0x1p52; });  // beyond: integers, inf, NaN
}

TensorData floor(const TensorData& x) {
  return round_map(x, [](auto v) { return std::floor(v); });
}
TensorData ceil(const TensorData& x) {
  return round_map(x, [](auto v) { return std::ceil(v); });
}
TensorData trunc(const TensorData& x) {
  return round_map(x, [](auto v) { return std::trunc(v); });
}
TensorData round(const TensorData& x, int64_t decimals) {
  // nearbyint rounds half to even in the default rounding mode (as torch.round).
  if (decimals == 0) return round_map(x, [](auto v) { return std::nearbyint(v); });
  check(x.dtype != Int64 || decimals > 0,
        "round: decimals < 0 needs a float tensor; convert with .to(fluxion::Float32)");
  double scale = std::pow(10.0, (double)std::abs(decimals));
  if (decimals > 0) return round_map(x, [scale](auto v) { return std::nearbyint(v * scale) / scale; });
  return round_map(x, [scale](auto v) { return std::nearbyint(v / scale) * scale; });
}

TensorData nan_to_num(const TensorData& x, double nan, double posinf, double neginf) {
  if (x.dtype == Int64) return contiguous(x);
  return dispatch_float(x.dtype, "nan_to_num", [&](auto tag) {
    using T = decltype(tag);
    T n = (T)nan, p = (T)posinf, m = (T)neginf;
    return map<T, T>(x, [n, p, m](T v) {
      return v != v                                     ? n
             : v == std::numeric_limits<T>::infinity()  ? p
             : v == -std::numeric_limits<T>::infinity() ? m
                                                        : v;
    });
  });
}

TensorData fmod(const TensorData& a, const TensorData& b) {
  check_no_int_zero(b, "fmod");
  return same_type_zip(a, b, "fmod", [](auto x, auto y) {
    if constexpr (std::is_floating_point_v<decltype(x)>)
      return std::fmod(x, y);
    else
      return x % y;
  });
}
TensorData remainder(const TensorData& a, const TensorData& b) {
  check_no_int_zero(b, "remainder");
  return same_type_zip(a, b, "remainder", [](auto x, auto y) {
    auto r = x;
    if constexpr (std::is_floating_point_v<decltype(x)>)
      r = std::fmod(x, y);
    else
      r = x % y;
    return (r != 0 && ((r < 0) != (y < 0))) ? r + y : r;  // move to the divisor's sign
  });
}
TensorData copysign(const TensorData& a, const TensorData& b) {
  return float_zip(a, b, "copysign", [](auto x, auto y) { return std::copysign(x, y); });
}
TensorData xlogy(const TensorData& a, const TensorData& b) {
  return float_zip(a, b, "xlogy", [](auto x, auto y) {
    if (y != y) return y;  // NaN in y wins, even where x == 0
    return x == 0 ? decltype(x){0} : x * std::log(y);
  });
}
TensorData heaviside(const TensorData& x, const TensorData& values) {
  return same_type_zip(x, values, "heaviside", [](auto v, auto at0) {
    using T = decltype(v);
    return v == 0 ? at0 : T(v > 0);  // NaN > 0 is false: 0, as PyTorch
  });
}
// logaddexp = max + log1p(e^{-|a - b|}), e^{-|a - b|} <= 1 never overflows; one
// infinite argument makes |a - b| infinite and the sum the max, equal
// arguments (equal infinities, whose difference is NaN) give a + ln 2.
// Branch-free on vmath's exp and log1p, so the loop vectorises. The formula,
// not the functions, bounds the error: within 2.4 ulp of the larger term in
// Float64 (as with std::exp and std::log1p), Float32 rounded once from double.
TensorData logaddexp(const TensorData& a, const TensorData& b) {
  check_same_dtype(a, b, "logaddexp");
  return dispatch_float(a.dtype, "logaddexp", [&](auto tag) {
    using T = decltype(tag);
    return zip<T, T, T>(a, b, "logaddexp", [](T x, T y) __attribute__((always_inline)) {
      double u = x, v = y, e = -vmath::fabs(u - v), t;  // t = log1p(e^e), in Float32's precision or Float64's
      if constexpr (std::is_same_v<T, float>)
        t = vmath::f32::log1p(vmath::f32::exp(e));
      else
        t = vmath::f64::log1p(vmath::exp(e));
      return (T)vmath::blend(u == v, u + std::numbers::ln2, vmath::blend(u > v, u, v) + t);
    });
  });
}

}  // namespace fluxion::kernels
