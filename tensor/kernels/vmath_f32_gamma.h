// SPDX-License-Identifier: MIT
// Float32 digamma that the compiler can vectorise, computed in double and
// rounded once (as vmath_f32.h), for x > 0 finite; the caller sends x <= 0,
// inf and NaN to a scalar pass (float_map_ranged, split_map.h).
#pragma once
#include "tensor/kernels/vmath_f32.h"

namespace fluxion::vmath::f32 {

#define FLUXION_VMATH inline __attribute__((always_inline))

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

#undef FLUXION_VMATH

}  // namespace fluxion::vmath::f32
