// SPDX-License-Identifier: MIT
// Third derivatives through every composition of forward and reverse mode
// (issue #23, item 1): a saved output's tangent must stay differentiable.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "fluxion.h"

namespace fx = fluxion;
namespace func = fx::func;

namespace {

// f(x) = sum tanh(x): H = diag(tanh''(x)), so d/dx (vᵀ H v) = tanh'''(x) v²
// and d/dε H(x + ε w) v = tanh'''(x) v w, with t = tanh(x):
// tanh' = 1 - t², tanh'' = -2 t (1 - t²), tanh''' = (1 - t²)(6 t² - 2).
double tanh3(double x) {
  double t = std::tanh(x);
  return (1 - t * t) * (6 * t * t - 2);
}

fx::Tensor sum_tanh(const fx::Tensor& x) { return x.tanh().sum(); }

TEST(MixedOrder, ReverseOverForwardOverReverseOfTanh) {
  auto x = fx::tensor({0.3, -0.5}, fx::Float64).requires_grad_();
  auto v = fx::tensor({1.0, 2.0}, fx::Float64);
  fx::Tensor hv = func::hvp(sum_tanh, x, v);  // forward-over-reverse
  auto g = fx::autograd::grad({(hv * v).sum()}, {x})[0].to_vector<double>();
  // The values the old code gave: (-1.675, -4.948).
  EXPECT_NEAR(g[0], tanh3(0.3) * 1, 1e-12);
  EXPECT_NEAR(g[1], tanh3(-0.5) * 4, 1e-12);
  EXPECT_NEAR(g[0], -1.364, 1e-3);
  EXPECT_NEAR(g[1], -2.261, 1e-3);
}

TEST(MixedOrder, ForwardOverForwardOverReverseOfTanh) {
  auto x = fx::tensor({0.3, -0.5}, fx::Float64);
  auto v = fx::tensor({1.0, 2.0}, fx::Float64), w = fx::tensor({-1.5, 0.5}, fx::Float64);
  auto hvp_at = [&](const fx::Tensor& at) { return func::hvp(sum_tanh, at, v); };
  auto t = func::jvp(hvp_at, x, w).second.to_vector<double>();
  EXPECT_NEAR(t[0], tanh3(0.3) * 1 * -1.5, 1e-12);
  EXPECT_NEAR(t[1], tanh3(-0.5) * 2 * 0.5, 1e-12);
}

TEST(MixedOrder, ForwardOverReverseOverReverseOfTanh) {
  auto x = fx::tensor({0.3, -0.5}, fx::Float64).requires_grad_();
  auto v = fx::tensor({1.0, 2.0}, fx::Float64), w = fx::tensor({-1.5, 0.5}, fx::Float64);
  fx::forward_ad::DualLevel level;
  auto xd = fx::forward_ad::make_dual(x, w);
  auto g = fx::autograd::grad({sum_tanh(xd)}, {x}, {.create_graph = true})[0];
  auto hv = fx::autograd::grad({(g * v).sum()}, {x})[0];
  auto t = fx::forward_ad::unpack_dual(hv).tangent.to_vector<double>();
  EXPECT_NEAR(t[0], tanh3(0.3) * 1 * -1.5, 1e-12);
  EXPECT_NEAR(t[1], tanh3(-0.5) * 2 * 0.5, 1e-12);
}

// The node recomputes its output's tangent instead of keeping it: nothing
// of a mixed-mode third derivative outlives it (no reference cycle).
TEST(MixedOrder, ThirdOrderLeavesNoMemoryBehind) {
  const size_t base = fx::memory_allocated();
  for (int i = 0; i < 20; ++i) {
    auto x = fx::randn({64}, fx::Float64).requires_grad_();
    auto v = fx::randn({64}, fx::Float64);
    fx::Tensor hv = func::hvp([](const fx::Tensor& z) { return (z.exp() * z.sigmoid()).sum(); }, x, v);
    auto g = fx::autograd::grad({(hv * v).sum()}, {x})[0];
    EXPECT_EQ(g.numel(), 64);
  }
  EXPECT_EQ(fx::memory_allocated(), base);
}

}  // namespace
