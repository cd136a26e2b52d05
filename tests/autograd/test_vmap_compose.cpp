// SPDX-License-Identifier: MIT
// func::vmap composed with grad and jvp, in both orders: per-sample gradients
// against a loop of grad, the gradient of a vmapped function, jvp through
// vmap and vmap of jvp and hvp.
#include <gtest/gtest.h>

#include "expect_close.h"
#include "fluxion.h"

namespace fx = fluxion;
using fx::Tensor;
using Many = std::vector<Tensor>;

namespace {

// A two-layer perceptron's loss on one example x with one-hot label y.
Tensor mlp_loss(const Many& p, const Tensor& x, const Tensor& y) {
  Tensor h = fx::linear(x, p[0], p[1]).relu();
  return -(fx::linear(h, p[2], p[3]).log_softmax(-1) * y).sum();
}

Many mlp_params() {
  return {fx::randn({4, 5}, fx::Float64), fx::randn({4}, fx::Float64), fx::randn({3, 4}, fx::Float64),
          fx::randn({3}, fx::Float64)};
}

}  // namespace

TEST(VmapCompose, PerSampleGradientsEqualALoopOfGrad) {
  Many p = mlp_params();
  Tensor xs = fx::randn({6, 5}, fx::Float64);
  Tensor ys = fx::eye(3, 3, fx::Float64).index_select(0, fx::tensor(std::vector<int64_t>{0, 2, 1, 1, 0, 2}, {6}));
  // vmap(grad(loss), {none, none, none, none, 0, 0}): params shared, x and y mapped.
  auto per_example = [](const Many& a) -> Many {
    Tensor x = a[4], y = a[5];
    return fx::func::grad([&](const Many& q) { return mlp_loss(q, x, y); })(Many(a.begin(), a.begin() + 4));
  };
  Many args = p;
  args.push_back(xs);
  args.push_back(ys);
  Many g = fx::func::vmap(per_example, {std::nullopt, std::nullopt, std::nullopt, std::nullopt, 0, 0})(args);
  ASSERT_EQ(g.size(), 4u);
  for (int64_t b = 0; b < 6; ++b) {
    Many want = fx::func::grad([&](const Many& q) { return mlp_loss(q, xs[b], ys[b]); })(p);
    for (size_t k = 0; k < 4; ++k) {
      ASSERT_EQ(g[k].shape()[0], 6);
      expect_close(g[k][b], want[k]);
    }
  }
}

TEST(VmapCompose, GradOfVmapAndVmapOfGrad) {
  Tensor xs = fx::randn({4, 3}, fx::Float64), w = fx::randn({3, 3}, fx::Float64);
  auto h = [&w](const Tensor& x) { return (x.matmul(w).sin() * x).sum(); };
  Tensor want = fx::stack(
      {fx::func::grad(h)(xs[0]), fx::func::grad(h)(xs[1]), fx::func::grad(h)(xs[2]), fx::func::grad(h)(xs[3])});
  expect_close(fx::func::vmap(fx::func::grad(h))(xs), want);
  expect_close(fx::func::grad([&](const Tensor& X) { return fx::func::vmap(h)(X).sum(); })(xs), want);
  // with the batch along dim 1 and out_dims 1
  expect_close(fx::func::vmap(fx::func::grad(h), 1, 1)(xs.t()), want.t());
}

TEST(VmapCompose, JvpThroughVmapAndVmapOfJvp) {
  Tensor xs = fx::randn({4, 3}, fx::Float64), vs = fx::randn({4, 3}, fx::Float64), w = fx::randn({3, 2}, fx::Float64);
  auto f = [&w](const Tensor& x) { return x.matmul(w).tanh() * x.sum(); };
  Many want;
  for (int64_t b = 0; b < 4; ++b) want.push_back(fx::func::jvp(f, xs[b], vs[b]).second);
  expect_close(fx::func::jvp(fx::func::vmap(f), xs, vs).second, fx::stack(want));
  auto jv = [&](const Many& a) { return fx::func::jvp(f, a[0], a[1]).second; };
  expect_close(fx::func::vmap(jv)(Many{xs, vs}), fx::stack(want));
}

TEST(VmapCompose, VmapOfHvpEqualsALoop) {
  Tensor xs = fx::randn({3, 4}, fx::Float64), vs = fx::randn({3, 4}, fx::Float64);
  auto f = [](const Tensor& x) { return (x.exp() * x.sum()).logsumexp(0); };
  auto hv = [&](const Many& a) { return fx::func::hvp(f, a[0], a[1]); };
  auto hv_rr = [&](const Many& a) {
    return fx::func::hvp(f, a[0], a[1], {.method = fx::func::HvpMethod::reverse_over_reverse});
  };
  Many want;
  for (int64_t b = 0; b < 3; ++b) want.push_back(fx::func::hvp(f, xs[b], vs[b]));
  expect_close(fx::func::vmap(hv)(Many{xs, vs}), fx::stack(want), 1e-9);
  expect_close(fx::func::vmap(hv_rr)(Many{xs, vs}), fx::stack(want), 1e-9);
}

TEST(VmapCompose, CheckpointInsideVmapEqualsThePlainBlock) {
  Tensor xs = fx::randn({4, 3}, fx::Float64), w = fx::randn({3, 3}, fx::Float64);
  auto block = [&w](const Tensor& x) { return x.matmul(w).tanh() * x; };
  auto plain = [&](const Tensor& x) { return block(x).sum(); };
  auto ckpt = [&](const Tensor& x) { return fx::autograd::checkpoint(block, x).sum(); };
  Many want_y, want_g;
  for (int64_t b = 0; b < 4; ++b) {
    want_y.push_back(plain(xs[b]));
    want_g.push_back(fx::func::grad(plain)(xs[b]));
  }
  expect_close(fx::func::vmap(ckpt)(xs), fx::stack(want_y));
  // Backward inside vmap: the checkpoint's recomputation runs on batched inputs.
  expect_close(fx::func::vmap(fx::func::grad(ckpt))(xs), fx::stack(want_g));
  // Backward after vmap returned: through the batch's own graph.
  expect_close(fx::func::grad([&](const Tensor& X) { return fx::func::vmap(ckpt)(X).sum(); })(xs), fx::stack(want_g));
}
