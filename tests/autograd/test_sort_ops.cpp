// SPDX-License-Identifier: MIT
// Forward values of sorting, selection and scans (sort.cpp) against plain
// loops on random shapes, PyTorch's tie and NaN rules, and their errors.
// Their derivatives are checked by the op catalogue (catalogue_sort.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "fluxion.h"

namespace {

namespace fx = fluxion;

// Random [rows, n] values with ties (small integers) in Float64.
fx::Tensor small_ints(int64_t rows, int64_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> u(0, 4);
  std::vector<double> v(rows * n);
  for (double& x : v) x = u(rng);
  return fx::tensor(v, {rows, n}, fx::Float64);
}

TEST(SortOps, SortMatchesStableSortOnRandomShapes) {
  for (uint64_t seed = 0; seed < 5; ++seed) {
    int64_t rows = 1 + seed, n = 3 + 2 * seed;
    fx::Tensor x = small_ints(rows, n, seed);
    for (bool descending : {false, true}) {
      auto [values, indices] = fx::sort(x.t(), 0, descending);  // along dim 0 of the transpose
      std::vector<double> xv = x.to_vector<double>();
      for (int64_t r = 0; r < rows; ++r) {
        std::vector<int64_t> order(n);
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
          return descending ? xv[r * n + a] > xv[r * n + b] : xv[r * n + a] < xv[r * n + b];
        });
        for (int64_t k = 0; k < n; ++k) {
          EXPECT_EQ(indices.select(1, r).select(0, k).item<int64_t>(), order[k]) << "seed " << seed;
          EXPECT_EQ(values.select(1, r).select(0, k).item(), xv[r * n + order[k]]);
        }
      }
    }
  }
}

TEST(SortOps, NanSortsLastAndArgsortIsSortIndices) {
  fx::Tensor x = fx::tensor({3.0, NAN, -1.0, 2.0}, fx::Float64);
  auto [v, i] = fx::sort(x);
  EXPECT_EQ(i.to_vector<int64_t>(), (std::vector<int64_t>{2, 3, 0, 1}));
  EXPECT_TRUE(std::isnan(v.to_vector<double>()[3]));
  EXPECT_EQ(fx::argsort(x, -1, true).to_vector<int64_t>(), (std::vector<int64_t>{1, 0, 3, 2}));
  EXPECT_EQ(fx::msort(fx::tensor({{2.0, 1.0}, {1.0, 3.0}})).to_vector<double>(), (std::vector<double>{1, 1, 2, 3}));
}

TEST(SortOps, TopkKthvalueMedianMode) {
  fx::Tensor x = fx::tensor({{5.0, 1.0, 4.0, 1.0, 3.0}, {2.0, 2.0, 7.0, 0.0, 2.0}}, fx::Float64);
  auto top = fx::topk(x, 2);
  EXPECT_EQ(top.values.to_vector<double>(), (std::vector<double>{5, 4, 7, 2}));
  EXPECT_EQ(top.indices.to_vector<int64_t>(), (std::vector<int64_t>{0, 2, 2, 0}));
  auto low = fx::topk(x, 2, -1, false);
  EXPECT_EQ(low.values.to_vector<double>(), (std::vector<double>{1, 1, 0, 2}));
  auto kth = fx::kthvalue(x, 3);
  EXPECT_EQ(kth.values.to_vector<double>(), (std::vector<double>{3, 2}));
  EXPECT_EQ(kth.values.shape(), (fx::Shape{2}));
  auto med = fx::median(x, 1, true);
  EXPECT_EQ(med.values.to_vector<double>(), (std::vector<double>{3, 2}));
  EXPECT_EQ(med.values.shape(), (fx::Shape{2, 1}));
  EXPECT_EQ(fx::median(fx::tensor({4.0, 1.0, 3.0, 2.0})).item(), 2.0);  // the lower of the two middle values
  auto mode = fx::mode(x);
  EXPECT_EQ(mode.values.to_vector<double>(), (std::vector<double>{1, 2}));
  EXPECT_EQ(mode.indices.to_vector<int64_t>(), (std::vector<int64_t>{3, 4}));  // the last occurrence
}

TEST(SortOps, MedianPropagatesNanAndNanmedianSkipsIt) {
  fx::Tensor x = fx::tensor({{1.0, NAN, 3.0, 2.0}}, fx::Float64);
  auto m = fx::median(x, 1);
  EXPECT_TRUE(std::isnan(m.values.item()));
  EXPECT_EQ(m.indices.item<int64_t>(), 1);
  EXPECT_EQ(fx::nanmedian(x, 1).values.item(), 2.0);
  EXPECT_EQ(fx::nanmedian(x).item(), 2.0);
}

TEST(SortOps, CummaxCumminMatchLoopsWithTiesTakingTheLaterIndex) {
  fx::Tensor x = small_ints(3, 9, 11);
  std::vector<double> xv = x.to_vector<double>();
  auto mx = fx::cummax(x, 1);
  auto mn = fx::cummin(x, 1);
  std::vector<int64_t> imx = mx.indices.to_vector<int64_t>(), imn = mn.indices.to_vector<int64_t>();
  for (int64_t r = 0; r < 3; ++r) {
    int64_t bmax = 0, bmin = 0;
    for (int64_t i = 0; i < 9; ++i) {
      if (xv[r * 9 + i] >= xv[r * 9 + bmax]) bmax = i;
      if (xv[r * 9 + i] <= xv[r * 9 + bmin]) bmin = i;
      EXPECT_EQ(imx[r * 9 + i], bmax);
      EXPECT_EQ(imn[r * 9 + i], bmin);
      EXPECT_EQ(mx.values.to_vector<double>()[r * 9 + i], xv[r * 9 + bmax]);
    }
  }
  auto n = fx::cummax(fx::tensor({1.0, NAN, 5.0}, fx::Float64), 0);
  EXPECT_TRUE(std::isnan(n.values.to_vector<double>()[2]));
  EXPECT_EQ(n.indices.to_vector<int64_t>(), (std::vector<int64_t>{0, 1, 1}));
}

TEST(SortOps, CumprodAndLogcumsumexpMatchLoops) {
  fx::manual_seed(3);
  fx::Tensor x = fx::randn({4, 6}, fx::Float64);
  std::vector<double> xv = x.to_vector<double>(), p = fx::cumprod(x, 1).to_vector<double>(),
                      l = fx::logcumsumexp(x, 1).to_vector<double>();
  for (int r = 0; r < 4; ++r) {
    double prod = 1, sum = 0;
    for (int i = 0; i < 6; ++i) {
      prod *= xv[r * 6 + i];
      sum += std::exp(xv[r * 6 + i]);
      EXPECT_NEAR(p[r * 6 + i], prod, 1e-12);
      EXPECT_NEAR(l[r * 6 + i], std::log(sum), 1e-12);
    }
  }
  // no overflow far from 0
  EXPECT_NEAR(fx::logcumsumexp(fx::tensor({1000.0, 1000.0}, fx::Float64), 0).to_vector<double>()[1],
              1000 + std::log(2.0), 1e-9);
}

// cumprod is one pass along dim: a row of 200000 (n^2 = 4e10 products for a
// quadratic scan) runs forward and backward, with zeros, against loops.
TEST(SortOps, CumprodIsLinearAlongDimForwardAndBackward) {
  const int64_t n = 200000;
  std::vector<double> xv(n);
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(0.999, 1.001);
  for (double& v : xv) v = u(rng);
  xv[70000] = 0;
  xv[150000] = 0;
  fx::Tensor x = fx::tensor(xv, {n}, fx::Float64).requires_grad_();
  fx::Tensor y = fx::cumprod(x, 0);
  std::vector<double> yv = y.to_vector<double>();
  double prod = 1;
  for (int64_t i = 0; i < n; i += 997) {
    prod = 1;
    for (int64_t k = 0; k <= i; ++k) prod *= xv[k];
    ASSERT_NEAR(yv[i], prod, 1e-12 * (1 + std::abs(prod))) << i;
  }
  y.sum().backward();
  // d/dx_k sum_i y_i = sum_{i >= k} prod_{l <= i, l != k} x_l: nonzero only up to the first
  // zero (70000) and at it; after it every product holds x_70000 = 0
  std::vector<double> g = x.grad().to_vector<double>();
  for (int64_t k : {int64_t{0}, int64_t{69999}, int64_t{70000}, int64_t{70001}, int64_t{150000}, n - 1}) {
    double p = 1, want = 0;  // p: prod_{l <= i, l != k} x_l for i = k, k + 1, ...
    for (int64_t l = 0; l < k; ++l) p *= xv[l];
    for (int64_t i = k; i < n && p != 0; ++i) {
      if (i > k) p *= xv[i];
      want += p;
    }
    EXPECT_NEAR(g[k], want, 1e-9 * (1 + std::abs(want))) << k;
  }
}

// With two zeros, the second derivative d^2 y_4 / dx_1 dx_3 = x_0 x_2 x_4 survives
// although both first derivatives vanish there (the rule stays exact at zeros).
TEST(SortOps, CumprodSecondDerivativeAtTwoZeros) {
  fx::Tensor x = fx::tensor({2.0, 0.0, 3.0, 0.0, 5.0}, fx::Float64).requires_grad_();
  fx::Tensor y4 = fx::cumprod(x, 0).select(0, 4);
  fx::Tensor g = fx::autograd::grad({y4}, {x}, {.create_graph = true})[0];
  EXPECT_EQ(g.detach().to_vector<double>(), (std::vector<double>{0, 0, 0, 0, 0}));
  fx::Tensor h1 = fx::autograd::grad({g.select(0, 1)}, {x})[0];
  EXPECT_EQ(h1.to_vector<double>(), (std::vector<double>{0, 0, 0, 30, 0}));
}

TEST(SortOps, UniqueSortedWithInverseAndCounts) {
  fx::Tensor x = fx::tensor({{3.0, 1.0}, {3.0, 2.0}, {1.0, 3.0}});
  auto u = fx::unique(x, true, true, true);
  EXPECT_EQ(u.values.to_vector<double>(), (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(u.inverse.shape(), x.shape());
  EXPECT_EQ(u.inverse.to_vector<int64_t>(), (std::vector<int64_t>{2, 0, 2, 1, 0, 2}));
  EXPECT_EQ(u.counts.to_vector<int64_t>(), (std::vector<int64_t>{2, 1, 3}));
  EXPECT_FALSE(fx::unique(x).inverse.defined());
  EXPECT_EQ(fx::unique(fx::zeros({0})).values.numel(), 0);
}

// Reference values printed by tests/autograd/torch_reference_ops_more.py (torch 1.13).
TEST(SortOps, UniqueAlongDimMatchesPyTorch) {
  fx::Tensor x = fx::tensor(std::vector<int64_t>{1, 2, 0, 5, 1, 2, 0, 1}, {4, 2});
  auto r0 = fx::unique(x, true, true, true, 0);
  EXPECT_EQ(r0.values.shape(), (fx::Shape{3, 2}));
  EXPECT_EQ(r0.values.to_vector<int64_t>(), (std::vector<int64_t>{0, 1, 0, 5, 1, 2}));
  EXPECT_EQ(r0.inverse.to_vector<int64_t>(), (std::vector<int64_t>{2, 1, 2, 0}));
  EXPECT_EQ(r0.counts.to_vector<int64_t>(), (std::vector<int64_t>{1, 1, 2}));
  auto r1 = fx::unique(x, true, true, true, -1);  // columns [1 0 1 0] and [2 5 2 1]
  EXPECT_EQ(r1.values.shape(), (fx::Shape{4, 2}));
  EXPECT_EQ(r1.values.to_vector<int64_t>(), x.to_vector<int64_t>());
  EXPECT_EQ(r1.inverse.to_vector<int64_t>(), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(r1.counts.to_vector<int64_t>(), (std::vector<int64_t>{1, 1}));
  fx::Tensor f = fx::tensor({{2.0, 1.0}, {1.0, 3.0}, {2.0, 0.0}}, fx::Float64);
  auto rf = fx::unique(f, true, true, true, 0);
  EXPECT_EQ(rf.values.to_vector<double>(), (std::vector<double>{1, 3, 2, 0, 2, 1}));
  EXPECT_EQ(rf.inverse.to_vector<int64_t>(), (std::vector<int64_t>{2, 0, 1}));
  // rows with NaN never equal each other
  auto rn = fx::unique(fx::tensor({{NAN, 1.0}, {NAN, 1.0}}, fx::Float64), true, true, true, 0);
  EXPECT_EQ(rn.counts.to_vector<int64_t>(), (std::vector<int64_t>{1, 1}));
  // no slices: empty answers of the right shapes; a 3-d x along its middle dim
  auto re = fx::unique(fx::zeros({0, 2}), true, true, true, 0);
  EXPECT_EQ(re.values.shape(), (fx::Shape{0, 2}));
  EXPECT_EQ(re.inverse.numel() + re.counts.numel(), 0);
  fx::Tensor t = fx::tensor(std::vector<int64_t>{1, 9, 1, 2, 1, 9}, {1, 3, 2}).transpose(1, 2);  // [1, 2, 3]
  auto rt = fx::unique(t, true, true, true, 2);  // slices (1, 9) (1, 2) (1, 9), non-contiguous
  EXPECT_EQ(rt.values.shape(), (fx::Shape{1, 2, 2}));
  EXPECT_EQ(rt.values.to_vector<int64_t>(), (std::vector<int64_t>{1, 1, 2, 9}));
  EXPECT_EQ(rt.inverse.to_vector<int64_t>(), (std::vector<int64_t>{1, 0, 1}));
  EXPECT_EQ(rt.counts.to_vector<int64_t>(), (std::vector<int64_t>{1, 2}));
  EXPECT_FALSE(fx::unique(x, true, false, false, 0).inverse.defined());
  EXPECT_THROW((void)fx::unique(fx::scalar(3.0), true, false, false, 0), fx::Error);
  EXPECT_THROW((void)fx::unique(fx::zeros({3, 0}), true, false, false, 0), fx::Error);
  EXPECT_THROW((void)fx::unique(x, true, false, false, 2), fx::Error);
}

TEST(SortOps, SearchsortedAndBucketizeMatchBinarySearch) {
  fx::Tensor s = fx::tensor({1.0, 3.0, 3.0, 5.0}, fx::Float64);
  fx::Tensor v = fx::tensor({0.0, 3.0, 4.0, 6.0}, fx::Float64);
  EXPECT_EQ(fx::searchsorted(s, v).to_vector<int64_t>(), (std::vector<int64_t>{0, 1, 3, 4}));
  EXPECT_EQ(fx::searchsorted(s, v, true).to_vector<int64_t>(), (std::vector<int64_t>{0, 3, 3, 4}));
  EXPECT_EQ(fx::searchsorted(s, 3.0).item<int64_t>(), 1);
  EXPECT_EQ(fx::bucketize(v, s).to_vector<int64_t>(), (std::vector<int64_t>{0, 1, 3, 4}));
  // one sorted row per row of values
  fx::Tensor rows = fx::tensor({{1.0, 2.0, 3.0}, {10.0, 20.0, 30.0}});
  EXPECT_EQ(fx::searchsorted(rows, fx::tensor(std::vector<double>{2.5, 25.0}, {2, 1})).to_vector<int64_t>(),
            (std::vector<int64_t>{2, 2}));
}

TEST(SortOps, BadInputsAreClearErrors) {
  fx::Tensor x = fx::zeros({2, 3});
  EXPECT_THROW((void)fx::topk(x, 4), fx::Error);
  EXPECT_THROW((void)fx::kthvalue(x, 0), fx::Error);
  EXPECT_THROW((void)fx::sort(x, 2), fx::Error);
  EXPECT_THROW((void)fx::median(fx::zeros({2, 0}), 1), fx::Error);
  EXPECT_THROW((void)fx::searchsorted(fx::zeros({2, 3}), fx::zeros({3, 1})), fx::Error);
  EXPECT_THROW((void)fx::bucketize(x, x), fx::Error);
  try {
    (void)fx::topk(x, 4);
  } catch (const fx::Error& e) {
    EXPECT_NE(std::string(e.what()).find("topk"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("[2, 3]"), std::string::npos);
  }
}

}  // namespace
