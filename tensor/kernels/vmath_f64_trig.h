// SPDX-License-Identifier: MIT
// Float64 sin, cos and tan that the compiler can vectorise, within 1 ulp:
// Cody-Waite reduction by pi/2 in four parts to a double-double r = y0 + y1,
// then fdlibm's kernels (FreeBSD msun k_sin.c, k_cos.c, k_tan.c; musl's
// branch-free arrangement of k_tan) on [-pi/4, pi/4] with y1 as their tail,
// the quadrant and tan's two ranges chosen by bit blends.
// Valid for |x| < kTrigBound64 only: larger arguments, infinities and NaN are
// the caller's to send to a scalar pass (float_map_ranged, split_map.h).
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
FLUXION_VMATH double sin_kernel(double x, double y) {
  double z = x * x, w = z * z, v = z * x;
  double r = poly(z, 2.75573137070700676789e-06, -1.98412698298579493134e-04, 8.33333333332248946124e-03) +
             z * w * poly(z, 1.58969099521155010221e-10, -2.50507602534068634195e-08);  // S4..S2, S6 S5
  return x - ((z * (0.5 * y - v * r) - y) - v * -1.66666666666666324348e-01);     // S1
}

/// cos(x + y) = 1 - x^2/2 + x^4 C(x^2) - x y, with 1 - x^2/2 as w + its exact
/// rounding error (k_cos.c; polynomial error < 2^-58).
FLUXION_VMATH double cos_kernel(double x, double y) {
  double z = x * x, w = z * z;
  double r = z * poly(z, 2.48015872894767294178e-05, -1.38888888888741095749e-03, 4.16666666666666019037e-02) +
             w * w * poly(z, -1.13596475577881948265e-11, 2.08757232129817482790e-09, -2.75573143513906633035e-07);
  double hz = 0.5 * z, one_hz = 1 - hz;
  return one_hz + (((1 - one_hz) - hz) + (z * r - x * y));
}

/// sin of k pi/2 + (y0 + y1) by quadrant q: sin, cos, -sin, -cos.
FLUXION_VMATH double sin_quadrant(double y0, double y1, uint64_t q) {
  double v = blend((q & 1) != 0, cos_kernel(y0, y1), sin_kernel(y0, y1));
  return from_bits(to_bits(v) ^ ((q & 2) << 62));  // q & 2 flips the sign bit
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

#undef FLUXION_VMATH

}  // namespace fluxion::vmath::f64
