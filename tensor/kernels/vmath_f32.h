// SPDX-License-Identifier: MIT
// Float32 special functions that the compiler can vectorise, computed in
// double and rounded once: log1p, expm1, atan, asin, acos, sinh, cosh, asinh,
// acosh, atanh, log2, log10, exp2 and erfc.
//
// Working in double leaves ~29 guard bits, so plain Taylor series (exact
// rational coefficients, nothing fitted) with a few selects for the ranges
// reach a relative error below 1e-13 before the final rounding: the float
// result is within 1 ulp of the correctly rounded one (test_special_simd.cpp
// sweeps every function against std:: in double). Each is branch-free and
// inlines into the cloned loops of loops.h, 8 doubles per AVX-512 op.
// Not for Float64 tensors: these are only accurate to ~1e-13.
#pragma once
#include "tensor/kernels/vmath.h"

namespace fluxion::vmath::f32 {

#define FLUXION_VMATH inline __attribute__((always_inline))

inline constexpr double kInf = std::numeric_limits<double>::infinity();
inline constexpr double kPi = 3.141592653589793;

/// |x| with y's sign bit.
FLUXION_VMATH double with_sign(double a, double y) {
  return from_bits(to_bits(a) | (to_bits(y) & uint64_t{0x8000000000000000}));
}

/// e^x: vmath's double core, with x clamped to [-745, 709] by blends (NaN passes):
/// far enough for every float result to overflow or underflow as it should.
FLUXION_VMATH double exp(double x) {
  x = blend(x > 709.0, 709.0, x);
  x = blend(x < -745.0, -745.0, x);
  int64_t k;
  double p = exp_reduced(x, k);
  int64_t k1 = k >> 1, k2 = k - k1;
  return p * from_bits((uint64_t)(k1 + 1023) << 52) * from_bits((uint64_t)(k2 + 1023) << 52);
}

/// Horner's rule, highest coefficient first: poly(x, a, b, c) = (a x + b) x + c.
/// A fold, so that every step is unrolled inside the vectorised loop.
template <class... C>
FLUXION_VMATH double poly(double x, double first, C... rest) {
  double p = first;
  ((p = p * x + rest), ...);
  return p;
}

/// ln x = e ln2 + ln m, m in [sqrt(1/2), sqrt 2); ln m = 2 atanh s = 2 (s + s^3/3 + ...),
/// s = (m - 1)/(m + 1), |s| < 0.172: terms to s^19 leave < 1e-15.
FLUXION_VMATH double log(double x) {
  uint64_t u = to_bits(x) - uint64_t{0x3fe6a09e667f3bcd};  // the bits of sqrt(1/2)
  double e = (double)(int32_t)((int64_t)u >> 52);          // via int32: x86 has no int64 -> double before AVX-512DQ
  double m = from_bits((u & uint64_t{0x000fffffffffffff}) + uint64_t{0x3fe6a09e667f3bcd});
  double s = (m - 1) / (m + 1), z = s * s;
  double p = poly(z, 1.0 / 19, 1.0 / 17, 1.0 / 15, 1.0 / 13, 1.0 / 11, 1.0 / 9, 1.0 / 7, 1.0 / 5, 1.0 / 3);
  double r = e * 0.6931471805599453 + (2 * s + 2 * s * z * p);
  r = blend(x < kInf, r, x);  // +inf, NaN
  r = blend(x < 0, std::numeric_limits<double>::quiet_NaN(), r);
  return blend(x == 0, -kInf, r);
}

/// ln(1 + x): with u = 1 + x rounded, ln u + (x - (u - 1)) / u restores what the rounding lost.
FLUXION_VMATH double log1p(double x) {
  double u = 1 + x;
  double c = (x - (u - 1)) / u;
  c = blend((u > 0) & (u < kInf), c, 0.0);
  double r = log(u) + c;
  return blend(x == 0, x, r);  // keeps -0
}

/// e^x - 1: the Taylor series to x^15 for |x| < 1/2 (no cancellation), else e^x - 1.
FLUXION_VMATH double expm1(double x) {
  double p = poly(x, 1.0 / 1307674368000, 1.0 / 87178291200, 1.0 / 6227020800, 1.0 / 479001600,  // 1/15! ... 1/2!
                  1.0 / 39916800, 1.0 / 3628800, 1.0 / 362880, 1.0 / 40320, 1.0 / 5040, 1.0 / 720, 1.0 / 120, 1.0 / 24,
                  1.0 / 6, 0.5);
  double small = x + x * x * p;
  double r = blend(fabs(x) < 0.5, small, exp(x) - 1);
  return blend(x == 0, x, r);
}

/// atan x for x >= 0 or NaN: t = min(x, 1/x); past tan(pi/12) the identity
/// atan t = pi/6 + atan((t - c) / (1 + t c)), c = 1/sqrt 3, brings t below
/// 0.268; then t - t^3/3 + ... to t^25 (< 1e-15); pi/2 - that for x > 1.
FLUXION_VMATH double atan_positive(double a) {
  bool inv = a > 1;
  double t = blend(inv, 1 / a, a);
  bool shifted = t > 0.2679491924311227;
  const double c = 0.5773502691896258;
  t = blend(shifted, (t - c) / (1 + t * c), t);
  double z = t * t;
  double p = poly(z, -1.0 / 25, 1.0 / 23, -1.0 / 21, 1.0 / 19, -1.0 / 17, 1.0 / 15, -1.0 / 13, 1.0 / 11, -1.0 / 9,
                  1.0 / 7, -1.0 / 5, 1.0 / 3);
  double r = blend(shifted, kPi / 6, 0.0) + (t - t * z * p);
  return blend(inv, kPi / 2 - r, r);
}
FLUXION_VMATH double atan(double x) { return with_sign(atan_positive(fabs(x)), x); }

/// asin x = atan(x / sqrt((1 - x)(1 + x))): +-1 gives atan(+-inf) = +-pi/2, |x| > 1 NaN.
FLUXION_VMATH double asin(double x) { return atan(x / __builtin_sqrt((1 - x) * (1 + x))); }
/// acos x = 2 atan sqrt((1 - x) / (1 + x)): 0 at 1, pi at -1, NaN for |x| > 1.
FLUXION_VMATH double acos(double x) { return 2 * atan_positive(__builtin_sqrt((1 - x) / (1 + x))); }

/// sinh x: the Taylor series to x^19 for |x| < 1, else (e - 1/e) / 2 with e = e^|x|; x's sign.
FLUXION_VMATH double sinh(double x) {
  double a = fabs(x), z = a * a;
  double p = poly(z, 1.0 / 121645100408832000, 1.0 / 355687428096000, 1.0 / 1307674368000,  // 1/19! ... 1/3!
                  1.0 / 6227020800, 1.0 / 39916800, 1.0 / 362880, 1.0 / 5040, 1.0 / 120, 1.0 / 6);
  double e = exp(a);
  double r = blend(a < 1, a + a * z * p, 0.5 * e - 0.5 / e);
  return with_sign(r, x);
}
/// cosh x = (e + 1/e) / 2, e = e^|x| (no cancellation).
FLUXION_VMATH double cosh(double x) {
  double e = exp(fabs(x));
  return 0.5 * e + 0.5 / e;
}

/// asinh x = ln(a + sqrt(a^2 + 1)) = log1p(a + a^2 / (1 + sqrt(1 + a^2))), a = |x|; x's sign.
FLUXION_VMATH double asinh(double x) {
  double a = fabs(x), a2 = a * a;
  double r = log1p(a + a2 / (1 + __builtin_sqrt(1 + a2)));
  return with_sign(blend(a < kInf, r, a), x);  // inf^2 / inf would be NaN
}
/// acosh x = log1p(t + sqrt(t (t + 2))), t = x - 1 (exact), NaN below 1.
FLUXION_VMATH double acosh(double x) {
  double t = x - 1;
  double r = log1p(t + __builtin_sqrt(t * (t + 2)));
  return blend(x < 1, std::numeric_limits<double>::quiet_NaN(), r);
}
/// atanh x = log1p(2x / (1 - x)) / 2: +-inf at +-1, NaN beyond.
FLUXION_VMATH double atanh(double x) { return 0.5 * log1p(2 * x / (1 - x)); }

FLUXION_VMATH double log2(double x) { return log(x) * 1.4426950408889634; }
FLUXION_VMATH double log10(double x) { return log(x) * 0.4342944819032518; }
FLUXION_VMATH double exp2(double x) { return exp(x * 0.6931471805599453); }

/// erf x for |x| < 1/2: 2/sqrt(pi) sum_n (-1)^n x^(2n+1) / (n! (2n+1)) to n = 11.
FLUXION_VMATH double erf_series(double x) {
  double z = x * x;
  double s = poly(z, -1.0 / 918086400, 1.0 / 76204800, -1.0 / 6894720, 1.0 / 685440,  // (-1)^n / (n! (2n+1)),
                  -1.0 / 75600, 1.0 / 9360, -1.0 / 1320, 1.0 / 216, -1.0 / 42, 1.0 / 10, -1.0 / 3);  // n = 11 .. 1
  return 1.1283791670955126 * (x + x * z * s);
}

/// erfc x. |x| < 1/2: 1 - erf_series x. Else, for a = |x|, erfc a = e^{-a^2 + P(u)} / (a + 1/2) with P a
/// degree-14 fit (numpy chebfit against mpmath, error < 2e-11 on [0.5, 10.5]) in
/// u = 3.125 t - 1.5, t = 2 / (2 + a); past 10.5 erfc rounds to 0 in float. a^2 of
/// a float is exact in double. Negative x: erfc x = 2 - erfc |x|.
FLUXION_VMATH double erfc(double x) {
  double a = fabs(x), ac = blend(a < 10.5, a, 10.5);  // NaN takes 10.5; e^{-NaN} brings it back
  double u = 6.25 / (2 + ac) - 1.5;
  double p = poly(u, -1.3904657667606989e-07, -2.3810196402770594e-07, -4.2023139837565735e-07, -3.1297168033061261e-06,
                  -5.5758627632922416e-06, -3.9646399011326588e-06, -5.9996776063676741e-05, -0.00024828328030747419,
                  -0.00029816440911301789, -0.00058930928390122218, -0.0068883701022041327, -0.029421066497683446,
                  -0.048656773011983775, 0.052925311789756867, -0.45176101064591379);
  double tail = exp(p - a * a) / (a + 0.5);
  double r = blend(x < 0, 2 - tail, tail);
  return blend(a < 0.5, 1 - erf_series(x), r);
}

#undef FLUXION_VMATH

}  // namespace fluxion::vmath::f32
