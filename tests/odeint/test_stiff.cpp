// SPDX-License-Identifier: MIT
// The stiff solver (rosenbrock23) on Robertson's chemical kinetics and Van
// der Pol with mu = 1000, where an explicit method needs orders of magnitude
// more steps: dopri5 given 10x rosenbrock23's step budget still runs out.
#include <gtest/gtest.h>

#include "problems.h"

namespace fx = fluxion;
namespace ode = fluxion::odeint;
using ode::Method;

namespace {

// y1' = -0.04 y1 + 1e4 y2 y3,  y2' = 0.04 y1 - 1e4 y2 y3 - 3e7 y2^2,  y3' = 3e7 y2^2
fx::Tensor robertson(const fx::Tensor&, const fx::Tensor& y) {
  fx::Tensor a = y.select(0, 0), b = y.select(0, 1), c = y.select(0, 2);
  fx::Tensor r1 = a * 0.04, r2 = b * c * 1e4, r3 = b * b * 3e7;
  return fx::stack({r2 - r1, r1 - r2 - r3, r3}, 0);
}

}  // namespace

TEST(Stiff, RobertsonAgainstReference) {
  auto y0 = fx::tensor({1.0, 0.0, 0.0}, fx::Float64);
  auto t = fx::tensor({0.0, 40.0}, fx::Float64);
  ode::Stats stats;
  auto ys = ode::odeint(robertson, y0, t,
                        {.rtol = 1e-4,
                         .atol = fx::tensor({1e-8, 1e-12, 1e-8}, fx::Float64),
                         .method = Method::rosenbrock23,
                         .stats = &stats});
  // Hairer & Wanner's reference values at t = 40
  EXPECT_NEAR(ys.at({1, 0}), 0.7158270687, 2e-4);
  EXPECT_NEAR(ys.at({1, 1}), 9.185534764e-6, 5e-8);
  EXPECT_NEAR(ys.at({1, 2}), 0.2841637457, 2e-4);
  EXPECT_GT(stats.njac, 0);
  EXPECT_LT(stats.accepted + stats.rejected, 300);
  EXPECT_THROW((void)ode::odeint(robertson, y0, t,
                                 {.rtol = 1e-4, .atol = 1e-8, .max_num_steps = 10 * (stats.accepted + stats.rejected)}),
               fx::Error);
}

TEST(Stiff, VanDerPolMu1000) {
  odeint_test::VanDerPol f{1000.0};
  auto y0 = fx::tensor({2.0, 0.0}, fx::Float64);
  auto t = fx::tensor({0.0, 200.0}, fx::Float64);
  ode::Stats loose, tight;
  auto a = ode::odeint(f, y0, t, {.rtol = 1e-4, .atol = 1e-7, .method = Method::rosenbrock23, .stats = &loose});
  auto b = ode::odeint(f, y0, t, {.rtol = 1e-6, .atol = 1e-9, .method = Method::rosenbrock23, .stats = &tight});
  EXPECT_NEAR(a.at({1, 0}), b.at({1, 0}), 1e-2);
  EXPECT_LT(loose.accepted + loose.rejected, 300);
  EXPECT_THROW((void)ode::odeint(f, y0, t,
                                 {.rtol = 1e-4, .atol = 1e-7, .max_num_steps = 10 * (loose.accepted + loose.rejected)}),
               fx::Error);
}

// The ode_robertson workload: rodas5 at rtol 1e-6, atol 1e-10 against a tight
// rodas5 reference, relative error at most 1e-5 at every output time.
TEST(Stiff, Rodas5RobertsonOutputsWithinTolerance) {
  auto y0 = fx::tensor({1.0, 0.0, 0.0}, fx::Float64);
  auto t = fx::tensor({0.0, 1e-2, 1.0, 1e2, 1e4, 4e5}, fx::Float64);
  ode::Stats stats, ref_stats;
  auto ys = ode::odeint(robertson, y0, t, {.rtol = 1e-6, .atol = 1e-10, .method = Method::rodas5, .stats = &stats});
  auto ref =
      ode::odeint(robertson, y0, t, {.rtol = 1e-10, .atol = 1e-16, .method = Method::rodas5, .stats = &ref_stats});
  for (int64_t i = 1; i < 6; ++i)
    for (int64_t j = 0; j < 3; ++j)
      EXPECT_NEAR(ys.at({i, j}), ref.at({i, j}), 1e-5 * std::abs(ref.at({i, j}))) << "t index " << i << " y" << j;
  EXPECT_EQ(stats.njac, stats.accepted);  // one Jacobian per step, reused after a rejection
  EXPECT_EQ(stats.nlu, stats.accepted + stats.rejected);
}
