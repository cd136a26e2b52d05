// SPDX-License-Identifier: MIT
// Engine features: hooks, retain_grad, retain_graph, grad-mode guards,
// backward's .inputs, allow_unused / materialize_grads, to_dot, a backward
// run from inside another backward, and long chains.
#include <gtest/gtest.h>

#include "fluxion.h"

namespace fx = fluxion;
using fx::Tensor;

namespace {
Tensor vec(std::initializer_list<double> v) { return fx::tensor(v, fx::Float64); }
}  // namespace

TEST(EngineHooks, LeafHookSeesAndReplacesTheGradient) {
  Tensor x = vec({1.0, 2.0}).requires_grad_();
  Tensor seen;
  x.register_hook([&](const Tensor& g) { seen = g; return g * 10.0; });
  (x * 3.0).sum().backward();
  EXPECT_DOUBLE_EQ(seen.at({1}), 3.0);
  EXPECT_DOUBLE_EQ(x.grad().at({1}), 30.0);
}

TEST(EngineHooks, NonLeafHookChangesWhatFlowsDown) {
  Tensor x = vec({1.0, 2.0}).requires_grad_();
  Tensor h = x * x;  // dh/dx = 2x
  int calls = 0;
  h.register_hook([&](const Tensor& g) { ++calls; return g * 0.5; });
  h.register_hook([&](const Tensor&) { ++calls; return Tensor{}; });  // observe only
  h.sum().backward();
  EXPECT_EQ(calls, 2);
  EXPECT_DOUBLE_EQ(x.grad().at({0}), 1.0);  // 0.5 * 2x at x = 1
  EXPECT_DOUBLE_EQ(x.grad().at({1}), 2.0);
  EXPECT_THROW(vec({1.0}).register_hook([](const Tensor& g) { return g; }), fx::Error);
}

TEST(EngineHooks, RetainGradKeepsANonLeafGradient) {
  Tensor x = vec({1.0, -1.0}).requires_grad_();
  Tensor h = x.exp();
  Tensor other = x.sin();
  h.retain_grad();
  (h * 2.0 + other).sum().backward();
  ASSERT_TRUE(h.grad().defined());
  EXPECT_DOUBLE_EQ(h.grad().at({0}), 2.0);
  EXPECT_FALSE(other.grad().defined());
  EXPECT_FALSE(h.grad().requires_grad());
}

TEST(EngineHooks, RetainGraphAllowsASecondBackward) {
  Tensor x = vec({2.0}).requires_grad_();
  Tensor y = (x * x).sum();
  y.backward({}, {.retain_graph = true});
  y.backward();
  EXPECT_DOUBLE_EQ(x.grad().item(), 8.0);  // 4 + 4
}

TEST(EngineHooks, GradModeGuards) {
  Tensor x = vec({1.0}).requires_grad_();
  {
    fx::NoGradGuard no_grad;
    Tensor y = x * 2.0;
    EXPECT_FALSE(y.requires_grad());
    EXPECT_EQ(y.grad_fn(), nullptr);
    {
      fx::EnableGradGuard enable;
      EXPECT_TRUE((x * 2.0).requires_grad());
    }
    EXPECT_FALSE((x * 2.0).requires_grad());
  }
  EXPECT_TRUE((x * 2.0).requires_grad());
}

TEST(EngineHooks, BackwardIntoChosenInputsOnly) {
  Tensor a = vec({1.0}).requires_grad_(), b = vec({2.0}).requires_grad_();
  (a * b).sum().backward({}, {.inputs = {b}});
  EXPECT_FALSE(a.grad().defined());
  EXPECT_DOUBLE_EQ(b.grad().item(), 1.0);
}

TEST(EngineHooks, AllowUnusedAndMaterializeGrads) {
  Tensor a = vec({1.0}).requires_grad_(), unused = vec({5.0, 6.0}).requires_grad_();
  Tensor y = (a * 3.0).sum();
  EXPECT_THROW(fx::autograd::grad({y}, {a, unused}, {.retain_graph = true}), fx::Error);
  auto gs = fx::autograd::grad({y}, {a, unused}, {.retain_graph = true, .allow_unused = true});
  EXPECT_DOUBLE_EQ(gs[0].item(), 3.0);
  EXPECT_FALSE(gs[1].defined());
  gs = fx::autograd::grad({y}, {a, unused}, {.allow_unused = true, .materialize_grads = true});
  ASSERT_TRUE(gs[1].defined());
  EXPECT_EQ(gs[1].shape(), (fx::Shape{2}));
  EXPECT_DOUBLE_EQ(gs[1].at({1}), 0.0);
}

TEST(EngineHooks, ToDotNamesNodesAndShowsLeaves) {
  Tensor x = fx::ones({3}, fx::Float64).requires_grad_();
  Tensor w = fx::ones({2, 3}, fx::Float64).requires_grad_();
  std::string dot = fx::autograd::to_dot((w.matmul(x) * x.sum()).sum());
  EXPECT_NE(dot.find("digraph"), std::string::npos);
  for (const char* part : {"SumBackward", "MulBackward", "MatmulBackward", "leaf [3]", "leaf [2, 3]", "-> out"})
    EXPECT_NE(dot.find(part), std::string::npos) << part << " missing in\n" << dot;
  EXPECT_EQ(fx::autograd::to_dot(vec({1.0})).find("->"), std::string::npos);  // no graph, only the output
}

TEST(EngineHooks, BackwardInsideABackward) {
  // odeint_adjoint runs a backward pass from inside another one (as in
  // PyTorch, the backward pass runs without grad mode unless create_graph).
  Tensor x = vec({1.5}).requires_grad_();
  Tensor h = x * x;
  Tensor inner_grad;
  h.register_hook([&](const Tensor& g) {
    fx::EnableGradGuard enable;
    Tensor z = vec({3.0}).requires_grad_();
    inner_grad = fx::autograd::grad({(z * z * z).sum()}, {z})[0];  // 3 z^2 = 27
    return g;
  });
  h.sum().backward();
  EXPECT_DOUBLE_EQ(inner_grad.item(), 27.0);
  EXPECT_DOUBLE_EQ(x.grad().item(), 3.0);
}

TEST(EngineHooks, LongChainIsDestroyedWithoutBackward) {
  Tensor x = fx::scalar(1.0, fx::Float64).requires_grad_();
  Tensor y = x;
  for (int i = 0; i < 100000; ++i) y = y * 1.0;
  y = Tensor();  // frees 10^5 nodes (enough to overflow a recursive destructor), iteratively
  SUCCEED();
}
