// SPDX-License-Identifier: MIT
// fluxion's packed GEMM (tensor/kernels/gemm.h) against a naive triple loop in
// double: every micro-kernel family this CPU runs (AVX-512, AVX2, portable),
// ragged shapes, every transpose, strided and offset operands, alpha / beta,
// NaN and Inf, one and two threads; and the path matmul / conv2d take.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "fluxion.h"
#include "tensor/config.h"
#include "tensor/kernels/gemm.h"
#include "tensor/kernels/matmul.h"

namespace fx = fluxion;
namespace k_ = fluxion::kernels;

namespace {

const k_::GemmIsa kIsas[] = {k_::GemmIsa::avx512, k_::GemmIsa::avx2, k_::GemmIsa::generic};

// A matrix of r x c values inside a larger buffer: element (i, j) at buf[off + i * rs + j * cs].
template <class T>
struct Mat {
  int64_t r, c, rs, cs, off;
  std::vector<T> buf;
  T& at(int64_t i, int64_t j) { return buf[off + i * rs + j * cs]; }
  const T* data() const { return buf.data() + off; }
  T* data() { return buf.data() + off; }
};

// Layouts: 0 row-major, 1 column-major (a transpose), 2 padded rows with an
// offset, 3 every other element along both dims (a strided view).
template <class T>
Mat<T> make(int64_t r, int64_t c, int layout, std::mt19937& rng, T fill = T(0)) {
  Mat<T> m{r, c, 0, 0, 0, {}};
  switch (layout) {
    case 0:
      m.rs = c, m.cs = 1;
      break;
    case 1:
      m.rs = 1, m.cs = r;
      break;
    case 2:
      m.rs = c + 5, m.cs = 1, m.off = 3;
      break;
    default:
      m.rs = 2 * (2 * c + 1), m.cs = 2, m.off = 1;
      break;
  }
  m.buf.assign(m.off + (r - 1) * m.rs + (c - 1) * m.cs + 1, fill);
  std::uniform_real_distribution<double> u(-1, 1);
  for (int64_t i = 0; i < r; ++i)
    for (int64_t j = 0; j < c; ++j) m.at(i, j) = static_cast<T>(u(rng));
  return m;
}

// Runs gemm(alpha, a, b, beta, c) with the given kernels and threads and checks every
// element of C against alpha a b + beta c0 summed in double, to a bound scaled by
// sum |alpha a b| + |beta c0| (the bound of a dot product in T's precision).
template <class T>
void check_gemm(k_::GemmIsa isa, int threads, int64_t m, int64_t n, int64_t k, int la, int lb, int lc, T alpha, T beta,
                std::mt19937& rng) {
  Mat<T> a = make<T>(m, k, la, rng), b = make<T>(k, n, lb, rng), c = make<T>(m, n, lc, rng);
  Mat<T> c0 = c;
  k_::gemm<T>({.m = m,
               .n = n,
               .k = k,
               .alpha = alpha,
               .a = a.data(),
               .rsa = a.rs,
               .csa = a.cs,
               .b = b.data(),
               .rsb = b.rs,
               .csb = b.cs,
               .beta = beta,
               .c = c.data(),
               .rsc = c.rs,
               .csc = c.cs},
              isa, threads);
  const double eps = std::numeric_limits<T>::epsilon();
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double s = 0, mag = 0;
      for (int64_t p = 0; p < k; ++p) {
        s += (double)a.at(i, p) * (double)b.at(p, j);
        mag += std::abs((double)a.at(i, p) * (double)b.at(p, j));
      }
      double want = (double)alpha * s + (double)beta * (double)c0.at(i, j);
      double bound = 2 * eps * (double)(k + 2) * (std::abs((double)alpha) * mag + std::abs((double)beta * c0.at(i, j)));
      ASSERT_LE(std::abs((double)c.at(i, j) - want), bound + 1e-300)
          << k_::gemm_isa_name(isa) << " m=" << m << " n=" << n << " k=" << k << " layouts " << la << lb << lc
          << " at (" << i << ", " << j << ")";
    }
  // Padding and gaps around C are never written.
  std::vector<bool> in_c(c.buf.size(), false);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) in_c[c.off + i * c.rs + j * c.cs] = true;
  for (size_t e = 0; e < c.buf.size(); ++e) {
    if (!in_c[e]) {
      ASSERT_EQ(c.buf[e], c0.buf[e]) << "gemm wrote outside C at " << e;
    }
  }
}

// Dims around every kernel's tile sizes (4, 6, 8, 14, 16, 32) and block sizes, and primes.
const int64_t kDims[] = {1, 2, 3, 5, 7, 13, 14, 15, 17, 31, 32, 33, 47, 97, 128, 131, 211, 300};

template <class T>
void ragged_shapes(k_::GemmIsa isa) {
  std::mt19937 rng(0);
  int step = 0;
  for (int64_t m : kDims)
    for (int64_t n : kDims) {
      int64_t k = kDims[(step++ * 7) % std::size(kDims)];
      if (m * n * k > 3'000'000) k = 7;  // keep the naive reference fast
      check_gemm<T>(isa, 1, m, n, k, 0, 0, 0, T(1), T(0), rng);
    }
  // k across the kc block boundary, and over several blocks (kc <= 512), which
  // the driver splits into equal parts whose ends fall anywhere
  for (int64_t k : {1, 2, 191, 192, 193, 300, 401, 481, 1025})
    check_gemm<T>(isa, 1, 29, 45, k, 0, 0, 0, T(1), T(0), rng);
}

}  // namespace

TEST(Gemm, EveryIsaAgreesWithNaiveOnRaggedShapes) {
  for (k_::GemmIsa isa : kIsas) {
    if (!k_::gemm_isa_supported(isa)) continue;
    SCOPED_TRACE(k_::gemm_isa_name(isa));
    ragged_shapes<double>(isa);
    ragged_shapes<float>(isa);
  }
}

TEST(Gemm, Avx512KernelsRunWhereSupported) {
  if (!k_::gemm_isa_supported(k_::GemmIsa::avx512)) GTEST_SKIP() << "this CPU has no AVX-512F";
  std::mt19937 rng(1);
  check_gemm<double>(k_::GemmIsa::avx512, 1, 300, 211, 97, 0, 0, 0, 1.0, 0.0, rng);
  check_gemm<float>(k_::GemmIsa::avx512, 1, 300, 211, 97, 0, 0, 0, 1.0f, 0.0f, rng);
}

TEST(Gemm, Avx2KernelsRunWhereSupported) {
  if (!k_::gemm_isa_supported(k_::GemmIsa::avx2)) GTEST_SKIP() << "this CPU has no AVX2+FMA";
  std::mt19937 rng(2);
  check_gemm<double>(k_::GemmIsa::avx2, 1, 211, 300, 97, 0, 0, 0, 1.0, 0.0, rng);
  check_gemm<float>(k_::GemmIsa::avx2, 1, 211, 300, 97, 0, 0, 0, 1.0f, 0.0f, rng);
}

TEST(Gemm, EveryTransposeStrideAndOffset) {
  std::mt19937 rng(3);
  for (k_::GemmIsa isa : kIsas) {
    if (!k_::gemm_isa_supported(isa)) continue;
    for (int la = 0; la < 4; ++la)
      for (int lb = 0; lb < 4; ++lb)
        for (int lc = 0; lc < 4; ++lc) {
          check_gemm<double>(isa, 1, 37, 41, 29, la, lb, lc, 1.0, 0.0, rng);
          check_gemm<float>(isa, 1, 17, 35, 53, la, lb, lc, 1.0f, 0.0f, rng);
        }
  }
}

TEST(Gemm, AlphaAndBeta) {
  std::mt19937 rng(4);
  for (k_::GemmIsa isa : kIsas) {
    if (!k_::gemm_isa_supported(isa)) continue;
    for (auto [alpha, beta] : {std::pair{-1.5, 0.75}, {2.0, 1.0}, {0.5, -2.0}, {1.0, 1.0}}) {
      check_gemm<double>(isa, 1, 45, 70, 300, 0, 1, 0, alpha, beta, rng);  // k > kc: later blocks add to C
      check_gemm<float>(isa, 1, 45, 70, 33, 1, 0, 2, (float)alpha, (float)beta, rng);
      check_gemm<double>(isa, 1, 19, 23, 31, 0, 0, 1, alpha, beta, rng);  // column-major C
      check_gemm<double>(isa, 1, 19, 23, 31, 0, 0, 3, alpha, beta, rng);  // strided C
    }
  }
}

TEST(Gemm, BetaZeroDoesNotReadC) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::mt19937 rng(5);
  for (k_::GemmIsa isa : kIsas) {
    if (!k_::gemm_isa_supported(isa)) continue;
    for (int lc : {0, 1, 3}) {
      Mat<double> a = make<double>(33, 300, 0, rng), b = make<double>(300, 47, 0, rng);
      Mat<double> c = make<double>(33, 47, lc, rng);
      for (int64_t i = 0; i < 33; ++i)
        for (int64_t j = 0; j < 47; ++j) c.at(i, j) = nan;
      k_::gemm<double>({.m = 33,
                        .n = 47,
                        .k = 300,
                        .a = a.data(),
                        .rsa = a.rs,
                        .csa = a.cs,
                        .b = b.data(),
                        .rsb = b.rs,
                        .csb = b.cs,
                        .beta = 0.0,
                        .c = c.data(),
                        .rsc = c.rs,
                        .csc = c.cs},
                       isa, 1);
      for (int64_t i = 0; i < 33; ++i)
        for (int64_t j = 0; j < 47; ++j) ASSERT_TRUE(std::isfinite(c.at(i, j))) << k_::gemm_isa_name(isa);
    }
  }
}

TEST(Gemm, NanAndInfInOperandsPropagate) {
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  std::mt19937 rng(6);
  for (k_::GemmIsa isa : kIsas) {
    if (!k_::gemm_isa_supported(isa)) continue;
    const int64_t m = 31, n = 45, k = 20;
    Mat<double> a = make<double>(m, k, 0, rng), b = make<double>(k, n, 0, rng), c = make<double>(m, n, 0, rng);
    a.at(7, 3) = nan;   // row 7 of C becomes NaN
    b.at(5, 40) = inf;  // column 40 of C becomes +-Inf (or NaN where it meets row 7)
    k_::gemm<double>(
        {.m = m, .n = n, .k = k, .a = a.data(), .rsa = a.rs, .b = b.data(), .rsb = b.rs, .c = c.data(), .rsc = c.rs},
        isa, 1);
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        if (i == 7)
          EXPECT_TRUE(std::isnan(c.at(i, j))) << i << ", " << j;
        else if (j == 40)
          EXPECT_TRUE(std::isinf(c.at(i, j))) << i << ", " << j;
        else
          EXPECT_TRUE(std::isfinite(c.at(i, j))) << i << ", " << j;
      }
  }
}

TEST(Gemm, AlphaZeroOrEmptySumScalesC) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> a(6, nan), b(6, nan), c = {1, 2, 3, 4};
  k_::gemm<double>({.m = 2,
                    .n = 2,
                    .k = 3,
                    .alpha = 0.0,
                    .a = a.data(),
                    .rsa = 3,
                    .b = b.data(),
                    .rsb = 2,
                    .beta = 2.0,
                    .c = c.data(),
                    .rsc = 2});
  EXPECT_EQ(c, (std::vector<double>{2, 4, 6, 8}));  // A and B are not read (BLAS's rule)
  k_::gemm<double>(
      {.m = 2, .n = 2, .k = 0, .a = a.data(), .rsa = 0, .b = b.data(), .rsb = 2, .beta = 0.0, .c = c.data(), .rsc = 2});
  EXPECT_EQ(c, (std::vector<double>{0, 0, 0, 0}));
}

TEST(Gemm, TwoThreadsGiveTheSameBits) {
  std::mt19937 rng(7);
  for (k_::GemmIsa isa : kIsas) {
    if (!k_::gemm_isa_supported(isa)) continue;
    for (auto [m, n] : {std::pair<int64_t, int64_t>{300, 300}, {97, 600}, {700, 61}}) {
      Mat<float> a = make<float>(m, 211, 0, rng), b = make<float>(211, n, 1, rng);
      std::vector<float> c1(m * n), c2(m * n, 1.0f);
      auto run = [&](float* c, int threads) {
        k_::gemm<float>({.m = m,
                         .n = n,
                         .k = 211,
                         .a = a.data(),
                         .rsa = a.rs,
                         .csa = a.cs,
                         .b = b.data(),
                         .rsb = b.rs,
                         .csb = b.cs,
                         .c = c,
                         .rsc = n},
                        isa, threads);
      };
      run(c1.data(), 1);
      run(c2.data(), 2);  // the output split in blocks: every element summed in the same order
      EXPECT_EQ(c1, c2) << k_::gemm_isa_name(isa) << " m=" << m << " n=" << n;
      check_gemm<double>(isa, 2, m, n, 211, 0, 1, 0, -1.0, 0.5, rng);
    }
  }
}

// Shapes that cross each block size of the driver in one dim (the rows of A's block,
// the columns of B's panel, the length of a block of the sum), for every kernel.
TEST(Gemm, EachBlockBoundaryAgreesWithNaive) {
  std::mt19937 rng(13);
  for (k_::GemmIsa isa : kIsas) {
    if (!k_::gemm_isa_supported(isa)) continue;
    check_gemm<float>(isa, 1, 1000, 9, 40, 0, 0, 0, 1.0f, 0.0f, rng);
    check_gemm<double>(isa, 1, 5, 4200, 7, 1, 0, 2, 2.0, 0.5, rng);
    check_gemm<double>(isa, 1, 3, 5, 1500, 0, 1, 0, 1.0, 1.0, rng);
  }
}

// Called from inside another parallel region (conv2d runs images on several
// threads), a product that would be split still computes every block of C: OpenMP
// gives the nested region one thread, so gemm must not hand out blocks to others.
TEST(Gemm, InsideAParallelRegionComputesAllOfC) {
  Mat<float> a, b;
  {
    std::mt19937 rng(11);
    a = make<float>(300, 211, 0, rng), b = make<float>(211, 300, 0, rng);
  }
  std::vector<float> want(300 * 300), got[2];
  auto run = [&](float* c) {
    k_::gemm<float>({.m = 300, .n = 300, .k = 211, .a = a.data(), .rsa = a.rs, .csa = a.cs, .b = b.data(),
                     .rsb = b.rs, .csb = b.cs, .c = c, .rsc = 300},
                    2);
  };
  run(want.data());
#pragma omp parallel for num_threads(2)
  for (int t = 0; t < 2; ++t) {
    got[t].assign(300 * 300, std::nanf(""));
    run(got[t].data());
  }
  EXPECT_EQ(got[0], want);
  EXPECT_EQ(got[1], want);
}

TEST(Gemm, MatmulBatchedAndBroadcastAgreeWithNaive) {
  fx::manual_seed(8);
  // [B, n, k] @ [B, k, m] (bmm), [B, n, k] @ [k, m] and a transposed batch: every item
  // against the naive 2-D product, whichever path gemm_path() chose.
  fx::TensorData a = fx::randn({5, 67, 130}, fx::Float64).tensor_data();
  fx::TensorData b = fx::randn({5, 130, 90}, fx::Float64).tensor_data();
  fx::TensorData bt = fx::randn({5, 90, 130}, fx::Float64).tensor_data();
  bt = bt.as_strided({5, 130, 90}, {bt.strides[0], bt.strides[2], bt.strides[1]}, bt.offset);
  for (const fx::TensorData& rhs : {b, bt}) {
    fx::TensorData y = k_::matmul(a, rhs);
    ASSERT_EQ(y.shape, (fx::Shape{5, 67, 90}));
    for (int64_t i = 0; i < 5; ++i) {
      fx::TensorData ai = a.as_strided({67, 130}, {a.strides[1], a.strides[2]}, a.offset + i * a.strides[0]);
      fx::TensorData bi = rhs.as_strided({130, 90}, {rhs.strides[1], rhs.strides[2]}, rhs.offset + i * rhs.strides[0]);
      fx::TensorData want = k_::matmul_naive(ai, bi);
      double worst = 0;
      for (int64_t e = 0; e < 67 * 90; ++e)
        worst = std::max(worst, std::abs(y.data<double>()[i * 67 * 90 + e] - want.data<double>()[e]));
      EXPECT_LT(worst, 1e-12) << "batch item " << i;
    }
  }
}

TEST(Gemm, BatchedOuterProductsAgreeWithNaive) {
  // k = 1 (vmap's per-example weight gradients, g^T x): a [B, n, 1] plain or as a
  // transposed view, b [B, 1, m] plain or every other element; each item exact.
  fx::manual_seed(9);
  for (fx::DType dt : {fx::Float64, fx::Float32, fx::Int64}) {
    fx::Tensor a = (fx::randn({3, 37, 1}) * 9.0).to(dt), at = (fx::randn({3, 1, 37}) * 9.0).to(dt).transpose(1, 2);
    fx::Tensor b = (fx::randn({3, 1, 70}) * 9.0).to(dt), bs = (fx::randn({3, 1, 140}) * 9.0).to(dt).slice(2, 0, 140, 2);
    for (const fx::Tensor& l : {a, at})
      for (const fx::Tensor& r : {b, bs}) {
        fx::TensorData y = k_::matmul(l.tensor_data(), r.tensor_data());
        for (int64_t i = 0; i < 3; ++i) {
          fx::TensorData want = k_::matmul_naive(l.select(0, i).tensor_data(), r.select(0, i).tensor_data());
          EXPECT_EQ(fx::Tensor(y).select(0, i).sub(fx::Tensor(want)).abs().max().item(), 0.0) << i;
        }
      }
  }
}

TEST(Gemm, ConfigSaysWhichPathAndWhy) {
  std::string report = fx::config();
  EXPECT_NE(report.find("GEMM path:"), std::string::npos) << report;
  EXPECT_NE(report.find(k_::gemm_path_name()), std::string::npos) << report;
  EXPECT_FALSE(k_::gemm_path_reason().empty());
  EXPECT_TRUE(k_::gemm_isa_supported(k_::GemmIsa::generic));
  EXPECT_TRUE(k_::gemm_isa_supported(k_::gemm_best_isa()));
}
