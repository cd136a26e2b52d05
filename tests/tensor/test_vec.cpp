// SPDX-License-Identifier: MIT
// tensor/vec.h: the SIMD-cloned flat-array arithmetic held to plain loops, on
// lengths around the 32-lane blocks, and the raw copies (contiguous, clone).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "tensor/vec.h"

namespace fx = fluxion;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::vector<double> values(size_t n, double phase) {
  std::vector<double> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = std::sin(0.7 * (double)i + phase) * (1 + (double)(i % 5));
  return v;
}

}  // namespace

TEST(Vec, ReductionsMatchPlainLoops) {
  for (size_t n : {0, 1, 5, 31, 32, 33, 64, 100, 1000}) {
    auto a = values(n, 0.3), b = values(n, 1.1);
    double dot = 0, asum = 0, amax = 0;
    for (size_t i = 0; i < n; ++i) dot += a[i] * b[i], asum += std::abs(a[i]), amax = std::max(amax, std::abs(a[i]));
    EXPECT_NEAR(fx::vec::dot(a, b), dot, 1e-12 * (1 + asum)) << n;
    EXPECT_NEAR(fx::vec::asum(a), asum, 1e-12 * (1 + asum)) << n;
    EXPECT_EQ(fx::vec::amax(a), amax) << n;
    EXPECT_EQ(fx::vec::norm(a), std::sqrt(fx::vec::dot(a, a))) << n;
    EXPECT_EQ(fx::vec::norm(a, kInf), amax) << n;
    EXPECT_TRUE(fx::vec::all_finite(a)) << n;
  }
}

TEST(Vec, AllFiniteFindsAnInfinityOrNaNAnywhere) {
  for (size_t n : {1, 33, 100})
    for (size_t at : {(size_t)0, n / 2, n - 1})
      for (double bad : {kInf, -kInf, std::numeric_limits<double>::quiet_NaN()}) {
        auto a = values(n, 0.0);
        a[at] = bad;
        EXPECT_FALSE(fx::vec::all_finite(a)) << n << " " << at << " " << bad;
      }
}

TEST(Vec, AxpyAxpbyScaleRoundAsTheirFormulas) {
  for (size_t n : {1, 7, 32, 45, 300}) {
    auto x = values(n, 0.5), y = values(n, 2.0);
    auto y1 = y, y2 = y, x3 = x;
    fx::vec::axpy(0.37, x, y1);
    fx::vec::axpby(-1, x, 0.37, y2);
    fx::vec::scale(-2.5, x3);
    for (size_t i = 0; i < n; ++i) {
      EXPECT_EQ(y1[i], y[i] + 0.37 * x[i]) << i;  // no fused multiply-add: bit for bit
      EXPECT_EQ(y2[i], -x[i] + 0.37 * y[i]) << i;
      EXPECT_EQ(x3[i], -2.5 * x[i]) << i;
    }
  }
}

TEST(Vec, ContiguousAndCloneCopyAStridedView) {
  fx::TensorData d = fx::TensorData::empty({2, 3}, fx::Float32);
  for (int i = 0; i < 6; ++i) d.data<float>()[i] = (float)i;
  fx::TensorData t = d.as_strided({3, 2}, {1, 3}, 0);  // the transpose
  ASSERT_FALSE(t.is_contiguous());
  fx::TensorData c = fx::vec::contiguous(t, fx::Float64);
  ASSERT_TRUE(c.is_contiguous());
  EXPECT_EQ(c.dtype, fx::Float64);
  const double want[] = {0, 3, 1, 4, 2, 5};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(c.data<double>()[i], want[i]) << i;
  EXPECT_EQ(fx::vec::contiguous(d).storage, d.storage);  // already contiguous: itself
  fx::TensorData k = fx::vec::clone(d);
  EXPECT_NE(k.storage, d.storage);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(k.data<float>()[i], (float)i) << i;
}
