// SPDX-License-Identifier: MIT
// autograd::Function: custom functions in Tensor ops, checked by gradcheck in
// reverse mode, forward mode (jvp) and second order (gradgradcheck), with one
// and two inputs, and the errors when a rule is missing or miscounted.
#include <gtest/gtest.h>

#include <cmath>

#include "fluxion.h"

namespace fx = fluxion;
using fx::Tensor;
using fx::autograd::FunctionCtx;

namespace {

// y = sqrt(x^2 + 0.01); dy/dx = x / y
struct SmoothAbs : fx::autograd::Function<SmoothAbs> {
  static Tensor forward(FunctionCtx& ctx, const Tensor& x) {
    Tensor y = (x * x + 0.01).sqrt();
    ctx.save_for_backward({x, y});
    return y;
  }
  static Tensor backward(FunctionCtx& ctx, const Tensor& grad) {
    const auto& s = ctx.saved_tensors();
    return grad * s[0] / s[1];
  }
  static Tensor jvp(FunctionCtx& ctx, const Tensor& dx) {
    const auto& s = ctx.saved_tensors();
    return dx * s[0] / s[1];
  }
};

// y = a * sin(b), broadcast; no jvp
struct MulSin : fx::autograd::Function<MulSin> {
  static Tensor forward(FunctionCtx& ctx, const Tensor& a, const Tensor& b) {
    ctx.save_for_backward({a, b});
    return a * b.sin();
  }
  static std::vector<Tensor> backward(FunctionCtx& ctx, const Tensor& grad) {
    const auto& s = ctx.saved_tensors();
    return {grad * s[1].sin(), grad * s[0] * s[1].cos()};
  }
};

struct WrongCount : fx::autograd::Function<WrongCount> {
  static Tensor forward(FunctionCtx&, const Tensor& a, const Tensor& b) { return a + b; }
  static std::vector<Tensor> backward(FunctionCtx&, const Tensor& grad) { return {grad}; }
};

Tensor x64() { return fx::tensor({-1.0, 0.05, 0.5, 2.0}, fx::Float64).requires_grad_(); }

TEST(Function, ForwardValueAndNodeName) {
  Tensor x = x64();
  Tensor y = SmoothAbs::apply(x);
  EXPECT_NEAR(y.at({0}), std::sqrt(1.01), 1e-15);
  ASSERT_TRUE(y.grad_fn());
  EXPECT_EQ(y.grad_fn()->name(), "FunctionBackward");
  y.sum().backward();
  EXPECT_NEAR(x.grad().at({3}), 2.0 / std::sqrt(4.01), 1e-15);
}

TEST(Function, GradcheckFirstAndSecondOrderAndForwardMode) {
  auto f = [](const std::vector<Tensor>& xs) { return SmoothAbs::apply(xs[0]); };
  EXPECT_TRUE(fx::autograd::gradcheck(f, {x64()}));
  EXPECT_TRUE(fx::autograd::jvpcheck(f, {x64()}));
  EXPECT_TRUE(fx::autograd::gradgradcheck(f, {x64()}));
  // d2y/dx2 = 0.01 / y^3: the Hessian of sum(y) through the saved, graph-linked x and y
  Tensor x = fx::tensor({0.5}, fx::Float64);
  Tensor H = fx::func::hessian([](const Tensor& t) { return SmoothAbs::apply(t).sum(); }, x);
  EXPECT_NEAR(H.item(), 0.01 / std::pow(0.26, 1.5), 1e-10);
}

TEST(Function, TwoInputsWithBroadcasting) {
  Tensor a = fx::randn({3, 2}, fx::Float64).requires_grad_();
  Tensor b = fx::randn({2}, fx::Float64).requires_grad_();
  auto f = [](const std::vector<Tensor>& xs) { return MulSin::apply(xs[0], xs[1]); };
  EXPECT_TRUE(fx::autograd::gradcheck(f, {a, b}));
  EXPECT_TRUE(fx::autograd::gradgradcheck(f, {a, b}));
}

TEST(Function, MissingJvpAndWrongGradientCountAreErrors) {
  Tensor a = fx::ones({2}, fx::Float64);
  EXPECT_THROW((void)fx::func::jvp([&](const Tensor& b) { return MulSin::apply(a, b); }, a, a), fx::Error);
  Tensor p = fx::ones({2}, fx::Float64).requires_grad_();
  Tensor q = fx::ones({2}, fx::Float64).requires_grad_();
  EXPECT_THROW(WrongCount::apply(p, q).sum().backward(), fx::Error);
}

}  // namespace
