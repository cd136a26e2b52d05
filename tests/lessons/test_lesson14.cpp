// SPDX-License-Identifier: MIT
// Lesson 14 (functional derivatives): the verified numbers of LESSONS.md
// 14.3 and the exercises, read from the program's output, and its figures.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "lesson_test.h"

namespace {

using lesson_test::number_after;

const std::string& out() { return lesson_test::output(14); }

TEST(Lesson14, SmoothnessFunctionalAndItsGradient) {
  EXPECT_NEAR(number_after(out(), "Value of regularizer J = ∫ (f')² dx:"), 64.69303, 5e-6);
  EXPECT_NEAR(number_after(out(), "Analytic ∫ (f')² dx = 6.5 π² ="), 64.15243, 5e-6);
  EXPECT_NEAR(number_after(out(), "max |-2f''| ="), 368.0, 0.05);
  // forced to 0 at both ends
  EXPECT_EQ(number_after(out(), "at the ends:", 0), 0.0);
  EXPECT_EQ(number_after(out(), "at the ends:", 1), 0.0);
  // autograd's gradient of the discrete J, over dx, is the same Laplacian on a
  // stencil twice as wide: its peak is within 1% of 368.4
  EXPECT_NEAR(number_after(out(), "autograd (dJ/df_i)/dx: max |.| inside ="), 368.4, 0.01 * 368.4);
}

TEST(Lesson14, Exercise1JGrowsLikeKSquared) {
  const int ks[] = {1, 2, 3, 5, 8, 13};
  const double J[] = {4.959, 19.837, 44.628, 123.924, 316.991, 835.239};
  const double analytic[] = {4.935, 19.739, 44.413, 123.370, 315.827, 833.982};
  for (int i = 0; i < 6; ++i) {
    char label[16];
    std::snprintf(label, sizeof label, "k = %2d: J =", ks[i]);
    EXPECT_NEAR(number_after(out(), label, 0), J[i], 5e-4) << "k = " << ks[i];
    EXPECT_NEAR(number_after(out(), label, 2), analytic[i], 5e-4) << "k = " << ks[i];  // after the "/2"
  }
}

TEST(Lesson14, Exercise2HeatFlowLowersJAndKeepsTheMean) {
  const char* labels[] = {"t = 0     : J =", "t = 0.0005: J =", "t = 0.002 : J =", "t = 0.01  : J ="};
  double previous = INFINITY;
  const double mean0 = number_after(out(), "Initial mean:");
  for (const char* label : labels) {
    const double J = number_after(out(), label);
    EXPECT_LT(J, previous) << label;
    previous = J;
    EXPECT_NEAR(number_after(out(), label, 1), mean0, 1e-6) << label;  // "mean ="
  }
  // sin 2πx alone has J = 2π² = 19.7; heat flow at t = 0.01 already damps it (e^{-0.79})
  EXPECT_LT(previous, 2 * M_PI * M_PI);
}

TEST(Lesson14, Exercise3ConstantIsTheOptimum) {
  EXPECT_EQ(number_after(out(), "Max |f'| (should be 0)      :"), 0.0);
  EXPECT_EQ(number_after(out(), "Smoothness J = ∫ (f')² dx   :"), 0.0);
  EXPECT_EQ(number_after(out(), "Max |functional grad| (2f''):"), 0.0);
}

TEST(Lesson14, Exercise4PhysicsInformedFunctional) {
  // J and max|grad| are dominated by the noise (3213.5 and 5.3e5 in the
  // reference run): f' of 0.2-noise has variance 2 (0.2)² / (2 dx)², so
  // J ≈ 0.02 / dx² + 1.14 ≈ 3185 up to sampling error.
  const double dx = 1.0 / 399;
  EXPECT_NEAR(number_after(out(), "Functional J ="), 0.02 / (dx * dx) + 1.14, 0.15 * 3185);
  EXPECT_NEAR(number_after(out(), "grad shape ["), 400, 0);
  const double max_grad = number_after(out(), "max |grad| =");
  EXPECT_GT(max_grad, 2e5);
  EXPECT_LT(max_grad, 1.5e6);
}

TEST(Lesson14, Figures) {
  out();
  lesson_test::expect_png(lesson_test::figure(14, "functional_grad.png"), 800, 480);
  lesson_test::expect_png(lesson_test::figure(14, "ex1_sin_k.png"), 720, 480);
  lesson_test::expect_png(lesson_test::figure(14, "ex1_J_vs_k.png"), 512, 384);
  lesson_test::expect_png(lesson_test::figure(14, "ex2_heat_smoothing.png"), 720, 480);
  lesson_test::expect_png(lesson_test::figure(14, "ex4_physics_informed.png"), 800, 480);
}

}  // namespace
