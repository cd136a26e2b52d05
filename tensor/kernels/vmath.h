// SPDX-License-Identifier: MIT
// exp, log, tanh, sigmoid and erf that the compiler can vectorise (Float32),
// and exp and tanh for Float64.
//
// std::exp and friends are opaque library calls, so a loop over them runs one
// element at a time. These are branch-free: range reduction with integer bit
// tricks, a short polynomial, and special cases (inf, NaN, zero, denormals)
// chosen with selects, which GCC turns into vector blends. Inside the loops of
// loops.h (cloned for AVX-512 / AVX2 / baseline) they run 16 floats at a time.
// Accuracy: within 2 ulp of the correctly rounded result over the whole
// range (tests/tensor/test_elementwise.cpp holds them to std::); Float64 within
// 1.5 ulp, which finite-difference gradient checks cannot tell from std::.
// Polynomials: Cephes (exp, log, tanh), erf fitted with mpmath.chebyfit,
// Float64 exp by its Taylor series to degree 13 (error < 2^-60 on |r| <= ln2/2).
// The other Float64 functions are in vmath_f64.h (log, log1p, log2, log10,
// exp2, expm1), vmath_f64_trig.h (sin, cos, tan, atan, asin, acos),
// vmath_f64_hyp.h (sinh, cosh, asinh, acosh, atanh, erf) and
// vmath_f64_special.h (erfc, digamma for x > 0, erfinv for |y| < 1) and
// vmath_f64_gamma.h (lgamma and polygamma for x > 0), within 1 ulp; sinc is
// with sin in vmath_f64_trig.h.
#pragma once
#include <bit>
#include <cstdint>
#include <limits>

namespace fluxion::vmath {

#define FLUXION_VMATH inline __attribute__((always_inline))

FLUXION_VMATH float from_bits(uint32_t u) { return std::bit_cast<float>(u); }
FLUXION_VMATH uint32_t to_bits(float f) { return std::bit_cast<uint32_t>(f); }
FLUXION_VMATH float fabs(float x) { return from_bits(to_bits(x) & 0x7fffffffu); }
FLUXION_VMATH double from_bits(uint64_t u) { return std::bit_cast<double>(u); }
FLUXION_VMATH uint64_t to_bits(double d) { return std::bit_cast<uint64_t>(d); }
FLUXION_VMATH double fabs(double x) { return from_bits(to_bits(x) & uint64_t{0x7fffffffffffffff}); }

/// c ? a : b as a bit blend. A plain ?: with a constant arm lets GCC fold that
/// case into a branch of its own (jump threading), which the vectoriser then
/// cannot turn back into a select; the blend is opaque to that.
FLUXION_VMATH double blend(bool c, double a, double b) {
  uint64_t m = uint64_t{0} - (uint64_t)c;
  return from_bits((to_bits(a) & m) | (to_bits(b) & ~m));
}
FLUXION_VMATH float blend(bool c, float a, float b) {
  uint32_t m = uint32_t{0} - (uint32_t)c;
  return from_bits((to_bits(a) & m) | (to_bits(b) & ~m));
}

/// The core of e^x: x = n ln2 + r with |r| <= ln2/2; returns e^r (a degree-7
/// polynomial) and sets k = n, so that e^x = e^r 2^k. x must be finite and
/// within [-104, 89].
FLUXION_VMATH float exp_reduced(float x, int32_t& k) {
  // n = round(x / ln2): adding 1.5 * 2^23 rounds to an integer and leaves it
  // in the low mantissa bits, so n comes out as an int without a (UB-prone) cast.
  const float magic = 12582912.0f;
  float shifted = x * 1.44269504f + magic;
  float n = shifted - magic;
  k = (int32_t)(to_bits(shifted) - to_bits(magic));
  // r = x - n ln2, with ln2 split in two so that n * 0.693359375 is exact (Cody-Waite).
  float r = x - n * 0.693359375f;
  r = r + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  return p * (r * r) + r + 1.0f;
}

/// e^x = e^r 2^n (exp_reduced).
FLUXION_VMATH float exp(float x) {
  // Beyond these bounds e^x is inf or 0 in float; NaN passes through both selects.
  x = x > 89.0f ? 89.0f : x;
  x = x < -104.0f ? -104.0f : x;
  int32_t k;
  float p = exp_reduced(x, k);
  // 2^n as two normal factors 2^(n/2) 2^(n - n/2), so that results in the
  // denormal range (n < -126) and up to overflow come out right.
  int32_t k1 = k >> 1, k2 = k - k1;
  return p * from_bits((uint32_t)(k1 + 127) << 23) * from_bits((uint32_t)(k2 + 127) << 23);
}

/// Float64 e^r for x = n ln2 + r, |r| <= ln2/2, setting k = n (as the float version).
FLUXION_VMATH double exp_reduced(double x, int64_t& k) {
  const double magic = 6755399441055744.0;  // 1.5 * 2^52
  double shifted = x * 1.4426950408889634 + magic;
  double n = shifted - magic;
  k = (int64_t)(to_bits(shifted) - to_bits(magic));
  double r = x - n * 6.93145751953125e-1;  // ln2 = 0.693145751953125 + 1.42860682030941723212e-6
  r = r - n * 1.42860682030941723212e-6;
  double p = 1.0 / 6227020800.0;  // 1/13!, then by Horner down to 1/2!
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  return p * (r * r) + r + 1.0;
}

/// Float64 e^x = e^r 2^n, with the float version's two-factor scaling.
FLUXION_VMATH double exp(double x) {
  x = blend(x > 709.8, 709.8, x);  // e^709.8 overflows to inf, e^-746 rounds to 0; NaN passes
  x = blend(x < -746.0, -746.0, x);
  int64_t k;
  double p = exp_reduced(x, k);
  int64_t k1 = k >> 1, k2 = k - k1;
  return p * from_bits((uint64_t)(k1 + 1023) << 52) * from_bits((uint64_t)(k2 + 1023) << 52);
}

/// ln x.  x = m 2^e with m in [sqrt(1/2), sqrt 2);  ln x = e ln2 + ln(1 + f), f = m - 1.
FLUXION_VMATH float log(float x) {
  // Denormals: scale by 2^23 first, and take 23 off the exponent.
  bool tiny = x < 1.17549435e-38f;
  float xs = tiny ? x * 8388608.0f : x;
  // Subtracting the bits of sqrt(1/2) puts m in [sqrt(1/2), sqrt 2) and e in the high bits.
  uint32_t u = to_bits(xs) - 0x3f3504f3u;
  int32_t e = (int32_t)u >> 23;
  float m = from_bits((u & 0x007fffffu) + 0x3f3504f3u);
  float ef = (float)(tiny ? e - 23 : e);
  float f = m - 1.0f, z = f * f;
  float y = 7.0376836292e-2f;
  y = y * f - 1.1514610310e-1f;
  y = y * f + 1.1676998740e-1f;
  y = y * f - 1.2420140846e-1f;
  y = y * f + 1.4249322787e-1f;
  y = y * f - 1.6668057665e-1f;
  y = y * f + 2.0000714765e-1f;
  y = y * f - 2.4999993993e-1f;
  y = y * f + 3.3333331174e-1f;
  y = y * f * z;
  y = y - 2.12194440e-4f * ef;  // ln2 = 0.693359375 - 2.12194440e-4, as in exp
  y = y - 0.5f * z;
  float r = f + y + 0.693359375f * ef;
  // ln(+inf) = inf, ln(NaN) = NaN, ln(x < 0) = NaN, ln(+-0) = -inf.
  const float inf = std::numeric_limits<float>::infinity();
  r = x < inf ? r : x;
  r = x < 0.0f ? std::numeric_limits<float>::quiet_NaN() : r;
  return x == 0.0f ? -inf : r;
}

/// tanh x: an odd polynomial for |x| < 0.625, else 1 - 2 / (e^{2|x|} + 1); then x's sign.
/// Past |x| = 9.1 tanh rounds to 1, so e^{2|x|} is taken at min(|x|, 10): it
/// neither overflows nor underflows and needs only one scale factor 2^n.
FLUXION_VMATH float tanh(float x) {
  float a = fabs(x), z = a * a;
  float small = -5.70498872745e-3f;
  small = small * z + 2.06390887954e-2f;
  small = small * z - 5.37397155531e-2f;
  small = small * z + 1.33314422036e-1f;
  small = small * z - 3.33332819422e-1f;
  small = small * z * a + a;
  int32_t k;
  float e = exp_reduced(2.0f * (a < 10.0f ? a : 10.0f), k);  // NaN takes 10; restored below
  e = e * from_bits((uint32_t)(k + 127) << 23);
  float large = 1.0f - 2.0f / (e + 1.0f);
  float r = a < 0.625f ? small : large;
  r = x != x ? x : r;
  return from_bits(to_bits(r) | (to_bits(x) & 0x80000000u));  // tanh(-x) = -tanh(x), also for -0
}

/// Float64 tanh: Cephes' rational x + x z P(z)/Q(z), z = x², for |x| < 0.625,
/// else 1 - 2 / (e^{2|x|} + 1) with |x| capped at 22 (past 19 tanh rounds to 1).
FLUXION_VMATH double tanh(double x) {
  double a = fabs(x), z = a * a;
  double p = (-9.64399179425052238628e-1 * z - 9.92877231001918586564e1) * z - 1.61468768441708447952e3;
  double q = ((z + 1.12811678491632931402e2) * z + 2.23548839060100448583e3) * z + 4.84406305325125486048e3;
  double small = a + a * z * p / q;
  int64_t k;
  double e = exp_reduced(2.0 * (a < 22.0 ? a : 22.0), k);  // NaN takes 22; restored below
  e = e * from_bits((uint64_t)(k + 1023) << 52);
  double large = 1.0 - 2.0 / (e + 1.0);
  double r = a < 0.625 ? small : large;
  r = x != x ? x : r;
  return from_bits(to_bits(r) | (to_bits(x) & uint64_t{0x8000000000000000}));
}

/// sigmoid x = 1 / (1 + e^-x), computed stably: with e = e^{-|x|} <= 1 nothing
/// overflows, and for x < 0 the tiny result e / (1 + e) keeps full precision.
FLUXION_VMATH float sigmoid(float x) {
  float e = exp(-fabs(x));
  float s = 1.0f / (1.0f + e);
  return x >= 0.0f ? s : e * s;
}

/// erf x: x P(x^2) for |x| < 0.921875; else sign(x) (1 - e^{Q(|x|)}), Q ~ ln erfc.
FLUXION_VMATH float erf(float x) {
  float s = x * x;
  float small = -6.00408115592e-4f;
  small = small * s + 4.99602012225e-3f;
  small = small * s - 2.67687566998e-2f;
  small = small * s + 1.12818823194e-1f;
  small = small * s - 3.76125008962e-1f;
  small = small * s + 1.12837915083f;
  small = small * x;
  // Past 4, erfc < 2^-25 and erf rounds to 1; the clamp keeps Q in its fitted range.
  float a = fabs(x);
  a = a < 4.0f ? a : 4.0f;
  float q = 1.6435709185e-6f;
  q = q * a - 4.61782760818e-5f;
  q = q * a + 5.97749842656e-4f;
  q = q * a - 4.76362303219e-3f;
  q = q * a + 2.64312121154e-2f;
  q = q * a - 1.10094941744e-1f;
  q = q * a - 6.31813883778e-1f;
  q = q * a - 1.13023808086f;
  q = q * a + 3.20581638696e-4f;
  float large = 1.0f - exp(q);
  large = x < 0.0f ? -large : large;
  large = x != x ? x : large;  // NaN
  return fabs(x) < 0.921875f ? small : large;
}

#undef FLUXION_VMATH

}  // namespace fluxion::vmath
