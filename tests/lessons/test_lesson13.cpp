// SPDX-License-Identifier: MIT
// Lesson 13 (the wave equation): the verified behaviour of LESSONS.md 13.3
// and the exercises, read from the program's output, and its figures.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "lesson_test.h"

namespace {

using lesson_test::number_after;

const std::string& out() { return lesson_test::output(13); }

TEST(Lesson13, TopHatSplitsReflectsInvertedAndRecombines) {
  EXPECT_NEAR(number_after(out(), "sum(u0) ="), 60.0, 1e-9);
  EXPECT_NEAR(number_after(out(), "top-hat on cells"), 60, 0);
  EXPECT_NEAR(number_after(out(), "top-hat on cells", 1), 119, 0);
  // the mass goes from +60 to about -60 once the pulses have come back inverted
  EXPECT_NEAR(number_after(out(), "Frame 150: sum(u) ="), -60, 1.0);
  EXPECT_NEAR(number_after(out(), "Frame 239: sum(u) ="), -60, 1.0);
  EXPECT_NEAR(number_after(out(), "Overall min:"), -1.256, 5e-4);
  EXPECT_NEAR(number_after(out(), "Overall max:"), 1.000, 5e-4);
  EXPECT_NEAR(number_after(out(), "Last frame min:"), -1.096, 5e-4);
  // two pulses of half height, plus the dispersive overshoot of 0.1-0.25
  EXPECT_NEAR(number_after(out(), "left pulse peak"), 0.5, 0.25);
  EXPECT_NEAR(number_after(out(), "right pulse peak"), 0.5, 0.25);
}

TEST(Lesson13, GaussianStaysSmoothAndInverts) {
  EXPECT_LE(number_after(out(), "Gaussian: max |u| over all frames:"), 0.9993);
  EXPECT_NEAR(number_after(out(), "Gaussian: max |u| over all frames:"), 0.9993, 1e-4);
  EXPECT_NEAR(number_after(out(), "Gaussian: last frame min:"), -0.527, 5e-4);
}

TEST(Lesson13, AbsorbingBoundaryLetsThePulsesOut) {
  EXPECT_NEAR(number_after(out(), "max |u| reflecting"), 0.5, 0.05);
  EXPECT_NEAR(number_after(out(), ", absorbing"), 0.057, 5e-4);
}

// max |u| over the cells after `steps` leapfrog steps from the Gaussian bump at
// rest, from d'Alembert's solution u = (G(i - ct) + G(i + ct)) / 2 in cell units
// (c = C cells per step), G the odd extension of u0 about the fixed end cells 0
// and 179 (period 358 cells). Starting from u_prev = u0 makes the state
// symmetric in time about half a step before step 0, so step k is at
// t = k + 1/2 steps.
double dalembert_max_abs(double C, int steps) {
  const int n = 180, L = n - 1;
  auto bump = [&](double p) { return std::exp(-0.5 * std::pow((p / L - 0.5) / 0.06, 2)); };
  auto G = [&](double p) {
    p = std::fmod(std::fmod(p, 2.0 * L) + 2.0 * L, 2.0 * L);
    return p <= L ? bump(p) : -bump(2.0 * L - p);
  };
  const double ct = C * (steps + 0.5);
  double m = 0;
  for (int i = 0; i < n; ++i) m = std::max(m, std::abs(0.5 * (G(i - ct) + G(i + ct))));
  return m;
}

TEST(Lesson13, CourantAboveOneBlowsUpAndIsReported) {
  // The exact solution gives 0.3404; the scheme's dispersion error at 10.7 cells
  // per standard deviation of the bump is a few 1e-4, the print keeps 3 digits.
  EXPECT_NEAR(number_after(out(), "C = 0.8: max |u| at step 120 ="), dalembert_max_abs(0.8, 120), 0.003);
  EXPECT_LT(number_after(out(), "C = 1.0: max |u| at step 120 ="), 1.0);
  // |u| > 10 by step 31 and about 4e48 by step 120 (the blow-up grows from
  // round-off, so the exact step and size depend on the arithmetic's last bits)
  const double big = number_after(out(), "C = 1.2: max |u| at step 120 =");
  EXPECT_NEAR(std::log10(big), std::log10(4e48), 1.0);
  EXPECT_NEAR(number_after(out(), "|u| > 10 from frame"), 31, 3);
  EXPECT_NE(out().find("CFL"), std::string::npos);
}

TEST(Lesson13, TwoDimensionalRingSpreads) {
  EXPECT_NEAR(number_after(out(), "2-D step   0: max |u| ="), 0.44, 5e-4);
  EXPECT_NEAR(number_after(out(), "2-D step   1: max |u| ="), 0.728, 5e-4);
  EXPECT_NEAR(number_after(out(), "2-D step  99: max |u| ="), 0.16, 0.01);
}

TEST(Lesson13, Figures) {
  out();
  lesson_test::expect_png(lesson_test::figure(13, "wave.png"), 560, 240);
  lesson_test::expect_gif(lesson_test::figure(13, "wave.gif"), 120, 560, 240);
  lesson_test::expect_png(lesson_test::figure(13, "ex1_gaussian.png"), 560, 240);
  lesson_test::expect_gif(lesson_test::figure(13, "ex1_gaussian.gif"), 120, 560, 240);
  lesson_test::expect_png(lesson_test::figure(13, "ex2_boundaries.png"), 960, 264);
  lesson_test::expect_gif(lesson_test::figure(13, "ex2_boundaries.gif"), 120, 960, 264);
  lesson_test::expect_png(lesson_test::figure(13, "ex3_courant.png"), 1120, 280);
  lesson_test::expect_gif(lesson_test::figure(13, "ex3_courant.gif"), 60, 1120, 280);
  lesson_test::expect_png(lesson_test::figure(13, "ex4_wave2d.png"), 424, 400);
  lesson_test::expect_gif(lesson_test::figure(13, "ex4_wave2d.gif"), 100, 424, 400);
}

}  // namespace
