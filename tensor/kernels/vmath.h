// SPDX-License-Identifier: MIT
// Float32 exp, log, tanh, sigmoid and erf that the compiler can vectorise.
//
// std::exp and friends are opaque library calls, so a loop over them runs one
// element at a time. These are branch-free: range reduction with integer bit
// tricks, a short polynomial, and special cases (inf, NaN, zero, denormals)
// chosen with selects, which GCC turns into vector blends. Inside the loops of
// loops.h (cloned for AVX-512 / AVX2 / baseline) they run 16 floats at a time.
// Accuracy: within a few ulp of the correctly rounded result over the whole
// float range (tests/tensor/test_elementwise.cpp holds them to std::).
// Polynomials: Cephes (exp, log, tanh), erf fitted with mpmath.chebyfit.
// Float64 keeps the std:: functions: their accuracy is what gradient checks need.
#pragma once
#include <bit>
#include <cstdint>
#include <limits>

namespace fluxion::vmath {

#define FLUXION_VMATH inline __attribute__((always_inline))

FLUXION_VMATH float from_bits(uint32_t u) { return std::bit_cast<float>(u); }
FLUXION_VMATH uint32_t to_bits(float f) { return std::bit_cast<uint32_t>(f); }
FLUXION_VMATH float fabs(float x) { return from_bits(to_bits(x) & 0x7fffffffu); }

/// e^x.  x = n ln2 + r with |r| <= ln2/2;  e^x = 2^n e^r, e^r by a degree-7 polynomial.
FLUXION_VMATH float exp(float x) {
  // Beyond these bounds e^x is inf or 0 in float; NaN passes through both selects.
  x = x > 89.0f ? 89.0f : x;
  x = x < -104.0f ? -104.0f : x;
  // n = round(x / ln2): adding 1.5 * 2^23 rounds to an integer and leaves it
  // in the low mantissa bits, so n comes out as an int without a (UB-prone) cast.
  const float magic = 12582912.0f;
  float shifted = x * 1.44269504f + magic;
  float n = shifted - magic;
  int32_t k = (int32_t)(to_bits(shifted) - to_bits(magic));
  // r = x - n ln2, with ln2 split in two so that n * 0.693359375 is exact (Cody-Waite).
  float r = x - n * 0.693359375f;
  r = r + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * (r * r) + r + 1.0f;
  // 2^n as two normal factors 2^(n/2) 2^(n - n/2), so that results in the
  // denormal range (n < -126) and up to overflow come out right.
  int32_t k1 = k >> 1, k2 = k - k1;
  return p * from_bits((uint32_t)(k1 + 127) << 23) * from_bits((uint32_t)(k2 + 127) << 23);
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
FLUXION_VMATH float tanh(float x) {
  float a = fabs(x), z = a * a;
  float small = -5.70498872745e-3f;
  small = small * z + 2.06390887954e-2f;
  small = small * z - 5.37397155531e-2f;
  small = small * z + 1.33314422036e-1f;
  small = small * z - 3.33332819422e-1f;
  small = small * z * a + a;
  float large = 1.0f - 2.0f / (exp(2.0f * a) + 1.0f);  // e^{2|x|} = inf gives exactly 1
  float r = a < 0.625f ? small : large;                  // NaN takes `large`, which is NaN
  return from_bits(to_bits(r) | (to_bits(x) & 0x80000000u));  // tanh(-x) = -tanh(x), also for -0
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
