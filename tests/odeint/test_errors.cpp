// SPDX-License-Identifier: MIT
// Every failure of a solve is a fluxion::Error naming the cause and the time
// reached: bad t, a func returning the wrong shape or NaN/Inf, step-size
// underflow, too many steps, bad options. Never a hang.
#include <gtest/gtest.h>

#include <string>

#include "problems.h"

namespace fx = fluxion;
namespace ode = fluxion::odeint;
using namespace odeint_test;

namespace {

const fx::Tensor one = fx::tensor({1.0}, fx::Float64);
const fx::Tensor t01 = fx::tensor({0.0, 1.0}, fx::Float64);

}  // namespace

TEST(Errors, NonMonotoneTimes) {
  auto msg = error_of([] { (void)ode::odeint(gauss, one, fx::tensor({0.0, 1.0, 0.5}, fx::Float64)); });
  EXPECT_NE(msg.find("strictly increasing or strictly decreasing"), std::string::npos) << msg;
  EXPECT_NE(error_of([] { (void)ode::odeint(gauss, one, fx::tensor({0.0, 0.0}, fx::Float64)); }), "");
  EXPECT_NE(error_of([] { (void)ode::odeint(gauss, one, fx::tensor({{0.0, 1.0}}, fx::Float64)); }), "");
}

TEST(Errors, FuncReturnsWrongShape) {
  auto bad = [](const fx::Tensor&, const fx::Tensor& y) { return fx::stack({y, y}, 0); };
  for (ode::Method m : {ode::Method::dopri5, ode::Method::rk4, ode::Method::rosenbrock23}) {
    auto msg = error_of([&] { (void)ode::odeint(bad, one, t01, {.method = m}); });
    EXPECT_NE(msg.find("func returned shape [2, 1] at t = 0"), std::string::npos) << msg;
  }
  auto msg = error_of([&] { (void)ode::odeint_adjoint(bad, {}, one, t01); });
  EXPECT_NE(msg.find("shape"), std::string::npos) << msg;
}

TEST(Errors, NanFromFuncNamesTheTime) {
  // finite until t = 0.5, NaN after: log(0.5 - t) of a negative number
  auto f = [](const fx::Tensor& t, const fx::Tensor& y) { return (0.5 - t).log() * 0.0 + y; };
  auto msg = error_of([&] { (void)ode::odeint(f, one, t01); });
  EXPECT_NE(msg.find("NaN or Inf near t = 0.5"), std::string::npos) << msg;
  auto fixed = error_of([&] { (void)ode::odeint(f, one, t01, {.method = ode::Method::rk4, .step_size = 0.1}); });
  EXPECT_NE(fixed.find("NaN or Inf in the step from t = 0.4"), std::string::npos) << fixed;
  auto nan0 = [](const fx::Tensor&, const fx::Tensor& y) { return y / 0.0 * 0.0; };
  auto first = error_of([&] { (void)ode::odeint(nan0, one, t01); });
  EXPECT_NE(first.find("at the initial time t = 0"), std::string::npos) << first;
}

TEST(Errors, StepUnderflowAtABlowUp) {
  // y' = y^2, y(0) = 1: y = 1 / (1 - t) blows up at t = 1
  auto f = [](const fx::Tensor&, const fx::Tensor& y) { return y * y; };
  auto msg = error_of([&] { (void)ode::odeint(f, one, fx::tensor({0.0, 2.0}, fx::Float64)); });
  EXPECT_NE(msg.find("underflow"), std::string::npos) << msg;
  EXPECT_NE(msg.find("at t = 1;"), std::string::npos) << msg;
}

TEST(Errors, MaxNumStepsExceeded) {
  Spiral f;
  auto msg = error_of([&] {
    (void)ode::odeint(f, fx::tensor({2.0, 0.5}, fx::Float64), fx::tensor({0.0, 8.0}, fx::Float64),
                      {.max_num_steps = 5});
  });
  EXPECT_NE(msg.find("max_num_steps (5) exceeded at t = "), std::string::npos) << msg;
  auto fixed = error_of([&] {
    (void)ode::odeint(f, fx::tensor({2.0, 0.5}, fx::Float64), fx::tensor({0.0, 8.0}, fx::Float64),
                      {.method = ode::Method::euler, .step_size = 1e-3, .max_num_steps = 100});
  });
  EXPECT_NE(fixed.find("max_num_steps"), std::string::npos) << fixed;
}

TEST(Errors, BadOptions) {
  EXPECT_NE(error_of([] { (void)ode::odeint(gauss, one, t01, {.rtol = -1}); }), "");
  EXPECT_NE(error_of([] { (void)ode::odeint(gauss, one, t01, {.rtol = 0, .atol = 0}); }), "");
  EXPECT_NE(error_of([] { (void)ode::odeint(gauss, one, t01, {.method = ode::Method::rk4, .step_size = 0}); }), "");
  EXPECT_NE(error_of([] { (void)ode::odeint(gauss, fx::tensor(std::vector<int64_t>{1}, {1}), t01); }), "");
  EXPECT_NE(error_of([] { (void)ode::odeint(ode::Func{}, one, t01); }), "");
}
