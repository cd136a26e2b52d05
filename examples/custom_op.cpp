// SPDX-License-Identifier: MIT
// A custom differentiable function, as torch.autograd.Function: forward in
// ordinary tensor ops, a context to save tensors, backward (and optionally jvp)
// as rules; gradcheck checks them, and every transform works with it.
//
//   ./build/release/examples/custom_op
#include <cstdio>

#include "fluxion.h"

namespace fx = fluxion;
using fx::Tensor;
using fx::autograd::FunctionCtx;

// smooth_abs: y = sqrt(x^2 + eps), a differentiable |x|.
struct SmoothAbs : fx::autograd::Function<SmoothAbs> {
  static constexpr double eps = 1e-2;
  static Tensor forward(FunctionCtx& ctx, const Tensor& x) {
    Tensor y = (x * x + eps).sqrt();
    ctx.save_for_backward({x, y});  // an input and the output: linked to the graph in backward
    return y;
  }
  // dy/dx = x / y. Written in tensor ops, so double backward and HVPs work too.
  static Tensor backward(FunctionCtx& ctx, const Tensor& grad) {
    const auto& s = ctx.saved_tensors();
    return grad * s[0] / s[1];
  }
  static Tensor jvp(FunctionCtx& ctx, const Tensor& dx) {
    const auto& s = ctx.saved_tensors();
    return dx * s[0] / s[1];
  }
};

Tensor smooth_abs(const Tensor& x) { return SmoothAbs::apply(x); }

int main() {
  Tensor x = fx::tensor({-1.0, 0.0, 0.5}, fx::Float64);
  auto f = [](const Tensor& t) { return smooth_abs(t).sum(); };
  Tensor g = fx::func::grad(f)(x);                              // x / sqrt(x^2 + eps)
  Tensor hv = fx::func::hvp(f, x, fx::ones({3}, fx::Float64));  // eps / (x^2 + eps)^1.5
  auto [y, jv] = fx::func::jvp(smooth_abs, x, fx::ones({3}, fx::Float64));
  // the rules against finite differences: reverse, forward and second order
  auto fs = [](const std::vector<Tensor>& xs) { return smooth_abs(xs[0]); };
  Tensor xc = fx::tensor({-1.0, 0.3, 0.5}, fx::Float64).requires_grad_();
  bool ok =
      fx::autograd::gradcheck(fs, {xc}) && fx::autograd::jvpcheck(fs, {xc}) && fx::autograd::gradgradcheck(fs, {xc});
  std::printf("x          = [%g, %g, %g]\n", x.at({0}), x.at({1}), x.at({2}));
  std::printf("smooth_abs = [%.6f, %.6f, %.6f]\n", y.at({0}), y.at({1}), y.at({2}));
  std::printf("grad       = [%.6f, %.6f, %.6f]\n", g.at({0}), g.at({1}), g.at({2}));
  std::printf("jvp (v=1)  = [%.6f, %.6f, %.6f]\n", jv.at({0}), jv.at({1}), jv.at({2}));
  std::printf("H v (v=1)  = [%.6f, %.6f, %.6f]\n", hv.at({0}), hv.at({1}), hv.at({2}));
  std::printf("gradcheck, jvpcheck, gradgradcheck: %s\n", ok ? "pass" : "FAIL");
  return ok ? 0 : 1;
}
