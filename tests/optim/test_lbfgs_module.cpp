// SPDX-License-Identifier: MIT
// Module-style LBFGS and NewtonCG over a parameter list, on a small linear
// regression: the same numbers as torch.optim.LBFGS (computed with PyTorch
// 1.13 in Float64 and written down here), and training to zero loss; and both
// as optim::Optimizers: driven by a scheduler, saved and resumed mid-run,
// zero_grad and param_groups from the base, one parameter group only.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "fluxion.h"
#include "optim/lbfgs.h"

namespace fx = fluxion;

namespace {

struct Regression {
  fx::Tensor X = fx::tensor({{0.5, -1.0, 2.0}, {1.5, 0.3, -0.7}, {-0.2, 0.8, 0.1}, {1.0, 1.0, 1.0},
                             {-1.3, 0.4, 0.9}, {0.7, -0.6, -1.1}, {2.0, 0.1, 0.3}, {-0.5, -1.5, 0.6}},
                            fx::Float64);
  fx::Tensor y = X.matmul(fx::tensor({1.0, -2.0, 0.5}, fx::Float64)) + 0.3;
  fx::Tensor w = fx::zeros({3}, fx::Float64).requires_grad_();
  fx::Tensor b = fx::zeros({1}, fx::Float64).requires_grad_();
  fx::Tensor loss() const {
    fx::Tensor r = X.matmul(w) + b - y;
    return (r * r).mean();
  }
};

// Rosenbrock's valley in two parameters a, b: not solved within a few steps,
// so a restarted L-BFGS (steepest descent, empty history) visibly differs.
struct Rosenbrock {
  fx::Tensor a = fx::tensor({-1.2}, fx::Float64).requires_grad_();
  fx::Tensor b = fx::tensor({1.0}, fx::Float64).requires_grad_();
  fx::Tensor loss() const { return ((1.0 - a).pow(2) + 100.0 * (b - a.pow(2)).pow(2)).sum(); }
  Rosenbrock copy() const { return {a.detach().clone().requires_grad_(), b.detach().clone().requires_grad_()}; }
};

// The closure torch.optim.LBFGS expects: zero_grad, loss, backward, return loss.
template <class Model>
fx::optim::Closure closure(fx::optim::Optimizer& opt, const Model& m) {
  return [&opt, &m] {
    opt.zero_grad();
    fx::Tensor l = m.loss();
    l.backward();
    return l;
  };
}

void expect_same(const fx::Tensor& x, const fx::Tensor& y) {
  auto a = x.to_vector<double>(), b = y.to_vector<double>();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i], b[i]) << "element " << i;
}

TEST(LBFGSModule, OneStepMatchesTorch) {
  for (auto ls : {fx::optim::LineSearch::none, fx::optim::LineSearch::strong_wolfe}) {
    Regression m;
    fx::optim::LBFGS opt({m.w, m.b}, {.lr = 1, .max_iter = 5, .history_size = 10, .line_search = ls});
    fx::Tensor first = opt.step([&] {
      opt.zero_grad();
      fx::Tensor l = m.loss();
      l.backward();
      return l;
    });
    // torch.optim.LBFGS([w, b], lr=1, max_iter=5, history_size=10, line_search_fn=None / 'strong_wolfe')
    EXPECT_NEAR(m.w.at({0}), 0.989168214471636, 1e-12);
    EXPECT_NEAR(m.w.at({1}), -2.008711283999486, 1e-12);
    EXPECT_NEAR(m.w.at({2}), 0.48988549610797777, 1e-12);
    EXPECT_NEAR(m.b.at({0}), 0.3093785789137154, 1e-12);
    EXPECT_EQ(opt.n_iter(), 5);
    EXPECT_EQ(opt.func_evals(), ls == fx::optim::LineSearch::none ? 5 : 6);
    EXPECT_GT(first.item(), m.loss().item());
  }
}

TEST(LBFGSModule, TrainsARegressionToZeroLoss) {
  Regression m;
  fx::optim::LBFGS opt({m.w, m.b}, {.history_size = 10, .line_search = fx::optim::LineSearch::strong_wolfe});
  for (int epoch = 0; epoch < 5; ++epoch)
    opt.step([&] {
      opt.zero_grad();
      fx::Tensor l = m.loss();
      l.backward();
      return l;
    });
  EXPECT_LT(m.loss().item(), 1e-10);  // stopped by tolerance_change on the loss, as torch does
  EXPECT_NEAR(m.w.at({1}), -2.0, 1e-5);
  EXPECT_NEAR(m.b.at({0}), 0.3, 1e-5);
}

TEST(LBFGSModule, StopsAtOnceWhenTheGradientIsZero) {
  Regression m;
  m.w.tensor_data().data<double>()[0] = 1.0;  // the exact solution
  m.w.tensor_data().data<double>()[1] = -2.0;
  m.w.tensor_data().data<double>()[2] = 0.5;
  m.b.tensor_data().data<double>()[0] = 0.3;
  fx::optim::LBFGS opt({m.w, m.b});
  opt.step([&] {
    opt.zero_grad();
    fx::Tensor l = m.loss();
    l.backward();
    return l;
  });
  EXPECT_EQ(opt.func_evals(), 1);
  EXPECT_EQ(opt.n_iter(), 0);
  EXPECT_DOUBLE_EQ(m.w.at({1}), -2.0);  // no 0/0 update after convergence
}

// Truncated Newton: each CG solve stops at residual min(0.5, sqrt|g|) |g|, so the
// convergence is superlinear rather than one exact step.
TEST(NewtonCGModule, SolvesAQuadraticLoss) {
  Regression m;
  fx::optim::NewtonCG opt({m.w, m.b}, {.max_iter = 10, .cg_max_iter = 10});
  double first = opt.step([&] { return m.loss(); }).item();
  EXPECT_GT(first, 1.0);
  EXPECT_LT(m.loss().item(), 1e-20);
  EXPECT_NEAR(m.w.at({0}), 1.0, 1e-10);
  EXPECT_NEAR(m.b.at({0}), 0.3, 1e-10);
  EXPECT_GT(opt.hvp_evals(), 0);
}

// StepLR halves the lr each epoch; the same sequence set by hand in
// param_groups() gives the same iterates, and a constant lr does not.
TEST(LBFGSModule, ASchedulerSetsTheStepLength) {
  Regression by_scheduler, by_hand, constant;
  fx::optim::LBFGSOptions o{.lr = 0.5, .max_iter = 3};
  fx::optim::LBFGS sched_opt({by_scheduler.w, by_scheduler.b}, o), hand_opt({by_hand.w, by_hand.b}, o),
      const_opt({constant.w, constant.b}, o);
  fx::optim::StepLR sched(sched_opt, {.step_size = 1, .gamma = 0.5});
  double lr = 0.5;
  for (int epoch = 0; epoch < 4; ++epoch, lr /= 2) {
    hand_opt.param_groups()[0].options.lr = lr;
    sched_opt.step(closure(sched_opt, by_scheduler));
    fx::optim::Optimizer& base = hand_opt;  // step(closure) through the base
    base.step(closure(hand_opt, by_hand));
    const_opt.step(closure(const_opt, constant));
    sched.step();
  }
  EXPECT_DOUBLE_EQ(sched.get_last_lr()[0], 0.5 / 16);
  expect_same(by_scheduler.w, by_hand.w);
  expect_same(by_scheduler.b, by_hand.b);
  EXPECT_EQ(sched_opt.func_evals(), hand_opt.func_evals());
  EXPECT_NE(by_scheduler.w.at({0}), constant.w.at({0}));
  EXPECT_GT(by_scheduler.loss().item(), constant.loss().item());  // smaller steps, slower descent
}

// optim::save mid-run, optim::load into a fresh LBFGS: the next steps are
// bitwise those of the original; without the state it restarts and differs.
TEST(LBFGSModule, SaveLoadMidRunContinuesIdentically) {
  fx::optim::LBFGSOptions o{
      .max_iter = 3, .max_eval = 10, .history_size = 4, .line_search = fx::optim::LineSearch::strong_wolfe};
  Rosenbrock m;
  fx::optim::LBFGS opt({m.a, m.b}, o);
  for (int i = 0; i < 3; ++i) opt.step(closure(opt, m));
  ASSERT_EQ(opt.n_iter(), 9);
  EXPECT_EQ(opt.state(m.a).tensors.at("old_dirs").shape(), (fx::Shape{4, 2}));  // full: 4 pairs of 2 elements
  std::string path = testing::TempDir() + "fluxion_lbfgs_state.flx";
  fx::optim::save(opt, path);

  Rosenbrock resumed = m.copy(), restarted = m.copy();
  fx::optim::LBFGS resumed_opt({resumed.a, resumed.b}, {.lr = 0.1}), restarted_opt({restarted.a, restarted.b}, o);
  fx::optim::load(resumed_opt, path);
  std::remove(path.c_str());
  EXPECT_DOUBLE_EQ(resumed_opt.lr(0), 1.0);  // the saved lr
  resumed_opt.param_groups()[0].options = o;  // max_iter etc. are options, not state (as in torch)
  EXPECT_EQ(resumed_opt.n_iter(), 9);
  EXPECT_EQ(resumed_opt.func_evals(), opt.func_evals());
  for (int i = 0; i < 3; ++i) {
    double l0 = opt.step(closure(opt, m)).item();
    double l1 = resumed_opt.step(closure(resumed_opt, resumed)).item();
    restarted_opt.step(closure(restarted_opt, restarted));
    EXPECT_EQ(l0, l1);
  }
  expect_same(m.a, resumed.a);
  expect_same(m.b, resumed.b);
  EXPECT_EQ(opt.func_evals(), resumed_opt.func_evals());
  EXPECT_EQ(opt.n_iter(), resumed_opt.n_iter());
  EXPECT_NE(m.a.at({0}), restarted.a.at({0}));
}

TEST(LBFGSModule, StateOfAnotherModelIsAnError) {
  Regression m;
  fx::optim::LBFGS opt({m.w}, {.max_iter = 2});
  opt.step(closure(opt, m));
  fx::Tensor v = fx::ones({4}, fx::Float64).requires_grad_();  // one parameter too, but 4 elements, not 3
  fx::optim::LBFGS other({v});
  other.load_state_dict(opt.state_dict());
  EXPECT_THROW(other.step([&] {
    other.zero_grad();
    fx::Tensor l = (v * v).sum();
    l.backward();
    return l;
  }),
               fx::Error);
}

// As torch: "LBFGS doesn't support per-parameter options (parameter groups)".
TEST(ModuleOptimizers, ASecondParameterGroupIsAnError) {
  Regression m;
  fx::optim::LBFGS lbfgs({m.w});
  EXPECT_THROW(lbfgs.add_param_group({{m.b}, {}}), fx::Error);
  fx::optim::OptimizerWith<fx::optim::LBFGSOptions>& base = lbfgs;
  EXPECT_THROW(base.add_param_group({{m.b}, {}}), fx::Error);
  EXPECT_EQ(lbfgs.num_param_groups(), 1u);
  lbfgs.param_groups().push_back({{m.b}, {}});  // past add_param_group: step refuses
  EXPECT_THROW(lbfgs.step(closure(lbfgs, m)), fx::Error);

  fx::optim::NewtonCG newton({m.w});
  EXPECT_THROW(newton.add_param_group({{m.b}, {}}), fx::Error);
  EXPECT_EQ(newton.num_param_groups(), 1u);
}

TEST(ModuleOptimizers, StepNeedsAClosure) {
  Regression m;
  fx::optim::LBFGS lbfgs({m.w, m.b});
  fx::optim::NewtonCG newton({m.w, m.b});
  EXPECT_THROW(static_cast<fx::optim::Optimizer&>(lbfgs).step(), fx::Error);
  EXPECT_THROW(static_cast<fx::optim::Optimizer&>(newton).step(), fx::Error);
}

// NewtonCG through the base: zero_grad clears, param_groups holds the
// parameters and options, and an lr set there (as a scheduler would) is the step.
TEST(NewtonCGModule, UsesTheBaseZeroGradAndParamGroups) {
  Regression m, ref, full;
  fx::optim::NewtonCGOptions o{.max_iter = 1, .line_search = fx::optim::LineSearch::none};
  fx::optim::NewtonCG opt({m.w, m.b}, o), full_opt({full.w, full.b}, o);
  fx::optim::Optimizer& base = opt;
  m.loss().backward();
  ASSERT_TRUE(m.w.grad().defined());
  base.zero_grad();
  EXPECT_FALSE(m.w.grad().defined());
  EXPECT_FALSE(m.b.grad().defined());
  ASSERT_EQ(opt.param_groups().size(), 1u);
  ASSERT_EQ(opt.param_groups()[0].params.size(), 2u);
  EXPECT_EQ(opt.param_groups()[0].params[1].impl(), m.b.impl());

  base.set_lr(0, 0.25);
  o.lr = 0.25;
  fx::optim::NewtonCG ref_opt({ref.w, ref.b}, o);
  const fx::optim::Optimizer& no_state_yet = ref_opt;
  EXPECT_THROW(no_state_yet.state(ref.w), fx::Error);
  EXPECT_EQ(ref_opt.func_evals(), 0);
  base.step([&] { return m.loss(); });
  ref_opt.step([&] { return ref.loss(); });
  full_opt.step([&] { return full.loss(); });
  expect_same(m.w, ref.w);
  expect_same(m.b, ref.b);
  EXPECT_NE(m.w.at({0}), full.w.at({0}));
  EXPECT_EQ(opt.func_evals(), 1);
  EXPECT_EQ(opt.hvp_evals(), ref_opt.hvp_evals());
  fx::nn::StateDict sd = opt.state_dict();  // the counters are saved state
  bool saved = false;
  for (const auto& [name, t] : sd) saved = saved || (name == "state.0.scalar.hvp_evals" && t.item() > 0);
  EXPECT_TRUE(saved);
}

TEST(ModuleOptimizers, BadParametersAreErrors) {
  fx::Tensor not_leaf = fx::ones({2}, fx::Float64).requires_grad_() * 2.0;
  EXPECT_THROW(fx::optim::LBFGS({}, {}), fx::Error);
  EXPECT_THROW(fx::optim::LBFGS({not_leaf}, {}), fx::Error);
  EXPECT_THROW(fx::optim::LBFGS({fx::ones({2}, fx::Float64)}, {}), fx::Error);  // does not require grad
  EXPECT_THROW(fx::optim::NewtonCG({fx::ones({2}, fx::Float64).requires_grad_()}, {.max_iter = 0}), fx::Error);
}

}  // namespace
