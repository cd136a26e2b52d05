// SPDX-License-Identifier: MIT
// Regression tests for issue #23 in odeint: a stiff problem or an absurd span
// under an explicit method stops quickly with an error that names the stiff
// method, instead of running for minutes.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <string>

#include "problems.h"

namespace fx = fluxion;
namespace ode = fluxion::odeint;
using namespace odeint_test;

namespace {

// y1' = -0.04 y1 + 1e4 y2 y3,  y2' = 0.04 y1 - 1e4 y2 y3 - 3e7 y2^2,  y3' = 3e7 y2^2
fx::Tensor robertson(const fx::Tensor&, const fx::Tensor& y) {
  fx::Tensor a = y.select(0, 0), b = y.select(0, 1), c = y.select(0, 2);
  fx::Tensor r1 = a * 0.04, r2 = b * c * 1e4, r3 = b * b * 3e7;
  return fx::stack({r2 - r1, r1 - r2 - r3, r3}, 0);
}

}  // namespace

TEST(OdeintHardening, StiffProblemUnderDopri5StopsWithAHint) {
  auto start = std::chrono::steady_clock::now();
  std::string msg = error_of([] {
    (void)ode::odeint(robertson, fx::tensor({1.0, 0.0, 0.0}, fx::Float64), fx::tensor({0.0, 1e5}, fx::Float64));
  });
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_NE(msg.find("max_num_steps (100000) exceeded"), std::string::npos) << msg;
  EXPECT_NE(msg.find("rosenbrock23"), std::string::npos) << msg;
  EXPECT_LT(seconds, 60);  // the old default (2^31 steps) ran for many minutes
}

// Under a stiff method the hint is not to use a stiff method.
TEST(OdeintHardening, AStiffMethodOutOfStepsSaysWhatToChange) {
  for (ode::Method m : {ode::Method::rodas5, ode::Method::rosenbrock23}) {
    std::string msg = error_of([m] {
      (void)ode::odeint(robertson, fx::tensor({1.0, 0.0, 0.0}, fx::Float64), fx::tensor({0.0, 1e5}, fx::Float64),
                        {.method = m, .max_num_steps = 5});
    });
    EXPECT_NE(msg.find("max_num_steps (5) exceeded"), std::string::npos) << msg;
    EXPECT_NE(msg.find("raise max_num_steps or loosen rtol/atol"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("stiff"), std::string::npos) << msg;
  }
}

TEST(OdeintHardening, AnAbsurdSpanStops) {
  Spiral f;
  std::string msg = error_of([&] {
    (void)ode::odeint(f, fx::tensor({2.0, 0.5}, fx::Float64), fx::tensor({0.0, 1e300}, fx::Float64));
  });
  EXPECT_NE(msg.find("max_num_steps"), std::string::npos) << msg;
}

TEST(OdeintHardening, AdjointRefusesACapturedTensorNotInParams) {
  fx::Tensor k = fx::tensor({0.7}, fx::Float64).requires_grad_();
  auto f = [&k](const fx::Tensor&, const fx::Tensor& y) { return -k * y; };
  fx::Tensor y0 = fx::tensor({1.0, 2.0}, fx::Float64).requires_grad_();
  fx::Tensor t = fx::tensor({0.0, 1.0}, fx::Float64);
  fx::Tensor ys = ode::odeint_adjoint(f, std::vector<fx::Tensor>{}, y0, t);
  std::string msg = error_of([&] { ys.sum().backward(); });
  EXPECT_NE(msg.find("not in params"), std::string::npos) << msg;
  // In params it gets its gradient: d/dk sum_i y0_i e^{-k} = -(1 + 2) e^{-k}
  fx::Tensor ys2 = ode::odeint_adjoint(f, std::vector<fx::Tensor>{k}, y0, t);
  ys2.select(0, 1).sum().backward();
  ASSERT_TRUE(k.grad().defined());
  EXPECT_NEAR(k.grad().item(), -3.0 * std::exp(-0.7), 1e-6);
}

TEST(OdeintHardening, AtolOfTheWrongShapeNamesOdeintAndBothShapes) {
  fx::Tensor y0 = fx::zeros({2, 3}, fx::Float64);
  fx::Tensor t = fx::tensor({0.0, 1.0}, fx::Float64);
  auto f = [](const fx::Tensor&, const fx::Tensor& y) { return -y; };
  std::string msg = error_of([&] { (void)ode::odeint(f, y0, t, {.atol = fx::full({4}, 1e-9, fx::Float64)}); });
  EXPECT_NE(msg.find("odeint: atol of shape [4]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[2, 3]"), std::string::npos) << msg;
  EXPECT_EQ(msg.find("expand"), std::string::npos) << msg;
  // A tolerance per column broadcasts and is accepted.
  EXPECT_EQ(error_of([&] { (void)ode::odeint(f, y0, t, {.atol = fx::full({3}, 1e-9, fx::Float64)}); }), "");
}
