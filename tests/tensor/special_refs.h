// SPDX-License-Identifier: MIT
// Long double references for the special-function kernel tests of both dtypes.
#pragma once
#include <cmath>

namespace fluxion::special_refs {

inline constexpr long double kPiL = 3.141592653589793238462643383279502884L;

/// psi^(n)(x) = (-1)^(n+1) n! zeta(n + 1, x) for x > 0, 1 <= n <= 20: the
/// terms (x + k)^-s up to x + k >= 48, then Euler-Maclaurin to B_24 (its first
/// omitted term is below 1e-26 of zeta there). Good to ~2^-58.
inline long double polygamma_ref(int n, long double x) {
  static constexpr long double kB2j[] = {1.0L / 6,       -1.0L / 30,       1.0L / 42,       -1.0L / 30,
                                         5.0L / 66,      -691.0L / 2730,   7.0L / 6,        -3617.0L / 510,
                                         43867.0L / 798, -174611.0L / 330, 854513.0L / 138, -236364091.0L / 2730};
  long double s = n + 1, zeta = 0;
  for (; x < 48; x += 1) {  // (x + k)^-s by multiplication: s rounds at 2^-64 relative, powl is slow
    long double p = 1;
    for (int i = 0; i <= n; ++i) p *= x;
    zeta += 1 / p;
  }
  zeta += std::pow(x, 1 - s) / (s - 1) + 0.5L * std::pow(x, -s);
  long double rising = s, power = std::pow(x, -s - 1), fact = 2;  // s (s+1)..(s+2j-2), x^(-s-2j+1), (2j)!
  for (int j = 1; j <= 12; ++j) {
    zeta += kB2j[j - 1] / fact * rising * power;
    rising *= (s + 2 * j - 1) * (s + 2 * j);
    power /= x * x;
    fact *= (2 * j + 1) * (2 * j + 2);
  }
  long double nfact = 1;
  for (int k = 2; k <= n; ++k) nfact *= k;
  return (n % 2 ? 1 : -1) * nfact * zeta;
}

/// sin(pi x) / (pi x), 1 at 0: r = x - 2 round(x/2) (exact), sin(pi r) by
/// |r| or 1 - |r| (exact), whichever is at most 1/2, so that pi times it rounds
/// only at 2^-64 relative.
inline long double sinc_ref(long double x) {
  if (x == 0) return 1;
  long double r = x - 2 * std::nearbyint(x / 2), a = std::fabs(r);
  long double s = std::copysign(std::sin(kPiL * (a > 0.5L ? 1 - a : a)), r);
  return s == 0 ? 0 : s / (kPiL * x);  // +0 at the integers
}

}  // namespace fluxion::special_refs
