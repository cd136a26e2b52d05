// SPDX-License-Identifier: MIT
// A custom differentiable op: write forward, VJP and JVP side by side in one
// struct, run it through fluxion::apply, and every transform works with it.
//
//   ./build/release/examples/custom_op
#include <cmath>
#include <cstdio>

#include "fluxion.h"
#include "tensor/kernels/copy.h"

namespace fx = fluxion;
using fx::Tensor;

// smooth_abs: y = sqrt(x^2 + eps), a differentiable |x|.
struct SmoothAbs {
  static constexpr const char* name = "SmoothAbs";
  static constexpr fx::Save save = fx::Save::both;  // the rules read x and y
  double eps = 1e-2;
  // Forward on raw data: any kernel, here a plain loop.
  fx::TensorData forward(const fx::TensorData& x) const {
    fx::TensorData y = fx::kernels::clone(x);
    fx::dispatch_float(y.dtype, "smooth_abs", [&](auto tag) {
      using T = decltype(tag);
      for (int64_t i = 0; i < y.numel(); ++i) y.data<T>()[i] = std::sqrt(y.data<T>()[i] * y.data<T>()[i] + T(eps));
    });
    return y;
  }
  // dy/dx = x / y. Rules use tensor ops, so double backward and HVPs work too.
  Tensor vjp(const Tensor& grad, const fx::Saved& s) const { return grad * s.input() / s.output(); }
  Tensor jvp(const Tensor& dx, const fx::Saved& s) const { return dx * s.input() / s.output(); }
};

Tensor smooth_abs(const Tensor& x) { return fx::apply(SmoothAbs{}, x); }

int main() {
  Tensor x = fx::tensor({-1.0, 0.0, 0.5}, fx::Float64);
  auto f = [](const Tensor& t) { return smooth_abs(t).sum(); };
  Tensor g = fx::func::grad(f)(x);                                  // x / sqrt(x^2 + eps)
  Tensor hv = fx::func::hvp(f, x, fx::ones({3}, fx::Float64));      // eps / (x^2 + eps)^1.5
  auto [y, jv] = fx::func::jvp([](const Tensor& t) { return smooth_abs(t); }, x, fx::ones({3}, fx::Float64));
  std::printf("x          = [%g, %g, %g]\n", x.at({0}), x.at({1}), x.at({2}));
  std::printf("smooth_abs = [%.6f, %.6f, %.6f]\n", y.at({0}), y.at({1}), y.at({2}));
  std::printf("grad       = [%.6f, %.6f, %.6f]\n", g.at({0}), g.at({1}), g.at({2}));
  std::printf("jvp (v=1)  = [%.6f, %.6f, %.6f]\n", jv.at({0}), jv.at({1}), jv.at({2}));
  std::printf("H v (v=1)  = [%.6f, %.6f, %.6f]\n", hv.at({0}), hv.at({1}), hv.at({2}));
  return 0;
}
