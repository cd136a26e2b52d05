// SPDX-License-Identifier: MIT
// Test problems with known solutions, written with the core ops only.
#pragma once
#include <cmath>
#include <string>

#include "fluxion.h"

namespace odeint_test {

namespace fx = fluxion;

/// The message of the fluxion::Error that `fn` throws ("" when it does not throw).
template <class F>
std::string error_of(F fn) {
  try {
    fn();
  } catch (const fx::Error& e) {
    return e.what();
  }
  return "";
}

/// n evenly spaced float64 times from a to b (both included).
inline fx::Tensor grid(double a, double b, int64_t n) {
  std::vector<double> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = a + (b - a) * (double)i / (double)(n - 1);
  return fx::tensor(v, {n}, fx::Float64);
}

/// y' = -2 t y, y(t) = y(0) exp(-t^2).
inline fx::Tensor gauss(const fx::Tensor& t, const fx::Tensor& y) { return -2.0 * t * y; }

/// The linear spiral y' = y A^T, A = [[a, -b], [b, a]]; y of shape [..., 2].
struct Spiral {
  double a = -0.3, b = 1.1;
  fx::Tensor operator()(const fx::Tensor&, const fx::Tensor& y) const {
    fx::Tensor At = fx::tensor({{a, b}, {-b, a}}, y.dtype());
    return y.matmul(At);
  }
  /// exp(a t) R(b t) y0 for one state (x, y).
  std::array<double, 2> exact(double t, double x, double y) const {
    double r = std::exp(a * t), c = std::cos(b * t), s = std::sin(b * t);
    return {r * (c * x - s * y), r * (s * x + c * y)};
  }
};

/// Van der Pol: x' = v, v' = mu (1 - x^2) v - x, state [2].
struct VanDerPol {
  double mu = 1.0;
  fx::Tensor operator()(const fx::Tensor&, const fx::Tensor& y) const {
    fx::Tensor e0 = fx::tensor({1.0, 0.0}, y.dtype()), e1 = fx::tensor({0.0, 1.0}, y.dtype());
    fx::Tensor x = (y * e0).sum(), v = (y * e1).sum();
    return e0 * v + e1 * (mu * (1.0 - x * x) * v - x);
  }
};

}  // namespace odeint_test
