// SPDX-License-Identifier: MIT
// Lesson 9 (change of variables): the verified numbers of LESSONS.md 9.3 and
// 9.4, read from the program's output, and its two figures.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "lesson_test.h"

using lesson_test::number_after;

namespace {
const std::string& out() { return lesson_test::output(9); }
}  // namespace

TEST(Lesson09, AffineFlowLogLikelihood) {
  EXPECT_NEAR(number_after(out(), "det A:"), 2.97, 1e-12);
  EXPECT_NEAR(number_after(out(), "log|det Jacobian|:"), 1.0885620, 5e-8);
  EXPECT_NEAR(number_after(out(), "f⁻¹(x): ["), 0.3030303, 5e-8);
  EXPECT_NEAR(number_after(out(), "f⁻¹(x): [", 1), 1.3131313, 5e-8);
  EXPECT_NEAR(number_after(out(), "log-prob(x):"), -3.8345096, 5e-8);
}

TEST(Lesson09, GradientThroughSolveMatchesClosedForm) {
  EXPECT_LT(number_after(out(), "for d/db:"), 1e-12);
}

TEST(Lesson09, AutogradJacobianOfInverseHasOppositeSign) {
  // The post's autograd check differentiates f⁻¹: −logdet A, not +logdet A.
  EXPECT_NEAR(number_after(out(), "Autograd log|det J|:"), -1.0885620, 5e-8);
  EXPECT_NEAR(number_after(out(), "Autograd log|det J_f| (forward map):"), 1.0885620, 5e-8);
}

TEST(Lesson09, Exercise1JacobianEqualsA) {
  const std::string& s = out();
  size_t pos = s.find("Exercise 1");
  ASSERT_NE(pos, std::string::npos);
  for (int i = 0; i < 5; ++i) {
    pos = s.find("Autograd Jacobian:", pos + 1);
    ASSERT_NE(pos, std::string::npos) << "Jacobian " << i;
    EXPECT_NEAR(number_after(s, "[", 0, pos), 2.0, 1e-10);
    EXPECT_NEAR(number_after(s, "[", 1, pos), 0.3, 1e-10);
    const size_t row2 = s.find("[", s.find("[", pos) + 1);
    EXPECT_NEAR(number_after(s, "[", 0, row2), 0.1, 1e-10);
    EXPECT_NEAR(number_after(s, "[", 1, row2), 1.5, 1e-10);
  }
  EXPECT_NE(s.find("All 5 Jacobians match A: yes"), std::string::npos);
}

TEST(Lesson09, Exercise2TanhFlowLogDetIdentity) {
  // log|det J| = log|det A| + Σ log(1 − tanh²(Az + b)) at whatever random z.
  const std::string& s = out();
  for (int k = 1; k <= 3; ++k) {
    const std::string label = "case " + std::to_string(k) + " identity error";
    EXPECT_LT(number_after(s, label), 1e-10) << label;
    // tanh shrinks volume: 0 < det J < det A, so log|det J| < log|det A|.
    const size_t at = s.find("--- Case " + std::to_string(k));
    ASSERT_NE(at, std::string::npos);
    EXPECT_GT(number_after(s, "determinant =", 0, at), 0.0);
    const double s1 = number_after(s, "Singular values: [", 0, at), s2 = number_after(s, "Singular values: [", 1, at);
    EXPECT_GE(s1, s2);
    EXPECT_NEAR(std::log(s1 * s2), number_after(s, "log|det J| =", 0, at), 1e-9);
  }
}

TEST(Lesson09, Exercise3MassPilesUpAtTheEdges) {
  const std::string& s = out();
  EXPECT_LT(number_after(s, "max |x|:"), 1.0);
  const double before = number_after(s, "share in outer 5% band: before");
  const double after = number_after(s, ", after", 0, s.find("share in outer 5% band"));
  EXPECT_NEAR(before, 1 - 0.95 * 0.95, 5 * std::sqrt(0.0975 * 0.9025 / 10000));  // uniform: 5 sigma
  EXPECT_GT(after, 3 * before);
  lesson_test::expect_png(lesson_test::figure(9, "flow_scatter.png"), 960, 400);
}

TEST(Lesson09, Exercise4LikelihoodGrid) {
  const std::string& s = out();
  EXPECT_NEAR(number_after(s, "analytic max at b = (1, -2):"), -2.926439, 5e-7);
  EXPECT_NEAR(number_after(s, "grid max:"), -2.92650, 5e-6);
  EXPECT_NEAR(number_after(s, "grid max:", 1), 0.983, 5e-4);
  EXPECT_NEAR(number_after(s, "grid max:", 2), -1.992, 5e-4);
  EXPECT_NEAR(number_after(s, "grid min:"), -12.2458, 5e-5);
  EXPECT_NEAR(number_after(s, "grid min:", 1), -3.0, 1e-9);
  EXPECT_NEAR(number_after(s, "grid min:", 2), 3.0, 1e-9);
  lesson_test::expect_png(lesson_test::figure(9, "flow_loglik.png"), 480, 480);
}
