// SPDX-License-Identifier: MIT
// Float64 sinh, cosh, asinh, acosh, atanh and erf that the compiler can
// vectorise, within 1 ulp (test_special_simd_f64.cpp).
//
// Each is one of vmath_f64.h's cores (e^x or ln as a double-double, with an
// error near 2^-57) applied to an argument that is itself carried as a
// double-double: the plain formulas (fdlibm's e_sinh.c, s_asinh.c, ...) round
// their argument once or twice before ln or e^x, and those roundings alone can
// reach an ulp. The extra parts come from exact products of 21-bit halves
// (mask_low) and TwoSum, which GCC's FMA contraction leaves unchanged.
#pragma once
#include "tensor/kernels/vmath_f64.h"

namespace fluxion::vmath::f64 {

#define FLUXION_VMATH inline __attribute__((always_inline))

/// 1 / (h + l) = a0 + c for |l| <= ulp(h): a = 1/h rounded, a0 = mask_low(a),
/// and the residual 1 - a0 (h + l) taken with a0 h0 exact (h0 = mask_low(h)),
/// so c = a (1 - a0 h0 - a0 (h - h0 + l)) is good to ~2^-74 relative.
FLUXION_VMATH double recip_dd(double h, double l, double& c) {
  double a = 1 / h, a0 = mask_low(a), h0 = mask_low(h);
  c = a * ((1 - a0 * h0) - a0 * ((h - h0) + l));
  return a0;
}

/// sqrt(h + l) = sh + sl (h + l >= 0, |l| <= |h|): h + l renormalised (Fast2Sum)
/// so that |l| <= ulp(h)/2, sh = sqrt h rounded, and sl = (h + l - sh^2) / (2 sh)
/// with sh^2 = s0^2 + s1 (sh + s0), s0 = mask_low(sh): h - s0^2 is exact
/// (Sterbenz). sl = 0 at h = 0.
FLUXION_VMATH double sqrt_dd(double h, double l, double& sl) {
  double hn = h + l;
  l = l - (hn - h);
  h = hn;
  double sh = __builtin_sqrt(h), s0 = mask_low(sh), s1 = sh - s0;
  double res = ((h - s0 * s0) - s1 * (sh + s0)) + l;
  sl = blend(h > 0, res / (2 * sh), 0.0);
  return sh;
}

/// sinh, cosh for a = |x|: e^a = 2^k (hi + lo) (exp_dd) and e^-a = 2^-k (a0 + c)
/// (recip_dd), joined at scale 2^k by Fast2Sum. e^-a's scale 2^-2k is taken
/// at k <= 40: past a = 27.7 e^-2a is below 2^-80 and does not matter. a is
/// clamped to 711, where both overflow (NaN passes).
FLUXION_VMATH double sinh_cosh_large(double x, bool is_sinh) {
  double a = fabs(x);
  a = blend(a > 711.0, 711.0, a);
  ExpDD e = exp_dd(a);
  double c, a0 = recip_dd(e.hi, e.lo, c);
  int64_t k2 = e.k < 40 ? e.k : 40;
  double w = from_bits((uint64_t)(1023 - 2 * k2) << 52);  // 2^-2k
  double inv = blend(is_sinh, -a0 * w, a0 * w), invc = blend(is_sinh, -c * w, c * w);
  double s = e.hi + inv;
  double err = inv - (s - e.hi);  // Fast2Sum: e.hi >= 1/sqrt 2 > |inv| for k >= 1, and e.hi >= 1 >= inv for k = 0
  return scale(s + (err + e.lo + invc), e.k - 1);
}

/// sinh x: for |x| < 1/2 the Taylor series x + x^3/3! + ... + x^19/19! (remainder
/// < 2^-75), else (e^a - e^-a)/2 (sinh_cosh_large); x's sign, sinh(-0) = -0.
FLUXION_VMATH double sinh(double x) {
  double a = fabs(x), z = a * a;
  double p = poly(z, 1.0 / 121645100408832000, 1.0 / 355687428096000, 1.0 / 1307674368000,  // 1/19! ... 1/3!
                  1.0 / 6227020800, 1.0 / 39916800, 1.0 / 362880, 1.0 / 5040, 1.0 / 120, 1.0 / 6);
  return with_sign(blend(a < 0.5, a + a * z * p, sinh_cosh_large(x, true)), x);
}
/// cosh x = (e^a + e^-a)/2: no cancellation, one rounding at the end.
FLUXION_VMATH double cosh(double x) { return sinh_cosh_large(x, false); }

/// ln(vh + vl) for a double-double vh + vl > 0 (|vl| <= ulp(vh)), plus kadd ln2.
FLUXION_VMATH double log_dd(double vh, double vl, double kadd) { return log_core(vh, vl / vh, kadd); }

/// asinh x = ln(a + sqrt(a^2 + 1)), a = |x|, with a^2 = a0^2 + (a - a0)(a + a0)
/// (a0 = mask_low(a)), 1 + a^2 by TwoSum, its square root and a + that as
/// double-doubles: the argument of ln good to ~2^-72. Below 2^-8 the series
/// a - a^3/6 + 3a^5/40 - 5a^7/112 + 35a^9/1152 instead (remainder < 2^-80 a);
/// above 2^28, ln(2a (1 + 1/(4a^2))) = ln(a + 1/(4a)) + ln2. x's sign.
FLUXION_VMATH double asinh(double x) {
  double a = fabs(x), z = a * a;
  double series = a + a * z * poly(z, 35.0 / 1152, -5.0 / 112, 3.0 / 40, -1.0 / 6);
  bool big = a > 0x1p28;
  double b = blend(big, 1.0, a), b0 = mask_low(b);
  double sq_h = b0 * b0, sq_l = (b - b0) * (b + b0);  // b^2 = sq_h + sq_l, sq_h exact
  double yh = 1 + sq_h, yl = two_sum_err(1.0, sq_h, yh) + sq_l;
  double sl, sh = sqrt_dd(yh, yl, sl);
  double vh = b + sh, vl = two_sum_err(b, sh, vh) + sl;
  vh = blend(big, a, vh);
  vl = blend(big, 0.25 / a, vl);
  double r = log_dd(vh, vl, blend(big, 1.0, 0.0));
  r = blend(a < kInf, r, a);  // +inf; NaN passes through the arithmetic
  return with_sign(blend(a < 0x1p-8, series, r), x);
}

/// acosh x = ln(x + sqrt(t (t + 2))), t = x - 1 (exact for 1 <= x < 2^53), with
/// t (t + 2) = 2t + t^2 by TwoSum and split products as in asinh; near 1 the ln
/// core's f = (x + sqrt) - 1 is exact, so nothing cancels. Above 2^28,
/// ln(x - 1/(4x)) + ln2. NaN below 1, +0 at 1, inf at inf.
FLUXION_VMATH double acosh(double x) {
  bool big = x > 0x1p28;
  double b = blend(big, 2.0, x);
  double t = b - 1, t0 = mask_low(t);
  double sq_h = t0 * t0, sq_l = (t - t0) * (t + t0);
  double wh = 2 * t + sq_h, wl = two_sum_err(2 * t, sq_h, wh) + sq_l;
  double sl, sh = sqrt_dd(wh, wl, sl);
  double vh = b + sh, vl = two_sum_err(b, sh, vh) + sl;
  vh = blend(big, x, vh);
  vl = blend(big, -0.25 / x, vl);
  double r = log_dd(vh, vl, blend(big, 1.0, 0.0));
  r = blend(x < kInf, r, x);
  return blend(x >= 1, r, blend(x == x, kNaN, x));  // x < 1 (and -inf): NaN
}

/// atanh x = log1p(2a / (1 - a)) / 2, a = |x|: 1 - a by TwoSum, the quotient
/// q = 2a / (1 - a) as qh + ql by Dekker's division (qh (1 - a) exact in 21-bit
/// halves), and log1p of that double-double. Below 2^-8 the series a + a^3/3 +
/// ... + a^9/9 (remainder < 2^-80 a), as log1p's correction term would round
/// on the order of the result there. +-inf at +-1, NaN beyond; x's sign.
FLUXION_VMATH double atanh(double x) {
  double a = fabs(x);
  double dh = 1 - a, dl = two_sum_err(1.0, -a, dh);
  double qh = 2 * a / dh;
  double ql = (div_residual(2 * a, dh, qh) - qh * dl) / dh;  // (2a - qh (dh + dl)) / dh
  double u = 1 + qh, c = two_sum_err(1.0, qh, u) + ql;  // 1 + q = u + c
  double r = 0.5 * log_dd(u, c, 0.0);
  r = blend(a < 1, r, blend(a == 1, kInf, kNaN));
  r = blend(x == x, r, x);
  double z = a * a;
  return with_sign(blend(a < 0x1p-8, a + a * z * poly(z, 1.0 / 9, 1.0 / 7, 1.0 / 5, 1.0 / 3), r), x);  // keeps -0
}

/// s_erf.c's rationals for erf and erfc at a = |x| >= 0, one quotient num/den
/// chosen by range: a < 0.84375: pp(a^2)/qq(a^2) ~ erf(a)/a - 1; a < 1.25:
/// pa(a - 1)/qa(a - 1) ~ erf(a) - erx, erx = erf(1) to 30 bits; above,
/// R/S ~ ln(a erfc a) + a^2 + 0.5625, R/S = ra/sa below 1/0.35, rb/sb above,
/// in 1/a^2 (fdlibm: each within ~2^-57 of its target).
FLUXION_VMATH double erf_quotient(double a) {
  bool r1 = a >= 0.84375, r2 = a >= 1.25, r3 = a >= 1 / 0.35;
  double z = a * a, s = a - 1, w = 1 / z;
  const double pp0 = 1.28379167095512558561e-01, pp1 = -3.25042107247001499370e-01, pp2 = -2.84817495755985104766e-02,
               pp3 = -5.77027029648944159157e-03, pp4 = -2.37630166566501626084e-05;
  const double qq1 = 3.97917223959155352819e-01, qq2 = 6.50222499887672944485e-02, qq3 = 5.08130628187576562776e-03,
               qq4 = 1.32494738004321644526e-04, qq5 = -3.96022827877536812320e-06;
  double pp = poly(z, pp4, pp3, pp2, pp1, pp0);
  double qq = poly(z, qq5, qq4, qq3, qq2, qq1, 1.0);
  // Below 1/2, pp/qq = pp0 + z (pp - pp0 qq)/(z qq): the roundings of the
  // quotient (of qq's 1 + ... above all) then scale with z rather than with pp0.
  double pz = z * poly(z, -pp0 * qq5, pp4 - pp0 * qq4, pp3 - pp0 * qq3, pp2 - pp0 * qq2, pp1 - pp0 * qq1);
  bool r0 = a >= 0.5;
  double pa = poly(s, -2.16637559486879084300e-03, 3.54783043256182359371e-02, -1.10894694282396677476e-01,
                   3.18346619901161753674e-01, -3.72207876035701323847e-01, 4.14856118683748331666e-01,
                   -2.36211856075265944077e-03);
  double qa = poly(s, 1.19844998467991074170e-02, 1.36370839120290507362e-02, 1.26171219808761642112e-01,
                   7.18286544141962662868e-02, 5.40397917702171048937e-01, 1.06420880400844228286e-01, 1.0);
  double ra = poly(w, -9.81432934416914548592e+00, -8.12874355063065934246e+01, -1.84605092906711035994e+02,
                   -1.62396669462573470355e+02, -6.23753324503260060396e+01, -1.05586262253232909814e+01,
                   -6.93858572707181764372e-01, -9.86494403484714822705e-03);
  double sa = poly(w, -6.04244152148580987438e-02, 6.57024977031928170135e+00, 1.08635005541779435134e+02,
                   4.29008140027567833386e+02, 6.45387271733267880336e+02, 4.34565877475229228821e+02,
                   1.37657754143519042600e+02, 1.96512716674392571292e+01, 1.0);
  double rb = poly(w, -4.83519191608651397019e+02, -1.02509513161107724954e+03, -6.37566443368389627722e+02,
                   -1.60636384855821916062e+02, -1.77579549177547519889e+01, -7.99283237680523006574e-01,
                   -9.86494292470009928597e-03);
  double sb = poly(w, -2.24409524465858183362e+01, 4.74528541206955367215e+02, 2.55305040643316442583e+03,
                   3.19985821950859553908e+03, 1.53672958608443695994e+03, 3.25792512996573918826e+02,
                   3.03380607434824582924e+01, 1.0);
  double q =
      blend(r3, rb, blend(r2, ra, blend(r1, pa, blend(r0, pp, pz)))) / blend(r3, sb, blend(r2, sa, blend(r1, qa, qq)));
  return blend(r0, q, pp0 + q);
}

/// erf x, a = |x|: a < 0.84375: a + a q (erf_quotient), evaluated at a 2^54
/// and scaled back so that a subnormal result rounds once; a < 1.25: erx + q;
/// a < 6: 1 - e^(-z^2 - 0.5625 + (z - a)(z + a) + q) / a, z = mask_low(a)
/// (z^2 exact); past 6 erf rounds to 1. The tail's e^ and its argument's
/// rounding reach the result scaled by erfc a / erf a < 0.09.
FLUXION_VMATH double erf(double x) {
  double a = fabs(x), q = erf_quotient(a);
  bool r1 = a >= 0.84375, r2 = a >= 1.25;
  double as = a * 0x1p54;
  double small = (as + as * q) * 0x1p-54;
  double mid = 8.45062911510467529297e-01 + q;
  double ac = blend(a < 6.0, a, 6.0), z0 = mask_low(ac);  // NaN takes 6; restored below
  ExpDD e = exp_dd((-z0 * z0 - 0.5625) + ((z0 - ac) * (z0 + ac) + q));
  double tail = 1 - scale(e.hi + e.lo, e.k) / ac;
  double r = blend(r2, blend(a < 6.0, tail, 1.0), blend(r1, mid, small));
  return with_sign(blend(x == x, r, x), x);
}

#undef FLUXION_VMATH

}  // namespace fluxion::vmath::f64
