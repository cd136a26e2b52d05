// SPDX-License-Identifier: MIT
// Float64 sin, cos, tan, sinc, atan, asin and acos that the compiler can vectorise,
// within 1 ulp. sin, cos and tan:
// Cody-Waite reduction by pi/2 in four parts to a double-double r = y0 + y1,
// then fdlibm's kernels (FreeBSD msun k_sin.c, k_cos.c, k_tan.c; musl's
// branch-free arrangement of k_tan) on [-pi/4, pi/4] with y1 as their tail,
// the quadrant and tan's two ranges chosen by bit blends.
// Valid for |x| < kTrigBound64 only: larger arguments, infinities and NaN are
// the caller's to send to a scalar pass (float_map_ranged, split_map.h).
// atan, asin, acos: fdlibm's s_atan.c, e_asin.c, e_acos.c with every case
// computed and the result blended, for every x. sinc: sin(pi x)/(pi x) with
// x reduced exactly by 2, for |x| < 2^52.
#pragma once
#include "tensor/kernels/vmath_f64.h"

namespace fluxion::vmath::f64 {

#define FLUXION_VMATH inline __attribute__((always_inline))

/// The reduction below holds up to here. For |x| < 2^20, k = round(x 2/pi) <
/// 2^20, so k times each 33-bit part of pi/2 (fdlibm's pio2_1, pio2_2, pio2_3)
/// is exact, and x - k pio2_1 is exact (Sterbenz: k pio2_1 is within a factor
/// 2 of x for k >= 1). The next two parts are taken off by TwoSum, exactly;
/// only k pio2_3t (2^-136) and the sum of the two TwoSum errors (2^-105 |r|)
/// round, and pi/2 - the four parts is below 2^-156: y0 + y1 is within
/// 2^-105 |r| + 2^-134 of r. No double lies closer than 2^-61 to a multiple of
/// pi/2 (Muller, Elementary Functions: the worst case over all doubles is
/// 6381956970095103 2^797, 2^-60.9 away), so r has a relative error below
/// 2^-72, far under the kernels' 2^-58.
inline constexpr double kTrigBound64 = 1048576.0;  // 2^20

/// x = k pi/2 + y0 + y1, |y0| <= pi/4 (plus rounding), |y1| <= ulp(y0)/2; q = k mod 4.
FLUXION_VMATH double reduce_pio2(double x, double& y1, uint64_t& q) {
  const double magic = 6755399441055744.0;            // 1.5 * 2^52: adding it rounds to an integer
  const double pio2_1 = 1.57079632673412561417e+00;   // 0x3ff921fb54400000, 33 bits
  const double pio2_2 = 6.07710050630396597660e-11;   // 0x3dd0b4611a600000, the next 33
  const double pio2_3 = 2.02226624871116645580e-21;   // 0x3ba3198a2e000000, the next 33
  const double pio2_3t = 8.47842766036889956997e-32;  // 0x397b839a252049c1, pi/2 - the three
  double t = x * 0.63661977236758134308 + magic;
  q = to_bits(t) & 3;  // k's two lowest bits, two's complement for k < 0 as well
  double k = t - magic;
  double r1 = x - k * pio2_1;  // exact
  double b2 = -(k * pio2_2), r2 = r1 + b2, e2 = two_sum_err(r1, b2, r2);
  double b3 = -(k * pio2_3), r3 = r2 + b3, e3 = two_sum_err(r2, b3, r3);
  double lo = (e2 + e3) - k * pio2_3t;
  double y0 = r3 + lo;
  y1 = lo - (y0 - r3);  // Fast2Sum: |r3| >= |lo|
  return y0;
}

/// sin(x + y), |x| <= pi/4, |y| <= ulp(x)/2: x + x^3 (S1 + x^2 S(x^2)) with
/// the tail y entering as y - x^2 (y/2 - x^3 S) (k_sin.c; polynomial error < 2^-58).
/// sin_kernel_dd also returns the final subtraction's rounding error in lo (Fast2Sum: |x| > the rest).
FLUXION_VMATH double sin_kernel_dd(double x, double y, double& lo) {
  double z = x * x, w = z * z, v = z * x;
  double r = poly(z, 2.75573137070700676789e-06, -1.98412698298579493134e-04, 8.33333333332248946124e-03) +
             z * w * poly(z, 1.58969099521155010221e-10, -2.50507602534068634195e-08);  // S4..S2, S6 S5
  double t = (z * (0.5 * y - v * r) - y) - v * -1.66666666666666324348e-01;            // S1
  double h = x - t;
  lo = (x - h) - t;
  return h;
}
FLUXION_VMATH double sin_kernel(double x, double y) {
  double lo;
  return sin_kernel_dd(x, y, lo);
}

/// cos(x + y) = 1 - x^2/2 + x^4 C(x^2) - x y, with 1 - x^2/2 as w + its exact
/// rounding error (k_cos.c; polynomial error < 2^-58).
/// cos_kernel_dd also returns the final addition's rounding error in lo.
FLUXION_VMATH double cos_kernel_dd(double x, double y, double& lo) {
  double z = x * x, w = z * z;
  double r = z * poly(z, 2.48015872894767294178e-05, -1.38888888888741095749e-03, 4.16666666666666019037e-02) +
             w * w * poly(z, -1.13596475577881948265e-11, 2.08757232129817482790e-09, -2.75573143513906633035e-07);
  double hz = 0.5 * z, one_hz = 1 - hz;
  double t = ((1 - one_hz) - hz) + (z * r - x * y), h = one_hz + t;
  lo = t - (h - one_hz);  // Fast2Sum: one_hz > 0.69 > |t|
  return h;
}
FLUXION_VMATH double cos_kernel(double x, double y) {
  double lo;
  return cos_kernel_dd(x, y, lo);
}

/// y with its sign flipped where the quadrant q is 2 or 3.
FLUXION_VMATH double flip_q2(double y, uint64_t q) { return from_bits(to_bits(y) ^ ((q & 2) << 62)); }

/// sin of k pi/2 + (y0 + y1) by quadrant q: sin, cos, -sin, -cos; sin_quadrant_dd as hi + lo.
FLUXION_VMATH double sin_quadrant_dd(double y0, double y1, uint64_t q, double& lo) {
  double cl, ch = cos_kernel_dd(y0, y1, cl), sl, sh = sin_kernel_dd(y0, y1, sl);
  bool odd = (q & 1) != 0;
  lo = flip_q2(blend(odd, cl, sl), q);
  return flip_q2(blend(odd, ch, sh), q);
}
FLUXION_VMATH double sin_quadrant(double y0, double y1, uint64_t q) {
  double lo;
  return sin_quadrant_dd(y0, y1, q, lo);
}

/// sin x for |x| < kTrigBound64; sin(-0) = -0.
FLUXION_VMATH double sin(double x) {
  double y1;
  uint64_t q;
  double y0 = reduce_pio2(x, y1, q);
  return blend(x == 0, x, sin_quadrant(y0, y1, q));
}
/// cos x = sin(x + pi/2): quadrant q + 1.
FLUXION_VMATH double cos(double x) {
  double y1;
  uint64_t q;
  double y0 = reduce_pio2(x, y1, q);
  return sin_quadrant(y0, y1, q + 1);
}

/// y with its sign flipped where s is negative.
FLUXION_VMATH double flip_sign(double y, double s) {
  return from_bits(to_bits(y) ^ (to_bits(s) & uint64_t{0x8000000000000000}));
}

/// tan(x + y) for |x| <= pi/4, or -1/tan(x + y) when odd (k_tan.c): x + x^3 T(x^2)
/// to x^27 (error < 2^-59.2) on |x| < 0.6744; beyond, with x' = pi/4 - |x| (pi/4 in
/// two parts), tan(pi/4 - x') = 1 - 2 (tan x' - tan^2 x' / (1 + tan x')), and
/// -1/tan(pi/4 - x') = -1 + 2 (...) likewise; then x's sign. Elsewhere -1/t
/// is refined from 21-bit parts of t and of its first guess, whose products are exact.
FLUXION_VMATH double tan_kernel(double x, double y, bool odd) {
  const double pio4 = 7.85398163397448278999e-01, pio4lo = 3.06161699786838301793e-17;
  bool big = fabs(x) >= 0.6744;
  double xr = blend(big, (pio4 - fabs(x)) + (pio4lo - flip_sign(y, x)), x);
  double yr = blend(big, 0.0, y);
  double z = xr * xr, w = z * z;
  double r = poly(w, -1.85586374855275456654e-05, 7.81794442939557092300e-05, 5.88041240820264096874e-04,
                  3.59207910759131235356e-03, 2.18694882948595424599e-02, 1.33333333333201242699e-01);  // T11..T1
  double v = z * poly(w, 2.59073051863633712884e-05, 7.14072491382608190305e-05, 2.46463134818469906812e-04,
                      1.45620945432529025516e-03, 8.86323982359930005737e-03, 5.39682539762260521377e-02);  // T12..T2
  double s = z * xr;
  r = yr + z * (s * (r + v) + yr) + s * 3.33333333333334091986e-01;  // T0
  double t = xr + r;
  double sg = blend(odd, -1.0, 1.0);
  double near = flip_sign(sg - 2.0 * (xr + (r - t * t / (t + sg))), x);
  double t0 = mask_low(t), tv = r - (t0 - xr);  // t0 + tv = xr + r
  double a = -1.0 / t, a0 = mask_low(a);
  double inv = a0 + a * (1.0 + a0 * t0 + a0 * tv);
  return blend(big, near, blend(odd, inv, t));
}

/// tan x for |x| < kTrigBound64: tan in even quadrants, -1/tan in odd ones; tan(-0) = -0.
FLUXION_VMATH double tan(double x) {
  double y1;
  uint64_t q;
  double y0 = reduce_pio2(x, y1, q);
  return blend(x == 0, x, tan_kernel(y0, y1, (q & 1) != 0));
}

/// sin(pi x) / (pi x) for |x| < 2^52 (torch.sinc), 1 at 0; larger x are
/// integers, left with inf and NaN to the caller's scalar pass. sin(pi x) has
/// period 2, so r = x - 2 round(x/2) (exact, |r| <= 1) and, with q = round(2r),
/// sin(pi x) = sin(q pi/2 + pi t), t = r - q/2 exact (Sterbenz) in [-1/4, 1/4]:
/// no multiple of pi is ever rounded, and sinc is exactly 0 at the integers.
/// pi t = y0 + y1 to ~2^-100 (pi in two parts, mul_dd), the kernels' sin or cos
/// as hi + lo, divided by pi x (also a double-double, Dekker's division): one
/// rounding after the kernels' 2^-58 and cos_kernel's rounded x^2 (0.80 ulp
/// measured). Below 2^-30, 1 - (pi x)^2/6 rounds to 1.
FLUXION_VMATH double sinc(double x) {
  const double magic = 6755399441055744.0;  // 1.5 * 2^52: adding it rounds to an integer
  const double pi_hi = 3.14159265358979311600e+00, pi_lo = 1.22464679914735317723e-16;
  double r = x - 2 * ((0.5 * x + magic) - magic);
  double qs = 2 * r + magic, t = r - 0.5 * (qs - magic);
  double tl, th = mul_dd(t, pi_hi, tl);
  tl += t * pi_lo;
  double y0 = th + tl, y1 = tl - (y0 - th);  // Fast2Sum
  double sl, sh = sin_quadrant_dd(y0, y1, to_bits(qs) & 3, sl);
  double dl, dh0 = mul_dd(x, pi_hi, dl);
  dl += x * pi_lo;
  double dh = dh0 + dl;
  dl -= dh - dh0;
  double q = sh / dh;
  double res = q + (div_err(sh, dh, q) + (sl - q * dl) / dh);
  return blend(fabs(x) < 0x1p-30, 1.0, res) + 0.0;  // + 0: +0 at every integer
}

/// atan x (s_atan.c): |x| is reduced by atan a = atan c + atan((a - c)/(1 + a c))
/// with c = 0, 1/2, 1, 3/2 or inf on the breaks 7/16, 11/16, 19/16, 39/16,
/// leaving |t| <= 7/16; then atan c (in two parts) + t - t^3 P(t^2), P
/// from s_atan.c (error < 2^-58.5), summed smallest first. The numerators are
/// exact (Sterbenz); -1/a takes c = inf, so +-inf gives +-pi/2.
FLUXION_VMATH double atan(double x) {
  double a = fabs(x);
  bool c0 = a >= 0.4375, c1 = a >= 0.6875, c2 = a >= 1.1875, c3 = a >= 2.4375;
  double num = blend(c3, -1.0, blend(c2, a - 1.5, blend(c1, a - 1, blend(c0, 2 * a - 1, a))));
  double den = blend(c3, a, blend(c2, 1 + 1.5 * a, blend(c1, a + 1, blend(c0, 2 + a, 1.0))));
  double hi = blend(c3, 1.57079632679489655800e+00,
                    blend(c2, 9.82793723247329054082e-01,
                          blend(c1, 7.85398163397448278999e-01, blend(c0, 4.63647609000806093515e-01, 0.0))));
  double lo = blend(c3, 6.12323399573676603587e-17,
                    blend(c2, 1.39033110312309984516e-17,
                          blend(c1, 3.06161699786838301793e-17, blend(c0, 2.26987774529616870924e-17, 0.0))));
  double t = num / den, z = t * t, w = z * z;
  double s1 = z * poly(w, 1.62858201153657823623e-02, 4.97687799461593236017e-02, 6.66107313738753120669e-02,
                       9.09088713343650656196e-02, 1.42857142725034663711e-01, 3.33333333333329318027e-01);
  double s2 = w * poly(w, -3.65315727442169155270e-02, -5.83357013379057348645e-02, -7.69187620504482999495e-02,
                       -1.11111104054623557880e-01, -1.99999999998764832476e-01);
  return with_sign(hi - ((t * (s1 + s2) - lo) - t), x);  // NaN stays NaN
}

/// asin x (e_asin.c). |x| < 1/2: x + x R(x^2), R = P/Q (error < 2^-58.75). Else,
/// with z = (1 - |x|)/2 (exact) and s = sqrt z, asin |x| = pi/2 - 2 asin s =
/// pi/2 - 2 (s + s R(z)); below 0.975 s is split as s0 (21 bits) + (z - s0^2)/(s + s0)
/// and pi/2 taken as 2 pi/4, so that the leading terms cancel exactly.
/// |x| = 1 gives pi/2 (s = 0), |x| > 1 NaN (sqrt of a negative).
FLUXION_VMATH double asin_r(double z) {
  double p = z * poly(z, 3.47933107596021167570e-05, 7.91534994289814532176e-04, -4.00555345006794114027e-02,
                      2.01212532134862925881e-01, -3.25565818622400915405e-01, 1.66666666666666657415e-01);
  double q = poly(z, 7.70381505559019352791e-02, -6.88283971605453293030e-01, 2.02094576023350569471e+00,
                  -2.40339491173441421878e+00, 1.0);
  return p / q;
}
inline constexpr double kPio2Hi = 1.57079632679489655800e+00, kPio2Lo = 6.12323399573676603587e-17;
FLUXION_VMATH double asin(double x) {
  double a = fabs(x);
  bool small = a < 0.5;
  double z = blend(small, a * a, (1 - a) * 0.5);
  double r = asin_r(z);
  double s = __builtin_sqrt(z);
  double near1 = kPio2Hi - (2.0 * (s + s * r) - kPio2Lo);
  double s0 = mask_low(s), c = blend(z > 0, (z - s0 * s0) / (s + s0), 0.0);  // 0/0 at |x| = 1
  const double pio4_hi = 7.85398163397448278999e-01;
  double mid = pio4_hi - ((2.0 * s * r - (kPio2Lo - 2.0 * c)) - (pio4_hi - 2.0 * s0));
  double big = blend(a > 0.975, near1, mid);
  return with_sign(blend(small, a + a * r, big), x);
}

/// acos x (e_acos.c). |x| < 1/2: pi/2 - (x - (pi/2lo - x R(x^2))). x <= -1/2:
/// pi - 2 (s + s R(z) - pi/2lo), z = (1 + x)/2. x >= 1/2: 2 (s0 + (s R(z) + c)),
/// z = (1 - x)/2, s = sqrt z split as in asin. acos 1 = +0, acos -1 = pi.
FLUXION_VMATH double acos(double x) {
  bool small = fabs(x) < 0.5;
  double z = blend(small, x * x, blend(x < 0, (1 + x) * 0.5, (1 - x) * 0.5));
  double r = asin_r(z);
  double s = __builtin_sqrt(z);
  double s0 = mask_low(s), c = blend(z > 0, (z - s0 * s0) / (s + s0), 0.0);  // 0/0 at |x| = 1
  double neg = 3.14159265358979311600e+00 - 2.0 * (s + (r * s - kPio2Lo));
  double pos = 2.0 * (s0 + (r * s + c));
  return blend(small, kPio2Hi - (x - (kPio2Lo - x * r)), blend(x < 0, neg, pos));
}

#undef FLUXION_VMATH

}  // namespace fluxion::vmath::f64
