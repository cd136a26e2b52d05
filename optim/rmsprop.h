// SPDX-License-Identifier: MIT
// optim::RMSprop and optim::Adagrad — per-coordinate step sizes from running
// squared gradients; the updates of torch.optim.RMSprop / Adagrad:
//
//   RMSprop:  v = alpha v + (1 - alpha) g^2
//             centered: a = alpha a + (1 - alpha) g,  d = sqrt(v - a^2) + eps,  else d = sqrt(v) + eps
//             momentum: b = momentum b + g / d,  p = p - lr b;  else p = p - lr g / d
//   Adagrad:  s = s + g^2,  p = p - lr / (1 + (t - 1) lr_decay) * g / (sqrt(s) + eps)
// (g includes weight_decay p in both)
#pragma once
#include "optim/optimizer.h"

namespace fluxion::optim {

struct RMSpropOptions {
  double lr = 1e-2;
  double alpha = 0.99;
  double eps = 1e-8;
  double weight_decay = 0;
  double momentum = 0;
  bool centered = false;
  bool maximize = false;
};

class RMSprop : public OptimizerWith<RMSpropOptions> {
 public:
  RMSprop(std::vector<Tensor> params, RMSpropOptions defaults = {});
  RMSprop(std::vector<ParamGroup<RMSpropOptions>> groups, RMSpropOptions defaults = {});
  Tensor step(const Closure& closure = nullptr) override;
};

struct AdagradOptions {
  double lr = 1e-2;
  double lr_decay = 0;
  double weight_decay = 0;
  double initial_accumulator_value = 0;
  double eps = 1e-10;
  bool maximize = false;
};

class Adagrad : public OptimizerWith<AdagradOptions> {
 public:
  Adagrad(std::vector<Tensor> params, AdagradOptions defaults = {});
  Adagrad(std::vector<ParamGroup<AdagradOptions>> groups, AdagradOptions defaults = {});
  Tensor step(const Closure& closure = nullptr) override;
};

}  // namespace fluxion::optim
