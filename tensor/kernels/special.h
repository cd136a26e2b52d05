// SPDX-License-Identifier: MIT
// Special functions on one double that the C library lacks: digamma,
// polygamma, erfinv and sinc. Header-only so kernels inline them into their
// loops; the float32 kernels call them and round the result.
#pragma once
#include <cmath>
#include <initializer_list>
#include <limits>
#include <numbers>

namespace fluxion::kernels::special {

/// psi(x) = d/dx log Gamma(x). Reflection psi(1 - x) - pi / tan(pi x) below 0,
/// the recurrence psi(x) = psi(x + 1) - 1/x up to x >= 10, then the asymptotic
/// series ln x - 1/(2x) - sum B_2k / (2k x^2k). psi(0) = -inf (as PyTorch),
/// psi(-n) = NaN.
inline double digamma(double x) {
  if (std::isnan(x)) return x;
  if (x == 0) return std::copysign(std::numeric_limits<double>::infinity(), -x);
  if (x < 0) {
    if (x == std::floor(x)) return std::numeric_limits<double>::quiet_NaN();
    return digamma(1 - x) - std::numbers::pi / std::tan(std::numbers::pi * x);
  }
  double acc = 0;
  for (; x < 10; x += 1) acc -= 1 / x;
  double r = 1 / (x * x);
  // B2/2, B4/4, ... B14/14 with B = 1/6, -1/30, 1/42, -1/30, 5/66, -691/2730, 7/6
  double series =
      r *
      (1.0 / 12 - r * (1.0 / 120 - r * (1.0 / 252 - r * (1.0 / 240 - r * (1.0 / 132 - r * (691.0 / 32760 - r / 12))))));
  return acc + std::log(x) - 0.5 / x - series;
}

/// psi^(n)(x) for n >= 1: (-1)^(n+1) n! zeta(n + 1, x), the Hurwitz zeta sum
/// taken term by term until x + k >= 16, then by Euler-Maclaurin:
/// zeta(s, a) ~ a^(1-s)/(s-1) + a^-s/2 + sum_j B_2j/(2j)! s(s+1)..(s+2j-2) a^(-s-2j+1).
/// n = 0 is digamma.
inline double polygamma(int n, double x) {
  if (n == 0) return digamma(x);
  if (std::isnan(x)) return x;
  // The poles at 0, -1, -2, ..., and every x <= -2^52 (all integers) and -inf
  // with them, as torch: there x + 1 would never reach 16.
  if (x <= 0 && x == std::floor(x)) return std::numeric_limits<double>::infinity() * ((n % 2) ? 1 : -1);
  double s = n + 1, zeta = 0;
  for (; x < 16; x += 1) zeta += std::pow(x, -s);
  static constexpr double kB2j[] = {1.0 / 6, -1.0 / 30, 1.0 / 42, -1.0 / 30, 5.0 / 66, -691.0 / 2730, 7.0 / 6};
  zeta += std::pow(x, 1 - s) / (s - 1) + 0.5 * std::pow(x, -s);
  double rising = s, power = std::pow(x, -s - 1), fact = 2;  // s (s+1)..(s+2j-2), a^(-s-2j+1), (2j)!
  for (int j = 1; j <= 7; ++j) {
    zeta += kB2j[j - 1] / fact * rising * power;
    rising *= (s + 2 * j - 1) * (s + 2 * j);
    power /= x * x;
    fact *= (2 * j + 1) * (2 * j + 2);
  }
  double nfact = std::tgamma(n + 1.0);
  return ((n % 2) ? 1 : -1) * nfact * zeta;
}

/// erf^-1(y) on [-1, 1] (+-inf at +-1, NaN outside): Giles' single-precision
/// approximation as a start, then two Newton steps on erf(x) - y, whose
/// derivative is 2/sqrt(pi) e^{-x^2}, for full double precision.
inline double erfinv(double y) {
  if (!(y >= -1 && y <= 1)) return std::numeric_limits<double>::quiet_NaN();
  if (y == 1 || y == -1) return std::copysign(std::numeric_limits<double>::infinity(), y);
  double w = -std::log((1 - y) * (1 + y)), x;
  if (w < 5) {
    w -= 2.5;
    double p = 2.81022636e-08;
    for (double c : {3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503, -0.00417768164,
                     0.246640727, 1.50140941})
      p = c + p * w;
    x = p * y;
  } else {
    w = std::sqrt(w) - 3;
    double p = -0.000200214257;
    for (double c : {0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047,
                     1.00167406, 2.83297682})
      p = c + p * w;
    x = p * y;
  }
  for (int k = 0; k < 2; ++k) x -= (std::erf(x) - y) / (2 * std::numbers::inv_sqrtpi * std::exp(-x * x));
  return x;
}

/// sin(pi x) / (pi x), 1 at 0 (the normalised sinc, as torch.sinc).
inline double sinc(double x) {
  if (x == 0) return 1;
  double px = std::numbers::pi * x;
  return std::sin(px) / px;
}

}  // namespace fluxion::kernels::special
