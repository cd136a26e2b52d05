// SPDX-License-Identifier: MIT
// Lesson 7 (Jacobian & Hessian): the verified numbers of LESSONS.md §7.3-7.4,
// the seed-free structure of the MLP Hessian, and the figures.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "lesson_test.h"

using lesson_test::number_after;

namespace {
const std::string& out() { return lesson_test::output(7); }
}  // namespace

TEST(Lesson07, Demo1JacobianOfTanhLayer) {
  const double j1[] = {0.0426228, -0.0298360, 0.3027852, 0.6812666};
  const double j2[] = {0.7115778, -0.4981044, 0.0580280, 0.1305631};
  for (int k = 0; k < 4; ++k) {
    EXPECT_NEAR(number_after(out(), "Jacobian at input 0:", k), j1[k], 1e-7) << k;
    EXPECT_NEAR(number_after(out(), "Jacobian at input 1:", k), j2[k], 1e-7) << k;
  }
  EXPECT_LT(number_after(out(), "diag(1 - tanh^2) W| at input 0 ="), 1e-12);
  EXPECT_LT(number_after(out(), "diag(1 - tanh^2) W| at input 1 ="), 1e-12);
}

TEST(Lesson07, Demo2SpectrumHasFiveZerosTwoPositiveTwoNegative) {
  EXPECT_EQ(number_after(out(), "eigenvalue signs (9 params): zero =", 0), 5);
  EXPECT_EQ(number_after(out(), "eigenvalue signs (9 params): zero =", 1), 2);
  EXPECT_EQ(number_after(out(), "eigenvalue signs (9 params): zero =", 2), 2);
  EXPECT_LT(number_after(out(), "max |H - H^T| ="), 1e-12);
  EXPECT_EQ(number_after(out(), "max |b2 row| ="), 0);
  EXPECT_EQ(number_after(out(), "max |W2-W2 block| ="), 0);
  // the printed spectrum: ascending, two negative, five zeros (to 5 dp), two positive
  double prev = -INFINITY;
  for (int k = 0; k < 9; ++k) {
    const double l = number_after(out(), "Hessian eigenvalues: [", k);
    EXPECT_GE(l, prev) << k;
    prev = l;
    if (k < 2) EXPECT_LT(l, 0) << k;
    else if (k < 7) EXPECT_EQ(l, 0) << k;
    else EXPECT_GT(l, 0) << k;
  }
}

TEST(Lesson07, Demo2ElevenVariableVersion) {
  const std::string label = "(params + input, 11 variables): zero =";
  EXPECT_EQ(number_after(out(), label, 0), 3);
  EXPECT_EQ(number_after(out(), label, 1), 4);
  EXPECT_EQ(number_after(out(), label, 2), 4);
}

TEST(Lesson07, Exercise1ChainRule) {
  EXPECT_LT(number_after(out(), "Max absolute error (chain rule):"), 1e-8);
  EXPECT_NE(out().find("OK: analytic and autograd Jacobian match"), std::string::npos);
}

TEST(Lesson07, Exercise2QuadraticFormHessianIs2A) {
  EXPECT_LT(number_after(out(), "max |2A - H_autograd| ="), 1e-8);
  for (int k = 0; k < 4; ++k)
    EXPECT_NEAR(number_after(out(), "Autograd Hessian =", k), 2 * number_after(out(), "symmetric A =", k), 1e-7) << k;
}

TEST(Lesson07, Exercise3SignMap) {
  for (int k = 0; k < 4; ++k) EXPECT_EQ(number_after(out(), "Hessian at (0,0):", k), 0) << k;
  EXPECT_EQ(number_after(out(), "Eigenvalues at (0,0):", 0), 0);
  EXPECT_EQ(number_after(out(), "Eigenvalues at (0,0):", 1), 0);
  EXPECT_EQ(number_after(out(), "saddle points:"), 1680);
  EXPECT_EQ(number_after(out(), "degenerate points:"), 1);
  EXPECT_EQ(number_after(out(), "convex points:"), 0);
  EXPECT_EQ(number_after(out(), "concave points:"), 0);
}

TEST(Lesson07, Exercise4CurvatureAlongTheTopEigenvectorIsLambda) {
  const double lmax = number_after(out(), "Largest-magnitude eigenvalue:");
  double largest = 0;  // the largest |λ| of the printed spectrum (same network)
  for (int k = 0; k < 9; ++k) largest = std::max(largest, std::abs(number_after(out(), "Hessian eigenvalues: [", k)));
  EXPECT_NEAR(std::abs(lmax), largest, 1e-3);
  const double fd = number_after(out(), "d2f/dalpha2 at alpha=0:", 0);
  EXPECT_NEAR(fd, lmax, 1e-3 + 1e-2 * std::abs(lmax));
  EXPECT_EQ(fd > 0, lmax > 0);  // the parabola bends the way λ says
}

TEST(Lesson07, Figures) {
  lesson_test::expect_png(lesson_test::figure(7, "mlp_hessian_spectrum.png"), 512, 384);
  lesson_test::expect_png(lesson_test::figure(7, "ex3_hessian_sign_map.png"), 480, 480);
  lesson_test::expect_png(lesson_test::figure(7, "ex4_fastest_direction.png"), 480, 320);
}
