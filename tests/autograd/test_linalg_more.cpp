// SPDX-License-Identifier: MIT
// Forward values of linalg::solve_triangular (BLAS trsm) and linalg::lstsq's
// named tuple against PyTorch 1.13 (numbers printed by
// tests/autograd/torch_reference_ops_more.py). Derivatives: the op catalogue
// (catalogue_contract.cpp).
#include <gtest/gtest.h>

#include <cmath>

#include "fluxion.h"

namespace {

namespace fx = fluxion;
namespace la = fluxion::linalg;

void expect_near(const fx::Tensor& got, const std::vector<double>& want, double tol = 1e-10) {
  std::vector<double> g = got.to_vector<double>();
  ASSERT_EQ(g.size(), want.size());
  for (size_t i = 0; i < g.size(); ++i) EXPECT_NEAR(g[i], want[i], tol) << "element " << i;
}

const fx::Tensor T = fx::tensor({{2.0, 1.0, -1.0}, {0.5, 3.0, 2.0}, {1.0, -2.0, 4.0}}, fx::Float64);
const fx::Tensor R = fx::tensor({{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}}, fx::Float64);

TEST(LinalgMore, SolveTriangularAllSidesAndTrianglesMatchPyTorch) {
  // left: T X = R; right: X T = R^T. Only the named triangle of T is read.
  expect_near(la::solve_triangular(T, R, true),
              {1.041666666667, 1.583333333333, 0.166666666667, 0.333333333333, 1.25, 1.5}, 1e-11);
  expect_near(la::solve_triangular(T, R.mT(), true, false), {0.5, 0.833333333333, 0.958333333333, 1.0, 1.0, 1.25},
              1e-11);
  expect_near(la::solve_triangular(T, R, true, true, true), {13, 16, -7, -8, 5, 6});
  expect_near(la::solve_triangular(T, R.mT(), true, false, true), {1, 2, 2, 2, 2, 4});
  expect_near(la::solve_triangular(T, R, false),
              {0.5, 1.0, 0.916666666667, 1.166666666667, 1.583333333333, 1.833333333333}, 1e-11);
  expect_near(la::solve_triangular(T, R.mT(), false, false),
              {-0.583333333333, 1.833333333333, 1.25, -0.333333333333, 2.333333333333, 1.5}, 1e-11);
  expect_near(la::solve_triangular(T, R, false, true, true), {1, 2, 2.5, 3, 9, 10});
  expect_near(la::solve_triangular(T, R.mT(), false, false, true), {-10.5, 13, 5, -12, 16, 6});
  // float32 too, and batch dims broadcast: A [2, 1, 3, 3] with B [4, 3, 2] -> [2, 4, 3, 2]
  fx::Tensor X32 = la::solve_triangular(T.to(fx::Float32), R.to(fx::Float32), true);
  EXPECT_EQ(X32.dtype(), fx::Float32);
  EXPECT_NEAR(X32.to_vector<double>()[0], 1.041666666667, 1e-6);
  fx::Tensor Ab = fx::stack({T, T * 2.0}).unsqueeze(1), Bb = fx::stack({R, R, R * 3.0, R});
  fx::Tensor Xb = la::solve_triangular(Ab, Bb, true);
  EXPECT_EQ(Xb.shape(), (fx::Shape{2, 4, 3, 2}));
  expect_near(Xb.select(0, 1).select(0, 2), (la::solve_triangular(T, R, true) * 1.5).to_vector<double>());
}

TEST(LinalgMore, SolveTriangularIsTrsmNotAGeneralSolve) {
  fx::Tensor A = T.clone().requires_grad_();
  fx::Tensor X = la::solve_triangular(A, R, true);
  EXPECT_EQ(X.grad_fn()->name(), "LinalgSolveTriangularBackward");
  // a zero on the diagonal is not checked (PyTorch): 0/0 gives NaN, the rest solves
  std::vector<double> z =
      la::solve_triangular(fx::tensor({{0.0, 1.0}, {0.0, 1.0}}, fx::Float64), fx::ones({2, 1}, fx::Float64), true)
          .to_vector<double>();
  EXPECT_TRUE(std::isnan(z[0]));
  EXPECT_EQ(z[1], 1.0);
  // the gradient of A lies in its upper triangle
  X.sum().backward();
  std::vector<double> g = A.grad().to_vector<double>();
  EXPECT_EQ(g[3], 0.0);
  EXPECT_EQ(g[6], 0.0);
  EXPECT_EQ(g[7], 0.0);
  EXPECT_NE(g[1], 0.0);
}

TEST(LinalgMore, SolveTriangularErrorsNameShapes) {
  EXPECT_THROW((void)la::solve_triangular(fx::ones({2, 3}, fx::Float64), fx::ones({2, 1}, fx::Float64), true),
               fx::Error);
  try {
    (void)la::solve_triangular(T, fx::ones({2, 2}, fx::Float64), true);
    FAIL() << "expected an error";
  } catch (const fx::Error& e) {
    EXPECT_NE(std::string(e.what()).find("[3, 3]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[*, n, k]"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)la::solve_triangular(T, R.to(fx::Float32), true), fx::Error);
  EXPECT_THROW((void)la::solve_triangular(fx::ones({3, 3}, fx::Int64), R, true), fx::Error);
}

TEST(LinalgMore, LstsqReturnsPyTorchsNamedTuplePerDriver) {
  fx::Tensor A = fx::tensor({{1.0, 2.0}, {3.0, 4.0}, {5.0, 7.0}}, fx::Float64);
  fx::Tensor B = fx::tensor(std::vector<double>{1.0, 2.0, 4.0}, {3, 1}, fx::Float64);
  fx::Tensor A2 = fx::tensor({{1.0, 2.0}, {2.0, 4.0}, {3.0, 6.0}}, fx::Float64);
  std::vector<double> x = {1.0 / 14, 0.5};
  // gelsy (the default on CPU): rank only
  la::LstsqResult y = la::lstsq(A, B);
  expect_near(y.solution, x);
  EXPECT_EQ(y.residuals.shape(), (fx::Shape{0}));
  EXPECT_EQ(y.rank.dtype(), fx::Int64);
  EXPECT_EQ(y.rank.shape(), (fx::Shape{}));
  EXPECT_EQ(y.rank.item<int64_t>(), 2);
  EXPECT_EQ(y.singular_values.shape(), (fx::Shape{0}));
  // gelsd / gelss: all of them; gels: residuals, no rank
  for (const char* d : {"gelsd", "gelss"}) {
    la::LstsqResult r = la::lstsq(A, B, {}, d);
    expect_near(r.residuals, {1.0 / 14});
    EXPECT_EQ(r.rank.item<int64_t>(), 2);
    expect_near(r.singular_values, {10.191428257097, 0.367137685944}, 1e-11);
  }
  la::LstsqResult g = la::lstsq(A, B, {}, "gels");
  expect_near(g.solution, x);
  expect_near(g.residuals, {1.0 / 14});
  EXPECT_EQ(g.rank.numel(), 0);
  // wide A: no residuals
  EXPECT_EQ(la::lstsq(A.narrow(0, 0, 2), B.narrow(0, 0, 2), {}, "gelsd").residuals.numel(), 0);
  // rank-deficient: rank 1, the minimum-norm solution, no residuals (in the batch too)
  la::LstsqResult d = la::lstsq(A2, B, {}, "gelsd");
  EXPECT_EQ(d.rank.item<int64_t>(), 1);
  expect_near(d.solution, {0.242857142857, 0.485714285714}, 1e-11);
  EXPECT_EQ(d.residuals.numel(), 0);
  la::LstsqResult b = la::lstsq(fx::stack({A, A2}), fx::stack({B, B}), {}, "gelsd");
  EXPECT_EQ(b.rank.to_vector<int64_t>(), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(b.singular_values.shape(), (fx::Shape{2, 2}));
  EXPECT_EQ(b.residuals.numel(), 0);
  EXPECT_THROW((void)la::lstsq(A, B, {}, "gelsx"), fx::Error);
}

// getrf on m x n: LU [m, n], min(m, n) pivots; lu gives P [m, m], L [m, k], U [k, n].
TEST(LinalgMore, LuOfNonSquareMatricesMatchesPyTorch) {
  fx::Tensor W =
      fx::tensor({{1.0, 2.0, 0.0, -1.0, 3.0}, {4.0, -1.0, 2.0, 0.0, 1.0}, {2.0, 3.0, -2.0, 1.0, 0.0}}, fx::Float64);
  la::LuFactorResult w = la::lu_factor(W);
  expect_near(
      w.LU,
      {4, -1, 2, 0, 1, 0.5, 3.5, -3, 1, -0.5, 0.25, 0.642857142857, 1.428571428571, -1.642857142857, 3.071428571429},
      1e-11);
  EXPECT_EQ(w.pivots.to_vector<int64_t>(), (std::vector<int64_t>{2, 3, 3}));
  la::LuFactorResult t = la::lu_factor(W.mT());  // tall, non-contiguous
  expect_near(t.LU,
              {3, 1, 0, 0.333333333333, 3.666666666667, 2, 0.666666666667, -0.454545454545, 3.909090909091,
               -0.333333333333, 0.090909090909, 0.209302325581, 0, 0.545454545455, -0.790697674419},
              1e-11);
  EXPECT_EQ(t.pivots.to_vector<int64_t>(), (std::vector<int64_t>{5, 5, 5}));
  for (const fx::Tensor& A : {W, W.mT(), fx::stack({W, W * -2.0})}) {
    la::LuResult f = la::lu(A);
    int64_t m = A.size(-2), n = A.size(-1), k = std::min(m, n);
    EXPECT_EQ(f.P.size(-1), m);
    EXPECT_EQ(f.L.size(-2), m);
    EXPECT_EQ(f.L.size(-1), k);
    EXPECT_EQ(f.U.size(-2), k);
    EXPECT_EQ(f.U.size(-1), n);
    expect_near(f.P.matmul(f.L).matmul(f.U), A.contiguous().to_vector<double>(), 1e-12);
  }
  expect_near(la::lu(W.mT()).P, {0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0});
  EXPECT_EQ(la::lu_factor(fx::zeros({0, 3}, fx::Float64)).pivots.shape(), (fx::Shape{0}));
  EXPECT_THROW((void)la::lu_solve(w.LU, w.pivots, fx::ones({3, 1}, fx::Float64)), fx::Error);
}

// eig of a non-symmetric matrix: LAPACK's order, unit columns, PyTorch's gradient.
TEST(LinalgMore, EigOfANonSymmetricMatrixMatchesPyTorch) {
  fx::Tensor G = fx::tensor({{4.0, 1.0, -2.0}, {0.5, 3.0, 1.0}, {0.0, 0.25, 1.0}}, fx::Float64).requires_grad_();
  la::EigResult e = la::eig(G);
  expect_near(e.eigenvalues, {4.336848891301, 2.827166753447, 0.835984355252}, 1e-11);
  // columns up to sign (LAPACK's convention, the same here as in torch)
  std::vector<double> want = {-0.929329975310, 0.522992050523,  0.574499346836,  -0.368218330621, -0.844469651938,
                              -0.448988404561, -0.027587279393, -0.115543593701, 0.684368258363};
  std::vector<double> v = e.eigenvectors.detach().to_vector<double>();
  for (int j = 0; j < 3; ++j) {
    double sign = v[j] * want[j] < 0 ? -1 : 1;
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(sign * v[i * 3 + j], want[i * 3 + j], 1e-11) << i << ", " << j;
  }
  (e.eigenvalues * fx::tensor({1.0, 2.0, 3.0}, fx::Float64)).sum().backward();
  expect_near(G.grad(),
              {1.218324675718, -0.327443398232, -0.005719191938, -0.632010028713, 1.861773088307, -0.129406547490,
               1.081005915419, -0.471872654457, 2.919902235975},
              1e-11);
  // A V = V diag(L) in a batch, float32 too
  fx::Tensor B = fx::stack({G.detach(), G.detach().mT() * 2.0}).to(fx::Float32);
  la::EigResult b = la::eig(B);
  expect_near(B.matmul(b.eigenvectors), (b.eigenvectors * b.eigenvalues.unsqueeze(-2)).to_vector<double>(), 1e-5);
}

TEST(LinalgMore, EigOfComplexEigenvaluesIsAnErrorNamingTheFix) {
  fx::Tensor rotation = fx::tensor({{0.0, -1.0}, {1.0, 0.0}}, fx::Float64);  // eigenvalues +-i
  try {
    (void)la::eigvals(rotation);
    FAIL() << "expected an error";
  } catch (const fx::Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("linalg.eig"), std::string::npos) << m;
    EXPECT_NE(m.find("complex"), std::string::npos) << m;
    EXPECT_NE(m.find("eigh"), std::string::npos) << m;
  }
  EXPECT_THROW((void)la::eig(fx::ones({2, 3}, fx::Float64)), fx::Error);
  EXPECT_EQ(la::eigvals(fx::zeros({0, 0}, fx::Float64)).shape(), (fx::Shape{0}));
}

}  // namespace
