// SPDX-License-Identifier: MIT
// Regression tests for issue #23 in autograd: hooks that change a gradient's
// shape, the eigenvalue gradient at repeated eigenvalues, the forward-mode
// nesting limit, backward(create_graph) without a reference cycle.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "autograd/apply.h"
#include "autograd/gradcheck.h"
#include "fluxion.h"

namespace fx = fluxion;

TEST(Hardening, EigenvalueGradientAtRepeatedEigenvaluesIsFinite) {
  // d(sum of eigenvalues)/dA = d trace(A)/dA = I, repeated eigenvalues or not.
  auto a = fx::eye(3, std::nullopt, fx::Float64).requires_grad_();
  fx::linalg::eigvalsh(a).sum().backward();
  auto g = a.grad().to_vector<double>();
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) EXPECT_DOUBLE_EQ(g[3 * i + j], i == j ? 1.0 : 0.0);
  // Through eigh().eigenvalues, with a weighting: d(w . c)/dA = V diag(c) V^T.
  auto b = fx::tensor({2.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 5.0}, {3, 3}, fx::Float64).requires_grad_();
  auto w = fx::linalg::eigh(b).eigenvalues;  // ascending: 2, 2, 5
  (w * fx::tensor({1.0, 1.0, 3.0}, fx::Float64)).sum().backward();
  auto gb = b.grad().to_vector<double>();
  std::vector<double> want{1, 0, 0, 0, 1, 0, 0, 0, 3};
  for (int k = 0; k < 9; ++k) EXPECT_NEAR(gb[k], want[k], 1e-12) << k;
}

TEST(Hardening, EigenvectorGradientAwayFromTiesIsUnchanged) {
  auto a = fx::tensor({2.0, 0.5, 0.1, 0.5, 1.0, 0.3, 0.1, 0.3, -1.0}, {3, 3}, fx::Float64).requires_grad_();
  auto f = [](const std::vector<fx::Tensor>& in) {
    auto s = (in[0] + in[0].transpose(0, 1)) * 0.5;
    auto r = fx::linalg::eigh(s);
    return (r.eigenvalues * r.eigenvalues).sum() + r.eigenvectors.abs().sum();
  };
  EXPECT_TRUE(fx::autograd::gradcheck(f, {a}));
}

TEST(Hardening, LeafHookMustKeepShapeAndDtype) {
  auto x = fx::ones({3}, fx::Float64).requires_grad_();
  x.register_hook([](const fx::Tensor&) { return fx::ones({5}, fx::Float64); });
  EXPECT_THROW((x * 2.0).sum().backward(), fx::Error);
  auto y = fx::ones({3}, fx::Float64).requires_grad_();
  y.register_hook([](const fx::Tensor&) { return fx::ones({1}, fx::Float64); });
  EXPECT_THROW((y * 2.0).sum().backward(), fx::Error);
  auto z = fx::ones({3}, fx::Float64).requires_grad_();
  z.register_hook([](const fx::Tensor& g) { return g.to(fx::Float32); });
  EXPECT_THROW((z * 2.0).sum().backward(), fx::Error);
  auto ok = fx::ones({3}, fx::Float64).requires_grad_();
  ok.register_hook([](const fx::Tensor& g) { return g * 10.0; });
  (ok * 2.0).sum().backward();
  EXPECT_EQ(ok.grad().to_vector<double>(), (std::vector<double>{20, 20, 20}));
}

TEST(Hardening, NonLeafHookMustKeepShapeAndDtype) {
  auto x = fx::ones({3}, fx::Float64).requires_grad_();
  auto h = x * 2.0;
  h.register_hook([](const fx::Tensor&) { return fx::ones({5}, fx::Float64); });
  EXPECT_THROW(h.sum().backward(), fx::Error);
}

TEST(Hardening, ForwardModeNestingHasALimit) {
  std::vector<std::unique_ptr<fx::forward_ad::DualLevel>> levels;
  for (size_t i = 0; i < fx::forward_ad::kMaxDualLevels; ++i)
    levels.push_back(std::make_unique<fx::forward_ad::DualLevel>());
  EXPECT_THROW(fx::forward_ad::DualLevel{}, fx::Error);
  levels.pop_back();
  EXPECT_NO_THROW(fx::forward_ad::DualLevel{});  // one freed, one allowed again
}

// backward(create_graph) keeps .grad()'s graph, which uses the leaf; the
// graph holds the leaf through its accumulator, so when the user drops the
// leaf (without zero_grad) the leaf, its .grad() and the graph are all freed.
TEST(Hardening, BackwardWithCreateGraphIntoLeafGradLeaksNothing) {
  const size_t base = fx::memory_allocated();
  std::weak_ptr<fx::Node> graph;
  for (int i = 0; i < 200; ++i) {
    auto x = fx::tensor({1.5, -0.5}, fx::Float64).requires_grad_();
    (x * x * x).sum().backward({}, {.create_graph = true});
    ASSERT_TRUE(x.grad().grad_fn());
    std::vector<double> g = x.grad().to_vector<double>();
    EXPECT_DOUBLE_EQ(g[0], 3 * 1.5 * 1.5);
    // The kept graph still leads to x: d/dx sum(3 x^2) = 6 x.
    std::vector<double> h = fx::autograd::grad({x.grad().sum()}, {x})[0].to_vector<double>();
    EXPECT_DOUBLE_EQ(h[1], 6 * -0.5);
    graph = x.grad().grad_fn();
  }
  EXPECT_TRUE(graph.expired());
  EXPECT_EQ(fx::memory_allocated(), base);
}

TEST(Hardening, MessagesNameTheUsersOp) {
  auto message = [](const std::function<void()>& f) -> std::string {
    try {
      f();
    } catch (const fx::Error& e) {
      return e.what();
    }
    return "";
  };
  std::string msg = message([] { (void)fx::dot(fx::ones({3}), fx::ones({4})); });
  EXPECT_EQ(msg.rfind("dot:", 0), 0u) << msg;
  auto nan = fx::tensor({1.0, NAN, 0.0, 1.0}, {2, 2}, fx::Float64);
  msg = message([&] { (void)fx::linalg::svd(nan); });
  EXPECT_NE(msg.find("NaN or Inf"), std::string::npos) << msg;
}

namespace {

// sin with a deliberately wrong rule: the VJP (WrongVjp) or the JVP (!WrongVjp)
// uses -cos instead of cos. The checks must catch each.
template <bool WrongVjp>
struct BadSin {
  static constexpr const char* name = "BadSin";
  static constexpr fx::Save save = fx::Save::inputs;
  fx::TensorData forward(const fx::TensorData& x) const { return fx::sin(fx::Tensor(x)).tensor_data(); }
  fx::Tensor vjp(const fx::Tensor& g, const fx::Saved& s) const {
    return g * s.input().cos() * (WrongVjp ? -1.0 : 1.0);
  }
  fx::Tensor jvp(const fx::Tensor& dx, const fx::Saved& s) const {
    return dx * s.input().cos() * (WrongVjp ? 1.0 : -1.0);
  }
};

// A rule right to first order whose own derivative is wrong: the VJP of x^2
// is g * 2x, computed as g * 2 * detach(x) (so double backward misses g * 2).
struct BadSquare {
  static constexpr const char* name = "BadSquare";
  static constexpr fx::Save save = fx::Save::inputs;
  fx::TensorData forward(const fx::TensorData& x) const {
    fx::Tensor t(x);
    return (t * t).tensor_data();
  }
  fx::Tensor vjp(const fx::Tensor& g, const fx::Saved& s) const { return g * s.input().detach() * 2.0; }
  fx::Tensor jvp(const fx::Tensor& dx, const fx::Saved& s) const { return dx * s.input() * 2.0; }
};

}  // namespace

TEST(Hardening, TheChecksFailOnAWrongRule) {
  namespace ag = fx::autograd;
  auto x = fx::tensor({0.3, -0.8, 1.4}, fx::Float64).requires_grad_();
  const ag::GradcheckOptions quiet{.raise_exception = false};
  auto bad_vjp = [](const std::vector<fx::Tensor>& in) { return fx::apply(BadSin<true>{}, in[0]); };
  auto bad_jvp = [](const std::vector<fx::Tensor>& in) { return fx::apply(BadSin<false>{}, in[0]); };
  auto bad_second = [](const std::vector<fx::Tensor>& in) { return fx::apply(BadSquare{}, in[0]); };
  EXPECT_FALSE(ag::gradcheck(bad_vjp, {x}, quiet));
  EXPECT_THROW(ag::gradcheck(bad_vjp, {x}), fx::Error);
  EXPECT_TRUE(ag::jvpcheck(bad_vjp, {x}, quiet));  // its JVP is right
  EXPECT_FALSE(ag::jvpcheck(bad_jvp, {x}, quiet));
  EXPECT_TRUE(ag::gradcheck(bad_jvp, {x}, quiet));  // its VJP is right
  EXPECT_TRUE(ag::gradcheck(bad_second, {x}, quiet));
  EXPECT_FALSE(ag::gradgradcheck(bad_second, {x}, quiet));
}
