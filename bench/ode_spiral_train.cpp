// SPDX-License-Identifier: MIT
// ode_spiral_train: one training iteration of torchdiffeq's spiral demo
// (../shared/bench/WORKLOADS.md): true dynamics y' = (y^3) A on 1000 points of
// [0, 25]; model y' = MLP(y^3), 2-50-2 tanh; batches of 20 windows of 10 time
// points; dopri5 at rtol 1e-7, atol 1e-9; RMSprop lr 1e-3; float32. Once with
// backprop through the solver (direct), once with odeint_adjoint.
#include <sys/resource.h>

#include <cmath>

#include "bench/bench.h"
#include "fluxion.h"

namespace fluxion::bench {
namespace {

struct Mlp {  // y' = tanh(y^3 W1 + b1) W2 + b2
  Tensor W1 = randn({2, 50}) * 0.1, b1 = zeros({50}), W2 = randn({50, 2}) * 0.1, b2 = zeros({2});
  std::vector<Tensor> params() const { return {W1, b1, W2, b2}; }
  Tensor operator()(const Tensor&, const Tensor& y) const { return (y * y * y).matmul(W1).add(b1).tanh().matmul(W2) + b2; }
};

// RMSprop (alpha 0.99, eps 1e-8) on the raw parameter data.
void rmsprop_step(const std::vector<Tensor>& ps, std::vector<std::vector<float>>& v, double lr) {
  for (size_t k = 0; k < ps.size(); ++k) {
    float* p = ps[k].data<float>();
    std::vector<float> g = ps[k].grad().to_vector<float>();
    v[k].resize(g.size(), 0.0f);
    for (size_t i = 0; i < g.size(); ++i) {
      v[k][i] = 0.99f * v[k][i] + 0.01f * g[i] * g[i];
      p[i] -= (float)lr * g[i] / (std::sqrt(v[k][i]) + 1e-8f);
    }
    ps[k].zero_grad();
  }
}

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return (double)u.ru_maxrss / 1024.0;
}

void run(const Context& ctx) {
  manual_seed(0);
  const int64_t data_size = 1000, batch_time = 10, batch_size = 20;
  Tensor A = tensor({{-0.1, 2.0}, {-2.0, -0.1}});
  auto truth = [&](const Tensor&, const Tensor& y) { return (y * y * y).matmul(A); };
  Tensor t = linspace(0, 25, data_size);
  Tensor true_y;
  {
    NoGradGuard no_grad;
    true_y = odeint::odeint(truth, tensor({2.0, 0.0}), t);  // [1000, 2]
  }
  Tensor batch_t = t.slice(0, 0, batch_time);
  for (bool adjoint : {false, true}) {
    Mlp f;
    for (Tensor* p : {&f.W1, &f.b1, &f.W2, &f.b2}) p->requires_grad_();
    std::vector<std::vector<float>> v(4);
    odeint::Stats fwd, bwd;
    auto iteration = [&] {
      std::vector<int64_t> starts = randint(0, data_size - batch_time, {batch_size}).to_vector<int64_t>();
      std::vector<Tensor> targets;  // window i: true_y[starts + i]
      for (int64_t i = 0; i < batch_time; ++i) {
        std::vector<int64_t> idx = starts;
        for (int64_t& j : idx) j += i;
        targets.push_back(true_y.index_select(0, tensor(idx, {batch_size})));
      }
      Tensor y0 = targets[0];               // [20, 2]
      Tensor batch_y = stack(targets, 0);   // [10, 20, 2]
      Tensor pred = adjoint ? odeint::odeint_adjoint(f, f.params(), y0, batch_t, {.stats = &fwd}, {.stats = &bwd})
                            : odeint::odeint(f, y0, batch_t, {.stats = &fwd});
      Tensor diff = pred - batch_y;
      (diff * diff).mean().backward();
      rmsprop_step(f.params(), v, 1e-3);
    };
    Timing timing = time_it(iteration, 7, 0.0);
    Line("ode_spiral_train", ctx)
        .add("dtype", "f32")
        .add("variant", adjoint ? "adjoint" : "direct")
        .add("nfe_forward", fwd.nfe)
        .add("nfe_backward", adjoint ? bwd.nfe : 0)  // direct: backward walks the graph, no evaluations
        .add("peak_rss_mb", peak_rss_mb())
        .timing(timing)
        .print();
  }
}

const bool registered = add_workload("ode_spiral_train", run);

}  // namespace
}  // namespace fluxion::bench
