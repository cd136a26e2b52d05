// SPDX-License-Identifier: MIT
// optim::NewtonCG: truncated Newton steps over the flat parameter vector.
// Each iteration differentiates the closure's loss once with create_graph, so
// that H v = d<g, v>/dparams is one more reverse pass (reverse-over-reverse),
// solves H p = -g by truncated conjugate gradients (the same CG as minimize's
// newton_cg), and moves along p (strong Wolfe or a fixed step lr). Its
// counters live in the first parameter's state.
#include <cmath>

#include "autograd/engine.h"
#include "autograd/grad_mode.h"
#include "autograd/ops.h"
#include "optim/conjugate_gradient.h"
#include "optim/flat_params.h"
#include "optim/lbfgs.h"
#include "optim/line_search.h"

namespace fluxion::optim {

using detail::dot;
using detail::Vec;

static void check_options(const NewtonCGOptions& o) {
  check(o.lr > 0 && o.max_iter > 0 && o.cg_max_iter > 0, "NewtonCG: lr, max_iter and cg_max_iter must be positive");
}

NewtonCG::NewtonCG(std::vector<Tensor> params, NewtonCGOptions defaults) : OptimizerWith(std::move(params), defaults) {
  check_options(defaults);
  detail::check_flat_params(groups_[0].params, "NewtonCG");
}

void NewtonCG::add_param_group(ParamGroup<NewtonCGOptions>) {
  detail::check_single_group(groups_.size() + 1, "NewtonCG");
}

int NewtonCG::func_evals() const { return detail::state_count(*this, "func_evals"); }

int NewtonCG::hvp_evals() const { return detail::state_count(*this, "hvp_evals"); }

Tensor NewtonCG::step(const Closure& closure) {
  check(bool(closure), "NewtonCG.step: needs a closure that computes and returns the loss (without backward())");
  detail::check_single_group(groups_.size(), "NewtonCG");  // param_groups() is mutable
  const std::vector<Tensor>& params = groups_[0].params;
  detail::check_flat_params(params, "NewtonCG");
  const NewtonCGOptions o = groups_[0].options;  // lr as the scheduler left it
  check_options(o);
  ParamState& s = state(params[0]);
  double& func_evals = s.scalars["func_evals"];
  double& hvp_evals = s.scalars["hvp_evals"];
  EnableGradGuard grad_on;  // the gradient's graph is differentiated again
  Tensor first;
  for (int iter = 0; iter < o.max_iter; ++iter) {
    // The gradient with its graph, so that H v = d<g, v>/dparams by a second backward.
    Tensor loss = closure();
    ++func_evals;
    if (!first.defined()) first = loss.detach();
    std::vector<Tensor> gs =
        autograd::grad({loss}, params, {.create_graph = true, .allow_unused = true, .materialize_grads = true});
    Vec g = detail::flatten(gs, params);
    if (detail::max_abs(g) <= o.tolerance_grad) break;
    auto hvp = [&](const Vec& v) {
      ++hvp_evals;
      std::vector<Tensor> outs, seeds;
      size_t k = 0;
      for (size_t i = 0; i < params.size(); ++i) {
        const Tensor& p = params[i];
        Vec part(v.begin() + k, v.begin() + k + p.numel());
        k += p.numel();
        // a gradient without graph (the loss is linear in p) contributes H = 0
        if (gs[i].requires_grad())
          outs.push_back(gs[i]), seeds.push_back(detail::to_tensor(part, p.shape()).to(p.dtype()));
      }
      if (outs.empty()) return Vec(v.size(), 0.0);
      return detail::flatten(
          autograd::grad(outs, params, {.grad_outputs = seeds, .retain_graph = true, .allow_unused = true}), params);
    };
    // CG on H p = -g (conjugate_gradient.h), with torch-style settings: 2-norm
    // residual test, cg_max_iter steps, -g itself on negative curvature at once.
    Vec p = detail::truncated_cg(hvp, g, {.max_iter = (size_t)o.cg_max_iter});
    Vec x0 = detail::param_values(params);
    double t = o.lr;
    if (o.line_search == LineSearch::strong_wolfe) {
      Phi phi = [&](double a) {
        detail::set_params(params, detail::step(x0, a, p));
        Tensor l = closure();
        ++func_evals;
        Vec gl = detail::flatten(autograd::grad({l}, params, {.allow_unused = true, .materialize_grads = true}), params);
        return PhiValue{l.item(), dot(gl, p)};
      };
      LineSearchResult ls = strong_wolfe(phi, loss.item(), dot(g, p), o.lr);
      t = ls.status == LineSearchStatus::ok ? ls.alpha : 0;
    }
    detail::set_params(params, detail::step(x0, t, p));
    if (t == 0) break;
  }
  return first;
}

}  // namespace fluxion::optim
