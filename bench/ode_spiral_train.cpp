// SPDX-License-Identifier: MIT
// ode_spiral_train: one training iteration of torchdiffeq's spiral demo
// (../shared/bench/WORKLOADS.md): true dynamics y' = (y^3) A on 1000 points of
// [0, 25]; model y' = MLP(y^3), nn::Sequential 2-50-2 tanh; batches of 20
// windows of 10 time points; dopri5 at rtol 1e-7, atol 1e-9; L1 loss;
// optim::RMSprop lr 1e-3; float32. With backprop through the solver
// (direct) and with odeint_adjoint, each with and without jit. peak_mb is the tensor memory an
// iteration adds at its peak; the memory_scaling lines repeat one iteration
// with rk4 at 10x the steps: the adjoint's peak stays flat, direct grows.
#include <sys/resource.h>

#include "bench/bench.h"
#include "fluxion.h"

namespace fluxion::bench {
namespace {

struct OdeFunc : nn::Module {  // y' = net(y^3), as torchdiffeq's ODEFunc
  std::shared_ptr<nn::Sequential> net;
  OdeFunc()
      : net(register_module("net",
                            std::make_shared<nn::Sequential>(nn::Linear(2, 50), nn::Tanh(), nn::Linear(50, 2)))) {
    for (const Tensor& p : parameters()) p.dim() == 2 ? nn::init::normal_(p, 0, 0.1) : nn::init::zeros_(p);
  }
  Tensor forward(const Tensor&, const Tensor& y) const { return net->forward(y * y * y); }
};

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return (double)u.ru_maxrss / 1024.0;
}

struct Spiral {
  const int64_t data_size = 1000, batch_time = 10, batch_size = 20;
  Tensor t = linspace(0, 25, data_size), true_y;
  Spiral() {
    Tensor A = tensor({{-0.1, 2.0}, {-2.0, -0.1}});
    auto truth = [&](const Tensor&, const Tensor& y) { return (y * y * y).matmul(A); };
    NoGradGuard no_grad;
    true_y = odeint::odeint(truth, tensor({2.0, 0.0}), t);  // [1000, 2]
  }
  // batch_size distinct window starts (without replacement, as np.random.choice);
  // returns y0 [20, 2] and the targets [10, 20, 2].
  std::pair<Tensor, Tensor> batch() const {
    Tensor starts = randperm(data_size - batch_time).slice(0, 0, batch_size);
    std::vector<Tensor> windows;
    for (int64_t i = 0; i < batch_time; ++i) windows.push_back(true_y.index_select(0, starts + i));
    return {windows[0], stack(windows, 0)};
  }
};

void run(const Context& ctx) {
  manual_seed(0);
  Spiral data;
  Tensor batch_t = data.t.slice(0, 0, data.batch_time);
  for (auto [adjoint, jit] :
       {std::pair{false, false}, std::pair{false, true}, std::pair{true, false}, std::pair{true, true}}) {
    auto func = std::make_shared<OdeFunc>();
    optim::RMSprop opt(func->parameters(), {.lr = 1e-3});
    odeint::Stats fwd, bwd;
    double peak_mb = 0;
    auto iteration = [&](const odeint::Options& opts) {
      opt.zero_grad();
      auto [y0, batch_y] = data.batch();
      reset_peak_memory_stats();
      const size_t base = memory_allocated();
      Tensor pred = adjoint ? odeint::odeint_adjoint(func, y0, batch_t, opts, {.stats = &bwd})
                            : odeint::odeint(func, y0, batch_t, opts);
      (pred - batch_y).abs().mean().backward();
      peak_mb = double(max_memory_allocated() - base) / (1 << 20);
      opt.step();
    };
    // a training loop records func once, at its first solve, and reuses the recording
    auto cache = jit ? std::make_shared<odeint::JitCache>() : nullptr;
    Timing timing = time_it([&] { iteration({.stats = &fwd, .jit = jit, .jit_cache = cache}); }, 7, 0.0);
    const char* variant = adjoint ? (jit ? "adjoint+jit" : "adjoint") : (jit ? "direct+jit" : "direct");
    Line("ode_spiral_train", ctx)
        .add("dtype", "f32")
        .add("variant", variant)
        .add("nfe_forward", fwd.nfe)
        .add("nfe_backward", adjoint ? bwd.nfe : 0)  // direct: backward walks the graph, no evaluations
        .add("peak_mb", peak_mb)
        .add("peak_rss_mb", peak_rss_mb())
        .timing(timing)
        .print();
    if (jit) continue;  // the memory scales as without jit
    // The same iteration with rk4 at 10x the steps (step 0.02 -> 0.002 over the 0.225 s window).
    iteration({.method = odeint::Method::rk4, .step_size = 0.02});
    const double coarse = peak_mb;
    iteration({.method = odeint::Method::rk4, .step_size = 0.002});
    Line("ode_spiral_train", ctx)
        .add("variant", variant)
        .add("memory_scaling", "rk4, 10x the steps")
        .add("peak_mb_steps_1x", coarse)
        .add("peak_mb_steps_10x", peak_mb)
        .add("ratio", peak_mb / coarse)
        .print();
  }
}

const bool registered = add_workload("ode_spiral_train", run);

}  // namespace
}  // namespace fluxion::bench
