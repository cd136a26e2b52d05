// SPDX-License-Identifier: MIT
// ode_demo: torchdiffeq's spiral demo in C++. A neural ODE y' = MLP(y^3)
// (2-50-2, tanh) learns the dynamics y' = (y^3) A, A = [[-0.1, 2], [-2, -0.1]],
// from 1000 points of one trajectory on [0, 25], trained on batches of 20
// windows of 10 time points with odeint_adjoint (dopri5, rtol 1e-7, atol 1e-9)
// and RMSprop (lr 1e-3). Every 20 iterations it prints the loss over the whole
// trajectory, the function evaluations of the last forward and backward
// solves, and the time per iteration.
//
//   ./ode_demo [iterations = 400]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "fluxion.h"

namespace fx = fluxion;
namespace ode = fluxion::odeint;

namespace {

struct Mlp {  // y' = tanh(y^3 W1 + b1) W2 + b2
  fx::Tensor W1 = fx::randn({2, 50}) * 0.1, b1 = fx::zeros({50}), W2 = fx::randn({50, 2}) * 0.1, b2 = fx::zeros({2});
  std::vector<fx::Tensor> params() const { return {W1, b1, W2, b2}; }
  fx::Tensor operator()(const fx::Tensor&, const fx::Tensor& y) const {
    return (y * y * y).matmul(W1).add(b1).tanh().matmul(W2) + b2;
  }
};

// RMSprop (alpha 0.99, eps 1e-8): v = a v + (1 - a) g^2,  p -= lr g / (sqrt(v) + eps)
void rmsprop_step(const std::vector<fx::Tensor>& ps, std::vector<std::vector<float>>& v, double lr) {
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

void progress(int done, int total) {
  int width = 30, filled = width * done / total;
  std::printf("\r[%.*s%*s] %d/%d", filled, "==============================", width - filled, "", done, total);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  int iterations = argc > 1 ? std::atoi(argv[1]) : 400;
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
  Mlp f;
  for (fx::Tensor* p : {&f.W1, &f.b1, &f.W2, &f.b2}) p->requires_grad_();
  std::vector<std::vector<float>> v(4);
  ode::Stats fwd, bwd;
  double seconds = 0;
  for (int it = 1; it <= iterations; ++it) {
    auto start = std::chrono::steady_clock::now();
    std::vector<int64_t> starts = fx::randint(0, data_size - batch_time, {batch_size}).to_vector<int64_t>();
    std::vector<fx::Tensor> targets;  // window i: true_y[starts + i]
    for (int64_t i = 0; i < batch_time; ++i) {
      std::vector<int64_t> idx = starts;
      for (int64_t& j : idx) j += i;
      targets.push_back(true_y.index_select(0, fx::tensor(idx, {batch_size})));
    }
    fx::Tensor batch_y = fx::stack(targets, 0);  // [10, 20, 2]
    fx::Tensor pred = ode::odeint_adjoint(f, f.params(), targets[0], batch_t, {.stats = &fwd}, {.stats = &bwd});
    fx::Tensor diff = pred - batch_y;
    (diff * diff).mean().backward();
    rmsprop_step(f.params(), v, 1e-3);
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    progress(it, iterations);
    if (it % test_freq == 0) {
      fx::NoGradGuard no_grad;
      fx::Tensor full = ode::odeint(f, y0, t);
      fx::Tensor d = full - true_y;
      std::printf("\riter %4d | loss %.6f | nfe forward %3lld backward %3lld | %.2f ms/iter\n", it,
                  (d * d).mean().item(), (long long)fwd.nfe, (long long)bwd.nfe, 1e3 * seconds / test_freq);
      seconds = 0;
    }
  }
  std::printf("\n");
  return 0;
}
