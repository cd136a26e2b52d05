// SPDX-License-Identifier: MIT
// Lesson 10 (line integrals and streamplots): the verified numbers of
// LESSONS.md 10.3 and 10.4, read from the program's output, and its six figures.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "lesson_test.h"

using lesson_test::number_after;

namespace {
const std::string& out() { return lesson_test::output(10); }
}  // namespace

TEST(Lesson10, WorkAroundTheCircleIsTwoPi) {
  EXPECT_NEAR(number_after(out(), "Work along circle:"), 6.28319, 5e-6);
  EXPECT_NEAR(number_after(out(), "(analytic ="), 6.28319, 5e-6);
  // The integrand is identically 1, so the trapezoid rule is exact up to round-off.
  EXPECT_LT(number_after(out(), "work error vs 2*pi:"), 1e-12);
  lesson_test::expect_png(lesson_test::figure(10, "work_circle.png"), 480, 480);
}

TEST(Lesson10, GradientFieldStreamplot) {
  EXPECT_NEAR(number_after(out(), "-grad f at (2, 2): ("), -4.0, 1e-12);
  EXPECT_NEAR(number_after(out(), "-grad f at (2, 2): (", 1), -4.0, 1e-12);
  lesson_test::expect_png(lesson_test::figure(10, "streamplot_grad.png"), 480, 480);
}

TEST(Lesson10, Exercise1EllipseWorkIsFourPi) {
  EXPECT_NEAR(number_after(out(), "Work along ellipse:"), 12.56637, 5e-6);
  EXPECT_NEAR(number_after(out(), "Analytic result:"), 4 * std::numbers::pi, 5e-6);
  lesson_test::expect_png(lesson_test::figure(10, "ellipse_work.png"), 560, 360);
}

TEST(Lesson10, Exercise2RadialFieldDoesNoWork) {
  EXPECT_NEAR(number_after(out(), "Work along unit circle:"), 0.0, 5e-6);
  EXPECT_NE(out().find("Work along unit circle: 0.00000"), std::string::npos);
  EXPECT_LT(number_after(out(), "radial work |W|:"), 1e-12);
  lesson_test::expect_png(lesson_test::figure(10, "radial_work.png"), 480, 480);
}

TEST(Lesson10, Exercise3SpeedColouredStreamplot) {
  // The lesson's grid is linspace(-2, 2, 36) on both axes; |F| = sqrt(sin^2 y + cos^2 x)
  // is evaluated here in plain double arithmetic, apart from fluxion's tensors.
  double lo = INFINITY, hi = 0;
  for (int i = 0; i < 36; ++i)
    for (int j = 0; j < 36; ++j) {
      const double x = -2 + 4.0 * i / 35, y = -2 + 4.0 * j / 35;
      const double speed = std::hypot(std::sin(y), std::cos(x));
      lo = std::min(lo, speed), hi = std::max(hi, speed);
    }
  // printed with 4 decimals; Float32 adds at most a few 1e-7
  EXPECT_NEAR(number_after(out(), "speed |F| on the grid: min"), lo, 6e-5);
  EXPECT_NEAR(number_after(out(), ", max", 0, out().find("speed |F|")), hi, 6e-5);
  lesson_test::expect_png(lesson_test::figure(10, "custom_streamplot.png"), 480, 480);
}

TEST(Lesson10, Exercise4GradientAscentReachesThePeak) {
  EXPECT_NEAR(number_after(out(), "after 30 steps: ("), 0.999977, 5e-7);
  EXPECT_NEAR(number_after(out(), "after 30 steps: (", 1), -0.999977, 5e-7);
  EXPECT_NEAR(number_after(out(), "shrinks by"), 0.7, 1e-6);
  lesson_test::expect_png(lesson_test::figure(10, "reward_ascent.png"), 560, 400);
}
