// SPDX-License-Identifier: MIT
// Module-style LBFGS and NewtonCG over a parameter list, on a small linear
// regression: the same numbers as torch.optim.LBFGS (computed with PyTorch
// 1.13 in Float64 and written down here), and training to zero loss.
#include <gtest/gtest.h>

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

TEST(ModuleOptimizers, BadParametersAreErrors) {
  fx::Tensor not_leaf = fx::ones({2}, fx::Float64).requires_grad_() * 2.0;
  EXPECT_THROW(fx::optim::LBFGS({}, {}), fx::Error);
  EXPECT_THROW(fx::optim::LBFGS({not_leaf}, {}), fx::Error);
  EXPECT_THROW(fx::optim::LBFGS({fx::ones({2}, fx::Float64)}, {}), fx::Error);  // does not require grad
  EXPECT_THROW(fx::optim::NewtonCG({fx::ones({2}, fx::Float64).requires_grad_()}, {.max_iter = 0}), fx::Error);
}

}  // namespace
