// SPDX-License-Identifier: MIT
// Float64 log, log1p, log2, log10, exp2 and expm1 that the compiler can
// vectorise, each within 1 ulp of the exact value (test_special_simd_f64.cpp
// sweeps them against std:: in long double).
//
// Float64 leaves no guard bits to compute in, so the few roundings that would
// cost a whole ulp are avoided by carrying a second double: the algorithms are
// fdlibm's (FreeBSD msun e_log.c, k_log.h, e_log2.c, e_log10.c, s_log1p.c),
// written branch-free with bit blends. Products that must be exact are of
// numbers whose low 32 mantissa bits are cleared (mask_low), not of Dekker
// splits: GCC contracts a * b + c into an FMA in the AVX-512 clone, which
// leaves an exact product unchanged but would break a split's cancellation.
#pragma once
#include "tensor/kernels/vmath_f32.h"

namespace fluxion::vmath::f64 {

#define FLUXION_VMATH inline __attribute__((always_inline))

// The double helpers of vmath_f32.h (they work on doubles; the namespace names their first user).
using f32::kInf;
using f32::poly;
using f32::with_sign;
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ln2 = kLn2Hi + kLn2Lo; kLn2Hi has 32 significant bits, so k kLn2Hi is exact for |k| < 2^21.
inline constexpr double kLn2Hi = 6.93147180369123816490e-01;  // 0x3fe62e42fee00000
inline constexpr double kLn2Lo = 1.90821492927058770002e-10;  // 0x3dea39ef35793c76

/// x with its low 32 mantissa bits cleared: 21 significant bits, so the
/// product of two such numbers, or of one and a 32-bit constant, is exact.
FLUXION_VMATH double mask_low(double x) { return from_bits(to_bits(x) & uint64_t{0xffffffff00000000}); }

/// x y = hi + lo: hi = mask_low(x) mask_low(y) exactly, lo the other partial
/// products (exact but the 32-by-32-bit one). Every product whose rounding
/// would matter to a TwoSum here is exact: GCC contracts a * b + c into an FMA
/// in the AVX-512 clone, which could give one product a different rounding
/// per use.
FLUXION_VMATH double mul_dd(double x, double y, double& lo) {
  double x0 = mask_low(x), y0 = mask_low(y), x1 = x - x0, y1 = y - y0;
  lo = (x0 * y1 + x1 * y0) + x1 * y1;
  return x0 * y0;
}

/// n - q d for q = n / d rounded, from exact partial products (but the
/// 32-by-32-bit one): Dekker's division residual.
FLUXION_VMATH double div_residual(double n, double d, double q) {
  double q0 = mask_low(q), q1 = q - q0, d0 = mask_low(d), d1 = d - d0;
  return (((n - q0 * d0) - q0 * d1) - q1 * d0) - q1 * d1;
}

/// n / d - q for q = n / d rounded.
FLUXION_VMATH double div_err(double n, double d, double q) { return div_residual(n, d, q) / d; }

/// p 2^k for |k| <= 1100, as two normal factors so that results down in the
/// subnormals and up to overflow come out right (rounded once).
FLUXION_VMATH double scale(double p, int64_t k) {
  int64_t k1 = k >> 1, k2 = k - k1;
  return p * from_bits((uint64_t)(k1 + 1023) << 52) * from_bits((uint64_t)(k2 + 1023) << 52);
}

/// a + b - s exactly, for s = a + b rounded (Knuth's TwoSum: a and b in either order).
FLUXION_VMATH double two_sum_err(double a, double b, double s) {
  double bb = s - a;
  return (a - (s - bb)) + (b - bb);
}

/// x = 2^k (1 + f), 1 + f in [sqrt(1/2), sqrt 2), and ln(1 + f) = f - hfsq + r
/// (hfsq = f^2 / 2) with r = s (hfsq + R(s^2)), s = f / (2 + f): fdlibm's
/// k_log1p, whose R approximates (ln(1 + f) - f + hfsq) / s - hfsq within
/// 2^-58.45 on |s| < 0.1716 (Lg1..Lg7 from k_log.h). x must be positive and
/// finite; subnormals are scaled by 2^54 first.
struct LogParts {
  double k, f, hfsq, r;
};
FLUXION_VMATH LogParts log_parts(double x) {
  bool tiny = x < 0x1p-1022;
  double xs = blend(tiny, x * 0x1p54, x);
  // Subtracting the bits of sqrt(1/2) leaves m in [sqrt(1/2), sqrt 2) and k in the high bits.
  uint64_t u = to_bits(xs) - uint64_t{0x3fe6a09e667f3bcd};
  double k =
      (double)(int32_t)((int64_t)u >> 52) - blend(tiny, 54.0, 0.0);  // via int32: no int64 -> double before AVX-512DQ
  double f = from_bits((u & uint64_t{0x000fffffffffffff}) + uint64_t{0x3fe6a09e667f3bcd}) - 1;  // exact
  double s = f / (2 + f), z = s * s, w = z * z;
  double R =
      z * poly(w, 1.479819860511658591e-01, 1.818357216161805012e-01, 2.857142874366239149e-01,
               6.666666666666735130e-01) +                                                        // Lg7, Lg5, Lg3, Lg1
      w * poly(w, 1.531383769920937332e-01, 2.222219843214978396e-01, 3.999999999940941908e-01);  // Lg6, Lg4, Lg2
  double hfsq = 0.5 * f * f;
  return {k, f, hfsq, s * (hfsq + R)};
}

/// ln's special values, given r for the finite positive x: inf, NaN, NaN below 0, -inf at +-0.
FLUXION_VMATH double log_special(double x, double r) {
  r = blend(x < kInf, r, x);
  r = blend(x < 0, kNaN, r);
  return blend(x == 0, -kInf, r);
}

/// ln(u (1 + c)) + kadd ln2 for finite u > 0 and |c| < 2^-52: k ln2 + ln(1 + f)
/// + c, summed from the smallest term up (e_log.c, s_log1p.c); < 1 ulp.
/// c carries what a double-double argument u + cu has beyond u (c = cu / u).
FLUXION_VMATH double log_core(double u, double c, double kadd) {
  LogParts p = log_parts(u);
  double k = p.k + kadd;
  return k * kLn2Hi - ((p.hfsq - (p.r + (k * kLn2Lo + c))) - p.f);
}

FLUXION_VMATH double log(double x) { return log_special(x, log_core(x, 0.0, 0.0)); }

/// ln(1 + x): u = 1 + x rounded, and 1 + x - u exactly (Fast2Sum, the larger of
/// 1 and x first). Below 2^-20 the series x - x^2/2 + x^3/3 (remainder < 2^-61 x)
/// instead: there the correction c is as large as the result, and its own
/// rounding in c/u would cost up to half an ulp.
FLUXION_VMATH double log1p(double x) {
  double u = 1 + x;
  double c = blend(x > 1, 1 - (u - x), x - (u - 1)) / u;
  double r = log_special(u, log_core(u, c, 0.0));
  return blend(fabs(x) < 0x1p-20, x - x * x * (0.5 - x * (1.0 / 3)), r);  // keeps -0
}

/// ln(1 + f) as hi + lo with hi of 21 bits (e_log2.c), so that hi times a
/// 32-bit constant is exact.
FLUXION_VMATH double log_hi(const LogParts& p) { return mask_low(p.f - p.hfsq); }
FLUXION_VMATH double log_lo(const LogParts& p, double hi) { return (p.f - hi) - p.hfsq + p.r; }

/// log2 x = k + ln(1 + f) / ln2 with 1/ln2 in two parts; k + hi/ln2 by Fast2Sum (|k| >= 1 > |hi/ln2| or k = 0).
FLUXION_VMATH double log2(double x) {
  const double ivln2hi = 1.44269504072144627571e+00, ivln2lo = 1.67517131648865118353e-10;
  LogParts p = log_parts(x);
  double hi = log_hi(p), lo = log_lo(p, hi);
  double vhi = hi * ivln2hi;
  double vlo = (lo + hi) * ivln2lo + lo * ivln2hi;
  double w = p.k + vhi;
  vlo += (p.k - w) + vhi;
  return log_special(x, vlo + w);  // exact at powers of 2
}

/// log10 x = k log10(2) + ln(1 + f) / ln10, each constant in two parts (e_log10.c).
FLUXION_VMATH double log10(double x) {
  const double ivln10hi = 4.34294481878168880939e-01, ivln10lo = 2.50829467116452752298e-11;
  const double log10_2hi = 3.01029995663611771306e-01, log10_2lo = 3.69423907715893078616e-13;
  LogParts p = log_parts(x);
  double hi = log_hi(p), lo = log_lo(p, hi);
  double vhi = hi * ivln10hi, y2 = p.k * log10_2hi;
  double vlo = p.k * log10_2lo + (lo + hi) * ivln10lo + lo * ivln10hi;
  double w = y2 + vhi;
  vlo += (y2 - w) + vhi;
  return log_special(x, vlo + w);
}

/// e^(rh + rl) = s + t for |rh| <= 0.35, |rl| <= 2^-50 |rh|, with s = 1 + rh
/// rounded. e^r = 1 + r + r^2/2 + r^3 P(r), P the Taylor series to r^15
/// (remainder < 2^-70). The rounding of 1 + rh is recovered exactly (Fast2Sum),
/// and r^2/2 is split as rhh^2/2 (rhh = mask_low(rh): exact) + (rh - rhh)(rh + rhh)/2,
/// so that t's error stays near 2^-57: s + t within ~0.6 ulp, and expm1's
/// 2^n s - 1 + 2^n t keeps that through its cancellation.
struct ExpParts {
  double s, t;
};
FLUXION_VMATH ExpParts exp_parts(double rh, double rl) {
  double p = poly(rh, 1.0 / 1307674368000, 1.0 / 87178291200, 1.0 / 6227020800, 1.0 / 479001600,  // 1/15! ... 1/3!
                  1.0 / 39916800, 1.0 / 3628800, 1.0 / 362880, 1.0 / 40320, 1.0 / 5040, 1.0 / 720, 1.0 / 120, 1.0 / 24,
                  1.0 / 6);
  double rhh = mask_low(rh);
  double q_lo = 0.5 * (rh - rhh) * (rh + rhh) + rh * rh * rh * p + rl * (1 + rh);
  double s = 1 + rh;
  return {s, (((1 - s) + rh) + 0.5 * rhh * rhh) + q_lo};
}

/// 2^x = 2^n 2^r, n = round(x), r = x - n exact in [-1/2, 1/2]; 2^r = e^(r ln2)
/// with r ln2 = rh + rl to ~2^-70 (r's high 21 bits times kLn2Hi exact).
/// 2^-1075 rounds to 0 and 2^1024 overflows, so x is clamped to +-1100 (NaN passes).
FLUXION_VMATH double exp2(double x) {
  x = blend(x > 1100.0, 1100.0, x);
  x = blend(x < -1100.0, -1100.0, x);
  const double magic = 6755399441055744.0;  // 1.5 * 2^52: adding it rounds to an integer
  double shifted = x + magic;
  double r = x - (shifted - magic);
  double r21 = mask_low(r);
  double ph = r21 * kLn2Hi;  // exact
  double pl = (r - r21) * kLn2Hi + r * kLn2Lo;
  double rh = ph + pl, rl = (ph - rh) + pl;
  ExpParts e = exp_parts(rh, rl);
  return scale(e.s + e.t, (int64_t)(to_bits(shifted) - to_bits(magic)));
}

/// x = n ln2 + rh + rl, |rh| <= ln2/2, returning n (Cody-Waite: x - n kLn2Hi
/// is exact for |x| < 2^10, and rl carries the rounding of the kLn2Lo step).
FLUXION_VMATH int64_t exp_reduce(double x, double& rh, double& rl) {
  const double magic = 6755399441055744.0;
  double shifted = x * 1.4426950408889634 + magic;
  double n = shifted - magic;
  double hi = x - n * kLn2Hi, lo = n * kLn2Lo;
  rh = hi - lo;
  rl = (hi - rh) - lo;
  return (int64_t)(to_bits(shifted) - to_bits(magic));
}

/// e^x = 2^k (hi + lo), |lo| <= ulp(hi)/2, within ~2^-57 relative, for |x| <= 711.
struct ExpDD {
  double hi, lo;
  int64_t k;
};
FLUXION_VMATH ExpDD exp_dd(double x) {
  double rh, rl;
  int64_t k = exp_reduce(x, rh, rl);
  ExpParts e = exp_parts(rh, rl);
  double hi = e.s + e.t;
  return {hi, e.t - (hi - e.s), k};  // Fast2Sum: |s| > |t|
}

/// e^x - 1 = (2^n s - 1) + 2^n t, x = n ln2 + r (exp_reduce), e^r = s + t
/// (exp_parts). 2^n s - 1 is summed exactly by TwoSum (Knuth), so for n = 0 the
/// cancellation of 1 costs nothing and the result rounds once. x is clamped to
/// [-40, 710] (past -37.5 the result rounds to -1; past 709.79 it overflows).
FLUXION_VMATH double expm1(double x) {
  double xc = blend(x > 710.0, 710.0, x);
  xc = blend(xc < -40.0, -40.0, xc);
  double rh, rl;
  int64_t k = exp_reduce(xc, rh, rl);
  ExpParts e = exp_parts(rh, rl);
  double a = scale(e.s, k), b = scale(e.t, k);
  double h = a - 1;
  double r = h + (two_sum_err(a, -1.0, h) + b);
  r = blend(a == kInf, kInf, r);  // inf - inf in TwoSum would give NaN
  return blend(x == 0, x, r);     // keeps -0
}

#undef FLUXION_VMATH

}  // namespace fluxion::vmath::f64
