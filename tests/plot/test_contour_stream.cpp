// SPDX-License-Identifier: MIT
// Marching squares, contour levels, bilinear interpolation and streamlines.
#include <gtest/gtest.h>

#include <cmath>

#include "examples/plot/contour.h"
#include "examples/plot/streamline.h"

namespace plot = fluxion::plot;

namespace {
std::vector<double> linspace(double a, double b, int n) {
  std::vector<double> v(n);
  for (int i = 0; i < n; ++i) v[i] = a + (b - a) * i / (n - 1);
  return v;
}
template <class F>
std::vector<double> grid(const std::vector<double>& x, const std::vector<double>& y, F f) {
  std::vector<double> z;
  for (double yi : y)
    for (double xj : x) z.push_back(f(xj, yi));
  return z;
}
}  // namespace

TEST(Contour, CircleIsOneClosedLoopOnTheLevel) {
  const auto g = linspace(-2, 2, 81);
  const auto lines = plot::contour_lines(g, g, grid(g, g, [](double x, double y) { return x * x + y * y; }), 1.0);
  ASSERT_EQ(lines.size(), 1u);
  const auto& l = lines[0];
  EXPECT_GT(l.size(), 50u);
  EXPECT_NEAR(l.front().x, l.back().x, 1e-12);  // closed
  EXPECT_NEAR(l.front().y, l.back().y, 1e-12);
  for (const auto& p : l) EXPECT_NEAR(std::hypot(p.x, p.y), 1.0, 2e-3);
}

TEST(Contour, LinearFieldGivesStraightLineAtExactPosition) {
  const auto x = linspace(0, 1, 11), y = linspace(0, 2, 7);
  const auto lines = plot::contour_lines(x, y, grid(x, y, [](double u, double) { return 3 * u; }), 1.2);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].size(), 7u);  // one crossing per row
  for (const auto& p : lines[0]) EXPECT_NEAR(p.x, 0.4, 1e-12);
}

TEST(Contour, SaddleAndNonFiniteCells) {
  const auto g = linspace(-1, 1, 21);
  auto z = grid(g, g, [](double x, double y) { return x * y; });
  EXPECT_EQ(plot::contour_lines(g, g, z, 0.25).size(), 2u);  // two hyperbola branches
  z[10 * 21 + 10] = std::nan("");
  EXPECT_NO_THROW(plot::contour_lines(g, g, z, 0.0));
}

TEST(Contour, LevelsLikeMatplotlib) {
  const auto lines = plot::contour_levels(0, 8, 7, false);
  EXPECT_EQ(lines, (std::vector<double>{1, 2, 3, 4, 5, 6, 7}));  // the extremes are single points
  const auto bands = plot::contour_levels(-0.3, 7.7, 7, true);
  EXPECT_LE(bands.front(), -0.3);
  EXPECT_GE(bands.back(), 7.7);
  // levels=30 as in lesson 9's log-likelihood and lesson 10's reward: matplotlib's colorbars read
  // −12.4 … −2.8 in steps of 0.4 and −18.6 … 0 in steps of 0.6 (MaxNLocator's steps include 4 and 6).
  const auto loglik = plot::contour_levels(-12.2458, -2.92650, 30, true);
  ASSERT_EQ(loglik.size(), 25u);
  EXPECT_NEAR(loglik.front(), -12.4, 1e-12);
  EXPECT_NEAR(loglik.back(), -2.8, 1e-12);
  const auto reward = plot::contour_levels(-18.5, -0.0046, 30, true);
  ASSERT_EQ(reward.size(), 32u);
  EXPECT_NEAR(reward.front(), -18.6, 1e-12);
  EXPECT_EQ(reward.back(), 0.0);
}

TEST(Contour, BilinearInterpolationIsExactForBilinearFields) {
  const auto x = linspace(0, 3, 4), y = linspace(-1, 1, 5);
  const auto z = grid(x, y, [](double u, double v) { return 2 * u - v + 0.5 * u * v; });
  EXPECT_NEAR(plot::interpolate(x, y, z, 1.3, 0.2), 2 * 1.3 - 0.2 + 0.5 * 1.3 * 0.2, 1e-12);
  EXPECT_TRUE(std::isnan(plot::interpolate(x, y, z, 3.5, 0)));
}

TEST(Streamline, RotationFieldGivesCircles) {
  const auto g = linspace(-1.3, 1.3, 24);
  const auto u = grid(g, g, [](double, double y) { return -y; }), v = grid(g, g, [](double x, double) { return x; });
  const auto lines = plot::streamlines(g, g, u, v, 1.0);
  ASSERT_GT(lines.size(), 5u);
  for (const auto& l : lines) {
    const double r0 = std::hypot(l.front().x, l.front().y);
    for (const auto& p : l) {
      EXPECT_NEAR(std::hypot(p.x, p.y), r0, 0.03);  // the radius is conserved along a streamline
      EXPECT_TRUE(p.x >= -1.3 && p.x <= 1.3 && p.y >= -1.3 && p.y <= 1.3);
    }
  }
}

TEST(Streamline, UniformFieldGivesEvenlySpacedStraightLines) {
  const auto g = linspace(0, 1, 10);
  const auto u = grid(g, g, [](double, double) { return 1.0; }), v = grid(g, g, [](double, double) { return 0.0; });
  const auto lines = plot::streamlines(g, g, u, v, 1.0);
  EXPECT_EQ(lines.size(), 30u);  // one per mask row
  for (const auto& l : lines) {
    for (const auto& p : l) EXPECT_NEAR(p.y, l.front().y, 1e-12);
    EXPECT_GT(l.back().x - l.front().x, 0.9);
  }
  EXPECT_GT(plot::streamlines(g, g, u, v, 2.0).size(), lines.size());  // density adds lines
}
