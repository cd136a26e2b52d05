// SPDX-License-Identifier: MIT
// trapezoid, diff and gradient against plain double loops, and their errors.
#include <gtest/gtest.h>

#include <cmath>

#include "fluxion.h"

namespace fx = fluxion;

TEST(Trapezoid, MatchesALoopWithUnevenPoints) {
  std::vector<double> xs{0.0, 0.1, 0.35, 0.4, 1.0, 1.7}, ys;
  for (double x : xs) ys.push_back(std::sin(x) + x * x);
  double want = 0;
  for (size_t i = 0; i + 1 < xs.size(); ++i) want += (xs[i + 1] - xs[i]) * (ys[i] + ys[i + 1]) / 2;
  auto x = fx::tensor(xs, {6}, fx::Float64), y = fx::tensor(ys, {6}, fx::Float64);
  EXPECT_NEAR(fx::trapezoid(y, x).item(), want, 1e-15);
  // along dim 0 of a 2-d y, with x 1-d and with x of y's shape
  auto y2 = fx::stack({y, y * 2.0}, 1);  // [6, 2]
  auto r = fx::trapezoid(y2, x, 0).to_vector<double>();
  EXPECT_NEAR(r[0], want, 1e-15);
  EXPECT_NEAR(r[1], 2 * want, 1e-14);
  auto x2 = fx::stack({x, x}, 1);
  EXPECT_NEAR(fx::trapezoid(y2, x2, 0).to_vector<double>()[1], 2 * want, 1e-14);
  // uniform spacing
  double even = 0;
  for (size_t i = 0; i + 1 < ys.size(); ++i) even += 0.5 * (ys[i] + ys[i + 1]) / 2;
  EXPECT_NEAR(fx::trapezoid(y, 0.5).item(), even, 1e-15);
  EXPECT_EQ(fx::trapezoid(fx::ones({3, 1}, fx::Float64)).to_vector<double>(), (std::vector<double>{0, 0, 0}));
  EXPECT_EQ(fx::trapezoid(fx::ones({2, 0}, fx::Float64)).to_vector<double>(), (std::vector<double>{0, 0}));
  EXPECT_NEAR(fx::trapezoid(fx::ones({4, 3}, fx::Float64).transpose(0, 1), 1).to_vector<double>()[2], 3, 1e-15);
}

TEST(Trapezoid, DifferentiableInSamplesAndPoints) {
  auto x = fx::tensor({0.0, 0.5, 1.5}, fx::Float64).requires_grad_();
  auto y = fx::tensor({1.0, 2.0, 4.0}, fx::Float64).requires_grad_();
  fx::trapezoid(y, x).backward();
  // I = (x1 - x0)(y0 + y1)/2 + (x2 - x1)(y1 + y2)/2
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{-1.5, 1.5 - 3.0, 3.0}));
  EXPECT_EQ(y.grad().to_vector<double>(), (std::vector<double>{0.25, 0.75, 0.5}));
}

TEST(Trapezoid, Errors) {
  auto y = fx::ones({3, 4}, fx::Float64);
  EXPECT_THROW((void)fx::trapezoid(fx::scalar(1.0)), fx::Error);
  EXPECT_THROW((void)fx::trapezoid(y, fx::ones({3}, fx::Float64)), fx::Error);        // 4 points along dim -1
  EXPECT_THROW((void)fx::trapezoid(y, fx::ones({2, 2, 4}, fx::Float64)), fx::Error);  // wrong number of dims
  EXPECT_THROW((void)fx::trapezoid(y, 1, 2), fx::Error);
  EXPECT_THROW((void)fx::trapezoid(fx::ones({3}, fx::Int64)), fx::Error);
}

TEST(Diff, MatchesALoop) {
  auto x = fx::tensor({1.0, 4.0, 9.0, 16.0, 25.0}, fx::Float64);
  EXPECT_EQ(fx::diff(x).to_vector<double>(), (std::vector<double>{3, 5, 7, 9}));
  EXPECT_EQ(fx::diff(x, 2).to_vector<double>(), (std::vector<double>{2, 2, 2}));
  EXPECT_EQ(fx::diff(x, 0).to_vector<double>(), x.to_vector<double>());
  EXPECT_EQ(fx::diff(x, 7).numel(), 0);
  auto m = fx::tensor({{1.0, 2.0, 4.0}, {7.0, 11.0, 16.0}}, fx::Float64);
  EXPECT_EQ(fx::diff(m, 1, 0).to_vector<double>(), (std::vector<double>{6, 9, 12}));
  EXPECT_EQ(fx::diff(m.t(), 1, 1).to_vector<double>(), (std::vector<double>{6, 9, 12}));  // non-contiguous
  EXPECT_EQ(fx::diff(m).shape(), (fx::Shape{2, 2}));
  EXPECT_EQ(fx::diff(fx::arange(4, fx::Int64)).to_vector<int64_t>(), (std::vector<int64_t>{1, 1, 1}));
  EXPECT_THROW((void)fx::diff(fx::scalar(1.0)), fx::Error);
  EXPECT_THROW((void)fx::diff(x, -1), fx::Error);
  EXPECT_THROW((void)fx::diff(x, 1, 1), fx::Error);
}

TEST(Gradient, UniformSpacingLikeNumpy) {
  // f = x^2 at x = 0, 0.5, ..., 2: central differences are exact inside, one-sided at the ends
  auto x = fx::linspace(0, 2, 5, fx::Float64);
  auto f = x * x;
  auto g = fx::gradient(f, {.spacing = 0.5})[0].to_vector<double>();
  std::vector<double> want{0.5, 1, 2, 3, 3.5};  // np.gradient(x**2, 0.5)
  for (int i = 0; i < 5; ++i) EXPECT_NEAR(g[i], want[i], 1e-14);
}

TEST(Gradient, UnevenCoordinatesAndAxes) {
  std::vector<double> xs{0.0, 0.3, 0.4, 1.0, 1.6};
  auto x = fx::tensor(xs, {5}, fx::Float64);
  auto f = x * x * 3.0 + x;  // quadratic: second-order central differences are exact inside
  auto g = fx::gradient(f, {.coordinates = {x}})[0].to_vector<double>();
  for (int i = 1; i < 4; ++i) EXPECT_NEAR(g[i], 6 * xs[i] + 1, 1e-12);
  auto fv = f.to_vector<double>();
  EXPECT_NEAR(g[0], (fv[1] - fv[0]) / 0.3, 1e-12);
  EXPECT_NEAR(g[4], (fv[4] - fv[3]) / 0.6, 1e-12);
  // 2-d: one gradient per dim, each of f's shape
  auto grid = fx::meshgrid({fx::linspace(0, 1, 4, fx::Float64), fx::linspace(0, 2, 3, fx::Float64)});
  auto F = grid[0] * 2.0 + grid[1] * 5.0;  // linear: exact everywhere
  auto both = fx::gradient(F, {.spacing = 1});
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[1].shape(), (fx::Shape{4, 3}));
  auto d0 = fx::gradient(F, {.coordinates = {fx::linspace(0, 1, 4, fx::Float64)}, .dims = {0}})[0].to_vector<double>();
  for (double v : d0) EXPECT_NEAR(v, 2, 1e-12);
  auto d1 = fx::gradient(F, {.spacing = 1, .dims = {-1}})[0].to_vector<double>();
  for (double v : d1) EXPECT_NEAR(v, 5, 1e-12);
  // two points: both ends one-sided
  EXPECT_EQ(fx::gradient(fx::tensor({1.0, 4.0}, fx::Float64))[0].to_vector<double>(), (std::vector<double>{3, 3}));
}

TEST(Gradient, Errors) {
  auto f = fx::ones({3, 4}, fx::Float64);
  EXPECT_THROW((void)fx::gradient(fx::scalar(1.0)), fx::Error);
  EXPECT_THROW((void)fx::gradient(fx::ones({1, 4}, fx::Float64)), fx::Error);  // 1 point along dim 0
  EXPECT_THROW((void)fx::gradient(f, {.spacing = 0}), fx::Error);
  EXPECT_THROW((void)fx::gradient(f, {.coordinates = {fx::ones({4}, fx::Float64)}}), fx::Error);  // 2 dims
  EXPECT_THROW((void)fx::gradient(f, {.coordinates = {fx::ones({3}, fx::Float64)}, .dims = {1}}), fx::Error);
  EXPECT_THROW((void)fx::gradient(f, {.dims = {2}}), fx::Error);
  EXPECT_THROW((void)fx::gradient(fx::ones({3}, fx::Int64)), fx::Error);
}
