// SPDX-License-Identifier: MIT
// odeint's step options: torchdiffeq's step callbacks (counted against the
// solver's statistics, for explicit, stiff and fixed-grid methods), max_step
// (the steps it forces) and min_step (a clear error where the steps collapse).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "fluxion.h"

namespace fx = fluxion;
namespace ode = fluxion::odeint;

namespace {

// Van der Pol with mu = 20: stiff enough that an explicit method rejects steps.
fx::Tensor vdp(const fx::Tensor&, const fx::Tensor& y) {
  return fx::stack({y[1], 20.0 * (1.0 - y[0] * y[0]) * y[1] - y[0]});
}

}  // namespace

TEST(Options, CallbacksSeeEveryStep) {
  for (ode::Method m : {ode::Method::dopri5, ode::Method::rosenbrock23, ode::Method::rk4}) {
    int64_t attempted = 0, accepted = 0, rejected = 0;
    double last_t = -1, first_t = NAN;
    ode::Stats stats;
    ode::Options o{.rtol = 1e-6, .atol = 1e-8, .method = m, .step_size = 0.01, .stats = &stats};
    if (m != ode::Method::rk4) o.step_size.reset();
    o.callback_step = [&](double t, const fx::Tensor& y, double h) {
      ++attempted;
      if (std::isnan(first_t)) first_t = t;
      EXPECT_EQ(y.shape(), (fx::Shape{2})) << ode::method_name(m);
      EXPECT_GT(h, 0) << ode::method_name(m);
    };
    o.callback_accept_step = [&](double t, const fx::Tensor&, double) {
      EXPECT_GT(t, last_t) << ode::method_name(m);  // accepted steps start where the last one ended
      last_t = t;
      ++accepted;
    };
    o.callback_reject_step = [&](double, const fx::Tensor&, double) { ++rejected; };
    (void)ode::odeint(vdp, fx::tensor({2.0, 0.0}, fx::Float64), fx::tensor({0.0, 1.0, 3.0}, fx::Float64), o);
    EXPECT_EQ(first_t, 0.0);
    EXPECT_EQ(accepted, stats.accepted) << ode::method_name(m);
    EXPECT_EQ(rejected, stats.rejected) << ode::method_name(m);
    EXPECT_EQ(attempted, stats.accepted + stats.rejected) << ode::method_name(m);
    if (m == ode::Method::dopri5) {
      EXPECT_GT(rejected, 0);  // the test exercises the reject callback
    }
  }
}

TEST(Options, MaxStepBoundsEveryStepAndMinStepStopsACollapse) {
  auto decay = [](const fx::Tensor&, const fx::Tensor& y) { return -y; };
  const fx::Tensor y0 = fx::tensor({1.0}, fx::Float64), t = fx::tensor({0.0, 10.0}, fx::Float64);
  ode::Stats free, bounded;
  double largest = 0;
  (void)ode::odeint(decay, y0, t, {.stats = &free});
  ode::Options o{.max_step = 0.1, .stats = &bounded};
  o.callback_accept_step = [&](double, const fx::Tensor&, double h) { largest = std::max(largest, std::abs(h)); };
  const fx::Tensor ys = ode::odeint(decay, y0, t, o);
  EXPECT_LE(largest, 0.1);
  EXPECT_GE(bounded.accepted, 100);
  EXPECT_LT(free.accepted, 100);
  EXPECT_NEAR(ys.at({1, 0}), std::exp(-10.0), 1e-10);

  try {
    (void)ode::odeint(vdp, fx::tensor({2.0, 0.0}, fx::Float64), fx::tensor({0.0, 3.0}, fx::Float64),
                      {.rtol = 1e-8, .atol = 1e-10, .min_step = 0.05});
    FAIL() << "steps of 0.05 cannot meet 1e-8 on van der Pol";
  } catch (const fx::Error& e) {
    EXPECT_NE(std::string(e.what()).find("min_step"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)ode::odeint(decay, y0, t, {.min_step = 0.2, .max_step = 0.1}), fx::Error);
  EXPECT_THROW((void)ode::odeint(decay, y0, t, {.max_step = 0.0}), fx::Error);
}

TEST(Options, StepTIsLandedOnAndJumpTIsNotSteppedAcross) {
  auto decay = [](const fx::Tensor&, const fx::Tensor& y) { return -y; };
  std::vector<double> starts;
  ode::Options o{.step_t = {0.3, 0.7}};
  o.callback_accept_step = [&](double t, const fx::Tensor&, double) { starts.push_back(t); };
  (void)ode::odeint(decay, fx::tensor({1.0}, fx::Float64), fx::tensor({0.0, 2.0}, fx::Float64), o);
  EXPECT_NE(std::find(starts.begin(), starts.end(), 0.3), starts.end());
  EXPECT_NE(std::find(starts.begin(), starts.end(), 0.7), starts.end());

  // dy/dt = 1 before t = 1 and -1 after: y(2) = 0, the kink at t = 1
  auto kink = [](const fx::Tensor& t, const fx::Tensor& y) { return fx::ones_like(y) * (t.item() < 1.0 ? 1.0 : -1.0); };
  const fx::Tensor y0 = fx::tensor({0.0}, fx::Float64), ts = fx::tensor({0.0, 1.0, 2.0}, fx::Float64);
  ode::Stats across, stopped;
  const fx::Tensor blind = ode::odeint(kink, y0, ts, {.stats = &across});
  const fx::Tensor told = ode::odeint(kink, y0, ts, {.jump_t = {1.0}, .stats = &stopped});
  EXPECT_NEAR(told.at({1, 0}), 1.0, 1e-13);
  EXPECT_NEAR(told.at({2, 0}), 0.0, 1e-13);
  EXPECT_EQ(stopped.rejected, 0);
  EXPECT_GT(across.rejected, 0);  // without jump_t the solver has to find the kink by failing
  EXPECT_LT(stopped.nfe, across.nfe);
  EXPECT_NEAR(blind.at({2, 0}), 0.0, 1e-6);
  EXPECT_THROW((void)ode::odeint(kink, y0, ts, {.method = ode::Method::rk4, .jump_t = {1.0}}), fx::Error);
}
