// SPDX-License-Identifier: MIT
// Float32 sin, cos and tan that the compiler can vectorise, computed in double
// and rounded once (as vmath_f32.h): Cody-Waite reduction by a 3-part pi/2,
// fdlibm's kernels on [-pi/4, pi/4], the quadrant chosen by bit blends.
// Valid for |x| < kTrigBound only: larger arguments, infinities and NaN are the
// caller's to send to a scalar pass (float_map_ranged, split_map.h).
#pragma once
#include "tensor/kernels/vmath_f32.h"

namespace fluxion::vmath::f32 {

#define FLUXION_VMATH inline __attribute__((always_inline))

/// The reduction below is exact up to here. k = round(x 2/pi) has at most 20
/// bits for |x| < 2^20, and kPio2_1 has 33 significant bits, so k kPio2_1 is
/// exact (53 bits); x (a float, a multiple of 2^-149) and k kPio2_1 (a multiple
/// of 2^-32 with x's exponent at most 19) differ by a multiple of 2^-32 below 1,
/// exact too. k kPio2_2 is exact as well; only the last two subtractions round,
/// with an absolute error near 2^-53 |k kPio2_2| < 2^-67, while a float below
/// 2^20 lies at least 4.2e-9 (2^-27.8, the float nearest 161 pi/2; every k
/// checked with mpmath) from any multiple of pi/2: the reduced r keeps a
/// relative error below 2^-39, far under the half-ulp margin of a float.
inline constexpr float kTrigBound = 1048576.0f;  // 2^20

/// x = k pi/2 + r, |r| <= pi/4 (plus rounding), returning r and q = k mod 4.
FLUXION_VMATH double reduce_pio2(double x, uint64_t& q) {
  const double magic = 6755399441055744.0;            // 1.5 * 2^52: adding it rounds to an integer
  const double kPio2_1 = 1.57079632673412561417e+00;  // first 33 bits of pi/2 (fdlibm's pio2_1)
  const double kPio2_2 = 6.07710050630396597660e-11;  // next 33 bits (pio2_2)
  const double kPio2_3 = 2.02226624871116645580e-21;  // next 33 bits (pio2_3)
  double t = x * 0.63661977236758134308 + magic;
  q = to_bits(t) & 3;  // k's two lowest bits, two's complement for k < 0 as well
  double k = t - magic;
  return ((x - k * kPio2_1) - k * kPio2_2) - k * kPio2_3;
}

/// sin r and cos r for |r| <= pi/4: fdlibm's __kernel_sin / __kernel_cos
/// polynomials (relative error below 2^-58), without their tail term.
FLUXION_VMATH double sin_kernel(double r) {
  double z = r * r;
  double p = poly(z, 1.58969099521155010221e-10, -2.50507602534068634195e-08, 2.75573137070700676789e-06,
                  -1.98412698298579493134e-04, 8.33333333332248946124e-03, -1.66666666666666324348e-01);
  return r + r * z * p;
}
FLUXION_VMATH double cos_kernel(double r) {
  double z = r * r;
  double p = poly(z, -1.13596475577881948265e-11, 2.08757232129817482790e-09, -2.75573143513906633035e-07,
                  2.48015872894767294178e-05, -1.38888888888741095749e-03, 4.16666666666666019037e-02);
  return 1 - 0.5 * z + z * z * p;
}

/// sin of k pi/2 + r by quadrant q: sin r, cos r, -sin r, -cos r.
FLUXION_VMATH double sin_quadrant(double r, uint64_t q) {
  double v = blend((q & 1) != 0, cos_kernel(r), sin_kernel(r));
  return from_bits(to_bits(v) ^ ((q & 2) << 62));  // q & 2 flips the sign bit
}

/// sin x for |x| < kTrigBound; sin(-0) = -0.
FLUXION_VMATH double sin(double x) {
  uint64_t q;
  double r = reduce_pio2(x, q);
  return blend(x == 0, x, sin_quadrant(r, q));
}
/// cos x = sin(x + pi/2): quadrant q + 1.
FLUXION_VMATH double cos(double x) {
  uint64_t q;
  double r = reduce_pio2(x, q);
  return sin_quadrant(r, q + 1);
}
/// tan x = sin r / cos r in even quadrants, -cos r / sin r in odd ones; tan(-0) = -0.
FLUXION_VMATH double tan(double x) {
  uint64_t q;
  double r = reduce_pio2(x, q);
  double s = sin_kernel(r), c = cos_kernel(r);
  bool odd = (q & 1) != 0;
  double t = blend(odd, -c, s) / blend(odd, s, c);
  return blend(x == 0, x, t);
}

#undef FLUXION_VMATH

}  // namespace fluxion::vmath::f32
