// SPDX-License-Identifier: MIT
// mlp_small_step and mlp_mnist_step (../shared/bench/WORKLOADS.md): one
// training step (forward, backward, optimizer update) of a small MLP, the
// way a user writes it with nn and optim.
#include "bench/bench.h"
#include "fluxion.h"

namespace fluxion::bench {
namespace {

namespace F = nn::functional;

// MLP 2-64-64-1, tanh, MSE loss, batch 256, SGD(lr = 0.01), f32
void mlp_small_step(const Context& ctx) {
  manual_seed(0);
  nn::Sequential net(nn::Linear(2, 64), nn::Tanh(), nn::Linear(64, 64), nn::Tanh(), nn::Linear(64, 1));
  optim::SGD opt(net.parameters(), {.lr = 0.01});
  Tensor x = randn({256, 2}), y = randn({256, 1});
  Timing t = time_it([&] {
    opt.zero_grad();
    F::mse_loss(net.forward(x), y).backward();
    opt.step();
  });
  Line("mlp_small_step", ctx).add("dtype", "f32").add("batch", 256).timing(t).blas().print();
}

// MLP 784-512-512-10, ReLU, cross-entropy, batch 128, Adam(lr = 1e-3), random data, f32
void mlp_mnist_step(const Context& ctx) {
  manual_seed(0);
  nn::Sequential net(nn::Linear(784, 512), nn::ReLU(), nn::Linear(512, 512), nn::ReLU(), nn::Linear(512, 10));
  optim::Adam opt(net.parameters(), {.lr = 1e-3});
  Tensor x = randn({128, 784}), y = randint(0, 10, {128});
  Timing t = time_it([&] {
    opt.zero_grad();
    F::cross_entropy(net.forward(x), y).backward();
    opt.step();
  });
  Line("mlp_mnist_step", ctx).add("dtype", "f32").add("batch", 128).timing(t).blas().print();
}

const bool registered_small = add_workload("mlp_small_step", mlp_small_step);
const bool registered_mnist = add_workload("mlp_mnist_step", mlp_mnist_step);

}  // namespace
}  // namespace fluxion::bench
