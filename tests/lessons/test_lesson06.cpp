// SPDX-License-Identifier: MIT
// Lesson 6 (vector functions and the gradient): the verified numbers of
// LESSONS.md §6.3-6.4 and the figures, read from the program's output.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "lesson_test.h"

using lesson_test::number_after;

namespace {
const std::string& out() { return lesson_test::output(6); }
}  // namespace

TEST(Lesson06, AutogradGradientAtAPoint) {
  // the post prints 3.09; the verified value is 2.890
  EXPECT_NEAR(number_after(out(), "f([1.5, -0.8]) ="), 2.890, 5e-4);
  EXPECT_NEAR(number_after(out(), "∇f = [", 0), 3.0, 1e-12);
  EXPECT_NEAR(number_after(out(), "∇f = [", 1), -1.6, 1e-12);
}

TEST(Lesson06, LinkToBackprop) {
  EXPECT_NEAR(number_after(out(), "w.x ="), -1.7, 1e-12);
  EXPECT_NEAR(number_after(out(), "gradient wrt weights = [", 0), -3.4, 1e-12);
  EXPECT_NEAR(number_after(out(), "gradient wrt weights = [", 1), -6.8, 1e-12);
}

TEST(Lesson06, Exercise1GradientChecker) {
  EXPECT_LT(number_after(out(), "Max absolute error across all points:"), 1e-8);
  EXPECT_NE(out().find("OK: all gradients match"), std::string::npos);
  for (int i = 0; i < 10; ++i) {  // every point drawn from [-pi, pi]^2
    char label[32];
    std::snprintf(label, sizeof label, "point %2d: (x,y)=(", i);
    EXPECT_LE(std::abs(number_after(out(), label, 0)), M_PI);
    EXPECT_LE(std::abs(number_after(out(), label, 1)), M_PI);
  }
}

TEST(Lesson06, Exercise2SaddleAtOrigin) {
  EXPECT_EQ(number_after(out(), "autograd grad h(0,0) = [", 0), 0);
  EXPECT_EQ(number_after(out(), "autograd grad h(0,0) = [", 1), 0);
}

TEST(Lesson06, Exercise3DescentStopsAfter39Steps) {
  EXPECT_EQ(number_after(out(), "Converged in"), 39);
  EXPECT_NEAR(number_after(out(), "final point = [", 0), -2.99e-4, 5e-7);
  EXPECT_NEAR(number_after(out(), "final point = [", 1), 2.66e-4, 5e-7);
}

TEST(Lesson06, Exercise4HessianIsTwiceIdentity) {
  const double h[] = {2, 0, 0, 2};
  for (int k = 0; k < 4; ++k) EXPECT_NEAR(number_after(out(), "Autograd Hessian:", k), h[k], 1e-12) << k;
  EXPECT_EQ(number_after(out(), "max |difference| ="), 0);
}

TEST(Lesson06, Figures) {
  lesson_test::expect_png(lesson_test::figure(6, "quiver_xy2.png"), 480, 480);
  lesson_test::expect_png(lesson_test::figure(6, "ex2_monkey_saddle.png"), 480, 480);
  lesson_test::expect_png(lesson_test::figure(6, "ex3_gd_path.png"), 480, 480);
}
