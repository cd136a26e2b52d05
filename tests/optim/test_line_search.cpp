// SPDX-License-Identifier: MIT
// The line searches on one-dimensional functions with known answers.
#include <gtest/gtest.h>

#include <cmath>

#include "optim/line_search.h"

namespace opt = fluxion::optim;

namespace {

// phi(a) = (a - 3)^2 / 2 - 4.5 along a descent direction: phi(0) = 0, phi'(0) = -3, minimum at 3.
opt::PhiValue quadratic(double a) { return {(a - 3) * (a - 3) / 2 - 4.5, a - 3}; }

void expect_strong_wolfe(const opt::LineSearchResult& r, double c1, double c2) {
  ASSERT_EQ(r.status, opt::LineSearchStatus::ok);
  EXPECT_LE(r.phi, 0 + c1 * r.alpha * -3);           // sufficient decrease
  EXPECT_LE(std::abs(r.dphi), c2 * 3 + 1e-12);       // curvature
  EXPECT_NEAR(r.phi, quadratic(r.alpha).phi, 1e-15);  // reports phi at its alpha
}

TEST(LineSearch, StrongWolfeOnAQuadratic) {
  for (double a0 : {0.01, 1.0, 10.0, 100.0}) {
    expect_strong_wolfe(opt::strong_wolfe(quadratic, 0, -3, a0), 1e-4, 0.9);
    expect_strong_wolfe(opt::more_thuente(quadratic, 0, -3, a0), 1e-4, 0.9);
  }
}

TEST(LineSearch, TightCurvatureFindsTheExactMinimum) {
  auto r = opt::strong_wolfe(quadratic, 0, -3, 1.0, {.c2 = 1e-8, .max_evals = 60});
  EXPECT_NEAR(r.alpha, 3.0, 1e-7);
  auto m = opt::more_thuente(quadratic, 0, -3, 1.0, {.c2 = 1e-8, .max_evals = 60});
  EXPECT_NEAR(m.alpha, 3.0, 1e-7);
}

TEST(LineSearch, AnAscentDirectionFailsWithoutEvaluating) {
  int calls = 0;
  auto phi = [&](double a) {
    ++calls;
    return quadratic(a);
  };
  EXPECT_EQ(opt::strong_wolfe(phi, 0, 3, 1).status, opt::LineSearchStatus::failed);
  EXPECT_EQ(opt::more_thuente(phi, 0, 3, 1).status, opt::LineSearchStatus::failed);
  EXPECT_EQ(opt::backtracking(phi, 0, 0, 1).status, opt::LineSearchStatus::failed);
  EXPECT_EQ(calls, 0);
}

// phi is NaN beyond a = 1: the searches come back inside.
TEST(LineSearch, StepsBackFromNaN) {
  auto phi = [](double a) { return a > 1 ? opt::PhiValue{NAN, NAN} : quadratic(a); };
  for (const auto& r : {opt::strong_wolfe(phi, 0, -3, 10), opt::more_thuente(phi, 0, -3, 10),
                        opt::backtracking(phi, 0, -3, 10)}) {
    EXPECT_EQ(r.status, opt::LineSearchStatus::ok);
    EXPECT_LE(r.alpha, 1.0);
    EXPECT_GT(r.alpha, 0.0);
    EXPECT_TRUE(std::isfinite(r.phi));
  }
}

TEST(LineSearch, NaNEverywhereIsReportedNotReturned) {
  auto phi = [](double) { return opt::PhiValue{NAN, NAN}; };
  for (const auto& r : {opt::strong_wolfe(phi, 0, -3, 1), opt::more_thuente(phi, 0, -3, 1)}) {
    EXPECT_NE(r.status, opt::LineSearchStatus::ok);
    EXPECT_EQ(r.alpha, 0.0);
    EXPECT_EQ(r.phi, 0.0);
  }
}

TEST(LineSearch, BacktrackingHalvesUntilArmijo) {
  auto r = opt::backtracking(quadratic, 0, -3, 16);  // 16, 8: phi too high; 4: Armijo holds
  EXPECT_EQ(r.status, opt::LineSearchStatus::ok);
  EXPECT_DOUBLE_EQ(r.alpha, 4.0);
  EXPECT_EQ(r.evals, 3);
}

TEST(LineSearch, CubicMinimizerIsExactForACubic) {
  // phi(a) = a^3 - 3a: minimum at a = 1; sampled at 0 and 2.
  double m = opt::cubic_minimizer(0, 0, -3, 2, 2, 9, 0, 2);
  EXPECT_NEAR(m, 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(opt::cubic_minimizer(0, 0, 1, 1, 1, 1, 0, 1), 0.5);  // a straight line: the midpoint
}

}  // namespace
