// SPDX-License-Identifier: MIT
// nn::checkpoint_sequential and autograd::checkpoint on a real model:
// training a 64-layer MLP with a checkpoint every 8 layers gives the plain
// run's gradients bit for bit at under a quarter of its peak tensor memory;
// any split of a Sequential computes what the Sequential computes; dropout
// inside a checkpointed segment keeps its mask.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "fluxion.h"

namespace fx = fluxion;
namespace nn = fluxion::nn;
using fx::Tensor;

namespace {

// layers x (Linear(width, width), ReLU or SiLU), weights scaled to He's
// variance (2 / width) so that the signal neither dies nor explodes over 64 layers.
std::shared_ptr<nn::Sequential> mlp(int64_t width, int layers, fx::DType dtype = fx::Float32, bool silu = false) {
  fx::manual_seed(0);
  auto seq = std::make_shared<nn::Sequential>();
  for (int i = 0; i < layers; ++i) {
    auto fc = std::make_shared<nn::Linear>(width, width, nn::LinearOptions{.dtype = dtype});
    {
      fx::NoGradGuard no_grad;
      fc->weight.mul_(2.45);  // U(-1/sqrt(in), 1/sqrt(in)) has variance 1 / (3 in); 2.45^2 / 3 ~ 2
    }
    seq->push_back(fc);
    if (silu)
      seq->push_back(nn::SiLU());
    else
      seq->push_back(nn::ReLU());
  }
  return seq;
}

void expect_identical(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_TRUE(a[i].defined() && b[i].defined()) << "tensor " << i;
    EXPECT_EQ((a[i] - b[i]).abs().max().item(), 0.0) << "tensor " << i;
  }
}

std::vector<Tensor> grads_of(const nn::Module& m) {
  std::vector<Tensor> gs;
  for (const Tensor& p : m.parameters()) gs.push_back(p.grad());
  return gs;
}

struct Step {
  std::vector<Tensor> grads;
  size_t peak_bytes;  // max_memory_allocated() over forward + backward, everything counted
  double seconds;
};

// net(x) with autograd::checkpoint around every `every` modules (0: none).
Tensor forward(const nn::Sequential& net, const Tensor& x, size_t every) {
  if (!every) return net.forward(x);
  Tensor h = x;
  for (size_t start = 0; start < net.size(); start += every)
    h = fx::autograd::checkpoint([&net, start, every](const Tensor& t) { return net.forward(t, start, start + every); },
                                 h);
  return h;
}

// One SGD step on mean((net(x) - target)^2), with or without checkpoints.
Step train_step(nn::Sequential& net, const Tensor& x, const Tensor& target, size_t every) {
  for (const Tensor& p : net.parameters()) p.zero_grad();
  fx::reset_peak_memory_stats();
  auto t0 = std::chrono::steady_clock::now();
  {
    Tensor y = forward(net, x, every);
    ((y - target) * (y - target)).mean().backward();
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  Step s{grads_of(net), fx::max_memory_allocated(), seconds};
  fx::NoGradGuard no_grad;
  for (Tensor p : net.parameters()) p.add_(p.grad(), -0.05);
  return s;
}

}  // namespace

TEST(CheckpointSequential, Mlp64LayersSameGradientsUnderAQuarterOfThePeakMemory) {
  // Activations dominate: each is 2048 x 32 floats (256 KB), about three per
  // layer in the plain graph (SiLU keeps x and sigmoid(x)), against 64
  // weights of 32 x 32 (4 KB each). Checkpointed: the 8 blocks' inputs and
  // one block's activations, recomputed.
  const int64_t batch = 2048, width = 32;
  auto plain = mlp(width, 64, fx::Float32, true), ckpt = mlp(width, 64, fx::Float32, true);
  fx::manual_seed(1);
  Tensor x = fx::randn({batch, width}), target = fx::randn({batch, width});
  for (int step = 0; step < 3; ++step) {
    Step p = train_step(*plain, x, target, 0);
    Step c = train_step(*ckpt, x, target, 16);  // a checkpoint every 8 layers (16 modules)
    expect_identical(c.grads, p.grads);
    double ratio = (double)c.peak_bytes / (double)p.peak_bytes;
    std::printf("step %d: peak %zu B checkpointed vs %zu B plain (ratio %.3f); %.1f ms vs %.1f ms (%.2fx)\n", step,
                c.peak_bytes, p.peak_bytes, ratio, 1e3 * c.seconds, 1e3 * p.seconds, c.seconds / p.seconds);
    EXPECT_LE(ratio, 0.25);
  }
  expect_identical(ckpt->parameters(), plain->parameters());  // and so the trained weights
}

TEST(CheckpointSequential, EverySplitComputesWhatTheSequentialComputes) {
  auto net = mlp(5, 7, fx::Float64);  // 14 modules: splits with remainders
  fx::manual_seed(2);
  Tensor x = fx::randn({4, 5}, fx::Float64).requires_grad_();
  Tensor y = net->forward(x);
  (y * y).sum().backward();
  std::vector<Tensor> want = grads_of(*net);
  want.push_back(x.grad());
  for (size_t segments : {1, 2, 3, 5, 14}) {
    for (const Tensor& p : net->parameters()) p.zero_grad();
    x.zero_grad();
    Tensor yc = nn::checkpoint_sequential(*net, segments, x);
    expect_identical({yc}, {y});
    (yc * yc).sum().backward();
    std::vector<Tensor> got = grads_of(*net);
    got.push_back(x.grad());
    expect_identical(got, want);
  }
}

TEST(CheckpointSequential, DropoutKeepsItsMaskInTheRecomputation) {
  fx::manual_seed(3);
  nn::Sequential net(nn::Linear(6, 16), nn::Dropout(0.5), nn::Tanh(), nn::Dropout(0.3), nn::Linear(16, 16), nn::Tanh(),
                     nn::Linear(16, 2));
  Tensor x = fx::randn({8, 6});
  fx::manual_seed(4);
  Tensor y = net.forward(x);
  y.sum().backward();
  std::vector<Tensor> want = grads_of(net);
  for (const Tensor& p : net.parameters()) p.zero_grad();
  fx::manual_seed(4);
  Tensor yc = nn::checkpoint_sequential(net, 3, x);  // [0, 2) and [2, 4) checkpointed: both dropouts
  expect_identical({yc}, {y});                       // the forward drew the same masks
  yc.sum().backward();
  expect_identical(grads_of(net), want);  // and so did the recomputation
}

TEST(CheckpointSequential, Errors) {
  auto net = mlp(3, 2);
  Tensor x = fx::randn({2, 3});
  for (size_t segments : {0, 5}) {
    try {
      (void)nn::checkpoint_sequential(*net, segments, x);
      ADD_FAILURE() << "segments = " << segments << " should throw";
    } catch (const fx::Error& e) {
      EXPECT_NE(std::string(e.what()).find("segments must be in [1, 4]"), std::string::npos) << e.what();
    }
  }
}
