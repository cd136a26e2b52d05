// SPDX-License-Identifier: MIT
// The functional API (fluxion::func) against analytic derivatives and
// against each other: forward and reverse Jacobians, forward-over-reverse and
// reverse-over-reverse HVPs, hessian vs jacobian of grad.
#include <gtest/gtest.h>

#include <cmath>

#include "fluxion.h"

namespace fx = fluxion;
using fx::Tensor;

namespace {

Tensor vec(std::initializer_list<double> v) { return fx::tensor(v, fx::Float64); }

void expect_close(const Tensor& a, const Tensor& b, double tol = 1e-12) {
  ASSERT_EQ(a.shape(), b.shape());
  auto x = a.to_vector<double>(), y = b.to_vector<double>();
  for (size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(x[i], y[i], tol) << "at flat index " << i;
}

// f(x) = sum(x^3 sin x): gradient and (diagonal) Hessian in closed form.
Tensor cubic_sin(const Tensor& x) { return (x * x * x * x.sin()).sum(); }
double cubic_sin_grad(double a) { return 3 * a * a * std::sin(a) + a * a * a * std::cos(a); }
double cubic_sin_hess(double a) {
  return 6 * a * std::sin(a) + 6 * a * a * std::cos(a) - a * a * a * std::sin(a);
}

// g(x) = sum(tanh(W x)): a Hessian with off-diagonal entries.
const Tensor W = fx::tensor({{0.5, -1.0, 0.3}, {1.2, 0.4, -0.7}}, fx::Float64);
Tensor tanh_layer(const Tensor& x) { return W.matmul(x).tanh().sum(); }

}  // namespace

TEST(Functional, GradMatchesAnalytic) {
  Tensor x = vec({0.7, -0.4, 1.3});
  Tensor g = fx::func::grad(cubic_sin)(x);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(g.at({i}), cubic_sin_grad(x.at({i})), 1e-13);
  EXPECT_FALSE(g.requires_grad());
  EXPECT_FALSE(x.grad().defined());
}

TEST(Functional, ValueAndGradOfSeveralInputs) {
  // f(a, b) = sum(a * exp(b)): df/da = exp(b), df/db = a exp(b)
  auto f = [](const std::vector<Tensor>& xs) { return (xs[0] * xs[1].exp()).sum(); };
  Tensor a = vec({1.0, 2.0}), b = vec({0.5, -0.5});
  auto [value, gs] = fx::func::value_and_grad(f)({a, b});
  EXPECT_NEAR(value.item(), std::exp(0.5) + 2 * std::exp(-0.5), 1e-14);
  ASSERT_EQ(gs.size(), 2u);
  expect_close(gs[0], b.exp());
  expect_close(gs[1], a * b.exp());
}

TEST(Functional, ClosedOverTensorsAreConstants) {
  Tensor w = vec({2.0, 3.0}).requires_grad_();
  auto f = [&](const Tensor& x) { return (w * x * x).sum(); };
  Tensor g = fx::func::grad(f)(vec({1.0, -1.0}));
  expect_close(g, vec({4.0, -6.0}));
  EXPECT_FALSE(w.grad().defined());
}

TEST(Functional, VjpPullbackCanBeCalledTwice) {
  auto f = [](const Tensor& x) { return x.sin() * 2.0; };
  Tensor x = vec({0.1, 0.2, 0.3});
  auto [y, pullback] = fx::func::vjp(f, x);
  expect_close(y, x.sin() * 2.0);
  Tensor u = vec({1.0, -1.0, 0.5});
  expect_close(pullback(u)[0], u * x.cos() * 2.0);
  expect_close(pullback(u * 3.0)[0], u * x.cos() * 6.0);
  EXPECT_THROW(pullback(vec({1.0})), fx::Error);
}

TEST(Functional, JvpMatchesAnalyticAndVjp) {
  auto f = [](const Tensor& x) { return x.sin().exp(); };
  Tensor x = vec({0.5, 1.0}), v = vec({1.0, -2.0});
  auto [y, jv] = fx::func::jvp(f, x, v);
  expect_close(y, x.sin().exp());
  expect_close(jv, x.sin().exp() * x.cos() * v);
  // <u, J v> == <Jᵀ u, v>
  Tensor u = vec({0.3, 0.7});
  Tensor jtu = fx::func::vjp(f, x).second(u)[0];
  EXPECT_NEAR((u * jv).sum().item(), (jtu * v).sum().item(), 1e-14);
}

TEST(Functional, JvpOfSeveralInputsWithAnUntangentedOne) {
  auto f = [](const std::vector<Tensor>& xs) { return xs[0] * xs[1]; };
  Tensor a = vec({1.0, 2.0}), b = vec({3.0, 4.0});
  auto [y, jv] = fx::func::jvp(f, {a, b}, {vec({1.0, 1.0}), Tensor{}});
  expect_close(jv, b);  // d(a b) = b da when db = 0
  auto [y2, zero] = fx::func::jvp([](const Tensor& x) { return fx::ones({2}, fx::Float64) + x.sum() * 0.0; }, a,
                                  vec({0.0, 0.0}));
  expect_close(zero, vec({0.0, 0.0}));
}

TEST(Functional, HvpBothMethodsMatchAnalytic) {
  Tensor x = vec({0.7, -0.4, 1.3}), v = vec({1.0, 2.0, -1.0});
  Tensor fwd = fx::func::hvp(cubic_sin, x, v);
  Tensor rev = fx::func::hvp(cubic_sin, x, v, {.method = fx::func::HvpMethod::reverse_over_reverse});
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(fwd.at({i}), cubic_sin_hess(x.at({i})) * v.at({i}), 1e-12);
  expect_close(fwd, rev);
}

TEST(Functional, HessianAgreesWithJacobianOfGradAndHvp) {
  Tensor x = vec({0.2, -0.5, 0.9}), v = vec({0.3, -1.0, 2.0});
  Tensor H = fx::func::hessian(tanh_layer, x);
  ASSERT_EQ(H.shape(), (fx::Shape{3, 3}));
  auto g = fx::func::grad(tanh_layer);
  expect_close(H, fx::func::jacobian(g, x));
  expect_close(H, fx::func::jacobian(g, x, {.forward_mode = true}));
  expect_close(H.matmul(v), fx::func::hvp(tanh_layer, x, v));
  expect_close(H, H.t());
  // analytic: H = Wᵀ diag(-2 tanh(z) (1 - tanh(z)^2)) W, z = W x
  Tensor t = W.matmul(x).tanh();
  Tensor d = t * (t * t - 1.0) * 2.0;
  expect_close(H, W.t().matmul(d.unsqueeze(1) * W));
}

TEST(Functional, JacobianReverseAndForwardAgreeWithAnalytic) {
  auto f = [](const Tensor& x) { return W.matmul(x).sin(); };  // J = diag(cos(W x)) W
  Tensor x = vec({0.1, 0.4, -0.8});
  Tensor rev = fx::func::jacobian(f, x), fwd = fx::func::jacobian(f, x, {.forward_mode = true});
  ASSERT_EQ(rev.shape(), (fx::Shape{2, 3}));
  expect_close(rev, W.matmul(x).cos().unsqueeze(1) * W);
  expect_close(rev, fwd);
}

TEST(Functional, JacobianAndHessianOfSeveralInputs) {
  // f(a, b) = sum(a^2 b): H_aa = diag(2b), H_ab = diag(2a), H_bb = 0
  auto f = [](const std::vector<Tensor>& xs) { return (xs[0] * xs[0] * xs[1]).sum(); };
  Tensor a = vec({1.0, 2.0}), b = vec({3.0, -1.0});
  auto H = fx::func::hessian(f, {a, b});
  expect_close(H[0][0], fx::tensor({{6.0, 0.0}, {0.0, -2.0}}, fx::Float64));
  expect_close(H[0][1], fx::tensor({{2.0, 0.0}, {0.0, 4.0}}, fx::Float64));
  expect_close(H[1][0], H[0][1].t());
  expect_close(H[1][1], fx::zeros({2, 2}, fx::Float64));
  auto elementwise = [](const std::vector<Tensor>& xs) { return xs[0] * xs[1]; };
  auto J = fx::func::jacobian(elementwise, {a, b});
  auto Jf = fx::func::jacobian(elementwise, {a, b}, {.forward_mode = true});
  expect_close(J[0], fx::tensor({{3.0, 0.0}, {0.0, -1.0}}, fx::Float64));
  expect_close(J[1], Jf[1]);
  expect_close(J[0], Jf[0]);
}

TEST(Functional, HessianOfLinearAndNonScalarFunctions) {
  // f = sum(3 a) + sum(b^2): the gradient in a is constant (no graph), so H_aa = H_ab = 0.
  auto f = [](const std::vector<Tensor>& xs) { return (xs[0] * 3.0).sum() + (xs[1] * xs[1]).sum(); };
  auto H = fx::func::hessian(f, {vec({1.0, 2.0}), vec({-1.0})});
  expect_close(H[0][0], fx::zeros({2, 2}, fx::Float64));
  expect_close(H[0][1], fx::zeros({2, 1}, fx::Float64));
  expect_close(H[1][1], fx::full({1, 1}, 2.0, fx::Float64));
  EXPECT_THROW(fx::func::hessian([](const Tensor& x) { return x * x; }, vec({1.0, 2.0})), fx::Error);
}

TEST(Functional, TransformsNest) {
  // d/dx sum(grad(x^3 sum)) = d/dx sum(3x^2) = 6x
  auto f = [](const Tensor& x) { return (x * x * x).sum(); };
  auto g = fx::func::grad(f);
  auto gg = fx::func::grad([&](const Tensor& x) { return g(x).sum(); });
  expect_close(gg(vec({1.0, -2.0})), vec({6.0, -12.0}));
  // jvp of grad is an HVP
  Tensor x = vec({0.7, -0.4, 1.3}), v = vec({1.0, 2.0, -1.0});
  expect_close(fx::func::jvp(fx::func::grad(cubic_sin), x, v).second, fx::func::hvp(cubic_sin, x, v));
}

TEST(Functional, WorksUnderNoGradAndInsideAnOuterGraph) {
  Tensor x = vec({0.3, 0.6});
  {
    fx::NoGradGuard no_grad;
    expect_close(fx::func::grad(cubic_sin)(x), vec({cubic_sin_grad(0.3), cubic_sin_grad(0.6)}));
  }
  // An outer backward through func::grad: d/dx sum(grad f) = diag of H summed per row
  Tensor xr = x.clone().requires_grad_();
  fx::func::grad(cubic_sin)(xr).sum().backward();
  expect_close(xr.grad(), vec({cubic_sin_hess(0.3), cubic_sin_hess(0.6)}));
}

TEST(Functional, UnusedInputsGetZeros) {
  auto f = [](const std::vector<Tensor>& xs) { return xs[0].sum(); };
  auto gs = fx::func::grad(f)({vec({1.0}), vec({2.0, 3.0})});
  expect_close(gs[1], vec({0.0, 0.0}));
  expect_close(fx::func::hvp(f, {vec({1.0}), vec({2.0, 3.0})}, {vec({1.0}), vec({1.0, 1.0})})[0], vec({0.0}));
}

TEST(Functional, BadInputIsAnError) {
  Tensor x = vec({1.0, 2.0});
  auto vector_valued = [](const Tensor& t) { return t * 2.0; };
  EXPECT_THROW(fx::func::grad(vector_valued)(x), fx::Error);
  EXPECT_THROW(fx::func::hvp(cubic_sin, x, vec({1.0})), fx::Error);
  EXPECT_THROW(fx::func::grad(cubic_sin)(fx::tensor(std::vector<int64_t>{1, 2}, {2})), fx::Error);
  EXPECT_THROW(fx::func::jvp([](const std::vector<Tensor>& xs) { return xs[0]; }, {x}, {}), fx::Error);
}
