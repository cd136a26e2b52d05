// SPDX-License-Identifier: MIT
// Autograd from several threads at once: backward passes over graphs that
// share nodes, gradient accumulation into one leaf, forward-mode levels.
// The tsan preset runs these under ThreadSanitizer.
#include <gtest/gtest.h>

#include <cmath>
#include <thread>
#include <vector>

// autograd's headers only: the tsan preset links this file with the tensor
// and autograd layers alone (tests/CMakeLists.txt).
#include "autograd/engine.h"
#include "autograd/functional.h"
#include "autograd/ops.h"

namespace fx = fluxion;

namespace {

template <class F>
void on_threads(int n, F f) {
  std::vector<std::thread> threads;
  for (int t = 0; t < n; ++t) threads.emplace_back([&f, t] { f(t); });
  for (std::thread& t : threads) t.join();
}

}  // namespace

TEST(Threads, BackwardIntoOneSharedLeaf) {
  auto x = fx::tensor({1.0, -2.0, 3.0}, fx::Float64).requires_grad_();
  const int threads = 4, iters = 300;
  on_threads(threads, [&](int) {
    for (int i = 0; i < iters; ++i) (x * x).sum().backward();
  });
  // d/dx sum(x^2) = 2x, summed over every pass: no update may be lost.
  std::vector<double> g = x.grad().to_vector<double>();
  EXPECT_DOUBLE_EQ(g[0], 2.0 * threads * iters);
  EXPECT_DOUBLE_EQ(g[1], -4.0 * threads * iters);
  EXPECT_DOUBLE_EQ(g[2], 6.0 * threads * iters);
}

TEST(Threads, BackwardThroughOneRetainedGraph) {
  auto x = fx::tensor({0.5, 1.5}, fx::Float64).requires_grad_();
  auto h = x.exp() * x;  // shared interior nodes
  auto y = (h.sin() + h).sum();
  const int threads = 4, iters = 200;
  on_threads(threads, [&](int) {
    for (int i = 0; i < iters; ++i) y.backward({}, {.retain_graph = true});
  });
  std::vector<double> g = x.grad().to_vector<double>();
  for (size_t k = 0; k < 2; ++k) {
    double xv = k == 0 ? 0.5 : 1.5, hv = std::exp(xv) * xv, dh = std::exp(xv) * (1 + xv);
    EXPECT_NEAR(g[k], threads * iters * (std::cos(hv) + 1) * dh, 1e-9 * threads * iters);
  }
}

TEST(Threads, GradAndForwardModeOnManyThreads) {
  auto x = fx::tensor({0.3, -0.7}, fx::Float64).requires_grad_();
  std::vector<int> bad(8, 0);
  on_threads(8, [&](int t) {
    for (int i = 0; i < 100; ++i) {
      auto g = fx::autograd::grad({(x.tanh() * x).sum()}, {x})[0].to_vector<double>();
      auto v = fx::tensor({1.0, (double)t}, fx::Float64);
      auto [y, jv] = fx::func::jvp([](const fx::Tensor& z) { return (z * z).sum(); }, x.detach(), v);
      double want = 2 * 0.3 * 1.0 + 2 * -0.7 * t;
      for (int k = 0; k < 2; ++k) {
        double xv = k == 0 ? 0.3 : -0.7, th = std::tanh(xv);
        if (std::abs(g[k] - (th + xv * (1 - th * th))) > 1e-12) bad[t]++;
      }
      if (std::abs(jv.item() - want) > 1e-12) bad[t]++;
    }
  });
  for (int t = 0; t < 8; ++t) EXPECT_EQ(bad[t], 0) << "thread " << t;
}
