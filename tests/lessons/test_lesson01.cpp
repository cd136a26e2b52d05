// SPDX-License-Identifier: MIT
// Lesson 1 (limits and continuity): the numbers of LESSONS.md §1.3 and §1.4.
#include <gtest/gtest.h>

#include <cmath>

#include "lesson_test.h"

namespace {

const std::string& out() { return lesson_test::output(1); }

TEST(Lesson01, ZoomEndpointsAndFilledHole) {
  EXPECT_NEAR(lesson_test::number_after(out(), "f(-0.1) ="), 0.99833417, 5e-9);
  EXPECT_NEAR(lesson_test::number_after(out(), ", f(0.1) ="), 0.99833417, 5e-9);
  EXPECT_EQ(lesson_test::number_after(out(), "x[1000] ="), 0.0);  // the grid hits 0 exactly
  EXPECT_EQ(lesson_test::number_after(out(), "f(x[1000]) ="), 1.0);
}

TEST(Lesson01, EpsilonDeltaFindsOneThousandth) {
  EXPECT_DOUBLE_EQ(lesson_test::number_after(out(), "Found δ ="), 1e-3);
  // The largest miss on each punctured neighbourhood follows δ²/6.
  EXPECT_NEAR(lesson_test::number_after(out(), "miss(delta=1e-1) ="), 1.6658e-3, 5e-8);
  EXPECT_NEAR(lesson_test::number_after(out(), "miss(delta=1e-2) ="), 1.6667e-5, 5e-10);
  EXPECT_GT(lesson_test::number_after(out(), "miss(delta=1e-2) ="), 1e-5);  // why δ = 1e-2 fails
  EXPECT_NEAR(lesson_test::number_after(out(), "miss(delta=1e-3) ="), 1.6667e-7, 5e-12);
  EXPECT_NEAR(lesson_test::number_after(out(), "miss(delta=1e-4) ="), 1.67e-9, 5e-12);
}

TEST(Lesson01, AbsOverXHasTwoOneSidedLimits) {
  EXPECT_EQ(lesson_test::number_after(out(), "left limit (x -> 0-):"), -1.0);
  EXPECT_EQ(lesson_test::number_after(out(), "right limit (x -> 0+):"), 1.0);
}

TEST(Lesson01, AutogradAndFiniteDifferencesAgreeWithCos) {
  // The table's columns agree to the 8 printed decimals.
  EXPECT_LT(lesson_test::number_after(out(), "max |autograd - cos| ="), 5e-9);
  EXPECT_LT(lesson_test::number_after(out(), "max |finite diff - cos| ="), 5e-9);
  // Rows of the table: x | autograd | finite diff | cos x, at x = -π, -π/2, ..., π.
  const double pi = 3.14159265358979323846;
  const double xs[7] = {-pi, -pi / 2, -pi / 4, 0, pi / 4, pi / 2, pi};
  size_t row = out().find("cos x");
  ASSERT_NE(row, std::string::npos);
  for (int i = 0; i < 7; ++i) {
    row = out().find('\n', row) + 1;
    EXPECT_NEAR(lesson_test::number_after(out(), "", 0, row), xs[i], 5e-9);
    for (int col = 1; col <= 3; ++col)
      EXPECT_NEAR(lesson_test::number_after(out(), "", col, row), std::cos(xs[i]), 5e-9) << "row " << i << " col " << col;
  }
}

TEST(Lesson01, Figures) {
  out();
  lesson_test::expect_png(lesson_test::figure(1, "demo_limits.png"), 400, 320);
  lesson_test::expect_png(lesson_test::figure(1, "ex_1.png"), 400, 320);
  lesson_test::expect_png(lesson_test::figure(1, "ex_2.png"), 400, 320);
}

}  // namespace
