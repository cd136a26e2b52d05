// SPDX-License-Identifier: MIT
// The Bool dtype and PyTorch-style indexing beyond what the catalogue checks:
// dtype promotion and printing, logical ops and reductions of masks, x.index
// against plain loops on random shapes, PyTorch's placement rule for advanced
// dims, assignment ops on hand-computed examples, in-place ops in the graph,
// and the errors for bad indices.
#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "error_of.h"
#include "fluxion.h"

namespace fx = fluxion;
using fx::Ellipsis;
using fx::None;
using fx::Slice;

namespace {

fx::Tensor ints(std::vector<int64_t> v, fx::Shape shape) { return fx::tensor(v, shape); }
fx::Tensor bools(std::vector<double> v, fx::Shape shape) { return fx::tensor(v, shape, fx::Bool); }
std::vector<double> values(const fx::Tensor& t) { return t.to_vector<double>(); }
// 0, 1, 2, ... in `shape`, float64
fx::Tensor iota(fx::Shape shape) { return fx::arange((double)fx::numel(shape), fx::Float64).reshape(shape); }

// scatter_reduce "prod" is differentiable to any order, also at zeros: with self 1
// and src (2, 0, 3, 0) all at position 0, every first derivative vanishes, but
// d^2 y / d src_1 d src_3 = 1 * 2 * 3.
TEST(Indexing, ScatterReduceProdSecondDerivativeAtTwoZeros) {
  fx::Tensor in = fx::ones({1}, fx::Float64).requires_grad_();
  fx::Tensor src = fx::tensor({2.0, 0.0, 3.0, 0.0}, fx::Float64).requires_grad_();
  fx::Tensor y = in.scatter_reduce(0, ints({0, 0, 0, 0}, {4}), src, "prod").sum();
  std::vector<fx::Tensor> g = fx::autograd::grad({y}, {in, src}, {.create_graph = true});
  EXPECT_EQ(values(g[1].detach()), (std::vector<double>{0, 0, 0, 0}));
  fx::Tensor h = fx::autograd::grad({g[1].select(0, 1)}, {src})[0];
  EXPECT_EQ(values(h), (std::vector<double>{0, 0, 0, 6}));
  // one zero: its derivative is the product of the others, and the second derivative through it too
  fx::Tensor s1 = fx::tensor({2.0, 0.0, 3.0}, fx::Float64).requires_grad_();
  fx::Tensor y1 = in.scatter_reduce(0, ints({0, 0, 0}, {3}), s1, "prod").sum();
  fx::Tensor g1 = fx::autograd::grad({y1}, {s1}, {.create_graph = true})[0];
  EXPECT_EQ(values(g1.detach()), (std::vector<double>{0, 6, 0}));
  EXPECT_EQ(values(fx::autograd::grad({g1.select(0, 1)}, {s1})[0]), (std::vector<double>{3, 0, 2}));
}

}  // namespace

TEST(BoolDtype, PromotionFollowsPyTorch) {
  EXPECT_EQ(fx::promote(fx::Bool, fx::Int32), fx::Int32);
  EXPECT_EQ(fx::promote(fx::Int32, fx::Int64), fx::Int64);
  EXPECT_EQ(fx::promote(fx::Int64, fx::Float32), fx::Float32);
  EXPECT_EQ(fx::promote(fx::Bool, fx::Float64), fx::Float64);
  EXPECT_EQ(fx::dtype_size(fx::Bool), 1u);
  EXPECT_EQ(fx::dtype_size(fx::Int32), 4u);
  auto m = bools({1, 0, 1}, {3});
  auto x = fx::tensor({1.5, 2.5, 3.5}, fx::Float32);
  EXPECT_EQ((x * m).dtype(), fx::Float32);
  EXPECT_EQ(values(x * m), (std::vector<double>{1.5, 0, 3.5}));
  EXPECT_EQ((m * 2.0).dtype(), fx::Int64);  // a whole scalar makes a bool tensor int64
  EXPECT_EQ((m + 0.5).dtype(), fx::Float32);
  EXPECT_EQ(values(m * bools({1, 1, 0}, {3})), (std::vector<double>{1, 0, 0}));  // bool * bool: and
  EXPECT_EQ((m + m).dtype(), fx::Bool);                                          // bool + bool: or
  EXPECT_THROW((void)(m - m), fx::Error);
  auto i32 = fx::tensor({1.0, -2.0}, fx::Int32);
  EXPECT_EQ((i32 + ints({1, 1}, {2})).dtype(), fx::Int64);
  EXPECT_EQ(i32.to_vector<int32_t>(), (std::vector<int32_t>{1, -2}));
  EXPECT_EQ(fx::tensor({0.0, 0.5, -3.0}).to(fx::Bool).to_vector<bool>(), (std::vector<bool>{false, true, true}));
}

TEST(BoolDtype, PrintsTrueAndFalse) {
  std::ostringstream os;
  os << (fx::tensor({1.0, 2.0}) > 1.5);
  EXPECT_EQ(os.str(), "tensor([false,  true], shape=[2], dtype=bool)");
}

TEST(BoolDtype, SumCountsAndAnyAllReduceDims) {
  auto m = bools({1, 0, 1, 1, 1, 1}, {2, 3});
  EXPECT_EQ(m.sum().dtype(), fx::Int64);
  EXPECT_EQ(m.sum().item(), 5);
  EXPECT_EQ(values(m.sum({0})), (std::vector<double>{2, 1, 2}));
  EXPECT_EQ(m.all().dtype(), fx::Bool);
  EXPECT_FALSE(m.all().item<bool>());
  EXPECT_TRUE(m.any().item<bool>());
  EXPECT_EQ(values(m.all({1})), (std::vector<double>{0, 1}));
  EXPECT_EQ(values(m.any({0})), (std::vector<double>{1, 1, 1}));
  EXPECT_EQ(m.all({-1}, true).shape(), (fx::Shape{2, 1}));
  EXPECT_EQ(fx::tensor({0.0, 2.0}).all().item<bool>(), false);  // any dtype: nonzero is true
  EXPECT_EQ(fx::tensor(std::vector<int64_t>{}, {0}).all().item<bool>(), true);
}

TEST(BoolDtype, LogicalOpsAndTests) {
  auto a = bools({1, 1, 0, 0}, {4}), b = bools({1, 0, 1, 0}, {4});
  EXPECT_EQ(values(a & b), (std::vector<double>{1, 0, 0, 0}));
  EXPECT_EQ(values(a | b), (std::vector<double>{1, 1, 1, 0}));
  EXPECT_EQ(values(a ^ b), (std::vector<double>{0, 1, 1, 0}));
  EXPECT_EQ(values(~a), (std::vector<double>{0, 0, 1, 1}));
  EXPECT_EQ(values(fx::logical_and(fx::tensor({2.0, 0.0}), ints({0, 3}, {2}).logical_not())),
            (std::vector<double>{1, 0}));
  EXPECT_EQ(fx::logical_xor(a, b.reshape({4, 1})).shape(), (fx::Shape{4, 4}));
  EXPECT_THROW((void)(fx::tensor({1.0}) & a), fx::Error);  // & is for masks
  auto x = fx::tensor({-INFINITY, -1.0, NAN, INFINITY}, fx::Float64);
  EXPECT_EQ(values(x.isinf()), (std::vector<double>{1, 0, 0, 1}));
  EXPECT_EQ(values(x.isposinf()), (std::vector<double>{0, 0, 0, 1}));
  EXPECT_EQ(values(x.isneginf()), (std::vector<double>{1, 0, 0, 0}));
  EXPECT_EQ(values(x.isnan()), (std::vector<double>{0, 0, 1, 0}));
  EXPECT_EQ(values(x.isfinite()), (std::vector<double>{0, 1, 0, 0}));
  EXPECT_EQ(x.isinf().dtype(), fx::Bool);
  EXPECT_EQ(values(ints({1, 2}, {2}).isinf()), (std::vector<double>{0, 0}));
  EXPECT_EQ(values(fx::where(a, 1.0, fx::zeros({4}))), (std::vector<double>{1, 1, 0, 0}));
}

// x.index with two index tensors (separated by a slice, or adjacent) and a
// mask, against loops over random shapes and indices.
TEST(Indexing, MatchesLoopsOnRandomShapes) {
  std::mt19937_64 rng(3);
  for (int trial = 0; trial < 20; ++trial) {
    std::uniform_int_distribution<int64_t> size(1, 4);
    int64_t n0 = size(rng), n1 = size(rng), n2 = size(rng), k = size(rng);
    fx::Tensor x = fx::randn({n0, n1, n2}, fx::Float64);
    std::vector<int64_t> a((size_t)k), b((size_t)k);
    for (int64_t j = 0; j < k; ++j) a[j] = (int64_t)(rng() % n0) - (j % 2 ? n0 : 0), b[j] = (int64_t)(rng() % n2);
    // separated: the index dim goes first -> [k, n1]
    fx::Tensor y = x.index({ints(a, {k}), Slice{}, ints(b, {k})});
    ASSERT_EQ(y.shape(), (fx::Shape{k, n1}));
    for (int64_t j = 0; j < k; ++j)
      for (int64_t i = 0; i < n1; ++i) EXPECT_EQ(y.at({j, i}), x.at({a[j] < 0 ? a[j] + n0 : a[j], i, b[j]}));
    // adjacent, broadcast [k, 1] with [k] -> stays in place: [n0, k, k]
    std::vector<int64_t> c((size_t)k);
    for (int64_t j = 0; j < k; ++j) c[j] = (int64_t)(rng() % n1);
    fx::Tensor z = x.index({Slice{}, ints(c, {k, 1}), ints(b, {k})});
    ASSERT_EQ(z.shape(), (fx::Shape{n0, k, k}));
    for (int64_t i = 0; i < n0; ++i)
      for (int64_t j = 0; j < k; ++j)
        for (int64_t l = 0; l < k; ++l) EXPECT_EQ(z.at({i, j, l}), x.at({i, c[j], b[l]}));
    // a mask over the last two dims -> [n0, count], row-major order
    fx::Tensor m = fx::rand({n1, n2}, fx::Float64) > 0.5;
    fx::Tensor w = x.index({Ellipsis, m});
    std::vector<bool> mv = m.to_vector<bool>();
    int64_t count = 0;
    for (bool v : mv) count += v;
    ASSERT_EQ(w.shape(), (fx::Shape{n0, count}));
    for (int64_t i = 0; i < n0; ++i)
      for (int64_t p = 0, q = 0; p < n1 * n2; ++p)
        if (mv[(size_t)p]) {
          EXPECT_EQ(w.at({i, q++}), x.at({i, p / n2, p % n2}));
        }
  }
}

// scatter_reduce (every reduction, with and without self) and index_put
// (accumulating) against loops over random shapes and repeated indices.
TEST(Indexing, ScatterReduceAndIndexPutMatchLoops) {
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 10; ++trial) {
    std::uniform_int_distribution<int64_t> size(1, 5);
    int64_t n = size(rng), m = size(rng), k = size(rng);
    fx::Tensor x = fx::randn({n, m}, fx::Float64), src = fx::randn({k, m}, fx::Float64);
    std::vector<int64_t> iv((size_t)(k * m));
    for (auto& v : iv) v = (int64_t)(rng() % n);
    fx::Tensor index = ints(iv, {k, m});
    for (const char* reduce : {"sum", "prod", "mean", "amax", "amin"})
      for (bool self : {true, false}) {
        std::vector<double> got = values(x.scatter_reduce(0, index, src, reduce, self));
        for (int64_t i = 0; i < n; ++i)
          for (int64_t j = 0; j < m; ++j) {
            std::vector<double> c;
            if (self) c.push_back(x.at({i, j}));
            for (int64_t r = 0; r < k; ++r)
              if (iv[(size_t)(r * m + j)] == i) c.push_back(src.at({r, j}));
            double want = x.at({i, j});
            std::string red = reduce;
            if (!c.empty()) {
              want = red == "prod" ? 1.0 : red == "amax" ? -INFINITY : red == "amin" ? INFINITY : 0.0;
              for (double v : c)
                want = red == "prod"   ? want * v
                       : red == "amax" ? std::max(want, v)
                       : red == "amin" ? std::min(want, v)
                                       : want + v;
              if (red == "mean") want /= (double)c.size();
            }
            EXPECT_NEAR(got[(size_t)(i * m + j)], want, 1e-12) << reduce << " self=" << self;
          }
      }
    // index_put with accumulate: x[rows, cols] += v
    std::vector<int64_t> rows((size_t)k), cols((size_t)k);
    for (int64_t r = 0; r < k; ++r) rows[r] = (int64_t)(rng() % n), cols[r] = (int64_t)(rng() % m);
    fx::Tensor v = fx::randn({k}, fx::Float64);
    std::vector<double> want = values(x);
    for (int64_t r = 0; r < k; ++r) want[(size_t)(rows[r] * m + cols[r])] += v.at({r});
    std::vector<double> got = values(x.index_put({ints(rows, {k}), ints(cols, {k})}, v, true));
    for (size_t e = 0; e < want.size(); ++e) EXPECT_NEAR(got[e], want[e], 1e-12);
  }
}

TEST(Indexing, PyTorchSemantics) {
  fx::Tensor x = iota({2, 3, 4});
  // an integer is a basic index: x[0, :, [0, 2]] keeps the tensor index in place -> [3, 2]
  fx::Tensor a = x.index({0, Slice{}, ints({0, 2}, {2})});
  EXPECT_EQ(a.shape(), (fx::Shape{3, 2}));
  EXPECT_EQ(values(a), (std::vector<double>{0, 2, 4, 6, 8, 10}));
  // x[[1, 0], :, [3, 0]] -> [2, 3]: separated tensor indices go first
  fx::Tensor b = x.index({ints({1, 0}, {2}), Slice{}, ints({3, 0}, {2})});
  EXPECT_EQ(b.shape(), (fx::Shape{2, 3}));
  EXPECT_EQ(values(b), (std::vector<double>{15, 19, 23, 0, 4, 8}));
  EXPECT_EQ(x.index({None, Ellipsis, None}).shape(), (fx::Shape{1, 2, 3, 4, 1}));
  EXPECT_EQ(x.index({Ellipsis, 1}).shape(), (fx::Shape{2, 3}));
  EXPECT_EQ(x.index({Slice{std::nullopt, std::nullopt, 2}, Slice{1}, -1}).shape(), (fx::Shape{1, 2}));
  // a Bool mask over the first two dims
  fx::Tensor m = bools({1, 0, 0, 0, 1, 1}, {2, 3});
  EXPECT_EQ(x.index({m}).shape(), (fx::Shape{3, 4}));
  EXPECT_EQ(values(x.index({m, 1})), (std::vector<double>{1, 17, 21}));
  EXPECT_EQ(values(fx::nonzero(m)), (std::vector<double>{0, 0, 1, 1, 1, 2}));
  EXPECT_EQ(fx::argwhere(m).shape(), (fx::Shape{3, 2}));
  // take counts from the end too; take_along_dim broadcasts
  EXPECT_EQ(values(x.take(ints({-1, 5}, {2}))), (std::vector<double>{23, 5}));
  // Int32 indices work wherever Int64 ones do
  fx::Tensor i32 = fx::tensor({1.0, -2.0}, fx::Int32);
  EXPECT_EQ(values(x.index({0, 0, i32})), (std::vector<double>{1, 2}));
  EXPECT_EQ(values(iota({3}).index_select(0, fx::tensor({2.0, 0.0}, fx::Int32))), (std::vector<double>{2, 0}));
  fx::Tensor s = iota({2, 3});
  EXPECT_EQ(values(s.take_along_dim(ints({2, 0}, {1, 2}), 1)), (std::vector<double>{2, 0, 5, 3}));
}

TEST(Indexing, AssignmentOps) {
  fx::Tensor x = fx::zeros({5}, fx::Float64);
  EXPECT_EQ(values(x.index_put({ints({0, 0, 2}, {3})}, fx::tensor({1.0, 2.0, 3.0}, fx::Float64), true)),
            (std::vector<double>{3, 0, 3, 0, 0}));
  EXPECT_EQ(values(x.index_put({ints({-1, 1}, {2})}, fx::scalar(7.0, fx::Float64))),
            (std::vector<double>{0, 7, 0, 0, 7}));
  fx::Tensor y = iota({2, 3});
  EXPECT_EQ(values(y.index_put({y > 2.5}, fx::scalar(-1.0, fx::Float64))), (std::vector<double>{0, 1, 2, -1, -1, -1}));
  EXPECT_EQ(values(y.masked_fill(bools({1, 0, 1}, {3}), 9)), (std::vector<double>{9, 1, 9, 9, 4, 9}));
  // torch.masked_scatter's docs: mask [[0,0,0,1,1],[1,1,0,1,1]], source 0..9 -> [[0,0,0,0,1],[2,3,0,4,5]]
  fx::Tensor ms =
      fx::zeros({2, 5}, fx::Float64).masked_scatter(bools({0, 0, 0, 1, 1, 1, 1, 0, 1, 1}, {2, 5}), iota({2, 5}));
  EXPECT_EQ(values(ms), (std::vector<double>{0, 0, 0, 0, 1, 2, 3, 0, 4, 5}));
  EXPECT_EQ(values(fx::ones({3, 2}, fx::Float64).index_add(0, ints({0, 2, 0}, {3}), iota({3, 2}))),
            (std::vector<double>{1 + 0 + 4, 1 + 1 + 5, 1, 1, 1 + 2, 1 + 3}));
  EXPECT_EQ(values(fx::zeros({2, 3}, fx::Float64).index_copy(1, ints({2, 0}, {2}), iota({2, 2}))),
            (std::vector<double>{1, 0, 0, 3, 0, 2}));
  EXPECT_EQ(values(iota({2, 2}).index_fill(0, ints({1}, {1}), -1)), (std::vector<double>{0, 1, -1, -1}));
  // torch.scatter: x[index[i][j]][j] = src[i][j]
  EXPECT_EQ(values(fx::zeros({3, 2}, fx::Float64).scatter(0, ints({2, 0, 1, 2}, {2, 2}), iota({2, 2}))),
            (std::vector<double>{0, 1, 2, 0, 0, 3}));
  EXPECT_EQ(
      values(fx::ones({2}, fx::Float64).scatter(0, ints({1, 1}, {2}), fx::tensor({2.0, 3.0}, fx::Float64), "multiply")),
      (std::vector<double>{1, 6}));
  // torch.scatter_reduce's docs: src [1..6], index [0,1,0,1,2,1], input [1,2,3,4]
  fx::Tensor src = fx::tensor({1.0, 2.0, 3.0, 4.0, 5.0, 6.0}, fx::Float64);
  fx::Tensor idx = ints({0, 1, 0, 1, 2, 1}, {6});
  fx::Tensor in = fx::tensor({1.0, 2.0, 3.0, 4.0}, fx::Float64);
  EXPECT_EQ(values(in.scatter_reduce(0, idx, src, "sum")), (std::vector<double>{5, 14, 8, 4}));
  EXPECT_EQ(values(in.scatter_reduce(0, idx, src, "amax", false)), (std::vector<double>{3, 6, 5, 4}));
  EXPECT_EQ(values(in.scatter_reduce(0, idx, src, "amin")), (std::vector<double>{1, 2, 3, 4}));
  EXPECT_EQ(values(in.scatter_reduce(0, idx, src, "prod")), (std::vector<double>{3, 96, 15, 4}));
  EXPECT_EQ(values(in.scatter_reduce(0, idx, src, "mean")), (std::vector<double>{5.0 / 3, 14.0 / 4, 4, 4}));
  EXPECT_EQ(values(in.scatter_reduce(0, idx, src, "mean", false)), (std::vector<double>{2, 4, 5, 4}));
}

TEST(Indexing, RepeatedIndicesAccumulateGradients) {
  fx::Tensor x = fx::tensor({1.0, 2.0, 3.0}, fx::Float64).requires_grad_();
  x.index({ints({0, 2, 0, 0}, {4})}).sum().backward();
  EXPECT_EQ(values(x.grad()), (std::vector<double>{3, 0, 1}));
  // amax ties share the gradient evenly (PyTorch)
  fx::Tensor s = fx::tensor({5.0, 5.0, 1.0}, fx::Float64).requires_grad_();
  fx::zeros({1}, fx::Float64).scatter_reduce(0, ints({0, 0, 0}, {3}), s, "amax", false).sum().backward();
  EXPECT_EQ(values(s.grad()), (std::vector<double>{0.5, 0.5, 0}));
}

TEST(Indexing, InPlaceOpsInTheGraph) {
  fx::Tensor w = fx::tensor({1.0, 2.0, 3.0}, fx::Float64).requires_grad_();
  fx::Tensor y = w * 2.0;
  y.index_put_({Slice{1}}, w.index({Slice{0, 2}}) * w.index({Slice{0, 2}}));  // y = [2 w0, w0^2, w1^2]
  y.add_(w);                                                                  // y += w
  EXPECT_EQ(values(y), (std::vector<double>{3, 3, 7}));
  y.sum().backward();
  EXPECT_EQ(values(w.grad()), (std::vector<double>{2 + 2 + 1, 4 + 1, 1}));
  // the version counter catches a saved tensor modified afterwards
  fx::Tensor v = w * 1.0;
  fx::Tensor z = v.sin();  // saves v
  v.mul_(2.0);
  EXPECT_NE(error_of([&] { z.sum().backward(); }).find("modified"), std::string::npos);
  // an in-place op on a leaf that requires grad names the fix
  EXPECT_NE(error_of([&] { w.index_put_({Slice{0, 1}}, 0.0); }).find("NoGradGuard"), std::string::npos);
  // a write into a view of a tensor in the graph rewrites the base's history (CopySlices;
  // test_inplace_views.cpp checks it against finite differences)
  fx::Tensor base = w * 3.0;
  fx::Tensor view = base.index({Slice{0, 2}});
  view.add_(w.index({Slice{0, 2}}));  // base = [4 w0, 4 w1, 3 w2]
  w.zero_grad();
  base.sum().backward();
  EXPECT_EQ(values(w.grad()), (std::vector<double>{4, 4, 3}));
  // outside autograd the kernel writes through views
  fx::Tensor buf = fx::zeros({2, 3}, fx::Float64);
  buf.index_put_({Slice{}, 1}, 4.0);
  buf.masked_fill_(buf > 3.0, 5.0);
  EXPECT_EQ(values(buf), (std::vector<double>{0, 5, 0, 0, 5, 0}));
}

TEST(Indexing, ErrorsNameTheOpTheShapesAndTheFix) {
  fx::Tensor x = iota({2, 3});
  EXPECT_NE(error_of([&] { (void)x.index({fx::tensor({0.0})}); }).find("int64 or int32"), std::string::npos);
  EXPECT_NE(error_of([&] { (void)x.index({ints({2}, {1})}); }).find("index 2 is out of range for dim 0 of size 2"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              (void)x.index({ints({0, 1}, {2}), ints({0, 1, 2}, {3})});
            }).find("cannot be broadcast"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              (void)x.index({bools({1, 0}, {2, 1})});
            }).find("does not match the dims it indexes"),
            std::string::npos);
  EXPECT_NE(error_of([&] { (void)x.index({0, 0, 0}); }).find("too many indices"), std::string::npos);
  EXPECT_NE(error_of([&] { (void)x.index({Ellipsis, Ellipsis}); }).find("single Ellipsis"), std::string::npos);
  EXPECT_NE(error_of([&] { (void)x.masked_fill(fx::ones({2, 3}), 0); }).find("Bool"), std::string::npos);
  EXPECT_NE(error_of([&] { (void)x.index_put({ints({0}, {1})}, fx::ones({2})); }).find("cannot be broadcast"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              (void)x.scatter_reduce(0, ints({0}, {1, 1}), x, "median");
            }).find("reduce must be"),
            std::string::npos);
  EXPECT_NE(error_of([&] { (void)x.take(ints({6}, {1})); }).find("out of range"), std::string::npos);
  EXPECT_NE(error_of([&] { (void)x.masked_scatter(x > 0.5, fx::ones({2}, fx::Float64)); }).find("has only 2"),
            std::string::npos);
}
