// SPDX-License-Identifier: MIT
// autograd::checkpoint against the same block run plainly: gradients (w.r.t.
// inputs and captured tensors), finite differences in Float64, double
// backward and HVPs through the recomputation, forward mode, the random
// numbers replayed, nesting, and the errors.
#include <gtest/gtest.h>

#include <string>

#include "fluxion.h"

namespace fx = fluxion;
using fx::Tensor;
using fx::autograd::checkpoint;

namespace {

void expect_same(const Tensor& a, const Tensor& b, double tol = 0) {
  ASSERT_TRUE(a.defined() && b.defined());
  ASSERT_EQ(a.shape(), b.shape());
  auto x = a.to_vector<double>(), y = b.to_vector<double>();
  for (size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(x[i], y[i], tol) << "at flat index " << i;
}

template <class F>
void expect_throws_with(F f, const std::string& part) {
  try {
    f();
    ADD_FAILURE() << "expected a fluxion::Error mentioning \"" << part << "\"";
  } catch (const fx::Error& e) {
    EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

// A block with a captured weight: tanh(W x) * sin(x), x: (3,), W: (3, 3).
struct Block {
  Tensor W = fx::tensor({{0.5, -1.0, 0.3}, {1.2, 0.4, -0.7}, {0.2, 0.9, -0.4}}, fx::Float64).requires_grad_();
  Tensor operator()(const Tensor& x) const { return W.matmul(x).tanh() * x.sin(); }
};

Tensor x3() { return fx::tensor({0.7, -0.4, 1.3}, fx::Float64).requires_grad_(); }

}  // namespace

TEST(Checkpoint, GradientsOfInputsAndCapturedTensorsEqualThePlainRun) {
  Block f;
  Tensor x = x3();
  (f(f(x)) * 1.5).sum().backward();
  Tensor gx = x.grad(), gW = f.W.grad();
  x.zero_grad();
  f.W.zero_grad();
  Tensor y = checkpoint([&](const Tensor& h) { return f(f(h)); }, x);
  EXPECT_EQ(y.grad_fn()->name(), "CheckpointBackward");
  (y * 1.5).sum().backward();
  expect_same(x.grad(), gx);  // the same ops on the same values: bit for bit
  expect_same(f.W.grad(), gW);
  // autograd::grad reaches the captured W too (PyTorch's reentrant variant does not)
  auto g = fx::autograd::grad({checkpoint(f, x).sum()}, {f.W});
  expect_same(g[0], fx::autograd::grad({f(x).sum()}, {f.W})[0]);
}

TEST(Checkpoint, SeveralInputsAndOutputs) {
  Tensor a = fx::tensor({1.0, 2.0}, fx::Float64).requires_grad_(), b = fx::tensor({-0.5, 0.3}, fx::Float64);
  auto fn = [](const std::vector<Tensor>& xs) { return std::vector<Tensor>{xs[0] * xs[1], xs[0].exp(), xs[1]}; };
  std::vector<Tensor> ys = checkpoint(fn, {a, b});
  ASSERT_EQ(ys.size(), 3u);
  EXPECT_FALSE(ys[2].requires_grad());  // b, returned as is
  (ys[0] * 2 + ys[1]).sum().backward();
  expect_same(a.grad(), b * 2 + a.exp(), 1e-15);
  EXPECT_FALSE(b.grad().defined());
}

TEST(Checkpoint, GradcheckAndGradgradcheckInFloat64) {
  Block f;
  auto fn = [&](const std::vector<Tensor>& xs) {
    return checkpoint([&](const std::vector<Tensor>& h) { return f(h[0]) * h[1].exp(); }, xs).sum();
  };
  std::vector<Tensor> xs = {x3(), fx::tensor({0.1, -0.2, 0.3}, fx::Float64).requires_grad_()};
  EXPECT_TRUE(fx::autograd::gradcheck(fn, xs));
  EXPECT_TRUE(fx::autograd::gradgradcheck(fn, xs));
  // w.r.t. a tensor the block captures rather than takes as an input
  auto captured = [&](const std::vector<Tensor>& w) {
    return checkpoint([W = w[0]](const Tensor& h) { return W.matmul(h).tanh() * h; }, xs[0]);
  };
  EXPECT_TRUE(fx::autograd::gradcheck(captured, {f.W}));
  EXPECT_TRUE(fx::autograd::gradgradcheck(captured, {f.W}));
}

TEST(Checkpoint, HvpThroughTheRecomputationEqualsThePlainOne) {
  Block f;
  auto plain = [&](const Tensor& x) { return f(f(x)).sum(); };
  auto ckpt = [&](const Tensor& x) { return checkpoint([&](const Tensor& h) { return f(f(h)); }, x).sum(); };
  Tensor x = fx::tensor({0.7, -0.4, 1.3}, fx::Float64), v = fx::tensor({1.0, 0.5, -2.0}, fx::Float64);
  for (auto method : {fx::func::HvpMethod::forward_over_reverse, fx::func::HvpMethod::reverse_over_reverse})
    expect_same(fx::func::hvp(ckpt, x, v, {.method = method}), fx::func::hvp(plain, x, v, {.method = method}), 1e-14);
  expect_same(fx::func::hessian(ckpt, x), fx::func::hessian(plain, x), 1e-14);
  // second derivatives w.r.t. the captured W: d/dW <grad_x, v>
  Tensor xr = x3();
  auto gx = fx::autograd::grad({ckpt(xr)}, {xr}, {.create_graph = true});
  auto gp = fx::autograd::grad({plain(xr)}, {xr}, {.create_graph = true});
  expect_same(fx::autograd::grad({(gx[0] * v).sum()}, {f.W})[0], fx::autograd::grad({(gp[0] * v).sum()}, {f.W})[0],
              1e-14);
}

TEST(Checkpoint, ForwardModeTangentsFlowThroughTheBlock) {
  Block f;
  auto plain = [&](const Tensor& x) { return f(f(x)); };
  auto ckpt = [&](const Tensor& x) { return checkpoint(plain, x); };
  Tensor x = fx::tensor({0.7, -0.4, 1.3}, fx::Float64), v = fx::tensor({1.0, 0.5, -2.0}, fx::Float64);
  auto [y, jv] = fx::func::jvp(ckpt, x, v);
  auto [y_plain, jv_plain] = fx::func::jvp(plain, x, v);
  expect_same(y, y_plain);
  expect_same(jv, jv_plain);
  EXPECT_TRUE(fx::autograd::jvpcheck([&](const std::vector<Tensor>& xs) { return ckpt(xs[0]); }, {x3()}));
  // with x requiring grad as well: the tangent is still differentiable (reverse-over-forward)
  fx::forward_ad::DualLevel level;
  Tensor xr = x3();
  Tensor t = fx::forward_ad::unpack_dual(ckpt(fx::forward_ad::make_dual(xr, v))).tangent;
  Tensor tp = fx::forward_ad::unpack_dual(plain(fx::forward_ad::make_dual(xr, v))).tangent;
  expect_same(fx::autograd::grad({t.sum()}, {xr})[0], fx::autograd::grad({tp.sum()}, {xr})[0], 1e-14);
}

TEST(Checkpoint, RandomNumbersAreReplayed) {
  Tensor x = fx::linspace(-1, 1, 64, fx::Float64).requires_grad_();
  auto block = [](const Tensor& h) { return (h * (fx::rand_like(h) >= 0.5).to(h.dtype())).exp(); };
  fx::manual_seed(7);
  block(x).sum().backward();
  Tensor g = x.grad();
  double next = fx::rand({1}).item();
  x.zero_grad();
  fx::manual_seed(7);
  checkpoint(block, x).sum().backward();
  expect_same(x.grad(), g);               // the recomputation drew the same mask
  EXPECT_EQ(fx::rand({1}).item(), next);  // and the stream outside went on unchanged
  x.zero_grad();
  fx::manual_seed(7);
  checkpoint(block, x, {.preserve_rng_state = false}).sum().backward();
  EXPECT_GT((x.grad() - g).abs().max().item(), 0.5);  // a new mask: the gradient is wrong
}

TEST(Checkpoint, Nested) {
  Block f;
  auto inner = [&](const Tensor& h) { return checkpoint(f, f(h)); };
  auto outer = [&](const Tensor& x) { return checkpoint(inner, f(x)).sum(); };
  auto plain = [&](const Tensor& x) { return f(f(f(x))).sum(); };
  Tensor x = x3();
  outer(x).backward();
  Tensor gx = x.grad(), gW = f.W.grad();
  x.zero_grad();
  f.W.zero_grad();
  plain(x).backward();
  expect_same(gx, x.grad());
  expect_same(gW, f.W.grad());
  Tensor v = fx::tensor({1.0, 0.5, -2.0}, fx::Float64);
  expect_same(fx::func::hvp(outer, x.detach(), v), fx::func::hvp(plain, x.detach(), v), 1e-14);
}

TEST(Checkpoint, BackwardTwiceNeedsRetainGraph) {
  Block f;
  Tensor x = x3();
  Tensor y = checkpoint(f, x).sum();
  y.backward({}, {.retain_graph = true});
  Tensor g = x.grad().clone();
  y.backward();
  expect_same(x.grad(), g * 2, 1e-15);
  expect_throws_with([&] { y.backward(); }, "retain_graph = true");
}

TEST(Checkpoint, Errors) {
  Block f;
  Tensor x = x3();
  expect_throws_with([&] { (void)checkpoint(f, Tensor{}); }, "checkpoint: input 0 is an undefined tensor");
  expect_throws_with([&] { (void)checkpoint([](const Tensor&) { return Tensor{}; }, x); },
                     "fn returned an undefined tensor");
  // an input changed in place between forward and backward
  Tensor h = x * 1.0;
  Tensor y = checkpoint(f, h).sum();
  {
    fx::NoGradGuard no_grad;
    h.mul_(2.0);
  }
  expect_throws_with([&] { y.backward(); }, "modified by an in-place operation");
  // fn that computes something else the second time
  int calls = 0;
  auto changing = [&](const Tensor& t) { return ++calls == 1 ? f(t) : f(t).sum(); };
  expect_throws_with([&] { checkpoint(changing, x).sum().backward(); }, "did not compute what it computed");
  // ... or uses another tensor
  Tensor other = fx::ones({3}, fx::Float64).requires_grad_();
  calls = 0;
  auto swapping = [&](const Tensor& t) { return ++calls == 1 ? f(t) : f(t) * other; };
  expect_throws_with([&] { checkpoint(swapping, x).sum().backward(); }, "did not use in forward");
}

TEST(Checkpoint, WithoutGradNothingIsRecorded) {
  Block f;
  Tensor x = x3();
  {
    fx::NoGradGuard no_grad;
    EXPECT_FALSE(checkpoint(f, x).requires_grad());
  }
  Tensor c = fx::tensor({1.0, 2.0, 3.0}, fx::Float64);  // nothing requires grad: returned as computed
  EXPECT_FALSE(checkpoint([](const Tensor& t) { return t.exp(); }, c).requires_grad());
}

// jacfwd through the block while W requires grad: the batched tangents'
// graph leads back to tanh's node (its tangent is computed from its output),
// which must not keep the tangents in turn.
TEST(Checkpoint, JacfwdThroughTheBlockFreesItsGraph) {
  Block f;
  Tensor x = fx::tensor({0.7, -0.4, 1.3}, fx::Float64);
  std::weak_ptr<fx::Node> tanh_node;
  auto block = [&](const Tensor& h) {
    Tensor t = f.W.matmul(h).tanh();
    tanh_node = t.grad_fn();
    return t * h.sin();
  };
  auto ckpt = [&](const Tensor& t) { return checkpoint(block, t); };
  Tensor J = fx::func::jacfwd(f)(x);
  expect_same(fx::func::jacfwd(ckpt)(x), J, 1e-15);
  EXPECT_TRUE(tanh_node.expired());
  auto sum = [&](const Tensor& t) { return ckpt(t).sum(); };
  Tensor H = fx::func::hessian(sum, x);
  expect_same(fx::func::jacfwd(fx::func::jacrev(sum))(x), H, 1e-14);
  EXPECT_TRUE(tanh_node.expired());
}
