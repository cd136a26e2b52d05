// SPDX-License-Identifier: MIT
// Float64 erfc, digamma (x > 0) and erfinv (|y| < 1) that the compiler can
// vectorise, within 1 ulp (test_special_simd_f64.cpp): s_erf.c's and Boost's
// approximations, evaluated with double-doubles wherever a rounding reaches
// the result at full weight (erfc, unlike erf; digamma's sums and its zero at
// 1.4616; erfinv's Newton residual).
#pragma once
#include "tensor/kernels/vmath_f64_hyp.h"

namespace fluxion::vmath::f64 {

#define FLUXION_VMATH inline __attribute__((always_inline))

// s_erf.c's rationals by range (as erf_quotient), highest power first, padded
// with zeros to one degree: pp/qq in a^2, pa/qa in a - 1, ra/sa and rb/sb in 1/a^2.
inline constexpr double kErfcNum[4][8] = {
    {0, 0, 0, -2.37630166566501626084e-05, -5.77027029648944159157e-03, -2.84817495755985104766e-02,
     -3.25042107247001499370e-01, 1.28379167095512558561e-01},
    {0, -2.16637559486879084300e-03, 3.54783043256182359371e-02, -1.10894694282396677476e-01,
     3.18346619901161753674e-01, -3.72207876035701323847e-01, 4.14856118683748331666e-01, -2.36211856075265944077e-03},
    {-9.81432934416914548592e+00, -8.12874355063065934246e+01, -1.84605092906711035994e+02, -1.62396669462573470355e+02,
     -6.23753324503260060396e+01, -1.05586262253232909814e+01, -6.93858572707181764372e-01,
     -9.86494403484714822705e-03},
    {0, -4.83519191608651397019e+02, -1.02509513161107724954e+03, -6.37566443368389627722e+02,
     -1.60636384855821916062e+02, -1.77579549177547519889e+01, -7.99283237680523006574e-01,
     -9.86494292470009928597e-03}};
inline constexpr double kErfcDen[4][9] = {
    {0, 0, 0, -3.96022827877536812320e-06, 1.32494738004321644526e-04, 5.08130628187576562776e-03,
     6.50222499887672944485e-02, 3.97917223959155352819e-01, 1.0},
    {0, 0, 1.19844998467991074170e-02, 1.36370839120290507362e-02, 1.26171219808761642112e-01,
     7.18286544141962662868e-02, 5.40397917702171048937e-01, 1.06420880400844228286e-01, 1.0},
    {-6.04244152148580987438e-02, 6.57024977031928170135e+00, 1.08635005541779435134e+02, 4.29008140027567833386e+02,
     6.45387271733267880336e+02, 4.34565877475229228821e+02, 1.37657754143519042600e+02, 1.96512716674392571292e+01,
     1.0},
    {0, -2.24409524465858183362e+01, 4.74528541206955367215e+02, 2.55305040643316442583e+03, 3.19985821950859553908e+03,
     1.53672958608443695994e+03, 3.25792512996573918826e+02, 3.03380607434824582924e+01, 1.0}};

/// The polynomial c[0] v^(N-1) + ... + c[N-1] of the range chosen by s1..s3
/// at v = vh + vl (|vl| < 2^-20 |vh|) as hi + lo: Horner in double, its last
/// D steps as double-doubles (mul_dd, TwoSum). The low part of v matters:
/// a^2 rounded would move erfc by up to ~0.8 ulp near 0.84.
template <int D = 5, int N>
FLUXION_VMATH double range_poly_dd(const double (&c)[4][N], bool s1, bool s2, bool s3, double vh, double vl,
                                   double& lo) {
  auto coef = [&](int i) { return blend(s3, c[3][i], blend(s2, c[2][i], blend(s1, c[1][i], c[0][i]))); };
  double v = vh + vl, h = coef(0);
  for (int i = 1; i < N - D; ++i) h = h * v + coef(i);
  double l = 0;
  for (int i = N - D; i < N; ++i) {
    double pl, p = mul_dd(h, vh, pl), ci = coef(i), rest = pl + (h * vl + l * v);
    h = p + ci;
    l = two_sum_err(p, ci, h) + rest;
  }
  double r = h + l;
  lo = l - (r - h);  // Fast2Sum: |l| < 2^-19 |h|
  return r;
}

/// erf_quotient(a) for a >= 0 as qh + ql (returning qh): the polynomials by
/// range_poly_dd at v = a^2, a - 1 or 1/a^2 as a double-double, divided by
/// Dekker's method; within ~2^-60 of the rational's value.
FLUXION_VMATH double erf_quotient_dd(double a, double& ql) {
  bool r1 = a >= 0.84375, r2 = a >= 1.25, r3 = a >= 1 / 0.35;
  double zl, z0 = mul_dd(a, a, zl), zh = z0 + zl;  // a^2 = zh + zl, renormalised (Fast2Sum)
  zl -= zh - z0;
  double wl, wh = recip_dd(zh, zl, wl);  // 1/a^2 = wh + wl
  double vh = blend(r2, wh, blend(r1, a - 1, zh)), vl = blend(r2, wl, blend(r1, 0.0, zl));
  double nl, nh = range_poly_dd(kErfcNum, r1, r2, r3, vh, vl, nl);
  double dl, dh = range_poly_dd(kErfcDen, r1, r2, r3, vh, vl, dl);
  double qh = nh / dh;
  ql = div_err(nh, dh, qh) + (nl - qh * dl) / dh;
  return qh;
}

/// erfc x, a = |x| clamped to 28 (past it erfc is 0 or 2; NaN restored at the
/// end), q = qh + ql = erf_quotient_dd(a):
/// a < 0.84375: 1 - x - x q (erf = x + x q), the subtractions by TwoSum;
/// a < 1.25: (1 - erx) - q for x > 0, (1 + erx) + q for x < 0 (erx = erf(1)
///   to 30 bits, so both constants are exact);
/// else e^(-a0^2 - 0.5625 + (a0^2 - a^2) + q) / a, a0 = mask_low(a): -a0^2 - 0.5625
///   is exact (50 bits); the ln2 reduction (Cody-Waite, n kLn2Hi exact), e^
///   (exp_parts) and the division by a are carried to ~2^-65; 2 - that for x < 0.
///   Below 2^-1022 (a > 26.55) the scaling rounds a second time, by at most
///   half a subnormal ulp.
/// What remains is s_erf.c's approximation error (< 2^-57 absolute in q) and
/// the final rounding: 0.75 ulp at most measured (in the subnormals), 0.72 elsewhere.
FLUXION_VMATH double erfc(double x) {
  double a = fabs(x), ac = blend(a < 28.0, a, 28.0);
  bool r1 = ac >= 0.84375, r2 = ac >= 1.25, neg = x < 0;
  double ql, qh = erf_quotient_dd(ac, ql);
  double pl, p = mul_dd(x, qh, pl);
  pl += x * ql;
  double h1 = 1 - x, l1 = two_sum_err(1.0, -x, h1);
  double h = h1 - p, l2 = two_sum_err(h1, -p, h);
  double small = h + ((l1 + l2) - pl);
  double c = blend(neg, 1.84506291151046752930e+00, 1.54937088489532470703e-01);
  double sq = blend(neg, qh, -qh), mh = c + sq;
  double mid = mh + (two_sum_err(c, sq, mh) + blend(neg, ql, -ql));
  double a0 = mask_low(ac), a1 = ac - a0, d = -(2 * a0) * a1 - a1 * a1;  // a0^2 - a^2
  double hi = -a0 * a0 - 0.5625, lo = d + qh, el = two_sum_err(d, qh, lo) + ql;
  const double magic = 6755399441055744.0;  // 1.5 * 2^52: adding it rounds to an integer
  double shifted = (hi + lo) * 1.4426950408889634 + magic;
  double n = shifted - magic;
  double t = hi - n * kLn2Hi;  // exact: both on a 2^-40 grid, |t| < 2
  double u = t + lo, e1 = two_sum_err(t, lo, u);
  double nk = n * kLn2Lo, rh = u - nk, e2 = two_sum_err(u, -nk, rh);  // nk's rounding < 2^-74: immaterial
  ExpParts e = exp_parts(rh, (e1 + e2) + el);
  double eh = e.s + e.t, et = e.t - (eh - e.s);               // Fast2Sum: |s| > |t|
  double qd = eh / ac, corr = div_err(eh, ac, qd) + et / ac;  // (eh + et) / a - qd
  double tail = scale(qd + corr, (int64_t)(to_bits(shifted) - to_bits(magic)));
  double r = blend(r2, blend(neg, 2 - tail, tail), blend(r1, mid, small));
  return blend(x == x, r, x);
}

/// c[0] v^(N-1) + ... + c[N-1] at v as hi + lo, every Horner step a
/// double-double (mul_dd, TwoSum).
template <int N>
FLUXION_VMATH double poly_dd(const double (&c)[N], double v, double& lo) {
  double h = c[0], l = 0;
  for (int i = 1; i < N; ++i) {
    double pl, p = mul_dd(h, v, pl), rest = pl + l * v;
    h = p + c[i];
    l = two_sum_err(p, c[i], h) + rest;
  }
  double r = h + l;
  lo = l - (r - h);
  return r;
}

// Boost's digamma_imp_1_2 for 53 bits (digamma.hpp, J. Maddock): psi(1 + t) =
// (1 + t - x0) (Y + P(t)/Q(t)) on t in [0, 1], approximation error < 1.5e-18;
// x0 = the positive root in three parts, the first two on a 2^-60 grid.
inline constexpr double kDigammaP[] = {-0.0020713321167745952, -0.045251321448739056, -0.28919126444774784,
                                       -0.65031853770896507,   -0.32555031186804491,  0.25479851061131551};
inline constexpr double kDigammaQ[] = {-0.55789841321675513e-6,
                                       0.0021284987017821144,
                                       0.054151797245674225,
                                       0.43593529692665969,
                                       1.4606242909763515,
                                       2.0767117023730469,
                                       1.0};
// Boost's digamma_imp_large for 53 bits: B_2k / (2k) (Bernoulli numbers) for
// psi(x) = ln(x - 1) + 1/(2(x - 1)) - sum_k B_2k / (2k (x - 1)^2k), x >= 10.
inline constexpr double kDigammaLarge[] = {
    -0.44325980392156862745,   0.083333333333333333333,  -0.021092796092796092796,  0.0075757575757575757576,
    -0.0041666666666666666667, 0.0039682539682539682540, -0.0083333333333333333333, 0.083333333333333333333};

/// digamma x for finite x > 0 (the kernel sends x <= 0, inf and NaN to the
/// scalar special::digamma: the reflection formula needs tan(pi x) to full
/// precision). Below 10: psi(x) = psi(1 + t) + S, t = x - floor(x) (x >= 1,
/// exact) or x (x < 1), S = sum 1/(x - k) for k = 1 .. floor(x) - 1, or -1/x
/// below 1: the recurrence without rounding 1 + t. Every term is a
/// double-double (recip_dd, poly_dd, x - x0 by TwoSum, the products by
/// mul_dd), summed once at the end. From 10, Boost's asymptotic series folded
/// into ln(x - 1) as log_core's correction term.
FLUXION_VMATH double digamma_positive(double x) {
  bool lt1 = x < 1;
  double fl = blend(x < 10, (double)(int32_t)blend(x < 10, x, 0.0), 0.0);  // floor for x >= 0
  double t = blend(lt1, x, x - fl);
  double pl, ph = poly_dd(kDigammaP, t, pl), ql, qh = poly_dd(kDigammaQ, t, ql);
  double rh = ph / qh, rl = div_err(ph, qh, rh) + (pl - rh * ql) / qh;
  const double Y = 0.99558162689208984;
  double yh = Y + rh, yl = two_sum_err(Y, rh, yh) + rl;
  const double x0a = 1569415565.0 / 1073741824 - 1, x0b = 381566830.0 / 1073741824 / 1073741824,
               x0c = 0.9016312093258695918615325266959189453125e-19;
  double gh = t - x0a, gl = (two_sum_err(t, -x0a, gh) - x0b) - x0c;
  double ml, mh = mul_dd(gh, yh, ml);
  ml += gh * yl + gl * yh;
  double sh = 0, sl = 0;
  for (int k = 1; k <= 8; ++k) {
    double d = blend(k < fl, x - k, 1.0), c, a = recip_dd(d, 0.0, c);  // x - k exact
    a = blend(k < fl, a, 0.0);
    c = blend(k < fl, c, 0.0);
    double s = sh + a;
    sl += two_sum_err(sh, a, s) + c;
    sh = s;
  }
  double ic, ia = recip_dd(blend(lt1, x, 1.0), 0.0, ic);
  sh = blend(lt1, -ia, sh);
  sl = blend(lt1, -ic, sl);
  double rs = mh + sh;
  double small = rs + ((two_sum_err(mh, sh, rs) + ml) + sl);
  double x1 = x - 1, w = 1 / x1, z = w * w;
  double large = log_core(x1,
                          0.5 * w - z * poly(z, kDigammaLarge[0], kDigammaLarge[1], kDigammaLarge[2], kDigammaLarge[3],
                                             kDigammaLarge[4], kDigammaLarge[5], kDigammaLarge[6], kDigammaLarge[7]),
                          0.0);
  return blend(x < 10, blend(x < 0x1p-1000, -1 / x, small), large);
}

/// x - (erf x - a) / erf'(x) for x, a >= 0 (erfinv below), the residual
/// erf x - a taken where it does not cancel: (x - a) + x q below 0.84375 and
/// (erx - a) + q below 1.25 (q = erf_quotient_dd(x); x - a and erx - a are
/// exact, Sterbenz), else (1 - a) - erfc x (1 - a exact for a >= 1/2). Its
/// error is then ~2^-60 of x, or erfc's relative error times erfc/erf' < 1/(2x).
FLUXION_VMATH double erfinv_newton(double x, double a) {
  double ql, qh = erf_quotient_dd(x, ql), pl, ph = mul_dd(x, qh, pl);
  double res =
      blend(x < 1.25, blend(x < 0.84375, ((x - a) + ph) + (pl + x * ql), ((8.45062911510467529297e-01 - a) + qh) + ql),
            (1 - a) - erfc(x));
  return x - res * 0.886226925452758 * exp(x * x);  // sqrt(pi) / 2
}

/// erfinv_newton with erf's own accuracy for the first steps: q = erf_quotient
/// in double, and erfc x = e^(-z^2 - 0.5625 + (z - x)(z + x) + q) / x as erf
/// takes it (the rounded exponent costs ~2^-47 relative, x < 6). Enough while
/// the step's error is far above that.
FLUXION_VMATH double erfinv_newton_fast(double x, double a) {
  double q = erf_quotient(x), z0 = mask_low(x);
  ExpDD e = exp_dd((-z0 * z0 - 0.5625) + ((z0 - x) * (z0 + x) + q));
  double res = blend(x < 1.25, blend(x < 0.84375, (x - a) + x * q, (8.45062911510467529297e-01 - a) + q),
                     (1 - a) - scale(e.hi + e.lo, e.k) / x);
  return x - res * 0.886226925452758 * exp(x * x);  // sqrt(pi) / 2
}

/// erf^-1(y) for |y| < 1 (the kernel sends +-1, |y| > 1 and NaN to the scalar
/// special::erfinv): Giles' single-precision approximation of x = erfinv|y|
/// ("Approximating the erfinv function", GPU Computing Gems; w = -ln((1 - a)(1 + a)),
/// its two branches as a blend; relative error ~4e-7, as vmath::f32::erfinv),
/// then three Newton steps, each squaring the error: two erfinv_newton_fast
/// (error below 1e-13 after them) and one erfinv_newton. Below
/// 2^-28, x = a sqrt(pi)/2 (the next term, pi a^3/12, is below 2^-57 of it), with
/// sqrt(pi)/2 in two parts, the product rounded once, and a scaled by 2^54 so
/// that a subnormal result rounds only there (half an ulp).
FLUXION_VMATH double erfinv(double y) {
  double a = fabs(y), w = -log((1 - a) * (1 + a));
  double pc = poly(w - 2.5, 2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                   -0.00125372503, -0.00417768164, 0.246640727, 1.50140941);
  double pt = poly(__builtin_sqrt(fabs(w)) - 3, -0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844,
                   0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682);
  // Past w = 16 (1 - a < 6e-8) Giles' branch is extrapolated (12% low at 1 - 2^-53): there
  // erfc x ~ e^{-x^2} / (x sqrt(pi)) (1 - 1/(2x^2) + 3/(4x^4)) is inverted by two fixed-point
  // steps on x^2 = L - ln(x sqrt(pi)) + ln(1 - ...), L = -ln(1 - a), to ~1e-4.
  double L = -log(1 - a), x0 = __builtin_sqrt(fabs(L));
  double x1 = __builtin_sqrt(fabs(L - log(x0 * 1.7724538509055159)));
  double i2 = 1 / (x1 * x1);
  double x2 = __builtin_sqrt(fabs(L - log(x1 * 1.7724538509055159) + log(1 - 0.5 * i2 + 0.75 * i2 * i2)));
  double x = blend(w < 16, blend(w < 5, pc, pt) * a, x2);
  x = erfinv_newton_fast(x, a);  // written out: a loop here would stop the vectoriser
  x = erfinv_newton_fast(x, a);
  x = erfinv_newton(x, a);
  double as = a * 0x1p54, tl, th = mul_dd(as, 0.886226925452758, tl);  // as sqrt(pi)/2 = th + tl + as c_lo, th exact
  double tiny = (th + (tl + as * -3.8332932499128993e-17)) * 0x1p-54;
  return with_sign(blend(a < 0x1p-28, tiny, x), y);
}

#undef FLUXION_VMATH

}  // namespace fluxion::vmath::f64
