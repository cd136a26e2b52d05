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
