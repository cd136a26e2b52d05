// SPDX-License-Identifier: MIT
// Lesson 8 (multiple integrals, Monte Carlo): the closed forms of LESSONS.md
// §8.3-8.4 exactly, the Monte Carlo estimates within 5 standard errors (the
// verified per-sample spread, whatever the seed), the quadrature, the figures.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>

#include "lesson_test.h"

using lesson_test::number_after;

namespace {
const std::string& out() { return lesson_test::output(8); }
constexpr double kClosed = 0.46606494;  // (Φ(1) − Φ(−1))²
}  // namespace

TEST(Lesson08, DemoClosedFormAndMonteCarlo) {
  EXPECT_NEAR(number_after(out(), "closed form (8 dp) ="), kClosed, 5e-9);
  EXPECT_NEAR(number_after(out(), "Closed-form prob in box:"), 0.46606, 5e-6);  // the post's 0.46607 is wrong
  // σ ≈ 2.97e-4 at N = 1e5 (per-sample std of 4p is 0.0940)
  EXPECT_NEAR(number_after(out(), "Monte Carlo estimate  :"), kClosed, 5 * 2.97e-4);
  EXPECT_NEAR(number_after(out(), "per-sample std of 4p ="), 0.0940, 1e-3);
  EXPECT_NEAR(number_after(out(), "MC standard error ="), 2.97e-4, 5e-6);
}

TEST(Lesson08, Exercise2SquaresOfSide234) {
  const double closed[] = {0.466065, 0.750624, 0.911070};
  const double sigma[] = {2.1e-4, 7.3e-4, 1.5e-3};
  for (int i = 0; i < 3; ++i) {
    const std::string label = "L = " + std::to_string(i + 2) + " | Closed-form:";
    EXPECT_NEAR(number_after(out(), label, 0), closed[i], 5e-7) << label;
    EXPECT_NEAR(number_after(out(), label, 1), closed[i], 5 * sigma[i]) << label;  // MC
  }
}

TEST(Lesson08, Exercise3OddIntegrandIsZero) {
  EXPECT_LT(std::abs(number_after(out(), "Gauss-Legendre 40x40, value")), 1e-12);
  EXPECT_NEAR(number_after(out(), "Monte Carlo estimate :"), 0, 5 * 5.7e-4);
  // the same quadrature reproduces the Gaussian mass
  EXPECT_NEAR(number_after(out(), "same rule on p alone :", 0), kClosed, 5e-9);
  EXPECT_LT(number_after(out(), "same rule on p alone :", 2), 1e-12);
}

TEST(Lesson08, Exercise4EveryEstimateWithinFiveSigma) {
  size_t at = out().find("Monte Carlo convergence");
  ASSERT_NE(at, std::string::npos);
  int lines = 0;
  double first = 0, last = 0;
  while ((at = out().find("\nN = ", at + 1)) != std::string::npos) {
    const double n = number_after(out(), "\nN = ", 0, at);
    const double estimate = number_after(out(), "estimate =", 0, at);
    EXPECT_NEAR(estimate, kClosed, 5 * 0.0940 / std::sqrt(n)) << "N = " << n;
    if (lines++ == 0) first = n;
    last = n;
  }
  EXPECT_EQ(lines, 20);
  EXPECT_EQ(first, 100);
  EXPECT_EQ(last, 1000000);
}

TEST(Lesson08, Exercise4FittedSlopeIsMinusOneHalf) {
  // error_i = sigma |Z_i| / sqrt(N_i) with independent Z_i ~ N(0, 1), so
  // log10 error_i = -0.5 log10 N_i + noise of standard deviation
  // sqrt(Var ln|Z|) / ln 10 = sqrt(pi^2 / 8) / ln 10. Least squares over the 20
  // values x_i = log10 N_i evenly spaced on [2, 6] gives the slope a standard
  // deviation of that over sqrt(sum (x_i - 4)^2); the test allows 4 of them.
  double sxx = 0;
  for (int i = 0; i < 20; ++i) sxx += std::pow(4.0 * i / 19 - 2, 2);
  const double sd = std::sqrt(std::numbers::pi * std::numbers::pi / 8) / std::log(10.0) / std::sqrt(sxx);
  EXPECT_NEAR(sd, 0.089, 0.001);
  EXPECT_NEAR(number_after(out(), "fitted slope of log10(error) vs log10(N):"), -0.5, 4 * sd);
}

TEST(Lesson08, Figures) {
  lesson_test::expect_png(lesson_test::figure(8, "ex1_gauss_contour.png"), 480, 480);
  lesson_test::expect_png(lesson_test::figure(8, "ex4_mc_convergence.png"), 640, 320);
}
