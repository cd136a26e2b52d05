// SPDX-License-Identifier: MIT
// optim::RMSprop, optim::Adagrad: the update rules of rmsprop.h, in place,
// outside the graph.
#include "optim/rmsprop.h"

#include "autograd/grad_mode.h"
#include "autograd/ops.h"

namespace fluxion::optim {

static void check_options(const RMSpropOptions& o) {
  check(o.lr >= 0, "RMSprop: lr must be non-negative, got ", o.lr);
  check(o.alpha >= 0, "RMSprop: alpha must be non-negative, got ", o.alpha);
  check(o.eps >= 0, "RMSprop: eps must be non-negative, got ", o.eps);
  check(o.momentum >= 0, "RMSprop: momentum must be non-negative, got ", o.momentum);
  check(o.weight_decay >= 0, "RMSprop: weight_decay must be non-negative, got ", o.weight_decay);
}

RMSprop::RMSprop(std::vector<Tensor> params, RMSpropOptions defaults) : OptimizerWith(std::move(params), defaults) {
  check_options(defaults);
}

RMSprop::RMSprop(std::vector<ParamGroup<RMSpropOptions>> groups, RMSpropOptions defaults)
    : OptimizerWith(std::move(groups), defaults) {
  for (const auto& g : groups_) check_options(g.options);
}

Tensor RMSprop::step(const Closure& closure) {
  Tensor loss = evaluate(closure);
  NoGradGuard no_grad;
  for (auto& [params, o] : groups_) {
    for (Tensor p : params) {
      if (!p.grad().defined()) continue;
      Tensor g = l2_grad(p, o);
      ParamState& s = state(p);
      if (s.tensors.empty()) {
        s.tensors["square_avg"] = zeros_like(p);
        if (o.momentum > 0) s.tensors["momentum_buffer"] = zeros_like(p);
        if (o.centered) s.tensors["grad_avg"] = zeros_like(p);
      }
      s.scalars["step"] += 1;
      Tensor& v = s.tensors["square_avg"];
      v.mul_(o.alpha).add_(g * g, 1 - o.alpha);
      Tensor avg;
      if (o.centered) {
        Tensor& a = s.tensors["grad_avg"];
        a.mul_(o.alpha).add_(g, 1 - o.alpha);
        avg = (v - a * a).sqrt() + o.eps;  // variance instead of raw second moment
      } else {
        avg = v.sqrt() + o.eps;
      }
      if (o.momentum > 0) {
        Tensor& b = s.tensors["momentum_buffer"];
        b.mul_(o.momentum).add_(g / avg);
        p.add_(b, -o.lr);
      } else {
        p.add_(g / avg, -o.lr);
      }
    }
  }
  return loss;
}

static void check_options(const AdagradOptions& o) {
  check(o.lr >= 0, "Adagrad: lr must be non-negative, got ", o.lr);
  check(o.lr_decay >= 0, "Adagrad: lr_decay must be non-negative, got ", o.lr_decay);
  check(o.weight_decay >= 0, "Adagrad: weight_decay must be non-negative, got ", o.weight_decay);
  check(o.initial_accumulator_value >= 0, "Adagrad: initial_accumulator_value must be non-negative, got ",
        o.initial_accumulator_value);
  check(o.eps >= 0, "Adagrad: eps must be non-negative, got ", o.eps);
}

Adagrad::Adagrad(std::vector<Tensor> params, AdagradOptions defaults) : OptimizerWith(std::move(params), defaults) {
  check_options(defaults);
}

Adagrad::Adagrad(std::vector<ParamGroup<AdagradOptions>> groups, AdagradOptions defaults)
    : OptimizerWith(std::move(groups), defaults) {
  for (const auto& g : groups_) check_options(g.options);
}

Tensor Adagrad::step(const Closure& closure) {
  Tensor loss = evaluate(closure);
  NoGradGuard no_grad;
  for (auto& [params, o] : groups_) {
    for (Tensor p : params) {
      if (!p.grad().defined()) continue;
      Tensor g = l2_grad(p, o);
      ParamState& s = state(p);
      if (s.tensors.empty()) s.tensors["sum"] = full_like(p, o.initial_accumulator_value);
      double t = (s.scalars["step"] += 1);
      double clr = o.lr / (1 + (t - 1) * o.lr_decay);
      Tensor& sum = s.tensors["sum"];
      sum.add_(g * g);
      p.add_(g / (sum.sqrt() + o.eps), -clr);
    }
  }
  return loss;
}

}  // namespace fluxion::optim
