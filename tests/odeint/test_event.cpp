// SPDX-License-Identifier: MIT
// odeint_event against the bouncing ball, whose event times and their
// derivatives are known in closed form: a ball dropped from h with gravity g
// lands at t1 = sqrt(2h/g) with speed sqrt(2gh); bouncing with restitution r
// it lands again at t2 = t1 (1 + 2r). Also: several events (the first terminal
// one wins, the others are recorded), an event that never fires, an event at t0.
#include <gtest/gtest.h>

#include <cmath>

#include "fluxion.h"
#include "odeint/event.h"

namespace fx = fluxion;
namespace ode = fluxion::odeint;

namespace {

const ode::EventOptions kTight{.rtol = 1e-11, .atol = 1e-12, .direction = {-1}};

// y = (height, velocity); the field captures g (a tensor that may require grad).
ode::Func falling(const fx::Tensor& g) {
  return [g](const fx::Tensor&, const fx::Tensor& y) { return fx::stack({y[1], -g * fx::ones_like(y[1])}); };
}
fx::Tensor height(const fx::Tensor&, const fx::Tensor& y) { return y[0]; }

}  // namespace

TEST(Event, BouncingBallTimesAndDerivatives) {
  const double h = 2.0, gv = 9.81, r = 0.7;
  fx::Tensor g = fx::scalar(gv, fx::Float64).requires_grad_();
  fx::Tensor y0 = fx::tensor({h, 0.0}, fx::Float64).requires_grad_();
  ode::Stats stats;
  ode::EventOptions opts = kTight;
  opts.stats = &stats;
  ode::EventSolution first = ode::odeint_event(falling(g), y0, 0.0, height, opts);
  const double t1 = std::sqrt(2 * h / gv);
  ASSERT_EQ(first.index, 0);
  EXPECT_NEAR(first.t.item(), t1, 1e-9);
  EXPECT_NEAR(first.y.at({0}), 0.0, 1e-9);
  EXPECT_NEAR(first.y.at({1}), -std::sqrt(2 * gv * h), 1e-8);
  EXPECT_GT(stats.accepted, 0);
  // t1 = (v0 + sqrt(v0^2 + 2 g h)) / g at v0 = 0: d/dh = 1/sqrt(2gh), d/dv0 = 1/g, d/dg = -t1 / (2g)
  auto d = fx::autograd::grad({first.t}, {y0, g}, {.retain_graph = true});
  EXPECT_NEAR(d[0].at({0}), 1 / std::sqrt(2 * gv * h), 1e-7);
  EXPECT_NEAR(d[0].at({1}), 1 / gv, 1e-7);
  EXPECT_NEAR(d[1].item(), -t1 / (2 * gv), 1e-7);
  // the height at the event is 0 whatever h is: its derivative vanishes too
  EXPECT_NEAR(fx::autograd::grad({first.y[0]}, {y0}, {.retain_graph = true})[0].at({0}), 0.0, 1e-7);

  // bounce: start again from the first event's time and state, the velocity reversed and scaled
  fx::Tensor bounced = fx::stack({first.y[0], -r * first.y[1]});
  ode::EventSolution second = ode::odeint_event(falling(g), bounced, first.t, height, kTight);
  ASSERT_EQ(second.index, 0);  // not at its start, where the height is 0 but rising
  EXPECT_NEAR(second.t.item(), t1 * (1 + 2 * r), 1e-8);
  EXPECT_NEAR(fx::autograd::grad({second.t}, {y0})[0].at({0}), (1 + 2 * r) / std::sqrt(2 * gv * h), 1e-6);
}

TEST(Event, SeveralEventsFirstTerminalWinsOthersRecorded) {
  const double h = 2.0, gv = 9.81;
  fx::Tensor g = fx::scalar(gv, fx::Float64);
  auto levels = [](const fx::Tensor&, const fx::Tensor& y) { return fx::stack({y[0] - 1.5, y[0] - 0.5, y[0] - 1.0}); };
  ode::EventOptions opts = kTight;
  opts.terminal = {false, true, false};
  ode::EventSolution e = ode::odeint_event(falling(g), fx::tensor({h, 0.0}, fx::Float64), 0.0, levels, opts);
  ASSERT_EQ(e.index, 1);
  ASSERT_EQ(e.times.size(), 3u);
  EXPECT_EQ(e.indices, (std::vector<int64_t>{0, 2, 1}));
  for (size_t i = 0; i < 3; ++i) {
    const double level = e.indices[i] == 0 ? 1.5 : e.indices[i] == 1 ? 0.5 : 1.0;
    EXPECT_NEAR(e.times[i], std::sqrt(2 * (h - level) / gv), 1e-9) << i;
  }
  EXPECT_NEAR(e.t.item(), e.times.back(), 0.0);
  // a rising-only event never fires on the way down
  ode::EventOptions rising = kTight;
  rising.direction = {1};
  rising.t_end = 0.5;
  EXPECT_EQ(ode::odeint_event(falling(g), fx::tensor({h, 0.0}, fx::Float64), 0.0, height, rising).index, -1);
}

TEST(Event, NeverFiresEndsAtTEndOrFailsClearly) {
  fx::Tensor g = fx::scalar(9.81, fx::Float64);
  fx::Tensor y0 = fx::tensor({2.0, 30.0}, fx::Float64).requires_grad_();  // thrown up: not down before t = 1
  ode::EventOptions opts = kTight;
  opts.t_end = 1.0;
  ode::EventSolution e = ode::odeint_event(falling(g), y0, 0.0, height, opts);
  EXPECT_EQ(e.index, -1);
  EXPECT_TRUE(e.times.empty());
  EXPECT_EQ(e.t.item(), 1.0);
  EXPECT_NEAR(e.y.at({0}), 2.0 + 30.0 - 9.81 / 2, 1e-8);
  e.y[0].backward();  // still differentiable: d height(1) / d v0 = 1
  EXPECT_NEAR(y0.grad().at({1}), 1.0, 1e-8);

  ode::EventOptions endless{.max_num_steps = 50};
  auto never = [](const fx::Tensor&, const fx::Tensor& y) { return y[0] * 0.0 + 1.0; };
  try {
    (void)ode::odeint_event(falling(g), fx::tensor({2.0, 0.0}, fx::Float64), 0.0, never, endless);
    FAIL() << "an event that never fires, without t_end, must end in an error";
  } catch (const fx::Error& err) {
    EXPECT_NE(std::string(err.what()).find("max_num_steps"), std::string::npos) << err.what();
  }
}

TEST(Event, AtTheInitialTimeAndErrors) {
  fx::Tensor g = fx::scalar(9.81, fx::Float64);
  auto at_two = [](const fx::Tensor&, const fx::Tensor& y) { return y[0] - 2.0; };
  ode::EventSolution e = ode::odeint_event(falling(g), fx::tensor({2.0, 0.0}, fx::Float64), 0.5, at_two);
  EXPECT_EQ(e.index, 0);
  EXPECT_EQ(e.t.item(), 0.5);
  EXPECT_EQ(e.y.at({0}), 2.0);

  auto message = [](auto&& f) {
    try {
      f();
    } catch (const fx::Error& err) {
      return std::string(err.what());
    }
    return std::string("no error");
  };
  const fx::Tensor y0 = fx::tensor({2.0, 0.0}, fx::Float64);
  EXPECT_NE(message([&] {
              (void)ode::odeint_event(falling(g), y0, 0.0, height, {.method = ode::Method::rk4});
            }).find("adaptive method such as dopri5 or rodas5"),
            std::string::npos);
  EXPECT_NE(message([&] {
              (void)ode::odeint_event(falling(g), y0, 0.0, height, {.direction = {1, -1}});
            }).find("direction and terminal"),
            std::string::npos);
  auto matrix = [](const fx::Tensor&, const fx::Tensor& y) { return y.reshape({1, 2}); };
  EXPECT_NE(message([&] { (void)ode::odeint_event(falling(g), y0, 0.0, matrix); }).find("event_fn must return"),
            std::string::npos);
}

// rosenbrock23 searches each step's cubic Hermite interpolant, rodas5 steps of
// its own to the trial points; both are exact on the ball's quadratic path, so
// the closed forms hold as for dopri5.
TEST(Event, StiffMethodsOnTheBall) {
  const double h = 2.0, gv = 9.81;
  for (ode::Method m : {ode::Method::rosenbrock23, ode::Method::rodas5}) {
    fx::Tensor g = fx::scalar(gv, fx::Float64).requires_grad_();
    fx::Tensor y0 = fx::tensor({h, 0.0}, fx::Float64).requires_grad_();
    ode::Stats stats;
    ode::EventSolution e = ode::odeint_event(
        falling(g), y0, 0.0, height, {.rtol = 1e-9, .atol = 1e-11, .method = m, .direction = {-1}, .stats = &stats});
    const double t1 = std::sqrt(2 * h / gv);
    ASSERT_EQ(e.index, 0) << ode::method_name(m);
    EXPECT_NEAR(e.t.item(), t1, 1e-9) << ode::method_name(m);
    EXPECT_GT(stats.njac, 0) << ode::method_name(m);
    auto d = fx::autograd::grad({e.t}, {y0, g});
    EXPECT_NEAR(d[0].at({0}), 1 / std::sqrt(2 * gv * h), 1e-7) << ode::method_name(m);
    EXPECT_NEAR(d[1].item(), -t1 / (2 * gv), 1e-7) << ode::method_name(m);
  }
}

// A stiff relaxation y' = -k (y - cos t), k = 1e4, from y0 = 2: y follows
// cos(t - 1/k) once the start has decayed, so it falls through 0 at
// t* = pi/2 + 1/k, with dt*/dk = -1/k^2. rodas5 finds the crossing with a
// fraction of the evaluations dopri5 needs, whose steps stability limits.
// (Backprop through those dopri5 steps is no reference for dt*/dk: they sit
// at the edge of its stability region, where the frozen steps' sensitivities
// grow by about |R(h lambda)| >= 1 a step.)
TEST(Event, StiffRelaxation) {
  const double kv = 1e4;
  auto crossing = [](const fx::Tensor&, const fx::Tensor& y) { return y[0]; };
  fx::Tensor k = fx::scalar(kv, fx::Float64).requires_grad_();
  ode::Func relax = [k](const fx::Tensor& t, const fx::Tensor& y) { return -k * (y - t.cos()); };
  const fx::Tensor y0 = fx::tensor({2.0}, fx::Float64);
  ode::Stats explicit_stats, stiff_stats;
  double t_ref = 0;
  {
    fx::NoGradGuard values_only;
    t_ref =
        ode::odeint_event(relax, y0, 0.0, crossing, {.rtol = 1e-6, .atol = 1e-12, .stats = &explicit_stats}).t.item();
  }
  ode::EventSolution e = ode::odeint_event(
      relax, y0, 0.0, crossing, {.rtol = 1e-6, .atol = 1e-12, .method = ode::Method::rodas5, .stats = &stiff_stats});
  ASSERT_EQ(e.index, 0);
  EXPECT_NEAR(t_ref, M_PI / 2 + 1 / kv, 1e-8);
  EXPECT_NEAR(e.t.item(), t_ref, 1e-6);  // searched on the Hermite interpolant of steps at rtol 1e-6
  EXPECT_NEAR(fx::autograd::grad({e.t}, {k})[0].item(), -1 / (kv * kv), 1e-3 / (kv * kv));
  EXPECT_LT(stiff_stats.nfe * 10, explicit_stats.nfe);
}

// With adjoint_params the re-solve to the event is odeint_adjoint's: the same
// closed-form derivatives, through the adjoint system.
TEST(Event, ThroughTheAdjoint) {
  const double h = 2.0, gv = 9.81, r = 0.7;
  fx::Tensor g = fx::scalar(gv, fx::Float64).requires_grad_();
  fx::Tensor y0 = fx::tensor({h, 0.0}, fx::Float64).requires_grad_();
  ode::EventOptions opts = kTight;
  opts.adjoint_params = std::vector<fx::Tensor>{g};
  ode::EventSolution first = ode::odeint_event(falling(g), y0, 0.0, height, opts);
  const double t1 = std::sqrt(2 * h / gv);
  EXPECT_NEAR(first.t.item(), t1, 1e-9);
  auto d = fx::autograd::grad({first.t}, {y0, g}, {.retain_graph = true});
  EXPECT_NEAR(d[0].at({0}), 1 / std::sqrt(2 * gv * h), 1e-7);
  EXPECT_NEAR(d[0].at({1}), 1 / gv, 1e-7);
  EXPECT_NEAR(d[1].item(), -t1 / (2 * gv), 1e-7);
  // the landing speed sqrt(2 g h): d/dh = g / sqrt(2 g h), d/dg = h / sqrt(2 g h)
  auto dv = fx::autograd::grad({first.y[1]}, {y0, g}, {.retain_graph = true});
  EXPECT_NEAR(dv[0].at({0}), -gv / std::sqrt(2 * gv * h), 1e-6);
  EXPECT_NEAR(dv[1].item(), -h / std::sqrt(2 * gv * h), 1e-6);
  fx::Tensor bounced = fx::stack({first.y[0], -r * first.y[1]});
  ode::EventSolution second = ode::odeint_event(falling(g), bounced, first.t, height, opts);
  EXPECT_NEAR(second.t.item(), t1 * (1 + 2 * r), 1e-8);
  EXPECT_NEAR(fx::autograd::grad({second.t}, {y0})[0].at({0}), (1 + 2 * r) / std::sqrt(2 * gv * h), 1e-6);

  opts.adjoint_params = std::vector<fx::Tensor>{};  // g captured but not passed: the adjoint refuses it
  ode::EventSolution unlisted = ode::odeint_event(falling(g), y0, 0.0, height, opts);
  try {
    (void)fx::autograd::grad({unlisted.t}, {y0});
    FAIL() << "a captured tensor that requires grad, missing from adjoint_params, must be an error";
  } catch (const fx::Error& err) {
    EXPECT_NE(std::string(err.what()).find("not in params"), std::string::npos) << err.what();
  }
}
