// SPDX-License-Identifier: MIT
// Gradients through the stiff solver: backprop through rosenbrock23 and the
// adjoint with rosenbrock23 both ways agree with forward sensitivities on
// Robertson's kinetics (rate constants as captured tensors), and with
// backprop through a tight dopri5 solve on a small non-autonomous neural field.
#include <gtest/gtest.h>

#include <cmath>

#include "problems.h"

namespace fx = fluxion;
namespace ode = fluxion::odeint;
using ode::Method;

namespace {

// y1' = -k1 y1 + k3 y2 y3,  y2' = k1 y1 - k3 y2 y3 - k2 y2^2,  y3' = k2 y2^2
struct Robertson {
  fx::Tensor k1, k2, k3;  // 0-d
  fx::Tensor operator()(const fx::Tensor&, const fx::Tensor& y) const {
    fx::Tensor a = y.select(0, 0), b = y.select(0, 1), c = y.select(0, 2);
    fx::Tensor r1 = a * k1, r2 = b * c * k3, r3 = b * b * k2;
    return fx::stack({r2 - r1, r1 - r2 - r3, r3}, 0);
  }
};
constexpr double K1 = 0.04, K2 = 3e7, K3 = 1e4;

// Forward sensitivities, scaled to dy/dlog k: S = dy/dk diag(k) [3, 3], solved
// with y as S' = J S + (df/dk) diag(k), with J and df/dk written out by hand.
// State (y, S) flat [12]; the solve is rodas5 at tight tolerances. Returns S(T)
// and, through `yT`, y(T).
fx::Tensor sensitivities(double T, ode::Stats* stats = nullptr, fx::Tensor* yT = nullptr) {
  auto f = [](const fx::Tensor&, const fx::Tensor& z) {
    fx::Tensor y1 = z.select(0, 0), y2 = z.select(0, 1), y3 = z.select(0, 2);
    fx::Tensor S = z.narrow(0, 3, 9).reshape({3, 3}), zero = y1 * 0.0;
    fx::Tensor J = fx::stack(
        {fx::stack({zero - K1, K3 * y3, K3 * y2}, 0), fx::stack({zero + K1, -K3 * y3 - 2 * K2 * y2, -K3 * y2}, 0),
         fx::stack({zero, 2 * K2 * y2, zero}, 0)},
        0);
    fx::Tensor Fk =
        fx::stack({fx::stack({-K1 * y1, zero, K3 * y2 * y3}, 0), fx::stack({K1 * y1, -K2 * y2 * y2, -K3 * y2 * y3}, 0),
                   fx::stack({zero, K2 * y2 * y2, zero}, 0)},
                  0);
    fx::Tensor dy = fx::stack({-K1 * y1 + K3 * y2 * y3, K1 * y1 - K3 * y2 * y3 - K2 * y2 * y2, K2 * y2 * y2}, 0);
    return fx::cat({dy, (J.matmul(S) + Fk).reshape({9})}, 0);
  };
  std::vector<double> z0(12, 0.0);
  z0[0] = 1.0;
  auto zs = ode::odeint(f, fx::tensor(z0, {12}, fx::Float64), fx::tensor({0.0, T}, fx::Float64),
                        {.rtol = 1e-9, .atol = 1e-14, .method = Method::rodas5, .stats = stats, .jit = true});
  if (yT) *yT = zs.select(0, 1).narrow(0, 0, 3);
  return zs.select(0, 1).narrow(0, 3, 9).reshape({3, 3});
}

struct Rates {
  fx::Tensor k1 = fx::scalar(K1, fx::Float64).requires_grad_(), k2 = fx::scalar(K2, fx::Float64).requires_grad_(),
             k3 = fx::scalar(K3, fx::Float64).requires_grad_();
  // row i: dy_i(T)/dlog k_j = k_j dy_i/dk_j, by autograd through `ys` (the solve's last output)
  fx::Tensor scaled_jacobian(const fx::Tensor& yT) const {
    std::vector<fx::Tensor> rows;
    for (int64_t i = 0; i < 3; ++i) {
      auto g = fx::autograd::grad({yT.select(0, i)}, {k1, k2, k3}, {.retain_graph = true});
      rows.push_back(fx::stack({g[0] * K1, g[1] * K2, g[2] * K3}, 0));
    }
    return fx::stack(rows, 0);
  }
};

// Central differences in log k of a tight solve: [y(k e^eps) - y(k e^-eps)] / (2 eps),
// scaled like Rates::scaled_jacobian.
fx::Tensor central_differences(double T, double eps = 1e-3) {
  fx::NoGradGuard no_grad;
  std::vector<fx::Tensor> cols;
  for (int j = 0; j < 3; ++j) {
    auto y_at = [&](double s) {
      double k[3] = {K1, K2, K3};
      k[j] *= std::exp(s);
      Robertson f{fx::scalar(k[0], fx::Float64), fx::scalar(k[1], fx::Float64), fx::scalar(k[2], fx::Float64)};
      return ode::odeint(f, fx::tensor({1.0, 0.0, 0.0}, fx::Float64), fx::tensor({0.0, T}, fx::Float64),
                         {.rtol = 1e-10, .atol = 1e-16, .method = Method::rodas5, .jit = true})
          .select(0, 1);
    };
    cols.push_back((y_at(eps) - y_at(-eps)) / (2 * eps));
  }
  return fx::stack(cols, 1);
}

const ode::Options robertson_opts{.rtol = 1e-6, .atol = 1e-10, .method = Method::rodas5};

void expect_close(const fx::Tensor& got, const fx::Tensor& want, double rel) {
  for (int64_t i = 0; i < 3; ++i) {
    double scale = 0;
    for (int64_t j = 0; j < 3; ++j) scale = std::max(scale, std::abs(want.at({i, j})));
    for (int64_t j = 0; j < 3; ++j)
      EXPECT_NEAR(got.at({i, j}), want.at({i, j}), rel * scale) << "dy" << i << "/dlog k" << j + 1;
  }
}

}  // namespace

// The ode_robertson settings (rodas5, rtol 1e-6, atol 1e-10): gradients of y(T)
// w.r.t. the rate constants by backprop through the solver, within 1e-5 of the
// largest entry of their row.
TEST(StiffGrad, RobertsonMatchesForwardSensitivities) {
  Rates k;
  Robertson f{k.k1, k.k2, k.k3};
  auto ys =
      ode::odeint(f, fx::tensor({1.0, 0.0, 0.0}, fx::Float64), fx::tensor({0.0, 1.0}, fx::Float64), robertson_opts);
  expect_close(k.scaled_jacobian(ys.select(0, 1)), sensitivities(1.0), 1e-5);
}

// The sensitivity system's rows differ in scale by ten orders of magnitude
// (entries of M from 1e-2 to 1e8), which cost the stiff solver's linear solves
// the small rows' digits until they were refined: y1 + y2 + y3 drifted from 1
// and the steps collapsed (53,000 steps, then max_num_steps). Over [0, 4e5]
// the solve keeps the invariant and takes a few hundred steps, and the
// sensitivities agree with central differences of tight solves.
TEST(StiffGrad, ForwardSensitivitiesAt4e5) {
  ode::Stats stats;
  fx::Tensor y;
  fx::Tensor S = sensitivities(4e5, &stats, &y);
  EXPECT_LT(stats.accepted + stats.rejected, 1500);
  EXPECT_NEAR(y.sum().item(), 1.0, 1e-12);
  expect_close(S, central_differences(4e5), 1e-5);
}

// Over the benchmark's whole span, by backprop through the solver and by the
// adjoint with rodas5 both ways, which reads y(t) from the forward steps
// (re-solving Robertson's y backwards collapses the step at once). The backward
// solve's tolerances are tighter than the forward's: its states a_theta = dy_i/dk_j
// are as small as 1e-16 (k2 = 3e7), and at the forward's (rtol 1e-6, atol 1e-10)
// the row of y2 is off by 8e-4.
TEST(StiffGrad, RobertsonAt4e5MatchesForwardSensitivities) {
  const fx::Tensor reference = sensitivities(4e5);
  for (bool adjoint : {false, true}) {
    Rates k;
    Robertson f{k.k1, k.k2, k.k3};
    auto y0 = fx::tensor({1.0, 0.0, 0.0}, fx::Float64);
    auto t = fx::tensor({0.0, 4e5}, fx::Float64);
    auto ys = adjoint ? ode::odeint_adjoint(f, {k.k1, k.k2, k.k3}, y0, t, robertson_opts,
                                            {.adjoint_rtol = 1e-9, .adjoint_atol = 1e-13})
                      : ode::odeint(f, y0, t, robertson_opts);
    SCOPED_TRACE(adjoint ? "adjoint" : "backprop");
    expect_close(k.scaled_jacobian(ys.select(0, 1)), reference, 1e-5);
  }
}

// y' = tanh(y W) + b t: y0, the captured W and b, and t itself all matter.
struct NeuralField {
  fx::Tensor W, b;
  fx::Tensor operator()(const fx::Tensor& t, const fx::Tensor& y) const { return y.matmul(W).tanh() + b * t; }
};

// Backprop through rosenbrock23 and rodas5, and the adjoint with rodas5 both
// ways, agree with backprop through a tight dopri5 solve (itself checked
// against central differences in test_adjoint.cpp).
TEST(StiffGrad, NeuralFieldGradientsMatchDopri5) {
  auto W = fx::tensor({{-0.4, 1.1}, {-0.9, 0.2}}, fx::Float64).requires_grad_();
  auto b = fx::tensor({0.1, -0.2}, fx::Float64).requires_grad_();
  auto y0 = fx::tensor({0.5, -0.3}, fx::Float64).requires_grad_();
  auto t = fx::tensor({0.0, 0.4, 1.0}, fx::Float64);
  auto weights = fx::tensor({{0.0, 0.0}, {1.0, -2.0}, {0.5, 3.0}}, fx::Float64);
  NeuralField f{W, b};
  auto grads = [&](const fx::Tensor& ys) { return fx::autograd::grad({(weights * ys * ys).sum()}, {y0, W, b}); };
  auto ref = grads(ode::odeint(f, y0, t, {.rtol = 1e-11, .atol = 1e-13, .method = Method::dopri5}));
  struct Case {
    Method method;
    bool adjoint;
    double tol;
  };
  for (Case c :
       {Case{Method::rosenbrock23, false, 1e-4}, Case{Method::rodas5, false, 1e-6}, Case{Method::rodas5, true, 1e-6}}) {
    ode::Options opts{.rtol = 1e-8, .atol = 1e-10, .method = c.method};
    auto g = grads(c.adjoint ? ode::odeint_adjoint(f, {W, b}, y0, t, opts) : ode::odeint(f, y0, t, opts));
    for (size_t i = 0; i < g.size(); ++i) {
      std::vector<double> got = g[i].to_vector<double>(), want = ref[i].to_vector<double>();
      for (size_t j = 0; j < got.size(); ++j)
        EXPECT_NEAR(got[j], want[j], c.tol * (1 + std::abs(want[j])))
            << ode::method_name(c.method) << (c.adjoint ? " adjoint" : "") << " input " << i << " entry " << j;
    }
  }
}
