// SPDX-License-Identifier: MIT
// Float64 lgamma and polygamma (n >= 1) for finite x > 0 that the compiler can
// vectorise (test_special_gamma_f64.cpp holds them to long double): the
// kernels send x <= 0, inf and NaN to a scalar pass (float_map_ranged).
//
// lgamma is fdlibm's (FreeBSD msun e_lgamma_r.c) for the positive axis, every
// range computed and the result blended; its weak spots, the roundings of ln
// (a whole ulp where ln is most of the result) and of its rationals' Horner
// sums, are removed by taking ln as a double-double (log_hilo), the rationals'
// last steps likewise, and summing the leading terms by TwoSum.
// polygamma is n! zeta(n + 1, x) from a fixed shift and an asymptotic series,
// each power x^-s as e^(-s ln x) in double-doubles.
#pragma once
#include "tensor/kernels/vmath_f64_special.h"

namespace fluxion::vmath::f64 {

#define FLUXION_VMATH inline __attribute__((always_inline))

/// ln(u (1 + c)) = hi + lo for finite u > 0 and |c| < 2^-40: k ln2 + f - f^2/2 + r
/// (log_parts), with f^2/2 = h0 + h1, h0 = mask_low(f)^2 / 2 exact, and
/// f - h0, k kLn2Hi + that summed by TwoSum (k kLn2Hi is exact). Within ~2^-60
/// relative: what remains is k_log.h's approximation in r and roundings of
/// terms below 2^-20 of the result.
FLUXION_VMATH double log_hilo(double u, double c, double& lo) {
  LogParts p = log_parts(u);
  double f0 = mask_low(p.f), h0 = 0.5 * f0 * f0, h1 = 0.5 * (p.f - f0) * (p.f + f0);
  double a = p.f - h0, ea = two_sum_err(p.f, -h0, a);
  double kh = p.k * kLn2Hi, s = kh + a, es = two_sum_err(kh, a, s);
  double l = es + (((ea - h1) + p.r) + (p.k * kLn2Lo + c));
  double hi = s + l;
  lo = l - (hi - s);  // Fast2Sum: |l| < 2^-20 |s| (or s = 0 = l at u = 1)
  return hi;
}

/// (nh + nl) / (dh + dl) as hi + lo: q = nh / dh rounded, and the residual
/// nh - q dh (div_residual) plus nl - q dl, over dh.
FLUXION_VMATH double div_hilo(double nh, double nl, double dh, double dl, double& lo) {
  double q = nh / dh;
  lo = (div_residual(nh, dh, q) + (nl - q * dl)) / dh;
  return q;
}

// e_lgamma_r.c's approximations by range, as y^e N(y)/D(y) (+ the constant
// -tt): [0] around 2, ln Gamma(2 - y) = -y/2 + y A(y) on [0, 0.27]; [1] around
// the minimum tc = 1.4616 (tf + tt = ln Gamma(tc)), ln Gamma(tc + y) = tf +
// y^2 T(y) - tt on [-0.23, 0.27]; [2] around 1, ln Gamma(1 + y) = -y/2 +
// y U(y)/V(y) on [-0.1, 0.23]; [3] on [2, 3), ln Gamma(2 + y) = y/2 + y S(y)/R(y)
// (error < 2^-61.7). Highest power first, padded with zeros to one degree.
inline constexpr double kLgammaNum[4][15] = {
    {0, 0, 0, 4.48640949618915160150e-05, 2.52144565451257326939e-05, 1.08011567247583939954e-04,
     2.20862790713908385557e-04, 5.10069792153511336608e-04, 1.19270763183362067845e-03, 2.89051383673415629091e-03,
     7.38555086081402883957e-03, 2.05808084325167332806e-02, 6.73523010531292681824e-02, 3.22467033424113591611e-01,
     7.72156649015328655494e-02},
    {3.35529192635519073543e-04, -3.12754168375120860518e-04, 3.15632070903625950361e-04, -5.38595305356740546715e-04,
     8.81081882437654011382e-04, -1.40346469989232843813e-03, 2.25964780900612472250e-03, -3.68452016781138256760e-03,
     6.10053870246291332635e-03, -1.03142241298341437450e-02, 1.79706750811820387126e-02, -3.27885410759859649565e-02,
     6.46249402391333854778e-02, -1.47587722994593911752e-01, 4.83836122723810047042e-01},
    {0, 0, 0, 0, 0, 0, 0, 0, 0, 1.33810918536787660377e-02, 2.28963728064692451092e-01, 9.77717527963372745603e-01,
     1.45492250137234768737e+00, 6.32827064025093366517e-01, -7.72156649015328655494e-02},
    {0, 0, 0, 0, 0, 0, 0, 0, 3.19475326584100867617e-05, 1.84028451407337715652e-03, 2.66422703033638609560e-02,
     1.46350472652464452805e-01, 3.25778796408930981787e-01, 2.14982415960608852501e-01, -7.72156649015328655494e-02}};
inline constexpr double kLgammaDen[4][7] = {
    {0, 0, 0, 0, 0, 0, 1.0},
    {0, 0, 0, 0, 0, 0, 1.0},
    {0, 3.21709242282423911810e-03, 1.04222645593369134254e-01, 7.69285150456672783825e-01, 2.12848976379893395361e+00,
     2.45597793713041134822e+00, 1.0},
    {7.32668430744625636189e-06, 7.77942496381893596434e-04, 1.86459191715652901344e-02, 1.71933865632803078993e-01,
     7.21935547567138069525e-01, 1.39200533467621045958e+00, 1.0}};
inline constexpr double kLgammaTc = 1.46163214496836224576e+00, kLgammaTf = -1.21486290535849611461e-01,
                        kLgammaTt = -3.63867699703950536541e-18;

/// ln Gamma(x) for finite x > 0 (e_lgamma_r.c) as H + E + P + the rest, the
/// first three summed by TwoSum, with L = lh + ll = ln u by log_hilo:
///   x <= 0.9: ln Gamma(x + 1) - ln x, x < 2: ln Gamma(x) by the piece of its
///     range: around 2 (x >= 1.7316, or x >= 0.7316 for the shifted form),
///     around tc (>= 1.2316 or >= 0.2316), around 1 (the rest, down to the
///     subnormals, where ln Gamma(x + 1) ~ -gamma x leaves -ln x). H = -lh
///     or 0, E = -y/2 or tf (exact), and the polynomial part P a double-double
///     (range_poly_dd, Dekker's division: fdlibm's plain Horner sums cost up
///     to 1.35 ulp here), so near the zeros 1 and 2 the result keeps its
///     relative accuracy;
///   2 <= x < 8: ln Gamma(2 + y) + ln((y + 2)(y + 3)..(x - 1)), y = x - floor(x)
///     exact, the product a double-double (mul_dd) and ln of it log_hilo's;
///   x >= 8: (x - 1/2)(ln x - 1) + w(1/x) = x a + x ll - a/2 - ll/2 + w with
///     a = lh - 1 exact and x a as mul_dd's exact parts (also past 2^52, where
///     x - 1/2 would round); inf where x a overflows.
/// The four rationals are one evaluation, coefficients blended by range.
/// Measured: within 0.70 ulp (test_special_gamma_f64.cpp).
FLUXION_VMATH double lgamma_positive(double x) {
  bool lt2 = x < 2, a_side = x <= 0.900000095367431529603, lt8 = x < 8;
  bool mid = !lt2 & lt8, big = !lt8;
  // The range of (0, 2) (around 2, tc or 1) or [2, 8), each with its own y (exact).
  bool c0 = (a_side & (x >= 0.7315998077392578125)) | (!a_side & (x >= 1.73163127899169921875));
  bool c1 = (a_side & (x >= 0.231639981269836425781)) | (!a_side & (x >= 1.231632232666015625));
  bool s1 = c1 & !c0, s2 = !c1, s3 = !lt2;
  double fl = (double)(int32_t)blend(mid, x, 2.0);
  double y = blend(s3, x - fl,
                   blend(s2, blend(a_side, x, x - 1),
                         blend(s1, blend(a_side, x - (kLgammaTc - 1), x - kLgammaTc), blend(a_side, 1 - x, 2 - x))));
  double nl, nh = range_poly_dd<3>(kLgammaNum, s1, s2, s3, y, 0.0, nl);
  double dl, dh = range_poly_dd<3>(kLgammaDen, s1, s2, s3, y, 0.0, dl);
  double yyl, yy = mul_dd(y, y, yyl), mh = blend(s1, yy, y), ml = blend(s1, yyl, 0.0);  // y^e
  double ql, qh = mul_dd(mh, nh, ql);
  double pl, ph = div_hilo(qh, ql + (mh * nl + ml * nh), dh, dl, pl);
  pl += blend(s1, -kLgammaTt, 0.0);
  double e_low = blend(s3, 0.5 * y, blend(s1, kLgammaTf, -0.5 * y));
  // [2, 8): the product of the shifts.
  double zh = blend(fl > 2, y + 2, 1.0), zl = 0;
  for (int k = 3; k <= 6; ++k) {  // (y + 2)(y + 3)...(y + fl - 1); each y + k is exact
    double f = blend(k < fl, y + k, 1.0), ml2, mh2 = mul_dd(zh, f, ml2);
    zl = ml2 + zl * f;
    zh = mh2;
  }
  double zs = zh + zl;
  zl -= zs - zh;
  // One ln for all ranges: of the product on [2, 8), of x elsewhere.
  double ll, lh = log_hilo(blend(mid, zs, x), blend(mid, zl / zs, 0.0), ll);
  // [8, inf): Stirling.
  double a = lh - 1, hl, hh = mul_dd(x, a, hl);
  double r = 1 / x, r2 = r * r;
  double w = poly(r2, -1.63092934096575273989e-03, 8.36339918996282139126e-04, -5.95187557450339963135e-04,
                  7.93650558643019558500e-04, -2.77777777728775536470e-03, 8.33333333333329678849e-02) *
                 r +
             4.18938533204672725052e-01;
  double H = blend(big, hh, blend(mid, lh, blend(a_side, -lh, 0.0)));
  double E = blend(big, -0.5 * a, e_low);
  double P = blend(big, ((hl + x * ll) - 0.5 * ll) + w, ph);
  double rest = blend(big, 0.0, blend(mid, ll + pl, blend(a_side, pl - ll, pl)));
  double s_1 = H + E, s_2 = s_1 + P;
  double res = s_2 + ((two_sum_err(H, E, s_1) + two_sum_err(s_1, P, s_2)) + rest);
  return blend(hh == kInf, kInf, res) + 0.0;  // + 0: ln Gamma(1) = ln Gamma(2) = +0, not -0
}

/// (dh + dl)^-m = 2^k (hi + lo) for dh + dl > 0 and an integer 1 <= m <= 21:
/// e^(-m ln d) with ln d = lh + ll (log_hilo) and m lh as mul_dd's parts (m has
/// 21 bits at most: both exact), renormalised, clamped to +-800 (beyond, the
/// term is 0 or inf for every order the kernel takes), and e^ of the
/// double-double (exp_reduce, with the low part added to the reduced
/// argument by TwoSum): within ~2^-57 relative.
FLUXION_VMATH ExpDD pow_neg(double dh, double dl, double m) {
  double ll, lh = log_hilo(dh, dl / dh, ll);
  double el, eh = mul_dd(lh, m, el);
  el += m * ll;
  double e = eh + el, e_lo = el - (e - eh);
  e = blend(e > 800.0, 800.0, e);
  e = blend(e < -800.0, -800.0, e);
  double rh, rl;
  int64_t k = exp_reduce(-e, rh, rl);
  // e_lo reaches 2^-44, too large for exp_parts' linear term in rl: into rh by TwoSum.
  double t = rl - e_lo, uh = rh + t, ul = two_sum_err(rh, t, uh);
  ExpParts p = exp_parts(uh, ul);
  double hi = p.s + p.t;
  return {hi, p.t - (hi - p.s), k};
}

/// psi^(n)(x) = (-1)^(n+1) n! zeta(n + 1, x), zeta(s, x) = sum_k (x + k)^-s:
/// the first kZetaShift terms, then at y = x + kZetaShift the Euler-Maclaurin
/// tail zeta(s, y) ~ y^(1-s) (1/(s - 1) + 1/(2y) + sum_j c_j y^-2j), c_j =
/// B_2j/(2j)! s (s+1)..(s+2j-2), j <= kZetaTerms: the first omitted term is
/// below 2e-18 of zeta(s, x) for every x > 0 and n <= 20 (mpmath). The
/// loop-invariant parts come from polygamma_coefs.
inline constexpr int kZetaShift = 8, kZetaTerms = 10, kPolygammaMaxOrder = 20;
struct PolygammaCoefs {
  double s;               // n + 1
  double scale;           // (-1)^(n+1) n!, exact in double for n <= 22
  double inv_hi, inv_lo;  // 1/n in two parts
  double c[kZetaTerms];   // c_j, j = 1 .. kZetaTerms
};
inline PolygammaCoefs polygamma_coefs(int n) {
  static constexpr long double kB2j[kZetaTerms] = {1.0L / 6,       -1.0L / 30,      1.0L / 42, -1.0L / 30,
                                                   5.0L / 66,      -691.0L / 2730,  7.0L / 6,  -3617.0L / 510,
                                                   43867.0L / 798, -174611.0L / 330};
  PolygammaCoefs p{};
  p.s = n + 1;
  long double f = 1, rising = p.s, fact2j = 2;  // n!, s (s+1)..(s+2j-2), (2j)!
  for (int k = 2; k <= n; ++k) f *= k;
  p.scale = (double)(n % 2 ? f : -f);
  p.inv_hi = 1.0 / n;
  p.inv_lo = (double)(1.0L / n - p.inv_hi);
  for (int j = 1; j <= kZetaTerms; ++j) {
    p.c[j - 1] = (double)(kB2j[j - 1] / fact2j * rising);
    rising *= (p.s + 2 * j - 1) * (p.s + 2 * j);
    fact2j *= (2 * j + 1) * (2 * j + 2);
  }
  return p;
}

/// psi^(n)(x) for finite x > 0 and 1 <= n <= kPolygammaMaxOrder. Each term is
/// pow_neg's 2^k (hi + lo) (x + k as a TwoSum pair); all are scaled to the
/// exponent of the largest (x^-s or the tail's y^(1-s)) and summed as a
/// double-double, times n! (exact) by mul_dd, and scaled back once at the end:
/// one rounding, also for results in the subnormals or near overflow.
/// Measured: within 0.75 ulp for n = 1..4; 1.1 ulp for n = 8 and 20, where
/// the ~2^-59 error of ln x (log_hilo) is multiplied by s in e^(-s ln x).
FLUXION_VMATH double polygamma_positive(double x, const PolygammaCoefs& c) {
  ExpDD t0 = pow_neg(x, 0.0, c.s);
  double yh = x + kZetaShift, yl = two_sum_err(x, (double)kZetaShift, yh);
  ExpDD tt = pow_neg(yh, yl, c.s - 1);
  int64_t kmax = t0.k > tt.k ? t0.k : tt.k;
  auto rel = [kmax](int64_t k) __attribute__((always_inline)) {  // 2^(k - kmax), at least 2^-1000
    int64_t d = k - kmax;
    return from_bits((uint64_t)((d < -1000 ? -1000 : d) + 1023) << 52);
  };
  double f0 = rel(t0.k), sh = t0.hi * f0, sl = t0.lo * f0;
#pragma GCC unroll 8  // a loop left in the body (too large for GCC's own unrolling) stops the vectoriser
  for (int i = 1; i < kZetaShift; ++i) {
    double dh = x + i, dl = two_sum_err(x, (double)i, dh);
    ExpDD t = pow_neg(dh, dl, c.s);
    double f = rel(t.k), a = t.hi * f, s = sh + a;
    sl += two_sum_err(sh, a, s) + t.lo * f;
    sh = s;
  }
  // The tail's bracket 1/n + w/2 + w^2 sum_j c_j w^(2j-2), w = 1/y = w0 + wc (recip_dd).
  double wc, w0 = recip_dd(yh, yl, wc), w = w0 + wc, w2 = w * w;
  double q = c.c[kZetaTerms - 1];
#pragma GCC unroll 10
  for (int j = kZetaTerms - 2; j >= 0; --j) q = q * w2 + c.c[j];
  double bh = c.inv_hi + 0.5 * w0, bl = two_sum_err(c.inv_hi, 0.5 * w0, bh) + ((c.inv_lo + 0.5 * wc) + w2 * q);
  double pl, ph = mul_dd(tt.hi, bh, pl);
  pl += tt.hi * bl + tt.lo * bh;
  double ft = rel(tt.k), a = ph * ft, s = sh + a;
  sl += two_sum_err(sh, a, s) + pl * ft;
  double rl, rh = mul_dd(s, c.scale, rl);
  rl += sl * c.scale;
  return scale(rh + rl, kmax);
}

#undef FLUXION_VMATH

}  // namespace fluxion::vmath::f64
