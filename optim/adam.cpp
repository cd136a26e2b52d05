// SPDX-License-Identifier: MIT
// optim::Adam, optim::AdamW: one update rule (adam.h) shared by both; they
// differ only in how weight decay enters.
#include "optim/adam.h"

#include "autograd/fused_optim.h"
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

// One Adam step for p; `decoupled` selects AdamW's weight decay. The rule runs
// as one fused pass over p's elements (fused_adam_), as torch's fused=True.
template <class Options>
static void adam_update(Optimizer& opt, const Tensor& p, const Options& o, bool decoupled) {
  ParamState& s = opt.state(p);
  if (s.tensors.empty()) {
    s.tensors["exp_avg"] = zeros_like(p);
    s.tensors["exp_avg_sq"] = zeros_like(p);
  }
  if (o.amsgrad && !s.tensors.count("max_exp_avg_sq")) s.tensors["max_exp_avg_sq"] = zeros_like(p);
  double t = (s.scalars["step"] += 1);
  auto state = [&](const char* name) -> const Tensor& {  // contiguous from here on (a loaded state may not be)
    Tensor& x = s.tensors[name];
    if (!x.is_contiguous()) x = x.contiguous();
    return x;
  };
  fused_adam_(p, p.grad(), state("exp_avg"), state("exp_avg_sq"), o.amsgrad ? state("max_exp_avg_sq") : Tensor(),
              {.lr = o.lr,
               .beta1 = o.betas.first,
               .beta2 = o.betas.second,
               .eps = o.eps,
               .weight_decay = o.weight_decay,
               .decoupled = decoupled,
               .maximize = o.maximize,
               .step = t});
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
