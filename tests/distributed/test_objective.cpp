// SPDX-License-Identifier: MIT
// sum_over_ranks + optim::minimize: logistic regression whose data rows are
// split over the ranks. Every rank ends at bitwise the same iterate after the
// same number of iterations, equal to one process minimising over all rows;
// for L-BFGS, BFGS and Newton-CG (HVPs forward-over-reverse and reverse-over-reverse).
#include <gtest/gtest.h>

#include "distributed/distributed.h"
#include "fluxion.h"

namespace fx = fluxion;
namespace dist = fluxion::distributed;
using fx::Tensor;

namespace {

constexpr int64_t kRowsPerRank = 40, kDim = 5;
constexpr double kLambda = 0.1;

// All ranks' rows, the same everywhere: x (R * 40, 5), labels y in {-1, 1}.
std::pair<Tensor, Tensor> data(int ranks) {
  fx::manual_seed(11);
  Tensor x = fx::randn({kRowsPerRank * ranks, kDim}, fx::Float64);
  Tensor w_true = fx::randn({kDim}, fx::Float64);
  Tensor noise = fx::randn({kRowsPerRank * ranks}, fx::Float64);
  Tensor y = fx::where(x.matmul(w_true) + noise > 0.0, fx::ones({1}, fx::Float64), -fx::ones({1}, fx::Float64));
  return {x, y};
}

// sum_i log(1 + exp(-y_i x_i.w)) + share * lambda / 2 |w|^2
Tensor logistic(const Tensor& w, const Tensor& x, const Tensor& y, double share) {
  return (-(y * x.matmul(w))).exp().log1p().sum() + (w * w).sum() * (share * kLambda / 2);
}

void expect_identical_on_every_rank(const fx::optim::OptimizeResult& res) {
  int n = dist::get_world_size();
  auto xs = dist::all_gather(res.x.reshape({1, kDim})).to_vector<double>();
  auto its = dist::all_gather(fx::tensor(std::vector<int64_t>{res.nit}, {1})).to_vector<int64_t>();
  for (int q = 1; q < n; ++q) {
    EXPECT_EQ(its[(size_t)q], its[0]) << "rank " << q;
    for (int64_t k = 0; k < kDim; ++k) EXPECT_EQ(xs[(size_t)(q * kDim + k)], xs[(size_t)k]) << "rank " << q;
  }
}

void compare(fx::optim::MinimizeOptions opts) {
  int r = dist::get_rank(), n = dist::get_world_size();
  auto [x, y] = data(n);
  Tensor xr = x.slice(0, r * kRowsPerRank, (r + 1) * kRowsPerRank),
         yr = y.slice(0, r * kRowsPerRank, (r + 1) * kRowsPerRank);
  auto f = dist::sum_over_ranks([&](const Tensor& w) { return logistic(w, xr, yr, 1.0 / n); });
  Tensor w0 = fx::zeros({kDim}, fx::Float64);
  opts.gtol = 1e-7;  // well above the rounding of a sum over 40 R rows
  auto distributed = fx::optim::minimize(f, w0, opts);
  auto single = fx::optim::minimize([&](const Tensor& w) { return logistic(w, x, y, 1.0); }, w0, opts);
  EXPECT_TRUE(distributed.success()) << distributed.message;
  EXPECT_TRUE(single.success()) << single.message;
  expect_identical_on_every_rank(distributed);
  EXPECT_NEAR(distributed.fun, single.fun, 1e-10 * std::abs(single.fun));
  auto a = distributed.x.to_vector<double>(), b = single.x.to_vector<double>();
  for (int64_t k = 0; k < kDim; ++k) EXPECT_NEAR(a[(size_t)k], b[(size_t)k], 1e-6) << k;
  EXPECT_LE(std::abs(distributed.nit - single.nit), 1);  // rounding may move the last iteration
}

}  // namespace

TEST(SumOverRanks, LbfgsMatchesOneProcess) { compare({.method = fx::optim::Method::lbfgs}); }
TEST(SumOverRanks, BfgsMatchesOneProcess) { compare({.method = fx::optim::Method::bfgs}); }
TEST(SumOverRanks, NewtonCgMatchesOneProcess) { compare({.method = fx::optim::Method::newton_cg}); }
TEST(SumOverRanks, NewtonCgForwardOverReverseMatchesOneProcess) {
  compare({.method = fx::optim::Method::newton_cg, .hvp = fx::optim::HvpMode::forward_over_reverse});
}
TEST(SumOverRanks, TrustNcgMatchesOneProcess) { compare({.method = fx::optim::Method::trust_ncg}); }

// The gradient and an HVP by the functional API: sums over ranks of the local ones.
TEST(SumOverRanks, GradientAndHvpAreSumsOverRanks) {
  int r = dist::get_rank(), n = dist::get_world_size();
  auto [x, y] = data(n);
  Tensor xr = x.slice(0, r * kRowsPerRank, (r + 1) * kRowsPerRank),
         yr = y.slice(0, r * kRowsPerRank, (r + 1) * kRowsPerRank);
  auto f = dist::sum_over_ranks([&](const Tensor& w) { return logistic(w, xr, yr, 1.0 / n); });
  auto full = [&](const Tensor& w) { return logistic(w, x, y, 1.0); };
  Tensor w = fx::linspace(-1, 1, kDim, fx::Float64), v = fx::linspace(2, -1, kDim, fx::Float64);
  auto g = fx::func::grad(f)(w).to_vector<double>(), g1 = fx::func::grad(full)(w).to_vector<double>();
  auto h = fx::func::hvp(f, w, v).to_vector<double>(), h1 = fx::func::hvp(full, w, v).to_vector<double>();
  for (int64_t k = 0; k < kDim; ++k) {
    EXPECT_NEAR(g[(size_t)k], g1[(size_t)k], 1e-10);
    EXPECT_NEAR(h[(size_t)k], h1[(size_t)k], 1e-10);
  }
}
