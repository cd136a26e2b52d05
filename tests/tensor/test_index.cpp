// SPDX-License-Identifier: MIT
// Indexing and joining: gather, scatter_add, index_select, masked_select,
// cat, stack, pad, flip, roll; against plain index loops, with negative dims,
// size-0 dims, non-contiguous inputs and every error path.
#include <gtest/gtest.h>

#include "fluxion.h"

namespace fx = fluxion;

namespace {

// x[i, j] = 10 i + j
fx::Tensor grid(int64_t a, int64_t b, fx::DType dtype = fx::Float64) {
  std::vector<double> v;
  for (int64_t i = 0; i < a; ++i)
    for (int64_t j = 0; j < b; ++j) v.push_back(10.0 * i + j);
  return fx::tensor(v, {a, b}, dtype);
}

fx::Tensor ints(std::vector<int64_t> v, fx::Shape shape) { return fx::tensor(v, shape); }

}  // namespace

TEST(Gather, MatchesLoopsAlongEachDim) {
  auto x = grid(3, 4);
  auto index = ints({2, 0, 1, 1, 0, 0}, {2, 3});
  auto y0 = x.gather(0, index);  // y[i][j] = x[index[i][j]][j]
  auto y1 = x.gather(-1, index);  // y[i][j] = x[i][index[i][j]]
  ASSERT_EQ(y0.shape(), (fx::Shape{2, 3}));
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j) {
      int64_t k = (int64_t)index.at({i, j});
      EXPECT_EQ(y0.at({i, j}), x.at({k, j}));
      EXPECT_EQ(y1.at({i, j}), x.at({i, k}));
    }
}

TEST(Gather, NonContiguousInputAndIndex) {
  auto x = grid(4, 3).t();  // [3, 4], x[i][j] = 10 j + i
  auto index = ints({3, 2, 1, 0, 0, 1}, {3, 2}).t();  // [2, 3] strided
  auto y = x.gather(1, index);
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j) EXPECT_EQ(y.at({i, j}), x.at({i, (int64_t)index.at({i, j})}));
  EXPECT_EQ(x.gather(0, ints({}, {0, 4})).shape(), (fx::Shape{0, 4}));
}

TEST(Gather, Errors) {
  auto x = grid(3, 4);
  EXPECT_THROW((void)x.gather(0, ints({3}, {1, 1})), fx::Error);   // out of range
  EXPECT_THROW((void)x.gather(0, ints({-1}, {1, 1})), fx::Error);  // negative
  EXPECT_THROW((void)x.gather(0, ints({0}, {1})), fx::Error);      // dims differ
  EXPECT_THROW((void)x.gather(0, ints({0, 0, 0, 0, 0}, {1, 5})), fx::Error);  // larger than x in dim 1
  EXPECT_THROW((void)x.gather(2, ints({0}, {1, 1})), fx::Error);
  EXPECT_THROW((void)x.gather(0, fx::zeros({1, 1})), fx::Error);  // float index
}

TEST(ScatterAdd, AccumulatesRepeatedIndices) {
  auto self = fx::ones({3, 2}, fx::Float64);
  auto index = ints({0, 1, 0, 1, 2, 1}, {3, 2});
  auto src = grid(3, 2);
  auto y = self.scatter_add(0, index, src);  // y[index[i][j]][j] += src[i][j]
  std::vector<double> want(6, 1.0);
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t j = 0; j < 2; ++j) want[(size_t)(index.at({i, j}) * 2 + j)] += src.at({i, j});
  EXPECT_EQ(y.to_vector<double>(), want);
  EXPECT_EQ(self.at({0, 0}), 1.0);  // self is not modified
  // src larger than index is fine: only index's extent is used
  auto y1 = fx::zeros({2, 2}, fx::Float64).scatter_add(1, ints({1, 1}, {1, 2}), grid(2, 3));
  EXPECT_EQ(y1.to_vector<double>(), (std::vector<double>{0, 1, 0, 0}));
}

TEST(ScatterAdd, Errors) {
  auto self = fx::zeros({2, 2}, fx::Float64);
  EXPECT_THROW((void)self.scatter_add(0, ints({2}, {1, 1}), grid(1, 1)), fx::Error);
  EXPECT_THROW((void)self.scatter_add(0, ints({0}, {1, 1}), grid(1, 1, fx::Float32)), fx::Error);
  EXPECT_THROW((void)self.scatter_add(0, ints({0, 0}, {2, 1}), grid(1, 1)), fx::Error);  // index larger than src
  EXPECT_THROW((void)self.scatter_add(0, ints({0}, {1}), grid(1, 1)), fx::Error);
}

TEST(IndexSelect, PicksRowsOrColumns) {
  auto x = grid(3, 4);
  auto rows = x.index_select(0, ints({2, 0, 2}, {3}));
  ASSERT_EQ(rows.shape(), (fx::Shape{3, 4}));
  EXPECT_EQ(rows.at({0, 3}), 23.0);
  EXPECT_EQ(rows.at({1, 1}), 1.0);
  auto cols = x.t().index_select(-1, ints({1}, {1}));  // from a non-contiguous x
  ASSERT_EQ(cols.shape(), (fx::Shape{4, 1}));
  EXPECT_EQ(cols.at({3, 0}), 13.0);
  EXPECT_EQ(x.index_select(1, ints({}, {0})).shape(), (fx::Shape{3, 0}));
  EXPECT_THROW((void)x.index_select(0, ints({3}, {1})), fx::Error);
  EXPECT_THROW((void)x.index_select(0, ints({0, 1}, {1, 2})), fx::Error);
  EXPECT_THROW((void)x.index_select(0, fx::zeros({1})), fx::Error);
}

TEST(MaskedSelect, BroadcastsTheMask) {
  auto x = grid(2, 3);
  auto mask = fx::tensor({1.0, 0.0, 1.0});  // broadcast over rows
  EXPECT_EQ(x.masked_select(mask).to_vector<double>(), (std::vector<double>{0, 2, 10, 12}));
  auto imask = ints({0, 1, 1, 0, 0, 0}, {2, 3});
  EXPECT_EQ(x.t().masked_select(imask.t()).to_vector<double>(), (std::vector<double>{1, 2}));  // row-major in x.t()
  EXPECT_EQ(x.masked_select(fx::zeros({3})).shape(), (fx::Shape{0}));
  EXPECT_THROW((void)x.masked_select(fx::zeros({2})), fx::Error);
}

TEST(Cat, JoinsAlongAnyDim) {
  auto a = grid(2, 3), b = grid(1, 3) + 100.0;
  auto y = fx::cat({a, b});
  ASSERT_EQ(y.shape(), (fx::Shape{3, 3}));
  EXPECT_EQ(y.at({2, 1}), 101.0);
  EXPECT_EQ(y.at({1, 2}), 12.0);
  auto z = fx::cat({a, a.t().t(), grid(2, 0)}, -1);  // with a size-0 part
  ASSERT_EQ(z.shape(), (fx::Shape{2, 6}));
  EXPECT_EQ(z.at({1, 4}), 11.0);
  auto mixed = fx::cat({grid(1, 2, fx::Float32), grid(1, 2)});  // dtypes promote
  EXPECT_EQ(mixed.dtype(), fx::Float64);
  auto single = fx::cat({a});
  EXPECT_NE(single.tensor_data().storage, a.tensor_data().storage);  // always a new tensor
  EXPECT_THROW((void)fx::cat({}), fx::Error);
  EXPECT_THROW((void)fx::cat({a, grid(2, 2)}), fx::Error);
  EXPECT_THROW((void)fx::cat({a, fx::zeros({6})}), fx::Error);
  EXPECT_THROW((void)fx::cat({a, b}, 2), fx::Error);
  EXPECT_THROW((void)fx::cat({fx::scalar(1.0), fx::scalar(2.0)}), fx::Error);
}

// Contiguous parts are joined by copying runs of memory, others through strided
// copies: both must put every element where an index loop would.
TEST(Cat, ContiguousOffsetAndStridedPartsLandInPlace) {
  auto values = [](int64_t a, int64_t b, int64_t c, double base) {
    std::vector<double> v;
    for (int64_t i = 0; i < a * b * c; ++i) v.push_back(base + (double)i);
    return fx::tensor(v, {a, b, c}, fx::Float64);
  };
  fx::Tensor p0 = values(2, 3, 4, 0.0);                         // contiguous
  fx::Tensor p1 = values(4, 1, 4, 100.0).narrow(0, 2, 2);       // contiguous, at an offset in its storage
  fx::Tensor p2 = values(2, 4, 2, 200.0).transpose(1, 2);       // [2, 2, 4], strided
  for (const auto& parts : {std::vector<fx::Tensor>{p0, p1}, std::vector<fx::Tensor>{p0, p1, p2}}) {
    fx::Tensor y = fx::cat(parts, 1);
    int64_t at = 0;
    for (const fx::Tensor& p : parts) {
      for (int64_t i = 0; i < 2; ++i)
        for (int64_t j = 0; j < p.size(1); ++j)
          for (int64_t k = 0; k < 4; ++k) ASSERT_EQ(y.at({i, at + j, k}), p.at({i, j, k}));
      at += p.size(1);
    }
    EXPECT_EQ(y.size(1), at);
  }
}

TEST(Stack, AddsANewDim) {
  auto a = grid(2, 3), b = grid(2, 3) * 2.0;
  for (int64_t dim : {0, 1, 2, -1, -3}) {
    auto y = fx::stack({a, b}, dim);
    int64_t d = dim < 0 ? dim + 3 : dim;
    fx::Shape want{2, 3};
    want.insert(want.begin() + d, 2);
    ASSERT_EQ(y.shape(), want);
    EXPECT_EQ(y.select(d, 1).to_vector<double>(), b.to_vector<double>());
  }
  EXPECT_EQ(fx::stack({fx::scalar(1.0), fx::scalar(2.0)}).shape(), (fx::Shape{2}));
  EXPECT_THROW((void)fx::stack({a, grid(3, 2)}), fx::Error);
  EXPECT_THROW((void)fx::stack({a, b}, 3), fx::Error);
  EXPECT_THROW((void)fx::stack({}), fx::Error);
}

TEST(Pad, ConstantLastDimFirst) {
  auto x = grid(2, 3);
  auto y = fx::pad(x, {1, 2, 0, 1}, -1.0);  // last dim: 1 left, 2 right; dim 0: 0 above, 1 below
  ASSERT_EQ(y.shape(), (fx::Shape{3, 6}));
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t j = 0; j < 6; ++j) {
      bool inside = i < 2 && j >= 1 && j < 4;
      EXPECT_EQ(y.at({i, j}), inside ? x.at({i, j - 1}) : -1.0);
    }
  auto crop = fx::pad(x.t(), {-1, 1});  // a negative pad crops (non-contiguous input)
  ASSERT_EQ(crop.shape(), (fx::Shape{3, 2}));
  EXPECT_EQ(crop.to_vector<double>(), (std::vector<double>{10, 0, 11, 0, 12, 0}));
  EXPECT_EQ(fx::pad(grid(0, 2), {1, 1}).shape(), (fx::Shape{0, 4}));
  EXPECT_THROW((void)fx::pad(x, {1}), fx::Error);
  EXPECT_THROW((void)fx::pad(x, {1, 1, 1, 1, 1, 1}), fx::Error);
  EXPECT_THROW((void)fx::pad(x, {-2, -2}), fx::Error);
}

TEST(Flip, ReversesDims) {
  auto x = grid(2, 3);
  EXPECT_EQ(x.flip({1}).to_vector<double>(), (std::vector<double>{2, 1, 0, 12, 11, 10}));
  EXPECT_EQ(x.flip({0, -1}).to_vector<double>(), (std::vector<double>{12, 11, 10, 2, 1, 0}));
  EXPECT_EQ(x.t().flip({0}).to_vector<double>(), (std::vector<double>{2, 12, 1, 11, 0, 10}));
  EXPECT_EQ(grid(0, 3).flip({0}).shape(), (fx::Shape{0, 3}));
  EXPECT_NE(x.flip({0}).tensor_data().storage, x.tensor_data().storage);  // a copy, as in PyTorch
  EXPECT_THROW((void)x.flip({0, 0}), fx::Error);
  EXPECT_THROW((void)x.flip({2}), fx::Error);
}

TEST(Roll, WrapsAround) {
  auto x = grid(2, 4);
  for (int64_t shift : {-5, -1, 0, 1, 3, 4, 9}) {
    auto y = x.roll(shift, 1);
    for (int64_t i = 0; i < 2; ++i)
      for (int64_t j = 0; j < 4; ++j) EXPECT_EQ(y.at({i, ((j + shift) % 4 + 4) % 4}), x.at({i, j})) << shift;
  }
  EXPECT_EQ(x.roll(1, 0).at({0, 3}), 13.0);
  EXPECT_EQ(grid(0, 4).roll(2, 0).shape(), (fx::Shape{0, 4}));
  EXPECT_THROW((void)x.roll(1, 2), fx::Error);
}

// index_select(0, i) of a contiguous tensor copies whole rows; a non-contiguous
// view of the same values takes the general gather. Both must agree, for every
// dtype, repeated indices, 1-d tensors (rows of one element) and an empty index.
TEST(IndexSelect, RowCopiesAgreeWithTheGeneralGather) {
  for (fx::DType dt : {fx::Float32, fx::Float64, fx::Int64, fx::Bool}) {
    fx::Tensor x = (fx::arange(0, 60, 1, fx::Float64).reshape({5, 3, 4}) * 0.5 - 3.0).to(dt);
    fx::Tensor strided = x.transpose(1, 2).contiguous().transpose(1, 2);  // same values, not contiguous
    ASSERT_FALSE(strided.is_contiguous());
    for (const std::vector<int64_t>& idx : std::vector<std::vector<int64_t>>{{4, 0, 4, 2}, {}, {1}}) {
      fx::Tensor i = ints(idx, {(int64_t)idx.size()});
      fx::Tensor a = x.index_select(0, i), b = strided.index_select(0, i);
      ASSERT_EQ(a.shape(), (fx::Shape{(int64_t)idx.size(), 3, 4}));
      EXPECT_EQ(a.to(fx::Float64).to_vector<double>(), b.to(fx::Float64).to_vector<double>());
    }
    fx::Tensor v = fx::arange(0, 6, 1, fx::Float64).to(dt);
    EXPECT_EQ(v.index_select(0, ints({5, 5, 0}, {3})).to(fx::Float64).to_vector<double>(),
              (std::vector<double>{v.to(fx::Float64).to_vector<double>()[5], v.to(fx::Float64).to_vector<double>()[5], 0.0}));
  }
}
