// SPDX-License-Identifier: MIT
// odeint's jit option: func recorded once with jit::trace and its kernels
// replayed. The solution, the step statistics and the adjoint's gradients
// must equal those of the solve through autograd's ops; where a replay cannot
// serve (a branch on a value) the error must say so.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "autograd/error_of.h"
#include "fluxion.h"

namespace fx = fluxion;
namespace ode = fluxion::odeint;

namespace {

// A field that reads t and a captured matrix: y' = cos(t) A y - y^3 / 10.
struct Field {
  fx::Tensor A;
  std::shared_ptr<int64_t> calls = std::make_shared<int64_t>(0);
  fx::Tensor operator()(const fx::Tensor& t, const fx::Tensor& y) const {
    ++*calls;
    return t.cos() * fx::matmul(A, y) - y * y * y / 10.0;
  }
};

Field field(fx::DType dtype) {
  return {fx::tensor({{-0.5, 1.0, 0.0}, {-1.0, -0.2, 0.3}, {0.0, -0.3, -0.1}}).to(dtype)};
}

double max_abs_diff(const fx::Tensor& a, const fx::Tensor& b) { return (a - b).abs().max().item(); }
// How close a replay must come to the solve through autograd's ops.
double tolerance(fx::DType dtype) { return dtype == fx::Float64 ? 1e-12 : 1e-5; }

// The same solve through autograd's ops and replayed (o with jit = true), and
// how many times the replayed solve called func.
struct BothWays {
  fx::Tensor plain, replayed;
  ode::Stats plain_stats, replayed_stats;
  int64_t replayed_calls = 0;
};
BothWays solve_both_ways(const Field& f, const fx::Tensor& y0, const fx::Tensor& t, ode::Options o) {
  BothWays r;
  o.stats = &r.plain_stats;
  r.plain = ode::odeint(f, y0, t, o);
  o.stats = &r.replayed_stats;
  o.jit = true;
  *f.calls = 0;
  r.replayed = ode::odeint(f, y0, t, o);
  r.replayed_calls = *f.calls;
  return r;
}

}  // namespace

TEST(Jit, ReplayGivesTheSolveThroughAutograd) {
  for (fx::DType dtype : {fx::Float64, fx::Float32})
    for (ode::Method m : {ode::Method::dopri5, ode::Method::tsit5, ode::Method::bosh3, ode::Method::dopri8,
                          ode::Method::rk4}) {
      SCOPED_TRACE(ode::method_name(m) + " " + fx::dtype_name(dtype));
      Field f = field(dtype);
      fx::Tensor y0 = fx::tensor({1.0, -0.5, 2.0}).to(dtype), t = fx::linspace(0.0, 6.0, 13).to(dtype);
      BothWays r = solve_both_ways(f, y0, t, {.rtol = 1e-7, .atol = 1e-9, .method = m});
      EXPECT_EQ(r.replayed_calls, 1);  // recorded at the first evaluation, replayed at the others
      EXPECT_EQ(r.plain_stats.nfe, r.replayed_stats.nfe);
      EXPECT_EQ(r.plain_stats.accepted, r.replayed_stats.accepted);
      EXPECT_EQ(r.plain_stats.rejected, r.replayed_stats.rejected);
      EXPECT_LE(max_abs_diff(r.plain, r.replayed), tolerance(dtype));
      EXPECT_GT(max_abs_diff(r.replayed[12], y0), 0.1);  // the state moved: the replay saw t and y change
    }
}

// A replayed solve steps on plain numbers; callbacks still see the state as a tensor, the same as without jit.
TEST(Jit, CallbacksSeeTheStatesOfTheSolveThroughAutograd) {
  for (fx::DType dtype : {fx::Float64, fx::Float32}) {
    Field f = field(dtype);
    fx::Tensor y0 = fx::tensor({1.0, -0.5, 2.0}).to(dtype), t = fx::linspace(0.0, 3.0, 4).to(dtype);
    std::vector<fx::Tensor> seen[2];
    std::vector<double> times[2];
    for (int jit = 0; jit < 2; ++jit) {
      ode::Options o{.rtol = 1e-6, .atol = 1e-8, .jit = jit == 1};
      o.callback_accept_step = [&, jit](double tt, const fx::Tensor& y, double) {
        ASSERT_EQ(y.shape(), y0.shape());
        ASSERT_EQ(y.dtype(), dtype);
        seen[jit].push_back(y.clone());
        times[jit].push_back(tt);
      };
      (void)ode::odeint(f, y0, t, o);
    }
    ASSERT_EQ(times[0], times[1]);
    ASSERT_GT(seen[0].size(), 3u);
    for (size_t i = 0; i < seen[0].size(); ++i) EXPECT_LE(max_abs_diff(seen[0][i], seen[1][i]), tolerance(dtype)) << i;
  }
}

TEST(Jit, TupleStateReplays) {
  auto oscillator = [](const fx::Tensor& t, const std::vector<fx::Tensor>& s) {
    return std::vector<fx::Tensor>{s[1], -s[0] + 0.1 * t.sin() * s[1]};
  };
  std::vector<fx::Tensor> y0{fx::tensor({1.0, 0.0}), fx::tensor({0.0, 0.5})};
  fx::Tensor t = fx::linspace(0.0, 3.0, 7);
  std::vector<fx::Tensor> a = ode::odeint(oscillator, y0, t), b = ode::odeint(oscillator, y0, t, {.jit = true});
  for (size_t i = 0; i < a.size(); ++i) EXPECT_LE(max_abs_diff(a[i], b[i]), 1e-12);
}

// odeint_adjoint's forward solve needs no graph, so it replays func; its
// backward solve replays the augmented dynamics (func and the reverse pass
// through it), recorded once. Both give what autograd's ops give.
TEST(Jit, AdjointGradientsEqualThoseWithoutJit) {
  fx::Tensor W = fx::tensor({{0.3, -1.0}, {1.0, 0.2}}).requires_grad_();
  fx::Tensor b = fx::tensor({0.1, -0.2}).requires_grad_();
  int64_t calls = 0;
  auto f = [&](const fx::Tensor&, const fx::Tensor& y) {
    ++calls;
    return (fx::matmul(y, W) + b).tanh();
  };
  fx::Tensor y0 = fx::tensor({{1.0, 0.5}, {-0.3, 0.8}}).requires_grad_(), t = fx::linspace(0.0, 2.0, 5);
  std::vector<fx::Tensor> grads[2];
  for (bool jit : {false, true}) {
    calls = 0;
    ode::Stats forward, backward;
    fx::Tensor ys = ode::odeint_adjoint(f, {W, b}, y0, t, {.rtol = 1e-9, .atol = 1e-10, .stats = &forward, .jit = jit},
                                        {.stats = &backward});
    grads[jit] = fx::autograd::grad({(ys * ys).sum()}, {y0, W, b});
    if (jit) EXPECT_EQ(calls, 2);  // recorded once forward, once backward; every other evaluation replayed
    else EXPECT_EQ(calls, forward.nfe + backward.nfe);
    EXPECT_GT(backward.nfe, 20);
  }
  for (size_t k = 0; k < 3; ++k) EXPECT_LE(max_abs_diff(grads[0][k], grads[1][k]), 1e-12) << k;
  // a tensor func captures that requires grad but is not in params: named, as without jit
  EXPECT_NE(error_of([&] {
              fx::Tensor ys = ode::odeint_adjoint(f, {W}, y0, t, {.jit = true});
              (void)fx::autograd::grad({ys.sum()}, {y0});
            }).find("not in params"),
            std::string::npos);
}

// The stiff methods record func and func with its derivatives (J = df/dy, df/dt:
// a reverse pass per row) once each, and replay them at every evaluation and
// Jacobian; with a gradient wanted, the accepted steps still replay through
// autograd's ops.
TEST(Jit, StiffMethodsReplayTheFieldAndItsJacobian) {
  for (fx::DType dtype : {fx::Float64, fx::Float32})
    for (ode::Method m : {ode::Method::rodas5, ode::Method::rosenbrock23}) {
      SCOPED_TRACE(ode::method_name(m) + " " + fx::dtype_name(dtype));
      Field f = field(dtype);
      fx::Tensor y0 = fx::tensor({1.0, -0.5, 2.0}).to(dtype), t = fx::linspace(0.0, 4.0, 5).to(dtype);
      BothWays r = solve_both_ways(f, y0, t, {.rtol = 1e-6, .atol = 1e-8, .method = m});
      EXPECT_EQ(r.replayed_calls, 3);  // the probe for a gradient, then the two recordings
      EXPECT_EQ(r.plain_stats.nfe, r.replayed_stats.nfe);
      EXPECT_EQ(r.plain_stats.njac, r.replayed_stats.njac);
      EXPECT_EQ(r.plain_stats.accepted, r.replayed_stats.accepted);
      EXPECT_GT(r.replayed_stats.njac, 5);
      EXPECT_LE(max_abs_diff(r.plain, r.replayed), tolerance(dtype));
      fx::Tensor y0g = y0.clone().requires_grad_();
      BothWays g = solve_both_ways(f, y0g, t, {.rtol = 1e-6, .atol = 1e-8, .method = m});
      fx::Tensor ga = fx::autograd::grad({g.plain.sum()}, {y0g})[0],
                 gb = fx::autograd::grad({g.replayed.sum()}, {y0g})[0];
      EXPECT_LE(max_abs_diff(ga, gb), tolerance(dtype));
    }
}

TEST(Jit, WhatAReplayCannotDoIsAnError) {
  Field f = field(fx::Float64);
  fx::Tensor t = fx::linspace(0.0, 1.0, 3);
  // (a gradient through the solve is taped: test_jit_grad.cpp)
  fx::Tensor y0 = fx::tensor({1.0, 0.0, 0.0}).requires_grad_();
  Field g{f.A.clone().requires_grad_(), f.calls};
  {  // no gradient wanted: solves that could take one replay without a tape
    fx::NoGradGuard no_grad;
    EXPECT_LE(max_abs_diff(ode::odeint(g, y0, t, {.jit = true}), ode::odeint(g, y0, t)), 1e-12);
  }
  // a branch on a value would be frozen by the recording
  auto branchy = [](const fx::Tensor& tt, const fx::Tensor& y) { return tt.item() < 0.5 ? y : -y; };
  EXPECT_NE(error_of([&] { (void)ode::odeint(branchy, y0.detach(), t, {.jit = true}); }).find("jit::trace"),
            std::string::npos);
}
