// SPDX-License-Identifier: MIT
// minimize(): every method on problems with known minima, the counts against
// SciPy's (../shared/bench/PEERS.md), and the failure modes.
#include <gtest/gtest.h>

#include <cmath>

#include "fluxion.h"
#include "optim/minimize.h"

namespace fx = fluxion;
using fx::optim::Method;
using fx::optim::Status;

namespace {

// Extended Rosenbrock (More, Garbow, Hillstrom): pairs (a, b) = (x_2i-1, x_2i),
// f = sum 100 (b - a^2)^2 + (1 - a)^2. Minimum 0 at all ones.
fx::Tensor rosenbrock(const fx::Tensor& x) {
  fx::Tensor pairs = x.reshape({-1, 2});
  fx::Tensor a = pairs.matmul(fx::tensor({1.0, 0.0}, fx::Float64));
  fx::Tensor b = pairs.matmul(fx::tensor({0.0, 1.0}, fx::Float64));
  fx::Tensor u = b - a * a, v = 1.0 - a;
  return (100.0 * u * u + v * v).sum();
}

fx::Tensor rosenbrock_start(int64_t n) {
  std::vector<double> x0(n);
  for (int64_t i = 0; i < n; ++i) x0[i] = i % 2 == 0 ? -1.2 : 1.0;
  return fx::tensor(x0, {n}, fx::Float64);
}

void expect_all_near(const fx::Tensor& x, double value, double tol) {
  for (double v : x.to_vector<double>()) EXPECT_NEAR(v, value, tol);
}

struct RosenCase {
  Method method;
  int max_fevals;  // SciPy's count for the same method and tolerance (PEERS.md), where it has one
  int max_hvps;
};

class Rosenbrock2 : public testing::TestWithParam<RosenCase> {};

TEST_P(Rosenbrock2, ConvergesFromTheStandardStart) {
  auto res = fx::optim::minimize(rosenbrock, rosenbrock_start(2),
                                 {.method = GetParam().method, .gtol = 1e-6, .gtol_norm = 2});
  EXPECT_EQ(res.status, Status::converged_gradient) << res.message;
  EXPECT_TRUE(res.success());
  expect_all_near(res.x, 1.0, 1e-5);
  EXPECT_LT(res.fun, 1e-10);
  EXPECT_LE(std::sqrt((res.grad * res.grad).sum().item()), 1e-6);
  EXPECT_LE(res.nfev, GetParam().max_fevals);
  EXPECT_LE(res.nhvp, GetParam().max_hvps);
  EXPECT_GT(res.nit, 0);
}

INSTANTIATE_TEST_SUITE_P(Methods, Rosenbrock2,
                         testing::Values(RosenCase{Method::bfgs, 40, 0}, RosenCase{Method::lbfgs, 45, 0},
                                         RosenCase{Method::newton_cg, 106, 144}, RosenCase{Method::trust_ncg, 60, 200},
                                         RosenCase{Method::newton, 60, 200}));

TEST(Rosenbrock1000, LbfgsAndNewtonCgConverge) {
  for (Method m : {Method::lbfgs, Method::newton_cg}) {
    auto res = fx::optim::minimize(rosenbrock, rosenbrock_start(1000), {.method = m, .gtol = 1e-5, .gtol_norm = 2});
    EXPECT_EQ(res.status, Status::converged_gradient) << res.message;
    expect_all_near(res.x, 1.0, 1e-4);
    EXPECT_LE(res.nfev, m == Method::lbfgs ? 45 : 106);
  }
}

// Steepest descent zig-zags down Rosenbrock's valley: slow, but every step is a descent.
TEST(Minimize, GradientDescentDecreasesRosenbrockMonotonically) {
  auto res = fx::optim::minimize(rosenbrock, rosenbrock_start(2),
                                 {.method = Method::gd, .max_iter = 200, .record_history = true});
  EXPECT_EQ(res.nit, 200);
  EXPECT_EQ(res.status, Status::max_iterations);
  for (size_t k = 1; k < res.history.size(); ++k) EXPECT_LT(res.history[k].f, res.history[k - 1].f);
  EXPECT_LT(res.fun, 2.0);  // from 24.2
}

// f(x) = x^T A x / 2 - b^T x with A SPD: the minimum solves A x = b.
TEST(Quadratic, NewtonConvergesInOneStep) {
  auto A = fx::tensor({{4.0, 1.0, 0.0}, {1.0, 3.0, 0.5}, {0.0, 0.5, 2.0}}, fx::Float64);
  auto b = fx::tensor({1.0, -2.0, 0.5}, fx::Float64);
  auto f = [&](const fx::Tensor& x) { return 0.5 * x.dot(A.matmul(x)) - b.dot(x); };
  auto res = fx::optim::minimize(f, fx::zeros({3}, fx::Float64), {.method = Method::newton, .gtol = 1e-10});
  EXPECT_EQ(res.status, Status::converged_gradient);
  EXPECT_EQ(res.nit, 1);
  auto r = A.matmul(res.x) - b;
  EXPECT_LT(std::sqrt((r * r).sum().item()), 1e-12);
}

TEST(Quadratic, BfgsWithExactLineSearchRecoversTheInverseHessianInNSteps) {
  auto A = fx::tensor({{4.0, 1.0, 0.0}, {1.0, 3.0, 0.5}, {0.0, 0.5, 2.0}}, fx::Float64);
  auto b = fx::tensor({1.0, -2.0, 0.5}, fx::Float64);
  auto f = [&](const fx::Tensor& x) { return 0.5 * x.dot(A.matmul(x)) - b.dot(x); };
  auto res = fx::optim::minimize(f, fx::tensor({1.0, 1.0, 1.0}, fx::Float64),
                                 {.method = Method::bfgs, .gtol = 0, .max_iter = 3, .c2 = 1e-12});
  EXPECT_EQ(res.nit, 3);
  auto I = res.hess_inv.matmul(A);  // H_n = A^-1  =>  H_n A = I
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) EXPECT_NEAR(I.at({i, j}), i == j ? 1.0 : 0.0, 1e-6);
  EXPECT_LT(std::sqrt(((A.matmul(res.x) - b) * (A.matmul(res.x) - b)).sum().item()), 1e-6);
}

// Beale: minimum 0 at (3, 0.5).
TEST(Minimize, Beale) {
  auto f = [](const fx::Tensor& v) {
    auto x = v.dot(fx::tensor({1.0, 0.0}, fx::Float64)), y = v.dot(fx::tensor({0.0, 1.0}, fx::Float64));
    auto t1 = 1.5 - x + x * y, t2 = 2.25 - x + x * y * y, t3 = 2.625 - x + x * y * y * y;
    return t1 * t1 + t2 * t2 + t3 * t3;
  };
  for (Method m : {Method::bfgs, Method::lbfgs, Method::newton_cg, Method::trust_ncg}) {
    auto res = fx::optim::minimize(f, fx::tensor({1.0, 1.0}, fx::Float64), {.method = m, .gtol = 1e-8});
    EXPECT_TRUE(res.success()) << res.message;
    EXPECT_NEAR(res.x.at({0}), 3.0, 1e-5);
    EXPECT_NEAR(res.x.at({1}), 0.5, 1e-5);
  }
}

// f = x^2 - y^2 + y^4 / 4: a saddle at the origin, minima at (0, +-sqrt 2) with f = -1.
// Newton's direction points at the saddle; negative curvature must lead away from it.
TEST(Minimize, SecondOrderMethodsEscapeASaddle) {
  auto f = [](const fx::Tensor& v) {
    auto x = v.dot(fx::tensor({1.0, 0.0}, fx::Float64)), y = v.dot(fx::tensor({0.0, 1.0}, fx::Float64));
    return x * x - y * y + y * y * y * y / 4.0;
  };
  for (Method m : {Method::newton_cg, Method::trust_ncg, Method::newton, Method::bfgs}) {
    auto res = fx::optim::minimize(f, fx::tensor({1.0, 0.1}, fx::Float64), {.method = m, .gtol = 1e-8});
    EXPECT_TRUE(res.success()) << res.message;
    EXPECT_NEAR(res.fun, -1.0, 1e-8);
    EXPECT_NEAR(std::abs(res.x.at({1})), std::sqrt(2.0), 1e-5);
  }
}

// f(x) = x^2 - 4x - 0.1 log(2 - x) is NaN for x > 2; its minimum is just below 2.
TEST(Minimize, LineSearchStepsBackFromNaN) {
  auto f = [](const fx::Tensor& x) { return (x * x - 4.0 * x - 0.1 * (2.0 - x).log()).sum(); };
  for (Method m : {Method::bfgs, Method::lbfgs, Method::newton_cg, Method::gd}) {
    auto res = fx::optim::minimize(f, fx::tensor({0.0}, fx::Float64), {.method = m, .gtol = 1e-8, .max_iter = 500});
    EXPECT_TRUE(res.success()) << res.message;
    EXPECT_LT(res.x.item(), 2.0);
    EXPECT_TRUE(std::isfinite(res.fun));
    EXPECT_NEAR(2 * res.x.item() - 4 + 0.1 / (2 - res.x.item()), 0.0, 1e-7);
  }
}

TEST(Minimize, NaNEverywhereButTheStartStopsCleanly) {
  auto x0 = fx::tensor({0.5, -0.5}, fx::Float64);
  auto f = [&](const fx::Tensor& x) {
    bool at_start = x.to_vector<double>() == x0.to_vector<double>();
    return at_start ? (x * x).sum() : (x * x).sum() * NAN;
  };
  for (Method m : {Method::bfgs, Method::lbfgs, Method::newton_cg, Method::trust_ncg, Method::gd, Method::newton}) {
    auto res = fx::optim::minimize(f, x0, {.method = m});
    EXPECT_FALSE(res.success());
    Status stop = m == Method::trust_ncg ? Status::trust_region_collapsed : Status::line_search_failed;
    EXPECT_TRUE(res.status == Status::non_finite || res.status == stop) << res.message;
    EXPECT_EQ(res.x.to_vector<double>(), x0.to_vector<double>());
    EXPECT_TRUE(std::isfinite(res.fun));
  }
}

TEST(Minimize, NonFiniteAtTheStartIsReported) {
  auto f = [](const fx::Tensor& x) { return (x * x).sum() * NAN; };
  auto res = fx::optim::minimize(f, fx::tensor({1.0}, fx::Float64));
  EXPECT_EQ(res.status, Status::non_finite);
  EXPECT_EQ(res.nit, 0);
}

// One element of a long gradient non-finite (|x|^(1/2) at 0): the start is reported.
TEST(Minimize, OneNonFiniteGradientElementIsReported) {
  std::vector<double> x0(100, 1.0);
  x0[77] = 0;
  auto f = [](const fx::Tensor& x) { return x.abs().sqrt().sum(); };
  auto res = fx::optim::minimize(f, fx::tensor(x0, {100}, fx::Float64));
  EXPECT_EQ(res.status, Status::non_finite) << res.message;
  EXPECT_EQ(res.nit, 0);
}

// With gtol_norm = inf the test is on max |g_i|, over all of a long gradient.
TEST(Minimize, TheInfinityNormStopsOnTheLargestElement) {
  auto f = [](const fx::Tensor& x) {
    fx::Tensor w = fx::arange(1, 101, 1, fx::Float64);
    return (w * (x - 0.5) * (x - 0.5)).sum();
  };
  for (double gtol : {1e-3, 1e-7}) {
    auto res = fx::optim::minimize(f, fx::zeros({100}, fx::Float64),
                                   {.method = Method::lbfgs, .gtol = gtol, .gtol_norm = INFINITY});
    ASSERT_EQ(res.status, Status::converged_gradient) << res.message;
    std::vector<double> g = res.grad.to_vector<double>();
    double most = 0;
    for (double v : g) most = std::max(most, std::abs(v));
    EXPECT_LE(most, gtol);
  }
  // a gradient that is zero but for one element, wherever it is, is not converged
  for (int64_t at : {0, 31, 63, 95, 99}) {
    std::vector<double> target(100, 0.0);
    target[at] = 1;
    fx::Tensor c = fx::tensor(target, {100}, fx::Float64);
    auto g = [&](const fx::Tensor& x) { return ((x - c) * (x - c)).sum(); };
    auto res = fx::optim::minimize(g, fx::zeros({100}, fx::Float64), {.method = Method::lbfgs});
    EXPECT_GT(res.nit, 0) << "element " << at;
    EXPECT_NEAR(res.x.at({at}), 1.0, 1e-6) << "element " << at;
  }
}

TEST(Minimize, ConvergedAtTheStartTakesNoStep) {
  auto f = [](const fx::Tensor& x) { return (x * x).sum(); };
  auto res = fx::optim::minimize(f, fx::zeros({4}, fx::Float64), {.method = Method::bfgs});
  EXPECT_EQ(res.status, Status::converged_gradient);
  EXPECT_EQ(res.nit, 0);
  EXPECT_EQ(res.nfev, 1);
}

TEST(Minimize, BoundsOnIterationsAndEvaluationsHold) {
  for (Method m : {Method::bfgs, Method::lbfgs, Method::newton_cg, Method::trust_ncg, Method::gd}) {
    auto res = fx::optim::minimize(rosenbrock, rosenbrock_start(2), {.method = m, .gtol = 1e-12, .max_iter = 5});
    EXPECT_LE(res.nit, 5);
    auto res2 = fx::optim::minimize(rosenbrock, rosenbrock_start(2), {.method = m, .gtol = 1e-12, .max_eval = 7});
    EXPECT_LE(res2.nfev, 7 + 1);  // one trust-region trial may finish the last iteration
  }
}

TEST(Minimize, HistoryRecordsThePath) {
  auto res = fx::optim::minimize(rosenbrock, rosenbrock_start(2),
                                 {.method = Method::bfgs, .gtol = 1e-6, .record_history = true});
  ASSERT_EQ(res.history.size(), (size_t)res.nit + 1);
  EXPECT_DOUBLE_EQ(res.history.front().x[0], -1.2);
  EXPECT_NEAR(res.history.front().f, 24.2, 1e-12);
  EXPECT_DOUBLE_EQ(res.history.back().f, res.fun);
}

TEST(Minimize, ReverseOverReverseHvpsGiveTheSameNewtonCgPath) {
  auto fo = fx::optim::minimize(rosenbrock, rosenbrock_start(2),
                                {.method = Method::newton_cg, .gtol = 1e-6,
                                 .hvp = fx::optim::HvpMode::forward_over_reverse});
  auto ro = fx::optim::minimize(rosenbrock, rosenbrock_start(2), {.method = Method::newton_cg, .gtol = 1e-6});
  EXPECT_EQ(fo.nit, ro.nit);
  EXPECT_EQ(fo.nhvp, ro.nhvp);
  EXPECT_NEAR(fo.x.at({0}), ro.x.at({0}), 1e-12);
}

// .jit replays f's gradient and HVPs from a jit::trace: the same path, point for point.
TEST(Minimize, JitTakesTheSamePathAsEager) {
  for (Method m : {Method::bfgs, Method::lbfgs, Method::newton_cg, Method::trust_ncg, Method::gd, Method::newton}) {
    for (auto mode : {fx::optim::HvpMode::reverse_over_reverse, fx::optim::HvpMode::forward_over_reverse}) {
      fx::optim::MinimizeOptions o{.method = m, .gtol = 1e-6, .hvp = mode};
      auto eager = fx::optim::minimize(rosenbrock, rosenbrock_start(4), o);
      o.jit = true;
      auto jit = fx::optim::minimize(rosenbrock, rosenbrock_start(4), o);
      EXPECT_EQ(jit.status, eager.status) << jit.message;
      EXPECT_EQ(jit.nit, eager.nit);
      EXPECT_EQ(jit.nfev, eager.nfev);
      EXPECT_EQ(jit.nhvp, eager.nhvp);
      std::vector<double> a = jit.x.to_vector<double>(), b = eager.x.to_vector<double>();
      for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-12);
    }
  }
}

TEST(Minimize, JitRefusesAFunctionThatBranchesOnX) {
  auto f = [](const fx::Tensor& x) { return x.sum().item() > 0 ? (x * x).sum() : x.sum(); };
  EXPECT_THROW(fx::optim::minimize(f, fx::tensor({1.0}, fx::Float64), {.jit = true}), fx::Error);
}

TEST(Minimize, BadInputIsAnError) {
  auto f = [](const fx::Tensor& x) { return x * 2.0; };  // not a scalar
  EXPECT_THROW(fx::optim::minimize(f, fx::tensor({1.0, 2.0}, fx::Float64)), fx::Error);
  auto g = [](const fx::Tensor& x) { return (x * x).sum(); };
  EXPECT_THROW(fx::optim::minimize(g, fx::zeros({0}, fx::Float64)), fx::Error);
  EXPECT_THROW(fx::optim::minimize(g, fx::tensor({1.0}, fx::Float64), {.history_size = 0}), fx::Error);
}

}  // namespace
