// SPDX-License-Identifier: MIT
// Lesson 2 (derivatives): the numbers of LESSONS.md §2.3 and §2.4.
#include <gtest/gtest.h>

#include <string>

#include "lesson_test.h"

namespace {

const std::string& out() { return lesson_test::output(2); }
double after(const std::string& label, int k = 0) { return lesson_test::number_after(out(), label, k); }

TEST(Lesson02, AutogradIsExactFiniteDifferenceOffByHSquaredOverSix) {
  EXPECT_EQ(after("max |autograd - cos| ="), 0.0);
  EXPECT_NEAR(after("max |finite diff - cos| ="), 1.6666e-9, 5e-14);
}

TEST(Lesson02, SlopeFieldOfTheToyLoss) {
  EXPECT_EQ(after("critical points on [-3, 3]:"), 1.0);
  EXPECT_NEAR(after("minimum: x* ="), -0.3788, 5e-5);
  EXPECT_NEAR(after("L(x*) ="), -0.2004, 5e-5);
  EXPECT_NEAR(after("lowest sample: x ="), -0.45, 1e-12);
  EXPECT_NEAR(after("lowest sample: x =", 1), -0.1915, 5e-5);
  EXPECT_NEAR(after("at x = -3:"), -3.64, 5e-3);
  EXPECT_NEAR(after("at x = 3:"), 2.21, 5e-3);
  EXPECT_NEAR(after("largest"), 3.03, 5e-3);
  EXPECT_NEAR(after("largest", 1), 2.25, 1e-12);
  // Non-convex: L'' = 1 - 2.7 sin 3x takes both signs.
  EXPECT_LT(after("L'' ranges over ["), 0.0);
  EXPECT_GT(after("L'' ranges over [", 1), 0.0);
}

TEST(Lesson02, FiniteDifferenceErrorIsAVInStepSize) {
  // Truncation side: h^2/6, to the 4 digits LESSONS.md gives.
  EXPECT_NEAR(after("h = 1e-2 "), 1.667e-5, 5e-9);
  EXPECT_NEAR(after("h = 1e-3 "), 1.667e-7, 5e-11);
  EXPECT_NEAR(after("h = 1e-4 "), 1.667e-9, 5e-13);
  // Round-off side: the maxima of rounding noise depend on the last bits of
  // sin, cos and the grid (NumPy's own SIMD sin gave 2.3e-11, 1.6e-10, 1.8e-9,
  // 1.1e-8; glibc's gives 2.3e-11, 1.6e-10, 1.7e-9, 9.8e-9 on NumPy's grid), so
  // they are checked to within a factor of 1.5 of LESSONS.md's values.
  const double roundoff[4][2] = {{5, 2.3e-11}, {6, 1.6e-10}, {7, 1.8e-9}, {8, 1.1e-8}};
  for (const auto& [k, v] : roundoff) {
    const double e = after("h = 1e-" + std::to_string(static_cast<int>(k)) + " ");
    EXPECT_GT(e, v / 1.5) << "h = 1e-" << k;
    EXPECT_LT(e, v * 1.5) << "h = 1e-" << k;
  }
  // The bottom of the V is at h = 1e-5.
  double best = 1, best_k = 0;
  for (int k = 2; k <= 8; ++k) {
    const double e = after("h = 1e-" + std::to_string(k) + " ");
    if (e < best) best = e, best_k = k;
  }
  EXPECT_EQ(best_k, 5);
}

TEST(Lesson02, TanhDerivativeThreeWays) {
  EXPECT_LE(after("max |autograd − true|   ="), 2.3e-16);  // 1.1e-16 in PyTorch: a rounding of 1 - tanh²
  EXPECT_NEAR(after("max |finite‑diff − true| ="), 3.3e-9, 5e-11);
}

TEST(Lesson02, GradientFieldByAutograd) {
  EXPECT_LT(after("max |dF/dx - 2x| ="), 1e-15);
  EXPECT_LT(after("max |dF/dy - y| ="), 1e-15);
}

TEST(Lesson02, Figures) {
  lesson_test::expect_png(lesson_test::figure(2, "compare_finite_vs_autograd.png"), 480, 320);
  lesson_test::expect_png(lesson_test::figure(2, "slope_field.png"), 480, 240);
  lesson_test::expect_png(lesson_test::figure(2, "ex_1.png"), 480, 320);
  lesson_test::expect_png(lesson_test::figure(2, "ex_2.png"), 480, 320);
  lesson_test::expect_png(lesson_test::figure(2, "ex_3.png"), 480, 480);
}

}  // namespace
