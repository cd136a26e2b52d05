// SPDX-License-Identifier: MIT
// optim::SGD — stochastic gradient descent with momentum, dampening,
// Nesterov momentum and L2 weight decay; the update of torch.optim.SGD:
//
//   g = grad + weight_decay p
//   b = g (first step), else b = momentum b + (1 - dampening) g
//   g = g + momentum b (nesterov), else g = b          (when momentum != 0)
//   p = p - lr g
#pragma once
#include "optim/optimizer.h"

namespace fluxion::optim {

struct SGDOptions {
  double lr = 1e-3;
  double momentum = 0;
  double dampening = 0;
  double weight_decay = 0;
  bool nesterov = false;
  bool maximize = false;  // ascend instead of descend
};

class SGD : public OptimizerWith<SGDOptions> {
 public:
  SGD(std::vector<Tensor> params, SGDOptions defaults = {});
  SGD(std::vector<ParamGroup<SGDOptions>> groups, SGDOptions defaults = {});
  Tensor step(const Closure& closure = nullptr) override;
};

}  // namespace fluxion::optim
