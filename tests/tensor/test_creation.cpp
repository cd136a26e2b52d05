// SPDX-License-Identifier: MIT
// Ranges, grids and random numbers against plain double loops, and their errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <thread>

#include "fluxion.h"
#include "tensor/kernels/loops.h"

namespace fx = fluxion;

TEST(Arange, MatchesALoopAndCountsLikePyTorch) {
  auto a = fx::arange(0, 1, 0.1, fx::Float64);
  ASSERT_EQ(a.shape(), (fx::Shape{10}));
  auto v = a.to_vector<double>();
  for (int i = 0; i < 10; ++i) EXPECT_DOUBLE_EQ(v[i], 0.1 * i);
  EXPECT_EQ(fx::arange(5).shape(), (fx::Shape{5}));
  EXPECT_EQ(fx::arange(5).dtype(), fx::default_dtype());
  EXPECT_EQ(fx::arange(5, fx::Int64).to_vector<int64_t>(), (std::vector<int64_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(fx::arange(3, -1, -1.5, fx::Float64).to_vector<double>(), (std::vector<double>{3, 1.5, 0}));
  EXPECT_EQ(fx::arange(2, 2).numel(), 0);
  EXPECT_EQ(fx::arange(1, 2.5, 1).numel(), 2);
}

TEST(Arange, Errors) {
  EXPECT_THROW((void)fx::arange(0, 1, 0), fx::Error);
  EXPECT_THROW((void)fx::arange(0, 1, -1), fx::Error);
  EXPECT_THROW((void)fx::arange(0, INFINITY), fx::Error);
  EXPECT_THROW((void)fx::arange(NAN), fx::Error);
  EXPECT_THROW((void)fx::arange(0, 1e300, 1e-300), fx::Error);
}

TEST(Linspace, EndpointsAndMidpointAreExact) {
  for (int64_t n : {2, 3, 5, 7, 101, 1000, 1001}) {
    for (auto [a, b] : {std::pair{-3.0, 3.0}, {0.1, 0.7}, {-1.3, 2.9}, {5.0, -2.0}}) {
      auto v = fx::linspace(a, b, n, fx::Float64).to_vector<double>();
      ASSERT_EQ((int64_t)v.size(), n);
      EXPECT_EQ(v.front(), a);
      EXPECT_EQ(v.back(), b);
      if (n % 2 == 1) {
        EXPECT_EQ(v[n / 2], a + (b - a) / 2);
      }
      for (int64_t i = 0; i < n; ++i) EXPECT_NEAR(v[i], a + (b - a) * i / (n - 1), 1e-14 * (1 + std::abs(a) + std::abs(b)));
    }
  }
  EXPECT_EQ(fx::linspace(-3, 3, 101, fx::Float64).to_vector<double>()[50], 0.0);
  auto sym = fx::linspace(-2, 2, 9, fx::Float64).to_vector<double>();
  for (int i = 0; i < 9; ++i) EXPECT_EQ(sym[i], -sym[8 - i]);  // symmetric from both ends
  EXPECT_EQ(fx::linspace(4, 9, 1).to_vector<double>(), (std::vector<double>{4}));
  EXPECT_EQ(fx::linspace(4, 9, 0).numel(), 0);
  EXPECT_EQ(fx::linspace(0, 1, 3).dtype(), fx::Float32);
  EXPECT_THROW((void)fx::linspace(0, 1, -1), fx::Error);
}

TEST(Logspace, IsBaseToTheLinspace) {
  auto v = fx::logspace(-2, 3, 6, 10, fx::Float64).to_vector<double>();
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(v[i], std::pow(10.0, i - 2), 1e-12 * std::pow(10.0, i - 2));
  auto b2 = fx::logspace(0, 4, 5, 2, fx::Float64).to_vector<double>();
  EXPECT_EQ(b2, (std::vector<double>{1, 2, 4, 8, 16}));
  EXPECT_THROW((void)fx::logspace(0, 1, -2), fx::Error);
}

TEST(Eye, SquareAndRectangular) {
  for (auto [n, m] : {std::pair<int64_t, int64_t>{3, 3}, {2, 4}, {4, 2}, {0, 3}, {1, 1}}) {
    auto e = fx::eye(n, m, fx::Float64);
    ASSERT_EQ(e.shape(), (fx::Shape{n, m}));
    auto v = e.to_vector<double>();
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < m; ++j) EXPECT_EQ(v[i * m + j], i == j ? 1.0 : 0.0);
  }
  EXPECT_EQ(fx::eye(3).shape(), (fx::Shape{3, 3}));
  EXPECT_EQ(fx::eye(2, {}, fx::Int64).dtype(), fx::Int64);
  EXPECT_THROW((void)fx::eye(-1), fx::Error);
  EXPECT_THROW((void)fx::eye(2, -3), fx::Error);
}

TEST(Meshgrid, IjAndXy) {
  auto x = fx::tensor({1.0, 2.0, 3.0}, fx::Float64), y = fx::tensor({10.0, 20.0}, fx::Float64);
  auto ij = fx::meshgrid({x, y}, fx::Indexing::ij);
  ASSERT_EQ(ij[0].shape(), (fx::Shape{3, 2}));
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 2; ++j) {
      EXPECT_EQ(ij[0].at({i, j}), 1.0 + i);
      EXPECT_EQ(ij[1].at({i, j}), 10.0 * (j + 1));
    }
  auto xy = fx::meshgrid({x, y}, fx::Indexing::xy);
  ASSERT_EQ(xy[0].shape(), (fx::Shape{2, 3}));
  ASSERT_EQ(xy[1].shape(), (fx::Shape{2, 3}));
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j) {
      EXPECT_EQ(xy[0].at({i, j}), 1.0 + j);
      EXPECT_EQ(xy[1].at({i, j}), 10.0 * (i + 1));
    }
  auto three = fx::meshgrid({x, y, fx::tensor({5.0, 6.0, 7.0, 8.0})}, fx::Indexing::xy);
  EXPECT_EQ(three[2].shape(), (fx::Shape{2, 3, 4}));
  EXPECT_EQ(three[2].at({1, 2, 3}), 8.0);
  EXPECT_EQ(fx::meshgrid({x})[0].shape(), (fx::Shape{3}));
  EXPECT_THROW((void)fx::meshgrid({}), fx::Error);
  EXPECT_THROW((void)fx::meshgrid({fx::zeros({2, 2})}), fx::Error);
}

TEST(Meshgrid, GradientFlowsBackToTheAxes) {
  auto x = fx::tensor({1.0, 2.0, 3.0}, fx::Float64).requires_grad_();
  auto y = fx::tensor({10.0, 20.0}, fx::Float64).requires_grad_();
  auto g = fx::meshgrid({x, y}, fx::Indexing::xy);
  (g[0] * g[1]).sum().backward();  // d/dx_j sum_i x_j y_i = sum y = 30
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{30, 30, 30}));
  EXPECT_EQ(y.grad().to_vector<double>(), (std::vector<double>{6, 6}));
}

TEST(Random, SameSeedSameNumbers) {
  fx::manual_seed(42);
  auto a = fx::randn({1000}, fx::Float64).to_vector<double>();
  auto u = fx::rand({7}).to_vector<float>();
  fx::manual_seed(42);
  EXPECT_EQ(fx::randn({1000}, fx::Float64).to_vector<double>(), a);
  EXPECT_EQ(fx::rand({7}).to_vector<float>(), u);
  fx::manual_seed(43);
  EXPECT_NE(fx::randn({1000}, fx::Float64).to_vector<double>(), a);
}

TEST(Random, IndependentOfThreadCount) {
  int before = fx::get_num_threads();
  fx::set_num_threads(1);
  fx::manual_seed(5);
  auto one = fx::randn({100000}).to_vector<float>();
  fx::set_num_threads(std::max(2u, std::thread::hardware_concurrency()));
  fx::manual_seed(5);
  EXPECT_EQ(fx::randn({100000}).to_vector<float>(), one);
  fx::set_num_threads(before);
}

TEST(Random, UniformMoments) {
  fx::manual_seed(1);
  auto v = fx::rand({200000}, fx::Float64).to_vector<double>();
  double mean = 0, sq = 0;
  for (double x : v) {
    ASSERT_GE(x, 0.0);
    ASSERT_LT(x, 1.0);
    mean += x / v.size();
    sq += x * x / v.size();
  }
  EXPECT_NEAR(mean, 0.5, 0.005);
  EXPECT_NEAR(sq - mean * mean, 1.0 / 12, 0.002);
  auto w = fx::uniform({1000}, -3, -1, fx::Float64).to_vector<double>();
  for (double x : w) ASSERT_TRUE(x >= -3 && x < -1);
}

TEST(Random, NormalMoments) {
  fx::manual_seed(2);
  auto v = fx::randn({200000}, fx::Float64).to_vector<double>();
  double mean = 0, sq = 0, within1 = 0;
  for (double x : v) {
    ASSERT_TRUE(std::isfinite(x));
    mean += x / v.size();
    sq += x * x / v.size();
    within1 += (std::abs(x) < 1) / (double)v.size();
  }
  EXPECT_NEAR(mean, 0, 0.01);
  EXPECT_NEAR(sq, 1, 0.01);
  EXPECT_NEAR(within1, 0.682689, 0.005);
  auto w = fx::normal({100000}, 3, 0.5, fx::Float64).to_vector<double>();
  double m = 0;
  for (double x : w) m += x / w.size();
  EXPECT_NEAR(m, 3, 0.01);
}

TEST(Random, RandintCoversTheRangeEvenly) {
  fx::manual_seed(3);
  auto r = fx::randint(-2, 3, {50000});
  EXPECT_EQ(r.dtype(), fx::Int64);
  std::vector<int> counts(5, 0);
  for (int64_t v : r.to_vector<int64_t>()) {
    ASSERT_TRUE(v >= -2 && v < 3);
    counts[v + 2]++;
  }
  for (int c : counts) EXPECT_NEAR(c, 10000, 400);
}

TEST(Random, RandpermIsAPermutation) {
  fx::manual_seed(4);
  auto p = fx::randperm(1000).to_vector<int64_t>();
  auto sorted = p;
  std::sort(sorted.begin(), sorted.end());
  for (int64_t i = 0; i < 1000; ++i) EXPECT_EQ(sorted[i], i);
  EXPECT_NE(p, sorted);
  EXPECT_EQ(fx::randperm(0).numel(), 0);
}

TEST(Random, LikeHelpersAndShapes) {
  auto t = fx::zeros({2, 0, 3}, fx::Float64);
  EXPECT_EQ(fx::rand_like(t).shape(), t.shape());
  EXPECT_EQ(fx::randn_like(fx::zeros({4}, fx::Float64)).dtype(), fx::Float64);
  EXPECT_EQ(fx::randn({}).dim(), 0);
}

TEST(Random, Errors) {
  EXPECT_THROW((void)fx::rand({2}, fx::Int64), fx::Error);
  EXPECT_THROW((void)fx::randn({-1, 2}), fx::Error);
  EXPECT_THROW((void)fx::randint(3, 3, {2}), fx::Error);
  EXPECT_THROW((void)fx::uniform({2}, 1, 0), fx::Error);
  EXPECT_THROW((void)fx::normal({2}, 0, -1), fx::Error);
  EXPECT_THROW((void)fx::randperm(-1), fx::Error);
  EXPECT_THROW((void)fx::rand_like(fx::zeros({2}, fx::Int64)), fx::Error);
}
