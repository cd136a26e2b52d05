// SPDX-License-Identifier: MIT
// det's gradient at singular matrices is the (finite) cofactor matrix, as in
// PyTorch; checked against central differences in Float64. det is affine in
// each entry, so the central difference is exact up to rounding.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "fluxion.h"

namespace fx = fluxion;

namespace {

// (det(A + h E_ij) - det(A - h E_ij)) / 2h for every entry, as a vector row-major.
std::vector<double> det_differences(const std::vector<double>& a, int64_t n) {
  const double h = 1e-3;
  std::vector<double> out;
  for (size_t k = 0; k < a.size(); ++k) {
    std::vector<double> plus = a, minus = a;
    plus[k] += h;
    minus[k] -= h;
    double dp = fx::linalg::det(fx::tensor(plus, {n, n}, fx::Float64)).item();
    double dm = fx::linalg::det(fx::tensor(minus, {n, n}, fx::Float64)).item();
    out.push_back((dp - dm) / (2 * h));
  }
  return out;
}

std::vector<double> det_gradient(const std::vector<double>& a, int64_t n) {
  auto x = fx::tensor(a, {n, n}, fx::Float64).requires_grad_();
  fx::linalg::det(x).backward();
  return x.grad().to_vector<double>();
}

// B C with B [n, r] and C [r, n]: a matrix of rank r.
std::vector<double> of_rank(int64_t n, int64_t r) {
  fx::manual_seed(7);
  return fx::randn({n, r}, fx::Float64).matmul(fx::randn({r, n}, fx::Float64)).to_vector<double>();
}

void expect_matches_differences(const std::vector<double>& a, int64_t n, double expected_norm_at_least) {
  std::vector<double> g = det_gradient(a, n), fd = det_differences(a, n);
  double norm = 0;
  for (size_t k = 0; k < g.size(); ++k) {
    EXPECT_NEAR(g[k], fd[k], 1e-8) << "entry " << k;
    norm += g[k] * g[k];
  }
  EXPECT_GE(std::sqrt(norm), expected_norm_at_least);
}

}  // namespace

TEST(DetSingular, ExactlySingularIntegerMatrixHasTheCofactorGradient) {
  // Row 1 = 2 * row 0: LU meets an exact zero pivot. cof = [[4, 4, -4], [-2, -2, 2], [0, 0, 0]].
  std::vector<double> a = {1, 2, 3, 2, 4, 6, 1, 0, 1};
  std::vector<double> g = det_gradient(a, 3);
  std::vector<double> cof = {4, 4, -4, -2, -2, 2, 0, 0, 0};
  for (size_t k = 0; k < g.size(); ++k) EXPECT_NEAR(g[k], cof[k], 1e-12) << "entry " << k;
  expect_matches_differences(a, 3, 1.0);
}

TEST(DetSingular, RankNMinusOneMatchesFiniteDifferences) { expect_matches_differences(of_rank(4, 3), 4, 1e-3); }

TEST(DetSingular, RankNMinusTwoHasZeroGradient) {
  std::vector<double> a = of_rank(4, 2);
  std::vector<double> g = det_gradient(a, 4), fd = det_differences(a, 4);
  for (size_t k = 0; k < g.size(); ++k) {
    EXPECT_NEAR(g[k], 0.0, 1e-12) << "entry " << k;
    EXPECT_NEAR(fd[k], 0.0, 1e-8) << "entry " << k;
  }
}

TEST(DetSingular, BatchWithOneSingularMatrixKeepsTheOthersExact) {
  // [A singular; 2 I]: d det(2I)/dA = det(2I) (2I)^-T = 4 I for n = 3.
  std::vector<double> a = {1, 2, 3, 2, 4, 6, 1, 0, 1, 2, 0, 0, 0, 2, 0, 0, 0, 2};
  auto x = fx::tensor(a, {2, 3, 3}, fx::Float64).requires_grad_();
  fx::linalg::det(x).sum().backward();
  std::vector<double> g = x.grad().to_vector<double>();
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) EXPECT_NEAR(g[9 + 3 * i + j], i == j ? 4.0 : 0.0, 1e-12);
  EXPECT_NEAR(g[0], 4.0, 1e-12);
}

TEST(DetSingular, SlogdetAtASingularMatrixNamesSlogdetAndTheFix) {
  auto x = fx::tensor({1.0, 2.0, 2.0, 4.0}, {2, 2}, fx::Float64).requires_grad_();
  std::string msg;
  try {
    fx::linalg::slogdet(x).logabsdet.backward();
  } catch (const fx::Error& e) {
    msg = e.what();
  }
  EXPECT_NE(msg.find("linalg.slogdet"), std::string::npos) << msg;
  EXPECT_NE(msg.find("[2, 2]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("linalg.det"), std::string::npos) << msg;
}
