// SPDX-License-Identifier: MIT
// optim::SGD: the update rule of sgd.h, in place, outside the graph.
#include "optim/sgd.h"

#include "autograd/grad_mode.h"
#include "autograd/ops.h"

namespace fluxion::optim {

static void check_options(const SGDOptions& o) {
  check(o.lr >= 0, "SGD: lr must be non-negative, got ", o.lr);
  check(o.momentum >= 0, "SGD: momentum must be non-negative, got ", o.momentum);
  check(o.weight_decay >= 0, "SGD: weight_decay must be non-negative, got ", o.weight_decay);
  check(!o.nesterov || (o.momentum > 0 && o.dampening == 0), "SGD: nesterov needs momentum > 0 and dampening = 0");
}

SGD::SGD(std::vector<Tensor> params, SGDOptions defaults) : OptimizerWith(std::move(params), defaults) {
  check_options(defaults);
}

SGD::SGD(std::vector<ParamGroup<SGDOptions>> groups, SGDOptions defaults) : OptimizerWith(std::move(groups), defaults) {
  for (const auto& g : groups_) check_options(g.options);
}

Tensor SGD::step(const Closure& closure) {
  Tensor loss = evaluate(closure);
  NoGradGuard no_grad;
  for (auto& [params, o] : groups_) {
    for (Tensor p : params) {
      if (!p.grad().defined()) continue;
      Tensor g = l2_grad(p, o);
      if (o.momentum != 0) {
        auto& bufs = state(p).tensors;
        auto it = bufs.find("momentum_buffer");
        if (it == bufs.end()) {
          it = bufs.emplace("momentum_buffer", g.clone()).first;
        } else {
          it->second.mul_(o.momentum).add_(g, 1 - o.dampening);
        }
        g = o.nesterov ? g + o.momentum * it->second : it->second;
      }
      p.add_(g, -o.lr);
    }
  }
  return loss;
}

}  // namespace fluxion::optim
