// SPDX-License-Identifier: MIT
// A user-defined op, written exactly as the built-in ones (forward on raw
// data, VJP and JVP in differentiable tensor ops), works with every transform:
// backward, double backward, forward mode, func::grad/vjp/jvp/hvp/jacobian/
// hessian, and the public gradcheck, jvpcheck and gradgradcheck.
#include <gtest/gtest.h>

#include <cmath>

#include "autograd/gradcheck.h"
#include "fluxion.h"
#include "tensor/kernels/copy.h"

namespace fx = fluxion;
using fx::Tensor;

namespace {

// cube: y = x^3, with its own raw loop as the forward kernel.
struct Cube {
  static constexpr const char* name = "Cube";
  static constexpr fx::Save save = fx::Save::inputs;
  fx::TensorData forward(const fx::TensorData& x) const {
    fx::TensorData y = fx::kernels::clone(x);  // contiguous, of x's dtype
    fx::dispatch_float(y.dtype, "cube", [&](auto tag) {
      using T = decltype(tag);
      T* p = y.data<T>();
      for (int64_t i = 0; i < y.numel(); ++i) p[i] = p[i] * p[i] * p[i];
    });
    return y;
  }
  // d/dx x^3 = 3 x^2
  Tensor vjp(const Tensor& grad, const fx::Saved& s) const { return grad * s.input() * s.input() * 3.0; }
  Tensor jvp(const Tensor& dx, const fx::Saved& s) const { return dx * s.input() * s.input() * 3.0; }
};
Tensor cube(const Tensor& x) { return fx::apply(Cube{}, x); }

// A binary custom op: y = a * exp(b), broadcasting like the built-ins.
struct ScaledExp {
  static constexpr const char* name = "ScaledExp";
  static constexpr fx::Save save = fx::Save::both;
  fx::TensorData forward(const fx::TensorData& a, const fx::TensorData& b) const {
    return (Tensor(a) * Tensor(b).exp()).tensor_data();
  }
  // dy/da = exp(b), dy/db = y
  std::array<Tensor, 2> vjp(const Tensor& grad, const fx::Saved& s) const {
    return {grad * s.input(1).exp(), grad * s.output()};
  }
  Tensor jvp(const Tensor& da, const Tensor& db, const fx::Saved& s) const {
    return fx::add_tangents(da.defined() ? da * s.input(1).exp() : Tensor{}, db.defined() ? db * s.output() : Tensor{});
  }
};
Tensor scaled_exp(const Tensor& a, const Tensor& b) { return fx::apply(ScaledExp{}, a, b); }

Tensor vec(std::initializer_list<double> v) { return fx::tensor(v, fx::Float64); }

void expect_close(const Tensor& a, const Tensor& b, double tol = 1e-12) {
  ASSERT_EQ(a.shape(), b.shape());
  auto x = a.to_vector<double>(), y = b.to_vector<double>();
  for (size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(x[i], y[i], tol) << "at flat index " << i;
}

}  // namespace

TEST(CustomOp, ReverseModeAndDoubleBackward) {
  Tensor x = vec({0.5, -1.0, 2.0}).requires_grad_();
  Tensor y = cube(x);
  EXPECT_EQ(y.grad_fn()->name(), "CubeBackward");
  Tensor g = fx::autograd::grad({y.sum()}, {x}, {.create_graph = true})[0];
  expect_close(g, x * x * 3.0);
  Tensor gg = fx::autograd::grad({g.sum()}, {x})[0];
  expect_close(gg, x * 6.0);
}

TEST(CustomOp, ForwardModeAndTransforms) {
  Tensor x = vec({0.5, -1.0, 2.0}), v = vec({1.0, 2.0, -1.0});
  auto f = [](const Tensor& t) { return cube(t).sin().sum(); };  // f = sum sin(x^3)
  // f' = 3x^2 cos(x^3),  f'' = 6x cos(x^3) - 9x^4 sin(x^3)
  Tensor c = (x * x * x).cos(), s = (x * x * x).sin();
  Tensor grad = x * x * c * 3.0;
  Tensor hess_diag = x * c * 6.0 - x * x * x * x * s * 9.0;
  expect_close(fx::func::grad(f)(x), grad);
  expect_close(fx::func::jvp([](const Tensor& t) { return cube(t); }, x, v).second, x * x * v * 3.0);
  expect_close(fx::func::vjp([](const Tensor& t) { return cube(t); }, x).second(v)[0], x * x * v * 3.0);
  expect_close(fx::func::hvp(f, x, v), hess_diag * v);
  expect_close(fx::func::hvp(f, x, v, {.method = fx::func::HvpMethod::reverse_over_reverse}), hess_diag * v);
  Tensor H = fx::func::hessian(f, x);
  expect_close(H.matmul(v), hess_diag * v);  // H is diagonal
  expect_close(H.sum({1}), hess_diag);
  expect_close(fx::func::jacobian([](const Tensor& t) { return cube(t); }, x, {.forward_mode = true}),
               fx::func::jacobian([](const Tensor& t) { return cube(t); }, x));
}

TEST(CustomOp, BinaryOpWithBroadcasting) {
  Tensor a = vec({1.0, 2.0, -0.5}), b = vec({0.3});
  auto f = [](const std::vector<Tensor>& xs) { return scaled_exp(xs[0], xs[1]).sum(); };
  auto gs = fx::func::grad(f)({a, b});
  expect_close(gs[0], fx::ones({3}, fx::Float64) * std::exp(0.3));
  EXPECT_EQ(gs[1].shape(), (fx::Shape{1}));  // summed down to b's shape by the engine
  EXPECT_NEAR(gs[1].item(), 2.5 * std::exp(0.3), 1e-12);
}

TEST(CustomOp, PassesGradcheckJvpcheckAndGradgradcheck) {
  auto f = [](const std::vector<Tensor>& xs) { return cube(scaled_exp(xs[0], xs[1])); };
  std::vector<Tensor> inputs = {vec({0.4, -0.7, 1.1}).requires_grad_(), vec({0.2, -0.1, 0.3}).requires_grad_()};
  EXPECT_TRUE(fx::autograd::gradcheck(f, inputs));
  EXPECT_TRUE(fx::autograd::jvpcheck(f, inputs));
  EXPECT_TRUE(fx::autograd::gradgradcheck(f, inputs));
}
