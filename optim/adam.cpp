// SPDX-License-Identifier: MIT
// optim::Adam, optim::AdamW: one update rule (adam.h) shared by both; they
// differ only in how weight decay enters.
#include "optim/adam.h"

#include <cmath>

#include "autograd/grad_mode.h"
#include "autograd/ops.h"

namespace fluxion::optim {

template <class Options>
static void check_options(const Options& o, const char* name) {
  check(o.lr >= 0, name, ": lr must be non-negative, got ", o.lr);
  check(o.eps >= 0, name, ": eps must be non-negative, got ", o.eps);
  check(o.betas.first >= 0 && o.betas.first < 1 && o.betas.second >= 0 && o.betas.second < 1, name,
        ": betas must be in [0, 1), got (", o.betas.first, ", ", o.betas.second, ")");
  check(o.weight_decay >= 0, name, ": weight_decay must be non-negative, got ", o.weight_decay);
}

// One Adam step for p; `decoupled` selects AdamW's weight decay.
template <class Options>
static void adam_update(Optimizer& opt, Tensor p, const Options& o, bool decoupled) {
  Tensor g = o.maximize ? -p.grad() : p.grad();
  ParamState& s = opt.state(p);
  if (s.tensors.empty()) {
    s.tensors["exp_avg"] = zeros_like(p);
    s.tensors["exp_avg_sq"] = zeros_like(p);
    if (o.amsgrad) s.tensors["max_exp_avg_sq"] = zeros_like(p);
  }
  double t = (s.scalars["step"] += 1);
  auto [beta1, beta2] = o.betas;
  if (o.weight_decay != 0) {
    if (decoupled) p.mul_(1 - o.lr * o.weight_decay);
    else g = g + o.weight_decay * p;
  }
  Tensor& m = s.tensors["exp_avg"];
  Tensor& v = s.tensors["exp_avg_sq"];
  m.mul_(beta1).add_(g, 1 - beta1);
  v.mul_(beta2).add_(g * g, 1 - beta2);
  double bias_correction1 = 1 - std::pow(beta1, t);
  double bias_correction2_sqrt = std::sqrt(1 - std::pow(beta2, t));
  Tensor second = v;
  if (o.amsgrad) {
    Tensor& vmax = s.tensors["max_exp_avg_sq"];
    vmax.copy_(maximum(vmax, v));
    second = vmax;
  }
  Tensor denom = second.sqrt() / bias_correction2_sqrt + o.eps;
  p.add_(m / denom, -o.lr / bias_correction1);
}

Adam::Adam(std::vector<Tensor> params, AdamOptions defaults) : OptimizerWith(std::move(params), defaults) {
  check_options(defaults, "Adam");
}

Adam::Adam(std::vector<ParamGroup<AdamOptions>> groups, AdamOptions defaults)
    : OptimizerWith(std::move(groups), defaults) {
  for (const auto& g : groups_) check_options(g.options, "Adam");
}

Tensor Adam::step(const Closure& closure) {
  Tensor loss = evaluate(closure);
  NoGradGuard no_grad;
  for (auto& [params, o] : groups_)
    for (const Tensor& p : params)
      if (p.grad().defined()) adam_update(*this, p, o, false);
  return loss;
}

AdamW::AdamW(std::vector<Tensor> params, AdamWOptions defaults) : OptimizerWith(std::move(params), defaults) {
  check_options(defaults, "AdamW");
}

AdamW::AdamW(std::vector<ParamGroup<AdamWOptions>> groups, AdamWOptions defaults)
    : OptimizerWith(std::move(groups), defaults) {
  for (const auto& g : groups_) check_options(g.options, "AdamW");
}

Tensor AdamW::step(const Closure& closure) {
  Tensor loss = evaluate(closure);
  NoGradGuard no_grad;
  for (auto& [params, o] : groups_)
    for (const Tensor& p : params)
      if (p.grad().defined()) adam_update(*this, p, o, true);
  return loss;
}

}  // namespace fluxion::optim
