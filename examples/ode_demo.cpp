// SPDX-License-Identifier: MIT
// ode_demo: torchdiffeq's spiral demo in C++. A neural ODE y' = net(y^3), with
// net an nn::Sequential 2-50-2 (tanh), learns the dynamics y' = (y^3) A,
// A = [[-0.1, 2], [-2, -0.1]], from 1000 points of one trajectory on [0, 25].
// It trains on batches of 20 windows of 10 time points with odeint_adjoint
// (dopri5, rtol 1e-7, atol 1e-9), the L1 loss and optim::RMSprop (lr 1e-3),
// as torchdiffeq's examples/ode_demo.py does. Every 20 iterations it prints the
// L1 loss over the whole trajectory, the function evaluations of the last
// forward and backward solves, and the time per iteration; a progress bar
// runs in between when stderr is a terminal.
//
//   ./ode_demo [iterations = 400]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "fluxion.h"

namespace fx = fluxion;
namespace ode = fluxion::odeint;

namespace {

struct OdeFunc : fx::nn::Module {  // y' = net(y^3)
  std::shared_ptr<fx::nn::Sequential> net;
  OdeFunc()
      : net(register_module("net", std::make_shared<fx::nn::Sequential>(fx::nn::Linear(2, 50), fx::nn::Tanh(),
                                                                          fx::nn::Linear(50, 2)))) {
    // torchdiffeq's init: weights N(0, 0.1), biases 0
    for (const fx::Tensor& p : parameters()) p.dim() == 2 ? fx::nn::init::normal_(p, 0, 0.1) : fx::nn::init::zeros_(p);
  }
  fx::Tensor forward(const fx::Tensor&, const fx::Tensor& y) const { return net->forward(y * y * y); }
};

}  // namespace

int main(int argc, char** argv) {
  const int iterations = argc > 1 ? std::atoi(argv[1]) : 400;
  const int64_t data_size = 1000, batch_time = 10, batch_size = 20, test_freq = 20;
  fx::manual_seed(0);
  fx::Tensor A = fx::tensor({{-0.1, 2.0}, {-2.0, -0.1}});
  auto truth = [&](const fx::Tensor&, const fx::Tensor& y) { return (y * y * y).matmul(A); };
  fx::Tensor t = fx::linspace(0, 25, data_size), y0 = fx::tensor({2.0, 0.0}), true_y;
  {
    fx::NoGradGuard no_grad;
    true_y = ode::odeint(truth, y0, t);  // [1000, 2]
  }
  fx::Tensor batch_t = t.slice(0, 0, batch_time);
  auto func = std::make_shared<OdeFunc>();
  fx::optim::RMSprop opt(func->parameters(), {.lr = 1e-3});
  ode::Stats fwd, bwd;
  fx::util::ProgressBar bar(iterations, {.label = "iter"});
  double seconds = 0;
  for (int it = 1; it <= iterations; ++it) {
    auto start = std::chrono::steady_clock::now();
    opt.zero_grad();
    // 20 distinct window starts; window i holds true_y[starts + i]
    fx::Tensor starts = fx::randperm(data_size - batch_time).slice(0, 0, batch_size);
    std::vector<fx::Tensor> windows;
    for (int64_t i = 0; i < batch_time; ++i) windows.push_back(true_y.index_select(0, starts + i));
    fx::Tensor batch_y = fx::stack(windows, 0);  // [10, 20, 2]
    fx::Tensor pred = ode::odeint_adjoint(func, windows[0], batch_t, {.stats = &fwd}, {.stats = &bwd});
    fx::Tensor loss = (pred - batch_y).abs().mean();
    loss.backward();
    opt.step();
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    bar.update(it, {{"loss", loss.item()}});
    if (it % test_freq == 0) {
      fx::NoGradGuard no_grad;
      fx::Tensor full = ode::odeint(func, y0, t);
      std::printf("%siter %4d | total loss %.6f | nfe forward %3lld backward %3lld | %.2f ms/iter\n",
                  bar.enabled() ? "\r\x1b[K" : "", it, (full - true_y).abs().mean().item(), (long long)fwd.nfe,
                  (long long)bwd.nfe, 1e3 * seconds / test_freq);
      std::fflush(stdout);
      seconds = 0;
    }
  }
  bar.finish();
  return 0;
}
