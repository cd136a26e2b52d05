// SPDX-License-Identifier: MIT
// Lesson 16: SGD and L-BFGS (torch semantics) on the quadratic and on
// Rosenbrock, Hessian-vector products, the Newton step and a hand-rolled BFGS
// reproduce LESSONS.md 16.3 and 16.4; the four figures exist.
#include <gtest/gtest.h>

#include <cmath>

#include "lesson_test.h"

using lesson_test::number_after;

namespace {
const std::string& out() { return lesson_test::output(16); }
}  // namespace

TEST(Lesson16, QuadraticOptimumAndSpectrum) {
  EXPECT_NEAR(number_after(out(), "optimum x* = -A⁻¹b = (", 0), 1.0, 1e-9);
  EXPECT_NEAR(number_after(out(), "optimum x* = -A⁻¹b = (", 1), -1.0, 1e-9);
  EXPECT_NEAR(number_after(out(), "f* ="), -3.0, 1e-9);
  EXPECT_NEAR(number_after(out(), "f(x0) ="), 2.625, 1e-9);
  EXPECT_NEAR(number_after(out(), "eigenvalues of A:", 0), 2.586, 5e-4);
  EXPECT_NEAR(number_after(out(), "eigenvalues of A:", 1), 5.414, 5e-4);
  EXPECT_NEAR(number_after(out(), "contraction per step:", 0), 0.741, 5e-4);
  EXPECT_NEAR(number_after(out(), "contraction per step:", 1), 0.459, 5e-4);
}

TEST(Lesson16, SgdOnTheQuadratic) {
  EXPECT_NEAR(number_after(out(), "SGD step 1:", 0), 1.85, 5e-5);
  EXPECT_NEAR(number_after(out(), "SGD step 1:", 1), -1.85, 5e-5);
  EXPECT_NEAR(number_after(out(), "SGD step 10: distance to x* ="), 7.5e-2, 5e-3);
  EXPECT_NEAR(number_after(out(), "SGD step 40:", 0), 1.0000036, 5e-8);
  EXPECT_NEAR(number_after(out(), "SGD step 40:", 1), -1.0000088, 5e-8);
  EXPECT_NEAR(number_after(out(), "SGD step 40:", 2), 9.5e-6, 5e-8);
  EXPECT_NEAR(number_after(out(), "f - f* ="), 1.2e-10, 5e-12);
}

TEST(Lesson16, LbfgsOnTheQuadraticFollowsTorch) {
  EXPECT_EQ(number_after(out(), "L-BFGS:", 0), 6);  // iterations
  EXPECT_EQ(number_after(out(), "L-BFGS:", 1), 6);  // function evaluations
  const double points[7][2] = {{2.5, -2},
                               {2.5, -2},
                               {1.6875, -1.8125},
                               {1.01518, -1.23523},
                               {0.99390, -1.01603},
                               {1.000046, -1.000008},
                               {1.0000016, -1.0000014}};
  const double tol[7] = {1e-12, 1e-12, 1e-9, 5e-6, 5e-6, 5e-7, 5e-8};
  for (int i = 0; i < 7; ++i) {
    const std::string label = "L-BFGS point " + std::to_string(i) + ":";
    EXPECT_NEAR(number_after(out(), label, 0), points[i][0], tol[i]) << label;
    EXPECT_NEAR(number_after(out(), label, 1), points[i][1], tol[i]) << label;
  }
  EXPECT_EQ(out().find("L-BFGS point 7:"), std::string::npos);  // exactly 1 + 6 recorded points
  EXPECT_NEAR(number_after(out(), "first trial step = (x0 - x1) / g0 =", 0), 0.125, 1e-12);  // min(1, 1/|g0|_1)
  EXPECT_NEAR(number_after(out(), "first trial step = (x0 - x1) / g0 =", 1), 0.125, 1e-12);
  EXPECT_NEAR(number_after(out(), "L-BFGS final distance to x* ="), 2.1e-6, 5e-8);
}

TEST(Lesson16, HessianVectorProductIsAv) {
  for (const char* label : {"Hessian-vector product Hv:", "func::hvp (forward-over-reverse):", "Direct H @ v:"}) {
    EXPECT_NEAR(number_after(out(), label, 0), 2.0, 1e-6) << label;
    EXPECT_NEAR(number_after(out(), label, 1), -2.4, 1e-6) << label;
  }
}

TEST(Lesson16, Exercise1Rosenbrock) {
  EXPECT_NEAR(number_after(out(), "5000 steps) ends at (", 0), 0.9387, 5e-5);
  EXPECT_NEAR(number_after(out(), "5000 steps) ends at (", 1), 0.8810, 5e-5);
  EXPECT_NEAR(number_after(out(), "5000 steps) ends at (", 2), 3.76e-3, 5e-6);
  EXPECT_NEAR(number_after(out(), "L-BFGS ends at (", 0), 0.9999993, 5e-8);
  EXPECT_NEAR(number_after(out(), "L-BFGS ends at (", 1), 0.9999987, 5e-8);
  EXPECT_NEAR(number_after(out(), "L-BFGS ends at (", 2), 4.5e-13, 5e-14);
  EXPECT_EQ(number_after(out(), "L-BFGS Rosenbrock:", 0), 36);  // iterations
  EXPECT_EQ(number_after(out(), "L-BFGS Rosenbrock:", 1), 44);  // closure calls
}

TEST(Lesson16, Exercise2NewtonLandsOnTheOptimum) {
  EXPECT_NEAR(number_after(out(), "Gradient at x0:", 0), 6.5, 1e-12);
  EXPECT_NEAR(number_after(out(), "Gradient at x0:", 1), -1.5, 1e-12);
  EXPECT_NEAR(number_after(out(), "Newton step x_new:", 0), 1.0, 1e-12);
  EXPECT_NEAR(number_after(out(), "Newton step x_new:", 1), -1.0, 1e-12);
  EXPECT_LT(number_after(out(), "Difference Newton step vs optimum:"), 1e-12);
  EXPECT_NEAR(number_after(out(), "Gradient at x_new:", 0), 0.0, 1e-12);
  EXPECT_NEAR(number_after(out(), "Gradient at x_new:", 1), 0.0, 1e-12);
}

TEST(Lesson16, Exercise3HvpMatchesTheFullHessian) {
  EXPECT_LT(number_after(out(), "‖difference‖ ="), 1e-12);  // ≈ 1e-14
  EXPECT_LT(number_after(out(), "‖func::hvp - full‖ ="), 1e-12);
  for (const char* label : {"Hv by autograd   :", "func::hvp        :", "Full Hessian*vec :"}) {
    const double ms = number_after(out(), label);
    EXPECT_TRUE(std::isfinite(ms) && ms > 0) << label;
  }
}

TEST(Lesson16, Exercise4BfgsRecoversAAndStopsAtConvergence) {
  const double iter1[6] = {1.04282, -1.66373, 4.8919, 0.5314, 0.5314, 0.9696};
  for (int k = 0; k < 6; ++k) EXPECT_NEAR(number_after(out(), "BFGS iter 1:", k), iter1[k], k < 2 ? 5e-6 : 5e-5) << k;
  const double iter2[6] = {1, -1, 5, 1, 1, 3};
  for (int k = 0; k < 6; ++k) EXPECT_NEAR(number_after(out(), "BFGS iter 2:", k), iter2[k], 5e-6) << k;
  EXPECT_LT(number_after(out(), "Final B - A, max |entry| ="), 1e-9);  // B = A exactly (to rounding)
  EXPECT_NEAR(number_after(out(), "at iteration"), 2, 0);              // stops on ||g|| ~ 0 ...
  EXPECT_EQ(out().find("BFGS iter 3:"), std::string::npos);            // ... instead of dividing 0/0
  EXPECT_EQ(out().find("nan"), std::string::npos);
}

TEST(Lesson16, Figures) {
  lesson_test::expect_png(lesson_test::figure(16, "quadratic.png"), 480, 400);
  lesson_test::expect_png(lesson_test::figure(16, "sgd_vs_lbfgs.png"), 480, 400);
  lesson_test::expect_png(lesson_test::figure(16, "rosenbrock.png"), 640, 400);
  lesson_test::expect_png(lesson_test::figure(16, "bfgs_hessian.png"), 640, 320);
}
