// SPDX-License-Identifier: MIT
// Lesson 11 (divergence, curl, Laplacian): the verified numbers of LESSONS.md
// 11.3 and 11.4, read from the program's output, and its six figures.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lesson_test.h"

using lesson_test::number_after;

namespace {
const std::string& out() { return lesson_test::output(11); }
size_t at(const std::string& header) {
  const size_t pos = out().find(header);
  EXPECT_NE(pos, std::string::npos) << header;
  return pos == std::string::npos ? 0 : pos;
}
}  // namespace

TEST(Lesson11, HeatEquationPeaksAtThePlottedSteps) {
  const size_t demo = at("== Demo: explicit 2-D heat equation");
  const std::vector<std::pair<int, double>> peaks = {{0, 4.00000},  {11, 0.43687}, {22, 0.22910}, {33, 0.15530},
                                                     {45, 0.11493}, {56, 0.09281}, {67, 0.07783}, {79, 0.06618}};
  for (const auto& [step, peak] : peaks) {
    const std::string label = "step " + std::to_string(step) + ": peak";
    EXPECT_NEAR(number_after(out(), label, 0, demo), peak, 5e-6) << label;
    EXPECT_GE(number_after(out(), "min u", 0, out().find(label, demo)), 0.0) << label;  // monotone for D <= 0.25
  }
  EXPECT_NEAR(number_after(out(), "after step 0: centre"), 4.0, 1e-12);  // 10 (1 − 4D)
  EXPECT_NEAR(number_after(out(), "neighbour"), 1.5, 1e-12);             // 10 D
}

TEST(Lesson11, HeatIsConservedAndSpreadsLikeARandomWalk) {
  EXPECT_NEAR(number_after(out(), "total heat after 80 steps:"), 10.0, 1e-8);  // leaks ~2e-9 at the border
  EXPECT_NEAR(number_after(out(), "second moment sum(r^2 u)/sum(u):"), 48.0, 1e-4);
  EXPECT_LT(number_after(out(), "symmetry error max|u - mirror(u)|:"), 1e-9);
  lesson_test::expect_png(lesson_test::figure(11, "heat_equation.png"), 960, 480);
  lesson_test::expect_png(lesson_test::figure(11, "heat_equation_rescaled.png"), 960, 480);
}

TEST(Lesson11, Exercise1DivergenceZeroCurlMinusTwo) {
  EXPECT_NEAR(number_after(out(), "Mean of computed div:"), 0.0, 1e-9);
  EXPECT_NEAR(number_after(out(), "Mean of computed curl:"), -2.0, 1e-9);
  EXPECT_LT(number_after(out(), "max |div - 0|:"), 1e-12);
  EXPECT_LT(number_after(out(), "max |curl + 2|:"), 1e-12);
  EXPECT_NEAR(number_after(out(), "autograd at (0.7, -1.3): div"), 0.0, 1e-12);
  EXPECT_NEAR(number_after(out(), "curl", 0, out().find("autograd at (0.7, -1.3)")), -2.0, 1e-12);
  lesson_test::expect_png(lesson_test::figure(11, "div_curl.png"), 880, 360);
}

TEST(Lesson11, Exercise2LaplacianOfGaussianMostNegativeAtTheCentre) {
  EXPECT_NEAR(number_after(out(), "most negative at (x, y) = ("), -0.02, 1e-9);
  EXPECT_NEAR(number_after(out(), "most negative at (x, y) = (", 1), -0.02, 1e-9);
  EXPECT_NEAR(number_after(out(), "Value of Δf there:"), -3.9865, 5e-5);
  EXPECT_NEAR(number_after(out(), "trace of the Hessian:"), -4.0, 1e-12);
  lesson_test::expect_png(lesson_test::figure(11, "laplacian_gaussian.png"), 960, 400);
}

TEST(Lesson11, Exercise3ThreeHotSpots) {
  const size_t ex3 = at("== Exercise 3");
  // Three spots of 10, far enough apart that the first step sees each alone: peak 10 (1 − 4D).
  EXPECT_NEAR(number_after(out(), "step 0: peak", 0, ex3), 4.0, 1e-12);
  const double total = number_after(out(), "three spots: total heat after 80 steps");
  EXPECT_LE(total, 30.0 + 1e-9);  // conserved but for what leaks out at the zero border
  EXPECT_GT(total, 29.9);
  lesson_test::expect_png(lesson_test::figure(11, "heat_three_spots.png"), 960, 480);
}

TEST(Lesson11, Exercise4RingGraphDiffusion) {
  const std::vector<double> eig = {0, 1, 1, 3, 3, 4};
  for (int k = 0; k < 6; ++k) EXPECT_NEAR(number_after(out(), "eigenvalues of L:", k), eig[k], 1e-9) << k;
  const std::vector<double> step1 = {0, 0.5, 0, 0, 0, 0.5};
  const std::vector<double> step10 = {0.33398, 0, 0.33301, 0, 0.33301, 0};
  for (int k = 0; k < 6; ++k) {
    EXPECT_NEAR(number_after(out(), "graph step 1: [", k), step1[k], 1e-12) << k;
    EXPECT_NEAR(number_after(out(), "graph step 10: [", k), step10[k], 5e-6) << k;
  }
  for (int t = 0; t <= 10; ++t) {
    const std::string label = "graph step " + std::to_string(t) + ":";
    EXPECT_NEAR(number_after(out(), "sum", 0, out().find(label)), 1.0, 1e-12) << label;
  }
  lesson_test::expect_png(lesson_test::figure(11, "graph_diffusion.png"), 560, 320);
}
