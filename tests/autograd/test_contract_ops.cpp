// SPDX-License-Identifier: MIT
// Forward values of the contractions (contract.cpp) and linalg composites
// (linalg_more.cpp) against plain loops and defining identities, and their
// errors. Derivatives: catalogue_contract.cpp.
#include <gtest/gtest.h>

#include <cmath>

#include "fluxion.h"

namespace {

namespace fx = fluxion;
namespace la = fluxion::linalg;

std::vector<double> values(const fx::Tensor& t) { return t.to_vector<double>(); }

void expect_close(const fx::Tensor& got, const fx::Tensor& want, double tol = 1e-12) {
  ASSERT_EQ(got.shape(), want.shape());
  std::vector<double> g = values(got), w = values(want);
  for (size_t i = 0; i < g.size(); ++i) EXPECT_NEAR(g[i], w[i], tol * (1 + std::abs(w[i]))) << "element " << i;
}

TEST(ContractOps, EinsumMatchesLoops) {
  fx::manual_seed(1);
  fx::Tensor a = fx::randn({2, 3, 4}, fx::Float64), b = fx::randn({2, 4, 5}, fx::Float64);
  // bij,bjk->bik by loops
  std::vector<double> av = values(a), bv = values(b), want(2 * 3 * 5, 0.0);
  for (int n = 0; n < 2; ++n)
    for (int i = 0; i < 3; ++i)
      for (int k = 0; k < 5; ++k)
        for (int j = 0; j < 4; ++j) want[(n * 3 + i) * 5 + k] += av[(n * 3 + i) * 4 + j] * bv[(n * 4 + j) * 5 + k];
  expect_close(fx::einsum("bij,bjk->bik", {a, b}), fx::tensor(want, {2, 3, 5}, fx::Float64));
  expect_close(fx::einsum("bij, bjk", {a, b}),
               fx::tensor(want, {2, 3, 5}, fx::Float64).sum({0}));  // b used twice: summed
  // transposed output, reductions, diagonal and trace
  expect_close(fx::einsum("bij,bjk->kib", {a, b}), fx::tensor(want, {2, 3, 5}, fx::Float64).permute({2, 1, 0}));
  expect_close(fx::einsum("bij->", {a}), a.sum());
  expect_close(fx::einsum("bij->j", {a}), a.sum({0, 1}));
  fx::Tensor sq = fx::randn({3, 3}, fx::Float64);
  expect_close(fx::einsum("ii", {sq}), sq.diagonal().sum());
  expect_close(fx::einsum("ii->i", {sq}), sq.diagonal());
  expect_close(fx::einsum("ji", {sq}), sq.t());  // implicit output: alphabetical
  fx::Tensor v = fx::randn({4}, fx::Float64);
  expect_close(fx::einsum("...j,j->...", {a, v}), a.matmul(v));
  expect_close(fx::einsum("i,j->ij", {v, v}), fx::outer(v, v));
  expect_close(fx::einsum("i,i", {v, v}), v.dot(v));
  // broadcasting a size-1 dim
  fx::Tensor one = fx::randn({1, 3, 4}, fx::Float64);
  expect_close(fx::einsum("bij,bjk->bik", {one, b}), one.matmul(b));
}

TEST(ContractOps, EinsumErrorsNameTheProblem) {
  fx::Tensor m = fx::zeros({2, 3});
  EXPECT_THROW((void)fx::einsum("ij,jk->ik", {m}), fx::Error);
  EXPECT_THROW((void)fx::einsum("ijk->i", {m}), fx::Error);
  EXPECT_THROW((void)fx::einsum("ij,jk->ik", {m, fx::zeros({4, 2})}), fx::Error);
  EXPECT_THROW((void)fx::einsum("ij->iz", {m}), fx::Error);
  EXPECT_THROW((void)fx::einsum("i1->i", {fx::zeros({2, 2})}), fx::Error);
  EXPECT_THROW((void)fx::einsum("ii->i", {m}), fx::Error);
  try {
    (void)fx::einsum("ij,jk->ik", {m, fx::zeros({4, 2})});
  } catch (const fx::Error& e) {
    EXPECT_NE(std::string(e.what()).find("einsum"), std::string::npos);
  }
}

TEST(ContractOps, TensordotKronTrianglesTraceCross) {
  fx::manual_seed(2);
  fx::Tensor a = fx::randn({3, 4, 2}, fx::Float64), b = fx::randn({4, 5, 3}, fx::Float64);
  expect_close(fx::tensordot(a, b, {1, 0}, {0, 2}), fx::einsum("ijk,jli->kl", {a, b}));
  fx::Tensor p = fx::tensor({{1.0, 2.0}, {3.0, 4.0}}, fx::Float64),
             q = fx::tensor({{0.0, 5.0}, {6.0, 7.0}}, fx::Float64);
  std::vector<double> k = values(fx::kron(p, q));
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j)
      EXPECT_EQ(k[i * 4 + j], values(p)[(i / 2) * 2 + j / 2] * values(q)[(i % 2) * 2 + j % 2]);
  fx::Tensor m = fx::arange(1.0, 13.0).reshape({3, 4});
  std::vector<double> lo = values(fx::tril(m, 1)), up = values(fx::triu(m, -1));
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j) {
      EXPECT_EQ(lo[i * 4 + j], j - i <= 1 ? values(m)[i * 4 + j] : 0.0);
      EXPECT_EQ(up[i * 4 + j], j - i >= -1 ? values(m)[i * 4 + j] : 0.0);
    }
  // a zeroed infinity stays 0 (a mask product would give NaN)
  EXPECT_EQ(values(fx::tril(fx::tensor({{1.0, INFINITY}, {2.0, 3.0}})))[1], 0.0);
  EXPECT_EQ(fx::trace(m).item(), 1.0 + 6.0 + 11.0);
  EXPECT_THROW((void)fx::trace(fx::zeros({2, 2, 2})), fx::Error);
  fx::Tensor x = fx::tensor({1.0, 0.0, 0.0}), y = fx::tensor({0.0, 1.0, 0.0});
  EXPECT_EQ(values(fx::cross(x, y)), (std::vector<double>{0, 0, 1}));
  EXPECT_THROW((void)fx::cross(fx::zeros({2}), fx::zeros({2})), fx::Error);
}

TEST(ContractOps, BmmAddmmBaddbmmMatrixPower) {
  fx::manual_seed(3);
  fx::Tensor a = fx::randn({2, 3, 4}, fx::Float64), b = fx::randn({2, 4, 2}, fx::Float64);
  expect_close(fx::bmm(a, b), a.matmul(b));
  EXPECT_THROW((void)fx::bmm(a, fx::randn({4, 2})), fx::Error);
  fx::Tensor in = fx::full({2, 3, 2}, NAN, fx::Float64);
  expect_close(fx::baddbmm(in, a, b, 0.0, 2.0), a.matmul(b) * 2.0);  // beta 0 ignores NaN
  fx::Tensor c = fx::randn({4}, fx::Float64);
  expect_close(fx::addmm(c, a.select(0, 0).t(), a.select(0, 1), 0.5, 2.0),
               c * 0.5 + a.select(0, 0).t().matmul(a.select(0, 1)) * 2.0);
  fx::Tensor s = fx::randn({3, 3}, fx::Float64) + fx::eye(3, {}, fx::Float64) * 3.0;
  expect_close(fx::matrix_power(s, 5), s.matmul(s).matmul(s).matmul(s).matmul(s), 1e-12);
  expect_close(fx::matrix_power(s, 0), fx::eye(3, {}, fx::Float64));
  expect_close(fx::matrix_power(s, -1).matmul(s), fx::eye(3, {}, fx::Float64), 1e-12);
}

TEST(ContractOps, LinalgComposites) {
  fx::manual_seed(4);
  // matrix_exp of a rotation generator and of a diagonal matrix
  fx::Tensor gen = fx::tensor({{0.0, -2.0}, {2.0, 0.0}}, fx::Float64);
  expect_close(la::matrix_exp(gen),
               fx::tensor({{std::cos(2.0), -std::sin(2.0)}, {std::sin(2.0), std::cos(2.0)}}, fx::Float64), 1e-13);
  fx::Tensor d = fx::tensor({{-3.0, 0.0}, {0.0, 5.0}}, fx::Float64);
  expect_close(la::matrix_exp(d), fx::tensor({{std::exp(-3.0), 0.0}, {0.0, std::exp(5.0)}}, fx::Float64), 1e-13);
  // pinv: A A+ A = A, and A+ = A^-1 for invertible A
  fx::Tensor A = fx::randn({5, 3}, fx::Float64);
  expect_close(A.matmul(la::pinv(A)).matmul(A), A, 1e-12);
  fx::Tensor S = fx::randn({3, 3}, fx::Float64) + fx::eye(3, {}, fx::Float64) * 3.0;
  expect_close(la::pinv(S), la::inv(S), 1e-12);
  fx::Tensor rank1 = fx::outer(fx::randn({3}, fx::Float64), fx::randn({4}, fx::Float64));
  expect_close(rank1.matmul(la::pinv(rank1)).matmul(rank1), rank1, 1e-12);
  // lstsq: the normal equations A^T A x = A^T b
  fx::Tensor B = fx::randn({5, 2}, fx::Float64), X = la::lstsq(A, B).solution;
  expect_close(A.t().matmul(A).matmul(X), A.t().matmul(B), 1e-12);
  // solve_triangular reads only its triangle
  fx::Tensor T = fx::triu(S) + fx::tril(fx::full({3, 3}, 100.0, fx::Float64), -1);
  fx::Tensor Y = la::solve_triangular(T, B.narrow(0, 0, 3), true);
  expect_close(fx::triu(S).matmul(Y), B.narrow(0, 0, 3), 1e-12);
  fx::Tensor Z = la::solve_triangular(S, B.narrow(0, 0, 3).t(), false, false, true);
  fx::Tensor unit_lower = fx::tril(S, -1) + fx::eye(3, {}, fx::Float64);
  expect_close(Z.matmul(unit_lower), B.narrow(0, 0, 3).t(), 1e-12);
  // cholesky_solve: A X = B with A = L L^T
  fx::Tensor spd = S.matmul(S.t()), L = la::cholesky(spd);
  expect_close(spd.matmul(fx::cholesky_solve(B.narrow(0, 0, 3), L)), B.narrow(0, 0, 3), 1e-11);
  expect_close(spd.matmul(fx::cholesky_solve(B.narrow(0, 0, 3), L.t(), true)), B.narrow(0, 0, 3), 1e-11);
  // norms by their definitions
  fx::Tensor v = fx::tensor({3.0, 0.0, -4.0}, fx::Float64);
  EXPECT_EQ(la::vector_norm(v, 0).item(), 2.0);
  EXPECT_NEAR(la::vector_norm(v).item(), 5.0, 1e-15);
  EXPECT_NEAR(la::vector_norm(fx::tensor({1.0, 2.0}, fx::Float64), -1).item(), 2.0 / 3, 1e-15);
  fx::Tensor M = fx::tensor({{1.0, -2.0}, {3.0, 4.0}}, fx::Float64);
  EXPECT_EQ(la::matrix_norm(M, 1.0).item(), 6.0);       // largest column sum of |M|
  EXPECT_EQ(la::matrix_norm(M, INFINITY).item(), 7.0);  // largest row sum
  EXPECT_EQ(la::matrix_norm(M, -INFINITY).item(), 3.0);
  EXPECT_NEAR(la::matrix_norm(M).item(), std::sqrt(30.0), 1e-14);
  fx::Tensor sv = la::svdvals(M);
  EXPECT_NEAR(la::matrix_norm(M, 2.0).item(), values(sv)[0], 1e-14);
  EXPECT_NEAR(la::matrix_norm(M, "nuc").item(), values(sv)[0] + values(sv)[1], 1e-14);
  EXPECT_NEAR(la::norm(M).item(), std::sqrt(30.0), 1e-14);
  EXPECT_EQ(la::matrix_norm(M, 1.0, {-2, -1}, true).shape(), (fx::Shape{1, 1}));
  // LU: P L U = A with L unit lower and U upper, and lu_solve solves
  fx::Tensor G = fx::randn({2, 4, 4}, fx::Float64);
  la::LuResult plu = la::lu(G);
  expect_close(plu.P.matmul(plu.L).matmul(plu.U), G, 1e-12);
  expect_close(fx::triu(plu.U), plu.U);
  expect_close(fx::tril(plu.L, -1) + fx::eye(4, {}, fx::Float64), plu.L);
  la::LuFactorResult f = la::lu_factor(G);
  EXPECT_EQ(f.pivots.dtype(), fx::Int64);
  fx::Tensor rhs = fx::randn({2, 4, 3}, fx::Float64);
  expect_close(G.matmul(la::lu_solve(f.LU, f.pivots, rhs)), rhs, 1e-10);
  EXPECT_THROW((void)la::lu_factor(fx::zeros({2, 3}, fx::Int64)), fx::Error);  // m != n factors (test_linalg_more)
  EXPECT_THROW((void)la::lu_solve(f.LU, f.pivots, fx::zeros({3, 1})), fx::Error);
  EXPECT_THROW((void)la::matrix_norm(M, 3.0), fx::Error);
  EXPECT_THROW((void)la::matrix_norm(M, "max"), fx::Error);
  EXPECT_THROW((void)la::matrix_exp(fx::zeros({2, 3})), fx::Error);
  EXPECT_THROW((void)la::lstsq(A, fx::zeros({4, 2})), fx::Error);
}

}  // namespace
