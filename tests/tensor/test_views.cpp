// SPDX-License-Identifier: MIT
// Views that share storage: slice, select, narrow, diagonal, permute,
// squeeze, flatten, reshape-as-view; checked against plain index loops, on
// negative indices, size-0 dims and non-contiguous inputs, with every error.
#include <gtest/gtest.h>

#include "fluxion.h"

namespace fx = fluxion;

namespace {

// x[i, j, k] = 100 i + 10 j + k, so a value names its position.
fx::Tensor positions(int64_t a, int64_t b, int64_t c) {
  std::vector<double> v;
  for (int64_t i = 0; i < a; ++i)
    for (int64_t j = 0; j < b; ++j)
      for (int64_t k = 0; k < c; ++k) v.push_back(100.0 * i + 10.0 * j + k);
  return fx::tensor(v, {a, b, c}, fx::Float64);
}

fx::Tensor iota(int64_t n) {
  std::vector<double> v;
  for (int64_t i = 0; i < n; ++i) v.push_back((double)i);
  return fx::tensor(v, {n}, fx::Float64);
}

bool shares_storage(const fx::Tensor& a, const fx::Tensor& b) {
  return a.tensor_data().storage == b.tensor_data().storage;
}

}  // namespace

TEST(Slice, MatchesPythonSlicing) {
  auto x = iota(10);
  auto expect = [&](fx::Tensor y, std::vector<double> want) { EXPECT_EQ(y.to_vector<double>(), want); };
  expect(x.slice(0, 2, 5), {2, 3, 4});
  expect(x.slice(0, 1, -1, 3), {1, 4, 7});
  expect(x.slice(0, -3, std::nullopt), {7, 8, 9});
  expect(x.slice(0, std::nullopt, 3), {0, 1, 2});
  expect(x.slice(0, std::nullopt, std::nullopt, 4), {0, 4, 8});
  expect(x.slice(0, -100, 100), {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});  // clamped like Python
  expect(x.slice(0, 7, 3), {});                                  // empty, not an error
  expect(x.slice(0, 12, 20), {});
  EXPECT_EQ(x.slice(0, 5, 5).shape(), (fx::Shape{0}));
}

TEST(Slice, AlongInnerDimOfNonContiguousInput) {
  auto base = positions(3, 4, 5);
  auto x = base.permute({2, 0, 1});  // shape [5, 3, 4], not contiguous
  ASSERT_FALSE(x.is_contiguous());
  auto y = x.slice(-1, 1, std::nullopt, 2);  // [5, 3, 2]
  ASSERT_EQ(y.shape(), (fx::Shape{5, 3, 2}));
  for (int64_t k = 0; k < 5; ++k)
    for (int64_t i = 0; i < 3; ++i)
      for (int64_t j = 0; j < 2; ++j) EXPECT_EQ(y.at({k, i, j}), 100.0 * i + 10.0 * (1 + 2 * j) + k);
  EXPECT_TRUE(shares_storage(y, base));
}

TEST(Slice, WritesThroughToTheBase) {
  auto base = fx::zeros({4, 6}, fx::Float64);
  auto v = base.slice(1, 1, -1, 2);  // columns 1 and 3
  ASSERT_TRUE(shares_storage(v, base));
  // write into the view's storage position by position, then read the base
  auto d = v.tensor_data();
  double* p = static_cast<double*>(d.storage->data);
  for (int64_t i = 0; i < 4; ++i)
    for (int64_t j = 0; j < 2; ++j) p[d.offset + i * d.strides[0] + j * d.strides[1]] = 1.0;
  for (int64_t i = 0; i < 4; ++i)
    for (int64_t j = 0; j < 6; ++j) EXPECT_EQ(base.at({i, j}), (j == 1 || j == 3) ? 1.0 : 0.0);
}

TEST(Slice, SizeZeroDims) {
  auto x = fx::zeros({0, 3}, fx::Float64);
  EXPECT_EQ(x.slice(1, 1, std::nullopt).shape(), (fx::Shape{0, 2}));
  EXPECT_EQ(x.slice(0, 0, 5).shape(), (fx::Shape{0, 3}));
  EXPECT_EQ(x.select(1, -1).shape(), (fx::Shape{0}));
}

TEST(Slice, Errors) {
  auto x = fx::zeros({3, 4});
  EXPECT_THROW((void)x.slice(0, 0, 2, 0), fx::Error);
  EXPECT_THROW((void)x.slice(0, 0, 2, -1), fx::Error);
  EXPECT_THROW((void)x.slice(2, 0, 2), fx::Error);
  EXPECT_THROW((void)fx::scalar(1.0).slice(0, 0, 1), fx::Error);
}

TEST(Select, PicksAndDropsTheDim) {
  auto x = positions(2, 3, 4);
  auto y = x.select(1, -1);  // j = 2
  ASSERT_EQ(y.shape(), (fx::Shape{2, 4}));
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t k = 0; k < 4; ++k) EXPECT_EQ(y.at({i, k}), 100.0 * i + 20.0 + k);
  EXPECT_TRUE(shares_storage(y, x));
  EXPECT_EQ(x[1].shape(), (fx::Shape{3, 4}));
  EXPECT_EQ(x[1].at({0, 0}), 100.0);
  EXPECT_EQ(x.select(-1, 0).at({1, 2}), 120.0);  // h[..., 0]
  EXPECT_EQ(fx::tensor({5.0, 6.0})[1].dim(), 0);
}

TEST(Select, Errors) {
  auto x = fx::zeros({3, 4});
  EXPECT_THROW((void)x.select(0, 3), fx::Error);
  EXPECT_THROW((void)x.select(1, -5), fx::Error);
  EXPECT_THROW((void)x.select(2, 0), fx::Error);
  EXPECT_THROW((void)fx::scalar(1.0).select(0, 0), fx::Error);
  EXPECT_THROW((void)fx::zeros({0})[0], fx::Error);
}

TEST(Narrow, IsASliceWithoutClamping) {
  auto x = positions(2, 5, 1);
  auto y = x.narrow(1, -3, 2);  // j = 2, 3
  ASSERT_EQ(y.shape(), (fx::Shape{2, 2, 1}));
  EXPECT_EQ(y.at({1, 0, 0}), 120.0);
  EXPECT_EQ(y.at({1, 1, 0}), 130.0);
  EXPECT_EQ(x.narrow(1, 5, 0).shape(), (fx::Shape{2, 0, 1}));
  EXPECT_THROW((void)x.narrow(1, 4, 2), fx::Error);
  EXPECT_THROW((void)x.narrow(1, 6, 0), fx::Error);
  EXPECT_THROW((void)x.narrow(1, 0, -1), fx::Error);
}

TEST(Diagonal, OffsetsAndDims) {
  auto x = positions(3, 4, 2);
  for (int64_t offset : {-3, -1, 0, 1, 2, 5}) {
    auto y = x.diagonal(offset, 0, 1);  // [2, L]
    int64_t len = std::max<int64_t>(offset >= 0 ? std::min<int64_t>(3, 4 - offset) : std::min<int64_t>(3 + offset, 4), 0);
    ASSERT_EQ(y.shape(), (fx::Shape{2, len})) << offset;
    for (int64_t k = 0; k < 2; ++k)
      for (int64_t t = 0; t < len; ++t) {
        int64_t i = offset >= 0 ? t : t - offset, j = offset >= 0 ? t + offset : t;
        EXPECT_EQ(y.at({k, t}), 100.0 * i + 10.0 * j + k);
      }
  }
  auto z = x.diagonal(0, -1, 0);  // planes of dims (2, 0): z[j, t] = x[t, j, t]
  ASSERT_EQ(z.shape(), (fx::Shape{4, 2}));
  EXPECT_EQ(z.at({3, 1}), 100.0 + 30.0 + 1.0);
  EXPECT_TRUE(shares_storage(z, x));
  EXPECT_THROW((void)x.diagonal(0, 1, 1), fx::Error);
  EXPECT_THROW((void)x.diagonal(0, 0, 3), fx::Error);
  EXPECT_THROW((void)fx::zeros({3}).diagonal(), fx::Error);
}

TEST(Permute, MovesDims) {
  auto x = positions(2, 3, 4);
  auto y = x.permute({-1, 0, 1});
  ASSERT_EQ(y.shape(), (fx::Shape{4, 2, 3}));
  EXPECT_EQ(y.at({3, 1, 2}), 123.0);
  EXPECT_TRUE(shares_storage(y, x));
  EXPECT_THROW((void)x.permute({0, 1}), fx::Error);
  EXPECT_THROW((void)x.permute({0, 1, 1}), fx::Error);
  EXPECT_THROW((void)x.permute({0, 1, 3}), fx::Error);
}

TEST(Squeeze, AllOrOneDim) {
  auto x = fx::zeros({1, 3, 1, 2});
  EXPECT_EQ(x.squeeze().shape(), (fx::Shape{3, 2}));
  EXPECT_EQ(x.squeeze(2).shape(), (fx::Shape{1, 3, 2}));
  EXPECT_EQ(x.squeeze(-4).shape(), (fx::Shape{3, 1, 2}));
  EXPECT_EQ(x.squeeze(1).shape(), (fx::Shape{1, 3, 1, 2}));  // not size 1: unchanged, as in PyTorch
  EXPECT_EQ(fx::zeros({1, 1}).squeeze().dim(), 0);
  EXPECT_THROW((void)x.squeeze(4), fx::Error);
  EXPECT_EQ(x.unsqueeze(-1).shape(), (fx::Shape{1, 3, 1, 2, 1}));
}

TEST(Flatten, MergesARangeOfDims) {
  auto x = positions(2, 3, 4);
  EXPECT_EQ(x.flatten().shape(), (fx::Shape{24}));
  EXPECT_EQ(x.flatten(1).shape(), (fx::Shape{2, 12}));
  EXPECT_EQ(x.flatten(0, -2).shape(), (fx::Shape{6, 4}));
  EXPECT_EQ(x.flatten(1).at({1, 5}), 111.0);
  EXPECT_EQ(fx::scalar(2.0).flatten().shape(), (fx::Shape{1}));
  EXPECT_THROW((void)x.flatten(2, 1), fx::Error);
  EXPECT_THROW((void)x.flatten(0, 3), fx::Error);
}

TEST(Reshape, IsAViewWheneverTheStridesAllowIt) {
  auto base = positions(4, 3, 2);
  auto s = base.slice(0, 1, 3);  // [2, 3, 2]: a contiguous block
  EXPECT_TRUE(shares_storage(s.reshape({6, 2}), base));
  auto t = base.transpose(0, 1);  // [3, 4, 2]: the last dim stays contiguous
  auto m = t.reshape({3, 2, 2, 2});  // split dim 1: still a view
  EXPECT_TRUE(shares_storage(m, base));
  EXPECT_EQ(m.at({2, 1, 0, 1}), 200.0 + 20.0 + 1.0);
  EXPECT_TRUE(shares_storage(t.view({3, 4, 2, 1}), base));
  auto merged = t.reshape({12, 2});  // dims 0 and 1 are not adjacent in memory: a copy
  EXPECT_FALSE(shares_storage(merged, base));
  EXPECT_EQ(merged.at({5, 1}), 100.0 + 10.0 + 1.0);  // row 5 = t[1, 1]
  EXPECT_THROW((void)t.view({12, 2}), fx::Error);
  auto sel = base.select(2, 1);  // [4, 3] with strides [6, 2]
  EXPECT_TRUE(shares_storage(sel.unsqueeze(0).squeeze(), base));
  EXPECT_TRUE(shares_storage(sel.flatten(), base));
}

TEST(Views, ShareTheVersionCounter) {
  auto base = fx::zeros({3, 3}, fx::Float64);
  auto v = base.select(0, 1).slice(0, 1, std::nullopt);
  EXPECT_EQ(v.version(), base.version());
}

TEST(Index, LikePythonSubscripts) {
  auto x = positions(3, 4, 5);
  auto y = x.index({1, fx::Slice{1, -1}});  // x[1, 1:-1]
  ASSERT_EQ(y.shape(), (fx::Shape{2, 5}));
  EXPECT_EQ(y.at({1, 4}), 124.0);
  auto z = x.index({fx::Slice{}, -1, fx::Slice{std::nullopt, std::nullopt, 2}});  // x[:, -1, ::2]
  ASSERT_EQ(z.shape(), (fx::Shape{3, 3}));
  EXPECT_EQ(z.at({2, 2}), 234.0);
  EXPECT_EQ(x.index({0, 0, 0}).dim(), 0);
  EXPECT_TRUE(shares_storage(z, x));
  EXPECT_THROW((void)x.index({0, 0, 0, 0}), fx::Error);
  EXPECT_THROW((void)x.index({3}), fx::Error);
}

TEST(MT, TransposesTheLastTwoDims) {
  auto x = positions(2, 3, 4);
  EXPECT_EQ(x.mT().shape(), (fx::Shape{2, 4, 3}));
  EXPECT_EQ(x.mT().at({1, 3, 2}), 123.0);
  EXPECT_THROW((void)fx::zeros({3}).mT(), fx::Error);
}

TEST(Unbind, SplitChunk) {
  auto x = positions(2, 5, 1);
  auto rows = x.unbind(1);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[3].shape(), (fx::Shape{2, 1}));
  EXPECT_EQ(rows[3].at({1, 0}), 130.0);
  auto parts = x.split(2, -2);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[2].shape(), (fx::Shape{2, 1, 1}));
  EXPECT_EQ(parts[1].at({0, 0, 0}), 20.0);
  auto chunks = x.chunk(2, 1);
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].size(1), 3);
  EXPECT_EQ(chunks[1].size(1), 2);
  EXPECT_EQ(x.chunk(10, 1).size(), 5u);
  EXPECT_TRUE(shares_storage(parts[1], x));
  EXPECT_EQ(fx::zeros({0, 2}).split(3).size(), 1u);
  EXPECT_THROW((void)x.split(0, 1), fx::Error);
  EXPECT_THROW((void)x.chunk(0, 1), fx::Error);
  EXPECT_THROW((void)fx::scalar(1.0).unbind(), fx::Error);
}

TEST(Views, EmptySliceAtTheEndStaysInsideStorage) {
  auto x = fx::zeros({3, 4}, fx::Float64);
  auto e = x.slice(0, 3, std::nullopt).slice(1, 4, std::nullopt);
  EXPECT_EQ(e.shape(), (fx::Shape{0, 0}));
  EXPECT_LE(e.tensor_data().offset, 12);
}

TEST(Views, GradFnNamesAndGradients) {
  auto x = positions(2, 3, 1).squeeze(-1).detach().requires_grad_();
  auto y = x.slice(1, 1, std::nullopt);
  EXPECT_EQ(y.grad_fn()->name(), "SliceBackward");
  EXPECT_EQ(x.select(0, 1).grad_fn()->name(), "SelectBackward");
  EXPECT_EQ(x.diagonal().grad_fn()->name(), "DiagonalBackward");
  (y * y).sum().backward();  // d/dx = 2x inside the slice, 0 outside
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{0, 20, 40, 0, 220, 240}));
  // double backward through the scatter: d/dx sum(grad(sum(y^3)) * v) = 6 y v in the slice
  auto z = x.slice(1, 1, std::nullopt);
  auto g = fx::autograd::grad({(z * z * z).sum()}, {x}, {.create_graph = true})[0];
  EXPECT_EQ(g.grad_fn()->name(), "SliceBackwardBackward");
  auto h = fx::autograd::grad({g.sum()}, {x})[0];
  EXPECT_EQ(h.to_vector<double>(), (std::vector<double>{0, 60, 120, 0, 660, 720}));
}
