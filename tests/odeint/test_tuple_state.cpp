// SPDX-License-Identifier: MIT
// States of several tensors (torchdiffeq's tuple states): solutions against
// closed forms for every kind of solver, gradients through the solver against
// finite differences and through the adjoint against the solver's, and the
// errors a wrong func or y0 gives.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "problems.h"

namespace fx = fluxion;
namespace ode = fluxion::odeint;
using TensorList = std::vector<fx::Tensor>;
using odeint_test::error_of;

namespace {

// The harmonic oscillator as (position, velocity): x' = v, v' = -k x.
TensorList oscillator(const fx::Tensor& k, const TensorList& s) { return {s[1], -k * s[0]}; }

double max_diff(const fx::Tensor& a, const fx::Tensor& b) { return (a - b).abs().max().item(); }

}  // namespace

TEST(TupleState, OscillatorMatchesClosedForm) {
  fx::Tensor x0 = fx::tensor({{1.0, -0.5}, {0.25, 2.0}}, fx::Float64),
             v0 = fx::tensor({{0.0, 1.0}, {-1.0, 0.5}}, fx::Float64);
  fx::Tensor t = fx::linspace(0.0, 3.0, 7, fx::Float64);
  fx::Tensor one = fx::scalar(1.0, fx::Float64);
  TensorList xv = ode::odeint([&](const fx::Tensor&, const TensorList& s) { return oscillator(one, s); }, {x0, v0}, t,
                              {.rtol = 1e-10, .atol = 1e-12});
  ASSERT_EQ(xv.size(), 2u);
  EXPECT_EQ(xv[0].shape(), (fx::Shape{7, 2, 2}));
  EXPECT_EQ(xv[1].shape(), (fx::Shape{7, 2, 2}));
  for (int64_t i = 0; i < 7; ++i) {  // x = x0 cos t + v0 sin t, v = -x0 sin t + v0 cos t
    double ti = t[i].item(), c = std::cos(ti), s = std::sin(ti);
    EXPECT_LT(max_diff(xv[0][i], x0 * c + v0 * s), 1e-8) << "t = " << ti;
    EXPECT_LT(max_diff(xv[1][i], -x0 * s + v0 * c), 1e-8) << "t = " << ti;
  }
}

// s' = -s (0-d), M' = -2 M + s ([2, 3]): s = s0 e^-t, M = (M0 - s0) e^-2t + s0 e^-t.
TEST(TupleState, MixedShapesOnEverySolverKind) {
  fx::Tensor s0 = fx::scalar(1.5, fx::Float64), M0 = fx::tensor({{1.0, 2.0, 3.0}, {-1.0, 0.0, 0.5}}, fx::Float64);
  fx::Tensor t = fx::tensor({0.0, 0.5, 2.0}, fx::Float64);
  auto f = [](const fx::Tensor&, const TensorList& y) { return TensorList{-y[0], -2.0 * y[1] + y[0]}; };
  for (ode::Method m :
       {ode::Method::dopri5, ode::Method::tsit5, ode::Method::rosenbrock23, ode::Method::rodas5, ode::Method::rk4}) {
    ode::Options o{.rtol = 1e-9, .atol = 1e-11, .method = m};
    if (m == ode::Method::rk4) o.step_size = 1e-3;
    TensorList y = ode::odeint(f, {s0, M0}, t, o);
    EXPECT_EQ(y[0].shape(), (fx::Shape{3})) << ode::method_name(m);
    EXPECT_EQ(y[1].shape(), (fx::Shape{3, 2, 3})) << ode::method_name(m);
    double tol = m == ode::Method::rosenbrock23 ? 1e-5 : 1e-7;
    for (int64_t i = 0; i < 3; ++i) {
      double e1 = std::exp(-t[i].item()), e2 = e1 * e1;
      EXPECT_NEAR(y[0][i].item(), 1.5 * e1, tol) << ode::method_name(m);
      EXPECT_LT(max_diff(y[1][i], (M0 - 1.5) * e2 + 1.5 * e1), tol) << ode::method_name(m);
    }
  }
}

// d/d(x0, v0, k) of a loss of both final states: through the solver against
// central differences, and through the adjoint against the solver.
TEST(TupleState, GradientsThroughSolverAndAdjoint) {
  fx::Tensor x0 = fx::tensor({1.0, -0.5, 0.3}, fx::Float64).requires_grad_();
  fx::Tensor v0 = fx::tensor({0.2, 0.7, -1.0}, fx::Float64).requires_grad_();
  fx::Tensor k = fx::scalar(2.0, fx::Float64).requires_grad_();
  fx::Tensor t = fx::tensor({0.0, 0.6, 1.2}, fx::Float64);
  auto loss = [&](const TensorList& ys) { return (ys[0] * ys[0]).sum() + (ys[1] * ys[0].sin()).sum(); };
  auto direct = [&](const TensorList& in, ode::Method m) {
    auto f = [&](const fx::Tensor&, const TensorList& s) { return oscillator(in[2], s); };
    ode::Options o{.rtol = 1e-10, .atol = 1e-12, .method = m};
    if (m == ode::Method::rk4) o.step_size = 0.01;
    return loss(ode::odeint(f, {in[0], in[1]}, t, o));
  };
  EXPECT_TRUE(fx::autograd::gradcheck([&](const TensorList& in) { return direct(in, ode::Method::rk4); }, {x0, v0, k}));

  TensorList g_direct = fx::autograd::grad({direct({x0, v0, k}, ode::Method::dopri5)}, {x0, v0, k});
  auto f = [&](const fx::Tensor&, const TensorList& s) { return oscillator(k, s); };
  fx::Tensor l_adj = loss(ode::odeint_adjoint(f, {k}, {x0, v0}, t, {.rtol = 1e-10, .atol = 1e-12}));
  TensorList g_adj = fx::autograd::grad({l_adj}, {x0, v0, k});
  for (size_t i = 0; i < 3; ++i) EXPECT_LT(max_diff(g_adj[i], g_direct[i]), 1e-6) << "input " << i;
}

TEST(TupleState, ErrorsNameTheStateAndTheFix) {
  fx::Tensor a = fx::ones({2}, fx::Float64), b = fx::ones({3}, fx::Float64), t = fx::tensor({0.0, 1.0}, fx::Float64);
  auto swap = [](const fx::Tensor&, const TensorList& s) { return TensorList{s[1], s[0]}; };
  auto msg = error_of([&] { (void)ode::odeint(swap, TensorList{}, t); });
  EXPECT_NE(msg.find("at least one state tensor"), std::string::npos) << msg;
  msg = error_of([&] { (void)ode::odeint(swap, {a, b.to(fx::Float32)}, t); });
  EXPECT_NE(msg.find("y0[1] is float32 but y0[0] is float64"), std::string::npos) << msg;
  msg = error_of([&] { (void)ode::odeint(swap, {a, b}, t); });  // swapped: derivative 0 has b's shape
  EXPECT_NE(msg.find("derivative 0 has shape [3]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("y0[0] has shape [2]"), std::string::npos) << msg;
  auto one_out = [](const fx::Tensor&, const TensorList& s) { return TensorList{s[0]}; };
  msg = error_of([&] { (void)ode::odeint(one_out, {a, b}, t); });
  EXPECT_NE(msg.find("returned 1 tensors for a state of 2"), std::string::npos) << msg;
  msg = error_of([&] { (void)ode::odeint(swap, {a, a}, t, {.atol = fx::ones({2}, fx::Float64)}); });
  EXPECT_NE(msg.find("atol as one number"), std::string::npos) << msg;
}
