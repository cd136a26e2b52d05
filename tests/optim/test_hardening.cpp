// SPDX-License-Identifier: MIT
// Regression tests for issue #23 in optim: exceptions from the objective
// propagate out of every method, options are validated, a missing gradient is
// reported.
#include <gtest/gtest.h>

#include <stdexcept>

#include "fluxion.h"
#include "optim/minimize.h"

namespace fx = fluxion;
using fx::optim::Method;

namespace {

// A smooth objective that throws on its `when`-th evaluation, as an objective
// reading a file or a simulation would.
struct ThrowsLater {
  int calls = 0, when;
  fx::Tensor operator()(const fx::Tensor& x) {
    if (++calls == when) throw std::runtime_error("objective failed");
    return ((x - 3.0) * (x - 3.0)).sum() + (x * x * x * x).sum() * 0.01;
  }
};

}  // namespace

TEST(MinimizeHardening, ExceptionsFromTheObjectivePropagateFromEveryMethod) {
  for (Method m : {Method::gd, Method::bfgs, Method::lbfgs, Method::newton_cg, Method::trust_ncg, Method::newton}) {
    for (int when : {2, 3, 5}) {
      ThrowsLater f{.when = when};
      auto fn = [&f](const fx::Tensor& x) { return f(x); };
      EXPECT_THROW(fx::optim::minimize(fn, fx::tensor({0.5, -1.0}, fx::Float64), {.method = m, .gtol = 1e-12}),
                   std::runtime_error)
          << "method " << (int)m << ", throwing at call " << when;
    }
  }
}

TEST(MinimizeHardening, ADetachedObjectiveIsAnErrorNotConvergence) {
  auto f = [](const fx::Tensor& x) { return (x * x).sum().detach(); };
  EXPECT_THROW(fx::optim::minimize(f, fx::tensor({1.0, 2.0}, fx::Float64)), fx::Error);
}

TEST(MinimizeHardening, OptionsAreValidated) {
  auto f = [](const fx::Tensor& x) { return (x * x).sum(); };
  auto x0 = fx::tensor({1.0, 2.0}, fx::Float64);
  EXPECT_THROW(fx::optim::minimize(f, x0, {.max_iter = -1}), fx::Error);
  EXPECT_THROW(fx::optim::minimize(f, x0, {.max_eval = -1}), fx::Error);
  EXPECT_THROW(fx::optim::minimize(f, x0, {.gtol_norm = 1}), fx::Error);
  EXPECT_THROW(fx::optim::minimize(f, x0, {.c2 = 1.0}), fx::Error);
  EXPECT_THROW(fx::optim::minimize(f, x0, {.c2 = 0.0}), fx::Error);
  EXPECT_THROW(fx::optim::minimize(f, x0, {.method = Method::trust_ncg, .initial_trust_radius = 0}), fx::Error);
  EXPECT_THROW(
      fx::optim::minimize(f, x0, {.method = Method::trust_ncg, .initial_trust_radius = 2, .max_trust_radius = 1}),
      fx::Error);
  EXPECT_THROW(fx::optim::minimize(f, x0, {.method = (Method)17}), fx::Error);
  EXPECT_TRUE(fx::optim::minimize(f, x0, {.gtol_norm = 2}).success());
}

TEST(MinimizeHardening, TrustNcgNeverReportsALineSearch) {
  // f = |x|: the quadratic model is useless at the kink, so the region collapses.
  auto f = [](const fx::Tensor& x) { return (x * x + 1e-300).sqrt().sum(); };
  auto r = fx::optim::minimize(f, fx::tensor({1e-3}, fx::Float64),
                               {.method = Method::trust_ncg, .gtol = 0, .max_iter = 10000});
  EXPECT_NE(r.status, fx::optim::Status::line_search_failed);
}

TEST(OptimizerHardening, LoadingAnotherOptimizersStateIsAnError) {
  fx::Tensor p = fx::tensor({1.0, 2.0}).requires_grad_();
  fx::optim::Adam adam({p}, {.lr = 0.1});
  p.set_grad(fx::tensor({0.5, -0.5}));
  adam.step();
  fx::optim::SGD sgd({p}, {.lr = 0.1, .momentum = 0.9});
  try {
    sgd.load_state_dict(adam.state_dict());
    ADD_FAILURE() << "SGD loaded Adam's state";
  } catch (const fx::Error& e) {
    EXPECT_NE(std::string(e.what()).find("Adam"), std::string::npos) << e.what();
  }
  fx::optim::Adam same({p}, {.lr = 0.1});
  EXPECT_NO_THROW(same.load_state_dict(adam.state_dict()));
}

TEST(OptimizerHardening, StateOfAnotherShapeIsAnErrorAtLoad) {
  fx::Tensor p = fx::tensor({1.0, 2.0}).requires_grad_();
  fx::optim::Adam adam({p}, {.lr = 0.1});
  p.set_grad(fx::tensor({0.5, -0.5}));
  adam.step();
  fx::Tensor q = fx::tensor({1.0, 2.0, 3.0}).requires_grad_();
  fx::optim::Adam other({q}, {.lr = 0.1});
  EXPECT_THROW(other.load_state_dict(adam.state_dict()), fx::Error);
  fx::Tensor r = fx::tensor({1.0, 2.0}, fx::Float64).requires_grad_();
  fx::optim::Adam wrong_dtype({r}, {.lr = 0.1});
  EXPECT_THROW(wrong_dtype.load_state_dict(adam.state_dict()), fx::Error);
}

TEST(OptimizerHardening, LbfgsIsUnchangedByAClosureThatThrows) {
  auto make = [] { return fx::tensor({-1.2, 1.0}, fx::Float64).requires_grad_(); };
  auto rosen = [](const fx::Tensor& x) {
    auto a = x.select(0, 0), b = x.select(0, 1);
    return (1.0 - a) * (1.0 - a) + 100.0 * (b - a * a) * (b - a * a);
  };
  for (auto ls : {fx::optim::LineSearch::none, fx::optim::LineSearch::strong_wolfe}) {
    fx::Tensor x = make(), ref = make();
    fx::optim::LBFGS opt({x}, {.lr = 1, .max_iter = 5, .line_search = ls});
    fx::optim::LBFGS ref_opt({ref}, {.lr = 1, .max_iter = 5, .line_search = ls});
    auto closure_for = [&](fx::Tensor& t, fx::optim::LBFGS& o, int throw_at) {
      int calls = 0;
      return [&t, &o, &rosen, throw_at, calls]() mutable {
        if (++calls == throw_at) throw std::runtime_error("closure failed");
        o.zero_grad();
        fx::Tensor loss = rosen(t);
        loss.backward();
        return loss;
      };
    };
    ref_opt.step(closure_for(ref, ref_opt, 0));
    opt.step(closure_for(x, opt, 0));
    auto before = x.to_vector<double>();
    EXPECT_THROW(opt.step(closure_for(x, opt, 3)), std::runtime_error);  // throws mid-step, after moving x
    EXPECT_EQ(x.to_vector<double>(), before);
    opt.step(closure_for(x, opt, 0));  // as if the failed step never happened
    ref_opt.step(closure_for(ref, ref_opt, 0));
    EXPECT_EQ(x.to_vector<double>(), ref.to_vector<double>());
    EXPECT_EQ(opt.func_evals(), ref_opt.func_evals());
  }
}
