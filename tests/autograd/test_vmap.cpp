// SPDX-License-Identifier: MIT
// func::vmap: each class of batching rule against a loop over the batch, with
// the batch dim at each position and unbatched inputs; nesting, out_dims,
// chunks, the fallback loop and its warning, errors, randomness, and
// composition with grad and jvp (per-sample gradients).
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "autograd/apply.h"
#include "tensor/kernels/unary.h"
#include "expect_close.h"
#include "fluxion.h"

namespace fx = fluxion;
using fx::Tensor;
using Many = std::vector<Tensor>;

namespace {

// B random examples of `shape`, stacked with the batch at `dim`.
Tensor batch(const fx::Shape& shape, int64_t size, int64_t dim) {
  Many xs;
  for (int64_t b = 0; b < size; ++b) xs.push_back(fx::randn(shape, fx::Float64));
  return fx::stack(xs, dim);
}

// f applied example by example (example b of input i: select(in_dims[i], b)), stacked along 0.
Tensor loop(const std::function<Tensor(const Many&)>& f, const Many& xs,
            const std::vector<std::optional<int64_t>>& dims) {
  int64_t size = -1;
  for (size_t i = 0; i < xs.size(); ++i)
    if (dims[i]) size = xs[i].size(*dims[i]);
  Many ys;
  for (int64_t b = 0; b < size; ++b) {
    Many ex;
    for (size_t i = 0; i < xs.size(); ++i) ex.push_back(dims[i] ? xs[i].select(*dims[i], b) : xs[i]);
    ys.push_back(f(ex));
  }
  return fx::stack(ys, 0);
}

// vmap(f) == the loop, for the batch at every position of every input (and
// the second input unbatched), on examples of the given shapes.
void check_rule(const std::function<Tensor(const Many&)>& f, const std::vector<fx::Shape>& shapes) {
  for (int64_t pos = 0; pos <= (int64_t)shapes[0].size(); ++pos) {
    for (bool share_second : {false, true}) {
      if (share_second && shapes.size() < 2) continue;
      Many xs;
      std::vector<std::optional<int64_t>> in_dims;
      for (size_t i = 0; i < shapes.size(); ++i) {
        bool shared = share_second && i == 1;
        int64_t d = std::min<int64_t>(pos, (int64_t)shapes[i].size());
        xs.push_back(shared ? fx::randn(shapes[i], fx::Float64) : batch(shapes[i], 3, d));
        in_dims.push_back(shared ? std::nullopt : std::optional<int64_t>(d));
      }
      SCOPED_TRACE("batch at " + std::to_string(pos) + (share_second ? ", second input shared" : ""));
      expect_close(fx::func::vmap(f, in_dims)(xs), loop(f, xs, in_dims));
    }
  }
}

}  // namespace

TEST(Vmap, FunctionSeesOneExample) {
  Tensor xs = fx::randn({4, 3}, fx::Float64);
  auto f = [](const Tensor& x) {
    EXPECT_EQ(x.shape(), fx::Shape({3}));
    EXPECT_EQ(x.dim(), 1);
    EXPECT_EQ(x.size(0), 3);
    EXPECT_EQ(x.numel(), 3);
    return x.sin() * x.size(0);
  };
  expect_close(fx::func::vmap(f)(xs), xs.sin() * 3.0);
  Tensor t = xs.t();  // the batch along dim 1
  expect_close(fx::func::vmap(f, 1)(t), xs.sin() * 3.0);
}

TEST(Vmap, PointwiseRulesBroadcast) {
  check_rule([](const Many& a) { return (a[0] * a[1]).exp() - a[1] / (a[0].abs() + 1.0); }, {{2, 3}, {2, 3}});
  check_rule([](const Many& a) { return fx::maximum(a[0], a[1]) + a[0].tanh(); }, {{4, 3}, {3}});  // ranks differ
  check_rule([](const Many& a) { return a[0] + a[1]; }, {{3}, {2, 1}});  // the wider is second
  check_rule([](const Many& a) { return fx::where(a[0] > a[1], a[0], a[1].sigmoid()); }, {{2, 3}, {2, 3}});
  check_rule([](const Many& a) { return a[0].relu().pow(2.0).to(fx::Float32).to(fx::Float64); }, {{5}});
}

TEST(Vmap, ReductionRulesShiftDims) {
  check_rule([](const Many& a) { return a[0].sum(); }, {{2, 3}});
  check_rule([](const Many& a) { return a[0].sum(-1, true) + a[0].mean(0); }, {{2, 3}});
  check_rule([](const Many& a) { return a[0].amax({0, 2}) + a[0].logsumexp(2).sum(0); }, {{2, 3, 4}});
  check_rule([](const Many& a) { return a[0].norm() + a[0].prod(1).sum(); }, {{2, 3}});
  check_rule([](const Many& a) { return a[0].max(0).first + a[0].argmax(0).to(fx::Float64) + a[0].cumsum(1).sum(0); },
             {{3, 4}});
  check_rule([](const Many& a) { return a[0].softmax(-1) * a[1].log_softmax(0); }, {{2, 3}, {2, 3}});
  check_rule([](const Many& a) { return a[0].sum() * 2.0 + a[0].amax(); }, {{}});  // scalar examples
}

TEST(Vmap, ViewRulesShiftDims) {
  check_rule([](const Many& a) { return a[0].reshape({6}) + a[0].t().reshape({-1}); }, {{2, 3}});
  check_rule([](const Many& a) { return a[0].permute({2, 0, 1}).transpose(0, 1); }, {{2, 3, 4}});
  check_rule(
      [](const Many& a) {
        return a[0].unsqueeze(0).expand({4, 2, 3}) + a[0].expand({2, 2, 3}).sum(0);
      },
      {{2, 3}});
  check_rule([](const Many& a) { return a[0].select(1, 2) + a[0].slice(1, 0, 3, 2).sum(1); }, {{2, 4}});
  check_rule([](const Many& a) { return a[0].diagonal() + a[0].flip({1}).diagonal(1).sum(); }, {{3, 3}});
  check_rule([](const Many& a) { return fx::cat({a[0], a[1]}, 1).flatten(); }, {{2, 3}, {2, 2}});
  check_rule([](const Many& a) { return fx::sum_to(a[0], {1, 3}); }, {{2, 3}});
}

TEST(Vmap, MatmulRuleEveryRankPair) {
  std::vector<std::vector<fx::Shape>> pairs = {{{4}, {4}},       {{3, 4}, {4}},       {{4}, {4, 2}},
                                               {{3, 4}, {4, 2}}, {{2, 3, 4}, {4, 5}}, {{4}, {2, 4, 5}},
                                               {{2, 3, 4}, {4}}, {{3, 4}, {2, 4, 5}}};
  for (const auto& shapes : pairs) {
    SCOPED_TRACE(to_string(shapes[0]) + " @ " + to_string(shapes[1]));
    check_rule([](const Many& a) { return a[0].matmul(a[1]); }, shapes);
  }
}

TEST(Vmap, LinearRuleSharedAndPerExampleWeights) {
  auto f = [](const Many& a) { return fx::linear(a[0], a[1], a[2]); };
  Tensor x = fx::randn({5, 4}, fx::Float64), w = fx::randn({3, 4}, fx::Float64), b = fx::randn({3}, fx::Float64);
  Tensor ws = fx::randn({5, 3, 4}, fx::Float64), bs = fx::randn({3, 5}, fx::Float64);
  for (auto [args, dims] :
       std::vector<std::pair<Many, std::vector<std::optional<int64_t>>>>{{{x, w, b}, {0, std::nullopt, std::nullopt}},
                                                                         {{x, ws, b}, {0, 0, std::nullopt}},
                                                                         {{x, ws, bs}, {0, 0, 1}},
                                                                         {{x[0], ws, bs}, {std::nullopt, 0, 1}}}) {
    expect_close(fx::func::vmap(f, dims)(args), loop(f, args, dims));
  }
}

TEST(Vmap, Conv2dFoldsTheBatchWhenTheWeightIsShared) {
  // the batch at every position of x, w shared (folded into conv's own batch
  // dim) or batched (the per-example loop); then per-example gradients, whose
  // input gradient folds the same way
  auto f = [](const Many& a) { return fx::conv2d(a[0], a[1], {}, {.stride = 2, .padding = 1}); };
  check_rule(f, {{2, 3, 7, 6}, {4, 3, 3, 3}});
  Tensor xs = batch({2, 3, 7, 6}, 3, 0), w = fx::randn({4, 3, 3, 3}, fx::Float64);
  auto grads = [&](const Many& a) {
    Many g = fx::func::grad([&](const Many& q) { return f(q).tanh().sum(); })(a);
    return fx::cat({g[0].reshape({-1}), g[1].reshape({-1})});
  };
  expect_close(fx::func::vmap(grads, {0, std::nullopt})(Many{xs, w}), loop(grads, {xs, w}, {0, std::nullopt}));
}

TEST(Vmap, NestedVmapUsesOneLevelEach) {
  Tensor xs = fx::randn({2, 3, 4}, fx::Float64), w = fx::randn({4, 5}, fx::Float64);
  auto f = [&w](const Tensor& x) { return (x.matmul(w).tanh() * x.sum()).logsumexp(0); };  // x: [4]
  Tensor y = fx::func::vmap(fx::func::vmap(f))(xs);
  ASSERT_EQ(y.shape(), fx::Shape({2, 3}));
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j) EXPECT_NEAR(y.at({i, j}), f(xs[i][j]).item(), 1e-12);
  // The inner vmap over dim 1 of each outer example, the outer over dim 2: a [4, 3, 2] input.
  Tensor t = xs.permute({2, 1, 0});
  expect_close(fx::func::vmap(fx::func::vmap(f, 1), 2)(t), y);
  // An outer-batched tensor inside the inner vmap is the same for every inner example.
  Tensor zs = fx::randn({3, 4}, fx::Float64);
  auto g = [&](const Tensor& x) { return fx::func::vmap([&](const Tensor& z) { return (x * z).sum(); })(zs); };
  expect_close(fx::func::vmap(g)(xs[0]), xs[0].matmul(zs.t()));
}

TEST(Vmap, OutDimsChunksAndSeveralOutputs) {
  Tensor xs = fx::randn({5, 3}, fx::Float64);
  auto f = [](const Tensor& x) { return x.unsqueeze(1) * x; };  // [3, 3] per example
  Tensor y = fx::func::vmap(f, 0, 2)(xs);
  ASSERT_EQ(y.shape(), fx::Shape({3, 3, 5}));
  expect_close(y.permute({2, 0, 1}), loop([&](const Many& a) { return f(a[0]); }, {xs}, {0}));
  expect_close(fx::func::vmap(f, 0, -1, {.chunk_size = 2})(xs), y);
  auto two = [](const Many& a) { return Many{a[0].sum(), a[0] * 2.0, a[1] + 1.0}; };
  Tensor c = fx::randn({2}, fx::Float64);
  Many ys = fx::func::vmap(two, {0, std::nullopt}, {0, 1, 0}, {.chunk_size = 3})(Many{xs, c});
  expect_close(ys[0], xs.sum(1));
  expect_close(ys[1], xs.t() * 2.0);
  expect_close(ys[2], (c + 1.0).unsqueeze(0).expand({5, 2}));  // not batched: expanded to the batch
}

namespace {
// An op as a new one starts out, with its forward, VJP and JVP but no batching
// rule yet (every library op has one): y = sqrt(x), dy/dx = 1 / (2 y).
struct SqrtWithoutRule {
  static constexpr const char* name = "SqrtWithoutRule";
  static constexpr fx::Save save = fx::Save::output;
  fx::TensorData forward(const fx::TensorData& x) const { return fx::kernels::sqrt(x); }
  Tensor vjp(const Tensor& grad, const fx::Saved& s) const { return grad / (s.output() * 2.0); }
  Tensor jvp(const Tensor& dx, const fx::Saved& s) const { return dx / (s.output() * 2.0); }
};
}  // namespace

TEST(Vmap, FallbackLoopsOnceWithOneWarning) {
  Tensor xs = fx::rand({4, 3, 5}, fx::Float64) + 0.5;
  auto root = [](const Tensor& x) { return fx::apply(SqrtWithoutRule{}, x); };
  auto before = fx::batching::fallback_ops();
  ASSERT_EQ(std::find(before.begin(), before.end(), "SqrtWithoutRule"), before.end());
  testing::internal::CaptureStderr();
  Tensor y1 = fx::func::vmap(root)(xs);
  auto twice = [&](const Tensor& x) { return root(x) * 2.0; };
  Tensor y2 = fx::func::vmap(twice, 2)(xs.permute({1, 2, 0}));
  Tensor g = fx::func::vmap(fx::func::grad([&](const Tensor& x) { return root(x).sum(); }))(xs);
  std::string err = testing::internal::GetCapturedStderr();
  expect_close(y1, xs.sqrt(), 1e-12);
  expect_close(y2, y1 * 2.0, 1e-12);
  expect_close(g, 0.5 / xs.sqrt(), 1e-12);
  size_t count = 0;
  for (size_t p = err.find("SqrtWithoutRule "); p != std::string::npos; p = err.find("SqrtWithoutRule ", p + 1)) ++count;
  EXPECT_EQ(count, 1u) << err;
  auto after = fx::batching::fallback_ops();
  EXPECT_NE(std::find(after.begin(), after.end(), "SqrtWithoutRule"), after.end());
}

namespace {
void expect_error(const std::function<void()>& f, std::vector<std::string> parts) {
  try {
    f();
    ADD_FAILURE() << "no error";
  } catch (const fx::Error& e) {
    for (const std::string& p : parts) EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
  }
}
}  // namespace

TEST(Vmap, ErrorsNameInputsSizesAndFix) {
  Tensor a = fx::randn({4, 3}, fx::Float64), b = fx::randn({3, 5}, fx::Float64);
  auto add = [](const Many& x) { return x[0].sum() + x[1].sum(); };
  expect_error(
      [&] {
        (void)fx::func::vmap(add, {0, 1})(Many{a, b});
      },
      {"different batch sizes", "input 0 of shape [4, 3] at dim 0 has 4", "input 1 of shape [3, 5] at dim 1 has 5",
       "nullopt"});
  expect_error([&] { (void)fx::func::vmap(add, {0})(Many{a, b}); }, {"in_dims has 1 entries but there are 2 inputs"});
  expect_error([&] { (void)fx::func::vmap(add, {std::nullopt, std::nullopt})(Many{a, b}); }, {"maps none"});
  expect_error([&] { (void)fx::func::vmap([](const Tensor& x) { return x * x.sum().item(); })(a); },
               {"vmap", "values read"});
  expect_error([&] { (void)fx::func::vmap([](const Tensor& x) { return fx::nonzero(x); })(a); }, {"vmap", "nonzero"});
  expect_error([&] { (void)fx::func::vmap([](const Tensor& x) { return fx::unique(x).values; })(a); },
               {"vmap: Unique", "depends on the values"});
  // In place: on a batched tensor, and into a tensor captured from outside.
  expect_error(
      [&] {
        (void)fx::func::vmap([](const Tensor& x) {
          Tensor y = x * 2.0;
          return y.add_(x);
        })(a);
      },
      {"vmap: add_", "per-example shape [3]", "out-of-place"});
  Tensor captured = fx::zeros({3}, fx::Float64);
  expect_error([&] { (void)fx::func::vmap([&](const Tensor& x) { return captured.copy_(x); })(a); },
               {"vmap: copy_", "captured"});
  expect_close(captured, fx::zeros({3}, fx::Float64));  // refused before any write
  Tensor escaped;
  (void)fx::func::vmap([&](const Tensor& x) {
    escaped = x;
    return x;
  })(a);
  expect_error([&] { (void)(escaped + 1.0); }, {"after its vmap returned"});
}

TEST(Vmap, Randomness) {
  Tensor a = fx::zeros({4, 3}, fx::Float64);
  auto noisy = [](const Tensor& x) { return x + fx::randn({3}, fx::Float64); };
  expect_error([&] { (void)fx::func::vmap(noisy)(a); }, {"normal", "randomness", "Randomness::different"});
  Tensor same = fx::func::vmap(noisy, 0, 0, {.randomness = fx::func::Randomness::same})(a);
  Tensor diff = fx::func::vmap(noisy, 0, 0, {.randomness = fx::func::Randomness::different})(a);
  expect_close(same, same[0].unsqueeze(0).expand({4, 3}));
  EXPECT_GT((diff[0] - diff[1]).abs().sum().item(), 0.0);
  fx::manual_seed(3);
  Tensor d1 = fx::func::vmap(noisy, 0, 0, {.randomness = fx::func::Randomness::different})(a);
  fx::manual_seed(3);
  expect_close(fx::randn({4, 3}, fx::Float64), d1);  // one draw for the whole batch
}
