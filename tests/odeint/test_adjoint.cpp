// SPDX-License-Identifier: MIT
// Gradients through a solve: backprop through odeint's steps, the adjoint
// method, and central differences agree; so do Hessian-vector products
// (reverse-over-reverse) through odeint and through odeint_adjoint.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "problems.h"

namespace fx = fluxion;
namespace ode = fluxion::odeint;

namespace {

// y' = tanh(y W) + b: a small neural ODE with parameters W [2, 2], b [2].
struct Field {
  fx::Tensor W, b;
  fx::Tensor operator()(const fx::Tensor&, const fx::Tensor& y) const { return (y.matmul(W)).tanh() + b; }
};

struct Problem {
  fx::Tensor y0 = fx::tensor({0.5, -0.3}, fx::Float64);
  fx::Tensor W = fx::tensor({{-0.4, 1.1}, {-0.9, 0.2}}, fx::Float64);
  fx::Tensor b = fx::tensor({0.1, -0.2}, fx::Float64);
  fx::Tensor t = fx::tensor({0.0, 0.4, 1.0}, fx::Float64);
  fx::Tensor weights = fx::tensor({{0.0, 0.0}, {1.0, -2.0}, {0.5, 3.0}}, fx::Float64);
};

const ode::Options tight{.rtol = 1e-10, .atol = 1e-12};

// loss = sum(weights * ys^2) for a solve with the given tensors.
fx::Tensor loss(const fx::Tensor& ys, const Problem& p) { return (p.weights * ys * ys).sum(); }

fx::Tensor solve(const Problem& p, const fx::Tensor& y0, const fx::Tensor& W, const fx::Tensor& t, bool adjoint,
                 const ode::Options& opts = tight) {
  Field f{W, p.b};
  return adjoint ? ode::odeint_adjoint(f, {W, p.b}, y0, t, opts) : ode::odeint(f, y0, t, opts);
}

double loss_at(const Problem& p, const fx::Tensor& y0, const fx::Tensor& W, const fx::Tensor& t) {
  fx::NoGradGuard no_grad;
  return loss(solve(p, y0, W, t, false), p).item();
}

// Central difference of loss along one entry of one of (y0, W, t).
double central(const Problem& p, int which, int64_t index, double eps = 1e-6) {
  auto bump = [&](double s) {
    fx::Tensor y0 = p.y0.clone(), W = p.W.clone(), t = p.t.clone();
    fx::Tensor& x = which == 0 ? y0 : which == 1 ? W : t;
    x.data<double>()[index] += s;
    return loss_at(p, y0, W, t);
  };
  return (bump(eps) - bump(-eps)) / (2 * eps);
}

}  // namespace

TEST(Adjoint, GradientsMatchBackpropAndCentralDifferences) {
  Problem p;
  std::vector<fx::Tensor> direct, adjoint;
  for (bool adj : {false, true}) {
    fx::Tensor y0 = p.y0.clone().requires_grad_(), W = p.W.clone().requires_grad_(),
               t = p.t.clone().requires_grad_(adj);
    Field f{W, p.b};
    fx::Tensor ys = adj ? ode::odeint_adjoint(f, {W, p.b}, y0, t, tight) : ode::odeint(f, y0, t, tight);
    std::vector<fx::Tensor> wrt{y0, W};
    if (adj) wrt.push_back(t);
    (adj ? adjoint : direct) = fx::autograd::grad({loss(ys, p)}, wrt);
  }
  for (int64_t i = 0; i < 2; ++i) {
    double fd = central(p, 0, i);
    EXPECT_NEAR(direct[0].data<double>()[i], fd, 1e-6);
    EXPECT_NEAR(adjoint[0].data<double>()[i], fd, 1e-6);
  }
  for (int64_t i = 0; i < 4; ++i) {
    double fd = central(p, 1, i);
    EXPECT_NEAR(direct[1].data<double>()[i], fd, 1e-6);
    EXPECT_NEAR(adjoint[1].data<double>()[i], fd, 1e-6);
  }
  for (int64_t i = 0; i < 3; ++i) EXPECT_NEAR(adjoint[2].data<double>()[i], central(p, 2, i), 1e-6) << "t[" << i << "]";
}

// AdjointOptions::interpolate reads y(t) from the forward solve's steps instead
// of re-solving it backwards: with dopri5, the gradients w.r.t. y0, W and t
// equal those of the backward re-solve. What it cannot do is an error naming the fix.
TEST(Adjoint, InterpolatingMatchesResolvingYBackwards) {
  Problem p;
  std::vector<fx::Tensor> g[2];
  ode::Stats stats[2];
  for (bool interpolate : {false, true}) {
    fx::Tensor y0 = p.y0.clone().requires_grad_(), W = p.W.clone().requires_grad_(), t = p.t.clone().requires_grad_();
    Field f{W, p.b};
    fx::Tensor ys =
        ode::odeint_adjoint(f, {W, p.b}, y0, t, tight, {.stats = &stats[interpolate], .interpolate = interpolate});
    g[interpolate] = fx::autograd::grad({loss(ys, p)}, {y0, W, t});
  }
  for (size_t k = 0; k < 3; ++k) {
    std::vector<double> resolved = g[0][k].to_vector<double>(), interpolated = g[1][k].to_vector<double>();
    for (size_t i = 0; i < resolved.size(); ++i) EXPECT_NEAR(interpolated[i], resolved[i], 1e-8) << k << " " << i;
  }
  EXPECT_GT(stats[1].nfe, 0);
  EXPECT_NE(stats[1].nfe, stats[0].nfe);  // a different backward system: (a, a_theta) without y

  fx::Tensor W = p.W.clone().requires_grad_();
  Field f{W, p.b};
  fx::Tensor ys = ode::odeint_adjoint(f, {W}, p.y0, p.t, tight, {.interpolate = true});
  EXPECT_NE(odeint_test::error_of([&] {
              (void)fx::autograd::grad({loss(ys, p)}, {W}, {.create_graph = true});
            }).find("interpolate = false"),
            std::string::npos);
  EXPECT_NE(odeint_test::error_of([&] {
              (void)ode::odeint_adjoint(f, {W}, p.y0, p.t, {.method = ode::Method::rk4}, {.interpolate = true});
            }).find("rk4 is a fixed-grid method"),
            std::string::npos);
}

TEST(Adjoint, ParamGradientAccumulatesIntoLeaves) {
  Problem p;
  fx::Tensor W = p.W.clone().requires_grad_(), b = p.b.clone().requires_grad_();
  Field f{W, b};
  ode::Stats fwd, bwd;
  auto ys = ode::odeint_adjoint(f, {W, b}, p.y0, p.t, {.rtol = 1e-8, .atol = 1e-10, .stats = &fwd}, {.stats = &bwd});
  loss(ys, p).backward();
  ASSERT_TRUE(W.grad().defined());
  ASSERT_TRUE(b.grad().defined());
  EXPECT_GT(fwd.nfe, 0);
  EXPECT_GT(bwd.nfe, 0);
  ode::Stats semi;
  auto ys2 = ode::odeint_adjoint(f, {W, b}, p.y0, p.t, {.rtol = 1e-8, .atol = 1e-10}, {.seminorm = true, .stats = &semi});
  auto g = fx::autograd::grad({loss(ys2, p)}, {b});
  EXPECT_NEAR(g[0].at({0}), b.grad().at({0}), 1e-6);
  EXPECT_LT(semi.nfe, bwd.nfe);  // the seminorm must save backward evaluations, not merely cost none
}

TEST(Adjoint, HessianVectorProductThroughOdeintAndAdjoint) {
  Problem p;
  fx::Tensor v = fx::tensor({{0.3, -0.7}, {0.5, 0.2}}, fx::Float64);
  auto grad_W = [&](const fx::Tensor& W0, bool adjoint, bool create) {
    fx::Tensor W = W0.clone().requires_grad_();
    fx::Tensor ys = solve(p, p.y0, W, p.t, adjoint, {.rtol = 1e-6, .atol = 1e-8});
    fx::Tensor g = fx::autograd::grad({loss(ys, p)}, {W}, {.create_graph = create})[0];
    return std::make_pair(W, g);
  };
  // finite differences of the gradient along v
  double eps = 1e-5;
  fx::Tensor gp = grad_W(p.W + v * eps, false, false).second, gm = grad_W(p.W - v * eps, false, false).second;
  fx::Tensor fd = (gp - gm) / (2 * eps);
  for (bool adjoint : {false, true}) {
    auto [W, g] = grad_W(p.W, adjoint, true);
    fx::Tensor hv = fx::autograd::grad({(g * v).sum()}, {W})[0];
    for (int64_t i = 0; i < 4; ++i)
      EXPECT_NEAR(hv.data<double>()[i], fd.data<double>()[i], 1e-4) << (adjoint ? "adjoint" : "direct") << " " << i;
  }
}

TEST(Adjoint, BackpropThroughSolverMatchesAnalyticDerivatives) {
  // y' = a y: y(T) = y0 e^{aT}, d/da = T y(T), d2/da2 = T^2 y(T)
  fx::Tensor a = fx::tensor({-0.7}, fx::Float64).requires_grad_();
  auto f = [&](const fx::Tensor&, const fx::Tensor& y) { return a * y; };
  auto ys = ode::odeint(f, fx::tensor({2.0}, fx::Float64), fx::tensor({0.0, 1.5}, fx::Float64), tight);
  fx::Tensor yT = ys.sum() - 2.0;
  auto g = fx::autograd::grad({yT}, {a}, {.create_graph = true})[0];
  double exact = 2.0 * std::exp(-0.7 * 1.5);
  EXPECT_NEAR(g.item(), 1.5 * exact, 1e-8);
  auto h = fx::autograd::grad({g.sum()}, {a})[0];
  EXPECT_NEAR(h.item(), 1.5 * 1.5 * exact, 1e-7);
}

TEST(Adjoint, ForwardModeIsRefusedWithAnExplanation) {
  Problem p;
  fx::forward_ad::DualLevel level;
  auto y0 = fx::forward_ad::make_dual(p.y0, fx::ones_like(p.y0));
  Field f{p.W, p.b};
  EXPECT_THROW((void)ode::odeint_adjoint(f, {p.W, p.b}, y0, p.t), fx::Error);
}

namespace {

// A module in the shape nn::Module gives: forward(t, y) and parameters().
struct OdeNet {
  fx::Tensor W = fx::tensor({{-0.4, 1.1}, {-0.9, 0.2}}, fx::Float64).requires_grad_();
  fx::Tensor forward(const fx::Tensor&, const fx::Tensor& y) const { return y.matmul(W).tanh(); }
  std::vector<fx::Tensor> parameters() const { return {W}; }
};

}  // namespace

TEST(Adjoint, ModuleOverloadsMatchTheFunctionForms) {
  auto net = std::make_shared<OdeNet>();
  Problem p;
  auto ys = ode::odeint_adjoint(net, p.y0, p.t, tight);
  auto g = fx::autograd::grad({loss(ys, p)}, {net->W})[0];
  auto direct = ode::odeint(net, p.y0, p.t, tight);
  auto gd = fx::autograd::grad({loss(direct, p)}, {net->W})[0];
  for (int64_t i = 0; i < 4; ++i) EXPECT_NEAR(g.data<double>()[i], gd.data<double>()[i], 1e-6);
}

TEST(Adjoint, GraphDoesNotGrowWithSolverSteps) {
  // The adjoint's forward records one node however many steps it takes;
  // backprop through the solver records every stage.
  Problem p;
  fx::Tensor W = p.W.clone().requires_grad_();
  Field f{W, p.b};
  auto nodes = [](const fx::Tensor& ys) {  // nodes reachable from ys.grad_fn()
    std::set<fx::Node*> seen;
    std::vector<fx::Node*> todo{ys.grad_fn().get()};
    while (!todo.empty()) {
      fx::Node* n = todo.back();
      todo.pop_back();
      if (!n || !seen.insert(n).second) continue;
      for (const fx::Edge& e : n->next_edges) todo.push_back(e.node.get());
    }
    return seen.size();
  };
  size_t adjoint_loose = nodes(ode::odeint_adjoint(f, {W, p.b}, p.y0, p.t, {.rtol = 1e-4, .atol = 1e-6}));
  size_t adjoint_tight = nodes(ode::odeint_adjoint(f, {W, p.b}, p.y0, p.t, {.rtol = 1e-9, .atol = 1e-11}));
  size_t direct_loose = nodes(ode::odeint(f, p.y0, p.t, {.rtol = 1e-4, .atol = 1e-6}));
  size_t direct_tight = nodes(ode::odeint(f, p.y0, p.t, {.rtol = 1e-9, .atol = 1e-11}));
  EXPECT_EQ(adjoint_loose, adjoint_tight);
  EXPECT_GT(direct_tight, 3 * direct_loose);
}

TEST(Adjoint, PeakMemoryStaysFlatAsSolverStepsGrow10x) {
  // Peak tensor memory of one forward + backward, with rk4 at 10x the steps:
  // the adjoint keeps only the states at the output times (flat), backprop
  // through the solver keeps every stage (grows).
  Problem p;
  fx::Tensor W = p.W.clone().requires_grad_();
  Field f{W, p.b};
  fx::Tensor y0 = fx::randn({256, 2}, fx::Float64) * 0.5;  // 4 KB states, well above the inline size
  auto peak = [&](bool adjoint, double h) {
    fx::reset_peak_memory_stats();
    const size_t base = fx::memory_allocated();
    const ode::Options opts{.method = ode::Method::rk4, .step_size = h};
    fx::Tensor ys = adjoint ? ode::odeint_adjoint(f, {W, p.b}, y0, p.t, opts, {.adjoint_method = ode::Method::rk4})
                            : ode::odeint(f, y0, p.t, opts);
    (ys * ys).sum().backward();
    W.zero_grad();
    return double(fx::max_memory_allocated() - base);
  };
  double adjoint_ratio = peak(true, 0.01) / peak(true, 0.1);
  double direct_ratio = peak(false, 0.01) / peak(false, 0.1);
  EXPECT_LT(adjoint_ratio, 1.2);
  EXPECT_GT(direct_ratio, 5.0);
}
