// SPDX-License-Identifier: MIT
// Lesson 5 (Taylor & Maclaurin): the verified numbers of LESSONS.md §5.3-5.4
// and the figures, read from the program's output.
#include <gtest/gtest.h>

#include <string>

#include "lesson_test.h"

using lesson_test::number_after;

namespace {
const std::string& out() { return lesson_test::output(5); }
// The number after `field` on the Demo 1 line of degree n ("n=4  max err = ... err(-3) = ... width = ...").
double demo1(int n, const std::string& field) {
  const size_t line = out().find("n=" + std::to_string(n) + "  max err =");
  EXPECT_NE(line, std::string::npos);
  return number_after(out(), field, 0, line == std::string::npos ? 0 : line);
}
}  // namespace

TEST(Lesson05, MaclaurinErrorAtTheGridEnds) {
  // max over [-3, 3] (at x = 3) and the error at x = -3, for n = 1, 2, 4, 6, 8
  const int ns[] = {1, 2, 4, 6, 8};
  const double at_plus3[] = {16.09, 11.59, 3.711, 0.6730, 0.07639};
  const double tol_plus3[] = {5e-3, 5e-3, 5e-4, 5e-5, 5e-6};
  const double at_minus3[] = {2.050, 2.450, 1.325, 0.3127, 0.04151};
  const double tol_minus3[] = {5e-4, 5e-4, 5e-4, 5e-5, 5e-6};
  for (int i = 0; i < 5; ++i) {
    EXPECT_NEAR(demo1(ns[i], "max err ="), at_plus3[i], tol_plus3[i]) << "n = " << ns[i];
    EXPECT_NEAR(demo1(ns[i], "err(-3) ="), at_minus3[i], tol_minus3[i]) << "n = " << ns[i];
  }
  // not monotone in n at x = -3: the n = 2 error exceeds n = 1
  EXPECT_GT(demo1(2, "err(-3) ="), demo1(1, "err(-3) ="));
}

TEST(Lesson05, WidthWhereErrorBelow1e3) {
  const int ns[] = {1, 2, 4, 6, 8};
  const double width[] = {0.075, 0.346, 1.293, 2.511, 3.835};
  for (int i = 0; i < 5; ++i) EXPECT_NEAR(demo1(ns[i], "width ="), width[i], 5e-4) << "n = " << ns[i];
}

TEST(Lesson05, AnimationFrameValuesAtX3) {
  const double t3[] = {1, 4, 8.5, 13, 16.375, 18.4, 19.4125, 19.8464, 20.0092, 20.0634, 20.0797};
  for (int n = 0; n <= 10; ++n)
    EXPECT_NEAR(number_after(out(), "T_n(3) for n = 0..10:", n), t3[n], 5e-5) << "n = " << n;
  EXPECT_NEAR(number_after(out(), "e^3 ="), 20.0855, 5e-5);
}

TEST(Lesson05, Exercise1CentreAt1) {
  EXPECT_NEAR(number_after(out(), "  a = 0  :"), 3.711, 5e-4);
  EXPECT_NEAR(number_after(out(), "  a = 1  :"), 13.54, 5e-3);
  EXPECT_NEAR(number_after(out(), "width a = 0  :"), 2.07, 5e-3);
  EXPECT_NEAR(number_after(out(), "width a = 1  :"), 1.69, 5e-3);
}

TEST(Lesson05, Exercise2TanhMaxErrorAtMinus2) {
  EXPECT_NEAR(number_after(out(), "on [-2,2] is"), 2.636, 5e-4);
  EXPECT_NEAR(number_after(out(), "at x ≈"), -2.0, 1e-9);
}

TEST(Lesson05, Exercise3ComplexTruncation) {
  EXPECT_NEAR(number_after(out(), "Max |cos(theta) - 1|      on [-pi,pi] :"), 2.000, 5e-4);
  EXPECT_NEAR(number_after(out(), "Max |sin(theta) - theta|  on [-pi,pi] :"), 3.142, 5e-4);
}

TEST(Lesson05, Exercise4SmallestDegree) {
  EXPECT_EQ(number_after(out(), "x = 0.5 ->  smallest n ="), 5);
  EXPECT_EQ(number_after(out(), "x = 1   ->  smallest n ="), 7);
  EXPECT_EQ(number_after(out(), "x = 2   ->  smallest n ="), 10);
  EXPECT_EQ(number_after(out(), "x = 5   ->  smallest n ="), 19);
}

TEST(Lesson05, Figures) {
  lesson_test::expect_png(lesson_test::figure(5, "taylor_error_exp.png"), 480, 320);
  lesson_test::expect_gif(lesson_test::figure(5, "taylor.gif"), 11, 600, 400);
  lesson_test::expect_png(lesson_test::figure(5, "ex1_taylor_centering.png"), 480, 320);
  lesson_test::expect_png(lesson_test::figure(5, "ex2_tanh_maclaurin.png"), 480, 320);
  lesson_test::expect_png(lesson_test::figure(5, "ex3_complex_truncation.png"), 800, 320);
}
