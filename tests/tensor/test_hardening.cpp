// SPDX-License-Identifier: MIT
// Regression tests for issue #23 in the tensor layer: sizes whose products
// overflow are errors, Int64 arithmetic wraps around (as PyTorch) without
// undefined behaviour, item<int64_t>() is exact.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "fluxion.h"

namespace fx = fluxion;

namespace {

constexpr int64_t kMin = std::numeric_limits<int64_t>::min(), kMax = std::numeric_limits<int64_t>::max();

fx::Tensor ints(std::vector<int64_t> v) {
  int64_t n = (int64_t)v.size();
  return fx::tensor(std::move(v), {n});
}

}  // namespace

TEST(SizeOverflow, HugeShapesAreErrorsNotTinyBuffers) {
  EXPECT_THROW(fx::zeros({1LL << 61}, fx::Float64), fx::Error);  // 2^64 bytes
  EXPECT_THROW(fx::ones({1LL << 62}), fx::Error);
  EXPECT_THROW(fx::zeros({1LL << 32, 1LL << 32}), fx::Error);     // 2^64 elements
  EXPECT_THROW(fx::zeros({0, 1LL << 62, 1LL << 62}), fx::Error);  // strides overflow though numel is 0
}

TEST(SizeOverflow, ExpandToAnOverflowingShapeIsAnError) {
  auto x = fx::randn({1});
  EXPECT_THROW(x.expand({1LL << 61, 1LL << 3}), fx::Error);
  EXPECT_THROW(fx::randn({1, 1}).expand({1LL << 40, 1LL << 40}).contiguous(), fx::Error);
}

TEST(SizeOverflow, ReshapeCannotWrapTheElementCount) {
  auto x = fx::tensor({1.0, 2.0});
  EXPECT_THROW(x.reshape({3, 6148914691236517206}), fx::Error);  // 3 * that wraps to 2 mod 2^64
  EXPECT_THROW(x.reshape({-1, 6148914691236517206, 3}), fx::Error);
  EXPECT_EQ(x.reshape({2, 1}).shape(), (fx::Shape{2, 1}));
}

TEST(SizeOverflow, PadCannotWrapASize) {
  auto x = fx::tensor({1.0, 2.0});
  EXPECT_THROW(fx::pad(x, {kMax, 0}), fx::Error);
  EXPECT_THROW(fx::pad(x, {kMax, kMax}), fx::Error);
  EXPECT_THROW(fx::pad(x, {kMin, kMin}), fx::Error);
  EXPECT_THROW(fx::pad(x, {1LL << 61, 0}), fx::Error);
}

TEST(SizeOverflow, SliceWithAHugeStep) {
  auto x = fx::arange(0, 10, 1, fx::Float64);
  auto s = x.slice(0, 0, 5, kMax);  // one element: x[0]
  ASSERT_EQ(s.shape(), (fx::Shape{1}));
  EXPECT_EQ(s.item(), 0.0);
  auto t = x.slice(0, 3, kMax, kMax - 1);
  ASSERT_EQ(t.shape(), (fx::Shape{1}));
  EXPECT_EQ(t.item(), 3.0);
  EXPECT_EQ(x.slice(0, 1, 10, 4).to_vector<double>(), (std::vector<double>{1, 5, 9}));
}

TEST(Int64Wrap, ArithmeticWrapsAroundAsPyTorch) {
  auto big = ints({kMax, kMin, 3});
  EXPECT_EQ((big + ints({1, -1, 4})).to_vector<int64_t>(), (std::vector<int64_t>{kMin, kMax, 7}));
  EXPECT_EQ((big - ints({-1, 1, 4})).to_vector<int64_t>(), (std::vector<int64_t>{kMin, kMax, -1}));
  EXPECT_EQ((big * ints({2, 2, 4})).to_vector<int64_t>(), (std::vector<int64_t>{-2, 0, 12}));
  EXPECT_EQ(ints({kMin, 5}).neg().to_vector<int64_t>(), (std::vector<int64_t>{kMin, -5}));
  EXPECT_EQ(ints({kMin, -5}).abs().to_vector<int64_t>(), (std::vector<int64_t>{kMin, 5}));
}

TEST(Int64Wrap, ReductionsWrapAroundAsPyTorch) {
  EXPECT_EQ(ints({kMax, 1}).sum().item<int64_t>(), kMin);
  EXPECT_EQ(ints({kMax, kMax, 2}).sum().item<int64_t>(), 0);
  EXPECT_EQ(ints({1LL << 32, 1LL << 32}).prod().item<int64_t>(), 0);  // 2^64 mod 2^64
  EXPECT_EQ(ints({kMax, 1, 1}).cumsum(0).to_vector<int64_t>(), (std::vector<int64_t>{kMax, kMin, kMin + 1}));
}

TEST(Int64Item, IsExact) {
  int64_t v = (1LL << 53) + 1;  // not a double
  EXPECT_EQ(ints({v}).item<int64_t>(), v);
  EXPECT_EQ(ints({kMin}).item<int64_t>(), kMin);
  EXPECT_EQ(ints({kMax}).sum().item<int64_t>(), kMax);
  EXPECT_EQ(fx::tensor({2.75}, fx::Float64).item<int64_t>(), 2);
  EXPECT_THROW(ints({1, 2}).item<int64_t>(), fx::Error);
}
