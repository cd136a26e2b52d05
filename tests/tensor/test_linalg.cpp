// SPDX-License-Identifier: MIT
// fluxion::linalg against identities and plain references (A solve(A, b) = b,
// det of triangular matrices, reconstructions of eigh / svd / qr / cholesky),
// BLAS matmul against the naive triple loop, and every error path.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <random>

#include "fluxion.h"
#include "tensor/kernels/copy.h"
#include "tensor/kernels/loops.h"
#include "tensor/kernels/matmul.h"
#include "tensor/kernels/small_gemm.h"

namespace fx = fluxion;
namespace la = fluxion::linalg;

namespace {

fx::Tensor random(const fx::Shape& shape, fx::DType dtype = fx::Float64, uint32_t seed = 1) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal;
  std::vector<double> v((size_t)fx::numel(shape));
  for (double& x : v) x = normal(gen);
  return fx::tensor(v, shape, dtype);
}

fx::Tensor identity(int64_t n, fx::DType dtype = fx::Float64) {
  std::vector<double> v((size_t)(n * n), 0.0);
  for (int64_t i = 0; i < n; ++i) v[(size_t)(i * n + i)] = 1;
  return fx::tensor(v, {n, n}, dtype);
}

// A well-conditioned [*, n, n]: random + n I.
fx::Tensor well_conditioned(const fx::Shape& shape, fx::DType dtype = fx::Float64, uint32_t seed = 1) {
  return random(shape, dtype, seed) + identity(shape.back(), dtype) * (double)shape.back();
}

// Symmetric positive-definite [*, n, n]: B B^T + I.
fx::Tensor spd(const fx::Shape& shape, fx::DType dtype = fx::Float64, uint32_t seed = 2) {
  fx::Tensor b = random(shape, dtype, seed);
  return b.matmul(b.transpose(-2, -1)) + identity(shape.back(), dtype);
}

double max_abs_diff(const fx::Tensor& a, const fx::Tensor& b) {
  EXPECT_EQ(a.shape(), b.shape());
  auto x = a.to_vector<double>(), y = b.to_vector<double>();
  double m = 0;
  for (size_t i = 0; i < x.size() && i < y.size(); ++i) m = std::max(m, std::abs(x[i] - y[i]));
  return m;
}

fx::Tensor mT(const fx::Tensor& x) { return x.transpose(-2, -1); }

fx::Tensor diag_embed(const fx::Tensor& v) {  // [*, k] -> [*, k, k]
  return v.unsqueeze(-1) * identity(v.size(-1), v.dtype());
}

}  // namespace

TEST(Linalg, SolveVectorMatrixAndBatched) {
  for (fx::DType dt : {fx::Float64, fx::Float32}) {
    double tol = dt == fx::Float64 ? 1e-12 : 1e-4;
    fx::Tensor a = well_conditioned({4, 4}, dt), b = random({4}, dt, 3), bm = random({4, 3}, dt, 4);
    fx::Tensor x = la::solve(a, b);
    EXPECT_EQ(x.shape(), (fx::Shape{4}));
    EXPECT_LT(max_abs_diff(a.matmul(x), b), tol);
    EXPECT_LT(max_abs_diff(a.matmul(la::solve(a, bm)), bm), tol);
    // batch of A with one B (broadcast), and batch of vectors [*, n]
    fx::Tensor ab = well_conditioned({2, 3, 4, 4}, dt, 5);
    fx::Tensor xb = la::solve(ab, bm);
    EXPECT_EQ(xb.shape(), (fx::Shape{2, 3, 4, 3}));
    EXPECT_LT(max_abs_diff(ab.matmul(xb), bm.expand({2, 3, 4, 3})), tol);
    fx::Tensor bv = random({2, 3, 4}, dt, 6);
    fx::Tensor xv = la::solve(ab, bv);
    EXPECT_EQ(xv.shape(), (fx::Shape{2, 3, 4}));
    EXPECT_LT(max_abs_diff(ab.matmul(xv.unsqueeze(-1)).reshape({2, 3, 4}), bv), tol);
  }
}

TEST(Linalg, SolveTransposedInputAndEmpty) {
  fx::Tensor a = well_conditioned({5, 5}), b = random({5, 2}, fx::Float64, 7);
  fx::Tensor at = mT(a.contiguous().transpose(0, 1).contiguous());  // a non-contiguous view of A
  EXPECT_FALSE(at.is_contiguous());
  EXPECT_LT(max_abs_diff(la::solve(at, b), la::solve(a, b)), 1e-12);
  EXPECT_EQ(la::solve(fx::zeros({0, 0}, fx::Float64), fx::zeros({0, 3}, fx::Float64)).shape(), (fx::Shape{0, 3}));
  EXPECT_EQ(la::inv(fx::zeros({2, 0, 0}, fx::Float64)).shape(), (fx::Shape{2, 0, 0}));
}

TEST(Linalg, InvTimesAIsIdentity) {
  for (fx::DType dt : {fx::Float64, fx::Float32}) {
    fx::Tensor a = well_conditioned({3, 6, 6}, dt);
    EXPECT_LT(max_abs_diff(a.matmul(la::inv(a)), identity(6, dt).expand({3, 6, 6})), dt == fx::Float64 ? 1e-12 : 1e-5);
  }
}

TEST(Linalg, DetOfTriangularPermutationAndThreeByThree) {
  fx::Tensor upper = fx::tensor({{2.0, 5.0, -1.0}, {0.0, -3.0, 4.0}, {0.0, 0.0, 0.5}}, fx::Float64);
  EXPECT_NEAR(la::det(upper).item(), -3.0, 1e-12);
  EXPECT_NEAR(la::det(mT(upper)).item(), -3.0, 1e-12);
  fx::Tensor swap = fx::tensor({{0.0, 1.0}, {1.0, 0.0}}, fx::Float64);
  EXPECT_NEAR(la::det(swap).item(), -1.0, 1e-15);
  // cofactor expansion
  fx::Tensor m = random({3, 3});
  auto v = m.to_vector<double>();
  double ref = v[0] * (v[4] * v[8] - v[5] * v[7]) - v[1] * (v[3] * v[8] - v[5] * v[6]) + v[2] * (v[3] * v[7] - v[4] * v[6]);
  EXPECT_NEAR(la::det(m).item(), ref, 1e-12);
  EXPECT_NEAR(la::det(m.to(fx::Float32)).item(), ref, 1e-5);
  EXPECT_EQ(la::det(random({2, 4, 3, 3})).shape(), (fx::Shape{2, 4}));
  EXPECT_DOUBLE_EQ(la::det(fx::zeros({0, 0}, fx::Float64)).item(), 1.0);
}

TEST(Linalg, SlogdetMatchesDetAndHandlesSingular) {
  fx::Tensor a = random({4, 5, 5});
  auto [sign, logabsdet] = la::slogdet(a);
  EXPECT_LT(max_abs_diff(sign * logabsdet.exp(), la::det(a)), 1e-10);
  la::SlogdetResult r = la::slogdet(fx::tensor({{1.0, 2.0}, {2.0, 4.0}}, fx::Float64));
  EXPECT_EQ(r.sign.item(), 0.0);
  EXPECT_EQ(r.logabsdet.item(), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(la::det(fx::tensor({{1.0, 2.0}, {2.0, 4.0}}, fx::Float64)).item(), 0.0);
  // a determinant far below double's range, exact in log space: det(1e-3 I_200) = 1e-600
  auto [s2, l2] = la::slogdet(identity(200) * 1e-3);
  EXPECT_EQ(s2.item(), 1.0);
  EXPECT_NEAR(l2.item(), 200 * std::log(1e-3), 1e-9);
}

TEST(Linalg, CholeskyReconstructsAndIsLower) {
  for (fx::DType dt : {fx::Float64, fx::Float32}) {
    fx::Tensor a = spd({3, 5, 5}, dt);
    fx::Tensor l = la::cholesky(a);
    EXPECT_LT(max_abs_diff(l.matmul(mT(l)), a), dt == fx::Float64 ? 1e-12 : 1e-4);
    for (int64_t i = 0; i < 5; ++i)
      for (int64_t j = i + 1; j < 5; ++j) EXPECT_EQ(l.at({1, i, j}), 0.0);
    EXPECT_GT(l.at({0, 2, 2}), 0.0);
  }
}

TEST(Linalg, EighReconstructsAndIsOrthonormal) {
  for (fx::DType dt : {fx::Float64, fx::Float32}) {
    double tol = dt == fx::Float64 ? 1e-12 : 1e-4;
    fx::Tensor b = random({2, 6, 6}, dt), s = b + mT(b);
    auto [w, v] = la::eigh(s);
    EXPECT_EQ(w.shape(), (fx::Shape{2, 6}));
    EXPECT_LT(max_abs_diff(v.matmul(diag_embed(w)).matmul(mT(v)), s), tol * 10);
    EXPECT_LT(max_abs_diff(mT(v).matmul(v), identity(6, dt).expand({2, 6, 6})), tol);
    auto wv = w.to_vector<double>();
    for (size_t i = 1; i < 6; ++i) EXPECT_LE(wv[i - 1], wv[i]);
    EXPECT_LT(max_abs_diff(la::eigvalsh(s), w), tol);
  }
  auto [w, v] = la::eigh(fx::tensor({{2.0, 1.0}, {1.0, 2.0}}, fx::Float64));
  EXPECT_NEAR(w.at({0}), 1.0, 1e-14);
  EXPECT_NEAR(w.at({1}), 3.0, 1e-14);
}

TEST(Linalg, SvdReconstructsTallAndWide) {
  for (fx::Shape shape : {fx::Shape{7, 4}, fx::Shape{3, 4, 7}, fx::Shape{5, 5}}) {
    fx::Tensor a = random(shape);
    auto [u, s, vh] = la::svd(a);
    int64_t k = std::min(shape[shape.size() - 2], shape.back());
    EXPECT_EQ(s.size(-1), k);
    EXPECT_EQ(u.size(-1), k);
    EXPECT_EQ(vh.size(-2), k);
    EXPECT_LT(max_abs_diff((u * s.unsqueeze(-2)).matmul(vh), a), 1e-12);
    EXPECT_LT(max_abs_diff(mT(u).matmul(u), identity(k).expand(fx::Shape(mT(u).matmul(u).shape()))), 1e-12);
    EXPECT_LT(max_abs_diff(vh.matmul(mT(vh)), identity(k).expand(fx::Shape(vh.matmul(mT(vh)).shape()))), 1e-12);
    auto sv = s.to_vector<double>();
    for (size_t i = 1; i < (size_t)k; ++i) EXPECT_GE(sv[i - 1], sv[i]);
    EXPECT_LT(max_abs_diff(la::svdvals(a), s), 1e-12);
  }
  auto [u, s, vh] = la::svd(random({6, 3}, fx::Float32));
  EXPECT_EQ(s.dtype(), fx::Float32);
  EXPECT_NEAR(la::svdvals(fx::tensor({{3.0, 0.0}, {0.0, -4.0}}, fx::Float64)).at({0}), 4.0, 1e-14);
}

TEST(Linalg, QrReconstructsWithOrthonormalQ) {
  for (fx::Shape shape : {fx::Shape{6, 4}, fx::Shape{2, 4, 6}, fx::Shape{5, 5}}) {
    for (fx::DType dt : {fx::Float64, fx::Float32}) {
      double tol = dt == fx::Float64 ? 1e-12 : 1e-5;
      fx::Tensor a = random(shape, dt);
      auto [q, r] = la::qr(a);
      int64_t m = shape[shape.size() - 2], n = shape.back(), k = std::min(m, n);
      EXPECT_EQ(q.size(-1), k);
      EXPECT_EQ(r.size(-2), k);
      EXPECT_LT(max_abs_diff(q.matmul(r), a), tol);
      fx::Tensor qtq = mT(q).matmul(q);
      EXPECT_LT(max_abs_diff(qtq, identity(k, dt).expand(qtq.shape())), tol);
      for (int64_t i = 0; i < k; ++i)
        for (int64_t j = 0; j < i; ++j) EXPECT_EQ(r.reshape({-1, k, n}).at({0, i, j}), 0.0);
    }
  }
}

TEST(Linalg, ErrorsNameTheOpAndShape) {
  fx::Tensor rect = random({3, 4}), sq = well_conditioned({3, 3});
  EXPECT_THROW((void)la::solve(rect, random({3})), fx::Error);
  EXPECT_THROW((void)la::solve(sq, random({4})), fx::Error);
  EXPECT_THROW((void)la::solve(sq, random({4, 2})), fx::Error);
  EXPECT_THROW((void)la::solve(well_conditioned({2, 3, 3}), random({3, 3, 1})), fx::Error);  // batch 2 vs 3
  EXPECT_THROW((void)la::inv(rect), fx::Error);
  EXPECT_THROW((void)la::det(rect), fx::Error);
  EXPECT_THROW((void)la::slogdet(random({3})), fx::Error);
  EXPECT_THROW((void)la::cholesky(rect), fx::Error);
  EXPECT_THROW((void)la::eigh(rect), fx::Error);
  EXPECT_THROW((void)la::svd(random({3})), fx::Error);
  EXPECT_THROW((void)la::qr(random({3})), fx::Error);
  fx::Tensor singular = fx::tensor({{1.0, 2.0}, {2.0, 4.0}}, fx::Float64);
  EXPECT_THROW((void)la::solve(singular, random({2})), fx::Error);
  EXPECT_THROW((void)la::inv(singular), fx::Error);
  EXPECT_THROW((void)la::inv(fx::zeros({3, 3}, fx::Float32)), fx::Error);
  try {
    (void)la::inv(singular);
  } catch (const fx::Error& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("linalg.inv"), std::string::npos);
    EXPECT_NE(msg.find("[2, 2]"), std::string::npos);
    EXPECT_NE(msg.find("singular"), std::string::npos);
  }
  fx::Tensor indefinite = fx::tensor({{1.0, 2.0}, {2.0, 1.0}}, fx::Float64);
  EXPECT_THROW((void)la::cholesky(indefinite), fx::Error);
  EXPECT_THROW((void)la::cholesky(-identity(3)), fx::Error);
  fx::Tensor ints = fx::tensor(std::vector<int64_t>{1, 0, 0, 1}, {2, 2});
  EXPECT_THROW((void)la::solve(ints, ints), fx::Error);
  EXPECT_THROW((void)la::solve(sq, fx::tensor(std::vector<int64_t>{1, 2, 3}, {3})), fx::Error);
  EXPECT_THROW((void)la::inv(ints), fx::Error);
  EXPECT_THROW((void)la::det(ints), fx::Error);
  EXPECT_THROW((void)la::slogdet(ints), fx::Error);
  EXPECT_THROW((void)la::cholesky(ints), fx::Error);
  EXPECT_THROW((void)la::eigh(ints), fx::Error);
  EXPECT_THROW((void)la::eigvalsh(ints), fx::Error);
  EXPECT_THROW((void)la::svd(ints), fx::Error);
  EXPECT_THROW((void)la::svdvals(ints), fx::Error);
  EXPECT_THROW((void)la::qr(ints), fx::Error);
  EXPECT_THROW((void)la::eigh(fx::full({3, 3}, std::nan(""), fx::Float64)), fx::Error);
  // a wide A: Q R = A with R upper-triangular, and differentiable (through its first m columns)
  fx::Tensor wide = random({3, 5}).requires_grad_();
  auto [wq, wr] = la::qr(wide);
  EXPECT_LT((wq.matmul(wr) - wide).abs().max().item(), 1e-12);
  EXPECT_EQ(wr.shape(), (fx::Shape{3, 5}));
  EXPECT_EQ(wr.select(1, 0).select(0, 2).item(), 0.0);
  wr.sum().backward();
  EXPECT_EQ(wide.grad().shape(), (fx::Shape{3, 5}));
  fx::Tensor tall = random({5, 3}).requires_grad_();
  la::qr(tall).R.sum().backward();
  EXPECT_EQ(tall.grad().shape(), (fx::Shape{5, 3}));
}

// ---- matmul: the BLAS path against the naive triple loop ------------------------

namespace {

void expect_matches_naive(const fx::TensorData& a, const fx::TensorData& b, double tol) {
  fx::TensorData y = fx::kernels::matmul(a, b), r = fx::kernels::matmul_naive(a, b);
  EXPECT_LT(max_abs_diff(fx::Tensor(y), fx::Tensor(r)), tol) << fx::to_string(a.shape) << " @ " << fx::to_string(b.shape);
}

}  // namespace

TEST(Matmul, BlasMatchesNaiveOnRandomShapesAndLayouts) {
  std::mt19937 gen(11);
  std::uniform_int_distribution<int64_t> size(0, 9);
  for (fx::DType dt : {fx::Float64, fx::Float32}) {
    double tol = dt == fx::Float64 ? 1e-12 : 1e-4;
    for (int trial = 0; trial < 40; ++trial) {
      int64_t n = size(gen), k = size(gen), m = size(gen);
      uint32_t seed = (uint32_t)trial;
      fx::TensorData a = random({n, k}, dt, seed).tensor_data(), b = random({k, m}, dt, seed + 100).tensor_data();
      expect_matches_naive(a, b, tol);
      // transposed operands: the same matrices stored the other way round
      fx::TensorData at = random({k, n}, dt, seed).tensor_data(), bt = random({m, k}, dt, seed + 100).tensor_data();
      fx::TensorData a_t = at.as_strided({n, k}, {1, std::max<int64_t>(n, 1)}, 0);
      fx::TensorData b_t = bt.as_strided({k, m}, {1, std::max<int64_t>(k, 1)}, 0);
      expect_matches_naive(a_t, b_t, tol);
      expect_matches_naive(a, b_t, tol);
      // strided: every other column of a wider array, with an offset
      fx::TensorData wide = random({n, 2 * k + 1}, dt, seed + 7).tensor_data();
      expect_matches_naive(wide.as_strided({n, k}, {2 * k + 1, 2}, 1), b, tol);
    }
  }
}

// Products small enough for small_gemm (when OpenBLAS runs its generic kernels),
// with ragged edges (n % 4, m % panel), transposed and strided operands, and
// one big enough to be split across threads.
TEST(Matmul, SmallGemmMatchesNaive) {
  uint32_t seed = 0;
  for (fx::DType dt : {fx::Float64, fx::Float32})
    for (int64_t n : {1, 4, 7, 13, 40})
      for (int64_t m : {1, 3, 8, 16, 17, 50, 64, 70})
        for (int64_t k : {1, 3, 65}) {
          double tol = dt == fx::Float64 ? 1e-12 : 1e-4;
          ++seed;
          fx::TensorData a = random({n, k}, dt, seed).tensor_data(), b = random({k, m}, dt, seed + 1000).tensor_data();
          expect_matches_naive(a, b, tol);
          fx::TensorData at = random({k, n}, dt, seed).tensor_data(), bt = random({m, k}, dt, seed + 1000).tensor_data();
          expect_matches_naive(at.as_strided({n, k}, {1, n}, 0), bt.as_strided({k, m}, {1, k}, 0), tol);
          expect_matches_naive(at.as_strided({n, k}, {1, n}, 0), b, tol);  // g^T @ x
          expect_matches_naive(a, bt.as_strided({k, m}, {1, k}, 0), tol);  // x @ w^T
          fx::TensorData wide = random({k, 2 * m}, dt, seed + 7).tensor_data();
          expect_matches_naive(a, wide.as_strided({k, m}, {2 * m, 1}, 1), tol);  // b with leading dim 2m
        }
  int threads = fx::get_num_threads();
  fx::set_num_threads(2);
  expect_matches_naive(random({512, 64}, fx::Float32, 1).tensor_data(), random({64, 64}, fx::Float32, 2).tensor_data(), 1e-3);
  expect_matches_naive(random({37, 129}, fx::Float64, 3).tensor_data(), random({129, 40}, fx::Float64, 4).tensor_data(), 1e-12);
  fx::set_num_threads(threads);
}

// small_gemm itself, whichever path matmul takes under this OPENBLAS_CORETYPE.
TEST(Matmul, SmallGemmKernelDirectly) {
  namespace k_ = fx::kernels;
  // B padded to small_gemm_ldb columns, the padding filled with NaN: it must never reach C.
  auto padded = [](const fx::TensorData& b, int64_t ld) {
    fx::TensorData out = k_::full({b.shape[0], ld}, NAN, b.dtype);
    k_::copy_(out.as_strided(b.shape, {ld, 1}, 0), b);
    return out;
  };
  for (auto [n, m, k] : {std::array<int64_t, 3>{5, 16, 3}, {9, 70, 33}, {4, 64, 1}, {1, 17, 65}, {6, 130, 7}}) {
    fx::TensorData a = random({n, k}, fx::Float32, 1).tensor_data(), b = random({k, m}, fx::Float32, 2).tensor_data();
    fx::TensorData c = fx::TensorData::empty({n, m}, fx::Float32);
    fx::TensorData bp = padded(b, k_::small_gemm_ldb<float>(m));
    k_::small_gemm<float>(n, m, k, a.data<float>(), k, 1, bp.data<float>(), bp.shape[1], c.data<float>(), m);
    EXPECT_LT(max_abs_diff(fx::Tensor(c), fx::Tensor(k_::matmul_naive(a, b))), 1e-4);
    fx::TensorData a64 = k_::to_dtype(a, fx::Float64), b64 = k_::to_dtype(b, fx::Float64);
    fx::TensorData at64 = k_::contiguous(a64.as_strided({k, n}, {1, k}, 0));  // a stored transposed: A(i, p) at p * n + i
    fx::TensorData bp64 = padded(b64, k_::small_gemm_ldb<double>(m));
    fx::TensorData d = fx::TensorData::empty({n, m}, fx::Float64);
    k_::small_gemm<double>(n, m, k, at64.data<double>(), 1, n, bp64.data<double>(), bp64.shape[1], d.data<double>(), m);
    EXPECT_LT(max_abs_diff(fx::Tensor(d), fx::Tensor(k_::matmul_naive(a64, b64))), 1e-12);
  }
}

TEST(Matmul, BatchedBroadcastAndOneDim) {
  fx::Tensor a = random({2, 3, 4, 5}), b = random({3, 5, 6}, fx::Float64, 2);
  fx::Tensor y = a.matmul(b);
  EXPECT_EQ(y.shape(), (fx::Shape{2, 3, 4, 6}));
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j) {
      fx::TensorData ai = a.tensor_data().as_strided({4, 5}, {5, 1}, (i * 3 + j) * 20);
      fx::TensorData bj = b.tensor_data().as_strided({5, 6}, {6, 1}, j * 30);
      fx::TensorData yij = y.tensor_data().as_strided({4, 6}, {6, 1}, (i * 3 + j) * 24);
      EXPECT_LT(max_abs_diff(fx::Tensor(yij), fx::Tensor(fx::kernels::matmul_naive(ai, bj))), 1e-12);
    }
  // [B, n, k] @ [k, m] folds the batch into one gemm; transposed batch does not
  fx::Tensor w = random({5, 6}, fx::Float64, 3);
  fx::Tensor yb = a.matmul(w), yt = a.transpose(0, 1).matmul(w);
  EXPECT_LT(max_abs_diff(yb.transpose(0, 1), yt), 1e-12);
  fx::TensorData a0 = a.tensor_data().as_strided({4, 5}, {5, 1}, 20);
  EXPECT_LT(max_abs_diff(fx::Tensor(yb.tensor_data().as_strided({4, 6}, {6, 1}, 24)),
                         fx::Tensor(fx::kernels::matmul_naive(a0, w.tensor_data()))), 1e-12);
  // 1-D operands
  fx::Tensor v = random({5}, fx::Float64, 4), u = random({4}, fx::Float64, 5);
  EXPECT_EQ(a.matmul(v).shape(), (fx::Shape{2, 3, 4}));
  EXPECT_EQ(u.matmul(a).shape(), (fx::Shape{2, 3, 5}));
  EXPECT_NEAR(v.matmul(v).item(), (v * v).sum().item(), 1e-12);
  EXPECT_LT(max_abs_diff(w.transpose(0, 1).matmul(v).reshape({6}), v.matmul(w)), 1e-12);
  // size 0
  EXPECT_EQ(random({0, 3}).matmul(random({3, 4})).shape(), (fx::Shape{0, 4}));
  fx::Tensor z = random({2, 0}).matmul(random({0, 3}));
  EXPECT_EQ(z.shape(), (fx::Shape{2, 3}));
  EXPECT_EQ(z.sum().item(), 0.0);
  EXPECT_THROW((void)random({3, 4}).matmul(random({5, 2})), fx::Error);
}

TEST(Matmul, MatrixTimesABatchOfVectorsIsOneGemmOverAnyBatchLayout) {
  // a [n, k] @ b [B1, B2, k, 1]: against the rows b_i^T a^T by another path,
  // with b's batch dims contiguous, permuted (not mergeable), and expanded.
  for (fx::DType dt : {fx::Float64, fx::Float32}) {
    fx::Tensor a = random({5, 7}, dt, 3), at = random({7, 5}, dt, 4).t();  // plain and transposed a
    fx::Tensor b = random({3, 4, 7, 1}, dt, 5);
    for (const fx::Tensor& bb : {b, b.permute({1, 0, 2, 3}), random({1, 4, 7, 1}, dt, 6).expand({3, 4, 7, 1})})
      for (const fx::Tensor& aa : {a, at}) {
        fx::Tensor y(fx::kernels::matmul(aa.tensor_data(), bb.tensor_data()));
        fx::Tensor want = bb.squeeze(-1).contiguous().matmul(aa.t().contiguous()).unsqueeze(-1);
        ASSERT_EQ(y.shape(), want.shape());
        EXPECT_LT(max_abs_diff(y, want), dt == fx::Float64 ? 1e-12 : 1e-4) << fx::to_string(bb.strides());
      }
  }
}
