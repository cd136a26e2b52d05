// SPDX-License-Identifier: MIT
// The backward engine and forward mode on the core ops.
#include <gtest/gtest.h>

#include <cmath>

#include "fluxion.h"

namespace fx = fluxion;

TEST(Engine, SinTimesXGradient) {
  auto x = fx::tensor({0.3, -1.2, 2.0}, fx::Float64).requires_grad_();
  auto y = (x.sin() * x).sum();
  y.backward();
  auto g = x.grad().to_vector<double>();
  std::vector<double> xs{0.3, -1.2, 2.0};
  for (size_t i = 0; i < 3; ++i) EXPECT_NEAR(g[i], std::sin(xs[i]) + xs[i] * std::cos(xs[i]), 1e-14);
  EXPECT_EQ(y.grad_fn()->name(), "SumBackward");
}

TEST(Engine, AccumulatesIntoSharedInput) {
  auto x = fx::tensor({2.0}, fx::Float64).requires_grad_();
  auto y = (x * x + x * 3.0).sum();  // dy/dx = 2x + 3 = 7
  y.backward();
  EXPECT_DOUBLE_EQ(x.grad().item(), 7.0);
  auto z = (x * 2.0).sum();
  z.backward();  // accumulates: 7 + 2
  EXPECT_DOUBLE_EQ(x.grad().item(), 9.0);
}

TEST(Engine, BroadcastGradientIsSummedDown) {
  auto a = fx::ones({3, 4}, fx::Float64).requires_grad_();
  auto b = fx::tensor({1.0, 2.0, 3.0, 4.0}, fx::Float64).requires_grad_();
  (a * b).sum().backward();
  EXPECT_EQ(b.grad().shape(), (fx::Shape{4}));
  EXPECT_DOUBLE_EQ(b.grad().at({0}), 3.0);
  EXPECT_DOUBLE_EQ(a.grad().at({2, 3}), 4.0);
}

TEST(Engine, GradReturnsWithoutTouchingDotGrad) {
  auto x = fx::tensor({1.5}, fx::Float64).requires_grad_();
  auto y = (x * x * x).sum();
  auto g = fx::autograd::grad({y}, {x}, {.create_graph = true})[0];
  EXPECT_DOUBLE_EQ(g.item(), 3 * 1.5 * 1.5);
  EXPECT_FALSE(x.grad().defined());
  auto g2 = fx::autograd::grad({g.sum()}, {x})[0];  // d2/dx2 x^3 = 6x
  EXPECT_DOUBLE_EQ(g2.item(), 9.0);
}

TEST(Engine, SecondBackwardWithoutRetainGraphIsAnError) {
  auto x = fx::tensor({1.0, 2.0}, fx::Float64).requires_grad_();
  auto y = (x.exp() * x).sum();
  y.backward();
  EXPECT_THROW(y.backward(), fx::Error);
}

TEST(Engine, NonScalarNeedsGradient) {
  auto x = fx::ones({2, 2}, fx::Float64).requires_grad_();
  auto y = x * 2.0;
  EXPECT_THROW(y.backward(), fx::Error);
  y.backward(fx::ones({2, 2}, fx::Float64));
  EXPECT_DOUBLE_EQ(x.grad().at({1, 1}), 2.0);
}

TEST(Engine, LongChainDoesNotOverflowTheStack) {
  auto x = fx::scalar(1.0, fx::Float64).requires_grad_();
  auto y = x;
  for (int i = 0; i < 1000000; ++i) y = y + 1e-6;
  y.backward();
  EXPECT_DOUBLE_EQ(x.grad().item(), 1.0);
}

TEST(Engine, MatmulGradient) {
  auto a = fx::tensor({{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}}, fx::Float64).requires_grad_();
  auto b = fx::tensor({{1.0, -1.0, 0.5, 2.0}, {0.0, 1.0, 1.0, -2.0}}, fx::Float64).requires_grad_();
  a.matmul(b).sum().backward();
  // dL/dA = 1 B^T: each row = row sums of B
  EXPECT_DOUBLE_EQ(a.grad().at({0, 0}), 2.5);
  EXPECT_DOUBLE_EQ(a.grad().at({2, 1}), 0.0);
  // dL/dB = A^T 1: column sums of A
  EXPECT_DOUBLE_EQ(b.grad().at({0, 3}), 9.0);
  EXPECT_DOUBLE_EQ(b.grad().at({1, 0}), 12.0);
}

TEST(ForwardAD, JvpOfExpSin) {
  fx::forward_ad::DualLevel level;
  auto x = fx::tensor({0.5, 1.0}, fx::Float64);
  auto v = fx::tensor({1.0, -2.0}, fx::Float64);
  auto y = fx::forward_ad::make_dual(x, v).sin().exp();
  auto [primal, tangent] = fx::forward_ad::unpack_dual(y);
  for (int i = 0; i < 2; ++i) {
    double xi = x.at({i}), vi = v.at({i});
    EXPECT_NEAR(primal.at({i}), std::exp(std::sin(xi)), 1e-14);
    EXPECT_NEAR(tangent.at({i}), std::exp(std::sin(xi)) * std::cos(xi) * vi, 1e-14);
  }
}

TEST(ForwardAD, ForwardOverReverseHvp) {
  // f(x) = sum(x^3 * sin x); H is diagonal with f''(x) = 6x sin x + 6x^2 cos x - x^3 sin x
  auto x = fx::tensor({0.7, -0.4, 1.3}, fx::Float64).requires_grad_();
  auto v = fx::tensor({1.0, 2.0, -1.0}, fx::Float64);
  fx::forward_ad::DualLevel level;
  auto xd = fx::forward_ad::make_dual(x, v);
  auto f = (xd * xd * xd * xd.sin()).sum();
  auto g = fx::autograd::grad({f}, {x})[0];
  auto hv = fx::forward_ad::unpack_dual(g).tangent;
  ASSERT_TRUE(hv.defined());
  for (int i = 0; i < 3; ++i) {
    double a = x.at({i});
    double h = 6 * a * std::sin(a) + 6 * a * a * std::cos(a) - a * a * a * std::sin(a);
    EXPECT_NEAR(hv.at({i}), h * v.at({i}), 1e-12);
  }
}

TEST(ForwardAD, NestedLevelsDoNotConfusePerturbations) {
  // d/dx [ x * d/dy (x + y) ] at y = x  is 1 (Siskind & Pearlmutter's example);
  // perturbation confusion gives 2.
  auto x = fx::scalar(1.0, fx::Float64);
  fx::forward_ad::DualLevel outer;
  auto xd = fx::forward_ad::make_dual(x, fx::scalar(1.0, fx::Float64), outer.id());
  fx::Tensor inner_tangent;
  {
    fx::forward_ad::DualLevel inner;
    auto yd = fx::forward_ad::make_dual(xd, fx::scalar(1.0, fx::Float64), inner.id());
    auto s = xd + yd;
    inner_tangent = fx::forward_ad::unpack_dual(s, inner.id()).tangent;  // d/dy (x + y) = 1
  }
  auto z = xd * inner_tangent;
  EXPECT_DOUBLE_EQ(fx::forward_ad::unpack_dual(z, outer.id()).tangent.item(), 1.0);
}

TEST(Engine, GradientComesBackInTheInputDtype) {
  auto x = fx::tensor({1.0, 2.0}, fx::Float64).requires_grad_();
  auto y = (x.to(fx::Float32) * 3.0).sum();
  EXPECT_EQ(y.dtype(), fx::Float32);
  y.backward();
  EXPECT_EQ(x.grad().dtype(), fx::Float64);
  EXPECT_DOUBLE_EQ(x.grad().at({1}), 3.0);
}
