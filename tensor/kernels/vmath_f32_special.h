// SPDX-License-Identifier: MIT
// Float32 lgamma, digamma and erfinv that the compiler can vectorise, computed
// in double and rounded once (as vmath_f32.h), on part of the line (lgamma and
// digamma for finite x > 0, erfinv for |y| < 1): the caller sends the rest to a scalar
// pass (float_map_ranged, split_map.h).
#pragma once
#include "tensor/kernels/vmath_f32.h"

namespace fluxion::vmath::f32 {

#define FLUXION_VMATH inline __attribute__((always_inline))

/// ln Gamma(x) for finite x > 0: ln Gamma(x + 6) - ln(x (x+1) ... (x+5)) (the
/// product stays finite in double for every float x), ln Gamma(y), y >= 6, by
/// Stirling's series (y - 1/2) ln y - y + ln(2 pi)/2 + sum B_2k / (2k (2k-1) y^(2k-1))
/// to B_14 (next term < 2e-14 of the result). Near the roots 1 and 2 that
/// difference cancels, so for |x - 1| < 1/16 and |x - 2| < 1/16 the Taylor series
/// ln Gamma(1 + d) = -gamma d + sum_k (-1)^k zeta(k)/k d^k and
/// ln Gamma(2 + d) = (1 - gamma) d + sum_k (-1)^k (zeta(k) - 1)/k d^k to d^16
/// (mpmath's values) are taken instead.
FLUXION_VMATH double lgamma_positive(double x) {
  double prod = x * (x + 1) * (x + 2) * (x + 3) * (x + 4) * (x + 5);
  double y = x + 6, r = 1 / (y * y);
  // B2/2, B4/12, ... B14/182 with B = 1/6, -1/30, 1/42, -1/30, 5/66, -691/2730, 7/6
  double series = poly(r, 1.0 / 156, -691.0 / 360360, 1.0 / 1188, -1.0 / 1680, 1.0 / 1260, -1.0 / 360, 1.0 / 12) / y;
  double far = (y - 0.5) * log(y) - y + 0.9189385332046728 + series - log(prod);
  double d1 = x - 1, d2 = x - 2;
  double near1 = d1 * poly(d1, 0.06250095514121304, -0.06666870588242046, 0.07143294629536133, -0.0769325164113522,
                           0.083353840546109, -0.09095401714582904, 0.1000994575127818, -0.11133426586956469,
                           0.12550966952474304, -0.1440498967688461, 0.1695571769974082, -0.20738555102867398,
                           0.27058080842778454, -0.40068563438653143, 0.8224670334241132, -0.5772156649015329);
  double near2 =
      d2 * poly(d2, 9.55141213040742e-07, -2.039215753801366e-06, 4.374866789907488e-06, -9.439488275268397e-06,
                2.050721277567069e-05, -4.492623673813314e-05, 9.945751278180853e-05, -0.00022315475845357939,
                0.0005096695247430425, -0.001192753911703261, 0.0028905103307415234, -0.007385551028673986,
                0.020580808427784546, -0.0673523010531981, 0.3224670334241132, 0.42278433509846713);
  double v = blend(fabs(d1) < 0.0625, near1, far);
  return blend(fabs(d2) < 0.0625, near2, v) + 0.0;  // + 0: ln Gamma(1) = ln Gamma(2) = +0, not 0 * -gamma
}

/// psi(x) for finite x > 0. Away from the positive root x0 = 1.46163...:
/// psi(x) = psi(x + 6) - sum_{k=0..5} 1/(x + k) (a fixed shift, branch-free),
/// then ln y - 1/(2y) - sum B_2k / (2k y^2k) to B_14 at y = x + 6 >= 6, whose
/// next term is below 2e-13 of the result. That sum cancels to an absolute
/// error near 1e-15, too much relative to psi near its root, so for
/// |x - x0| < 1/16 the Taylor series of psi about x0 (psi^(n)(x0)/n! to n = 11,
/// from mpmath; truncation < 2e-16 relative) in d = x - x0 (x0 in two parts) is
/// taken instead.
FLUXION_VMATH double digamma_positive(double x) {
  double acc = 1 / x + 1 / (x + 1) + 1 / (x + 2) + 1 / (x + 3) + 1 / (x + 4) + 1 / (x + 5);
  double y = x + 6, r = 1 / (y * y);
  // B2/2, B4/4, ... B14/14 with B = 1/6, -1/30, 1/42, -1/30, 5/66, -691/2730, 7/6
  double series = r * poly(r, 1.0 / 12, -691.0 / 32760, 1.0 / 132, -1.0 / 240, 1.0 / 252, -1.0 / 120, 1.0 / 12);
  double far = log(y) - 0.5 / y - series - acc;
  double d = (x - 1.4616321449683622) - 9.549995429965697e-17;
  double near = d * poly(d, 0.010538791616612175, -0.01542476590494896, 0.022597648232218104, -0.03316112647484736,
                         0.04880428816414311, -0.07219956125645471, 0.10782405069126237, -0.16394270544240652,
                         0.258499760955651, -0.4427631689835921, 0.9676722454476212);
  return blend(fabs(d) < 0.0625, near, far);
}

/// One Newton step on erf x - a from x (erfinv below).
FLUXION_VMATH double erfinv_newton(double x, double a, bool small) {
  double res = blend(small, erf_series(x) - a, (1 - a) - erfc(x));
  return x - res * 0.88622692545275801 * exp(x * x);  // sqrt(pi) / 2
}

/// erf^-1(y) for |y| < 1: Giles' single-precision approximation of x = erfinv|y|
/// (w = -ln((1 - a)(1 + a)), its two branches as a blend; relative error ~4e-7),
/// then Newton steps on erf x - a, erf'(x) = 2/sqrt(pi) e^{-x^2}. Each squares
/// the error, so two leave only that of the residual: erf_series - a for
/// a < 1/2 (no cancellation for small a), else (1 - a) - erfc x (1 - a is exact)
/// with erfc's 2e-11 relative error, a relative error in x below 2e-11.
FLUXION_VMATH double erfinv(double y) {
  double a = fabs(y), w = -log((1 - a) * (1 + a));  // >= 0: sqrt of fabs(w) lets GCC drop sqrt's errno branch
  double pc = poly(w - 2.5, 2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                   -0.00125372503, -0.00417768164, 0.246640727, 1.50140941);
  double pt = poly(__builtin_sqrt(fabs(w)) - 3, -0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844,
                   0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682);
  double x = blend(w < 5, pc, pt) * a;
  bool small = a < 0.5;
  x = erfinv_newton(x, a, small);  // written out twice: a loop here would stop the vectoriser
  x = erfinv_newton(x, a, small);
  return with_sign(x, y);
}

#undef FLUXION_VMATH

}  // namespace fluxion::vmath::f32
