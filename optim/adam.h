// SPDX-License-Identifier: MIT
// optim::Adam and optim::AdamW — adaptive moment estimation, the updates of
// torch.optim.Adam / AdamW. With t the step count and g the gradient:
//
//   Adam:  g = g + weight_decay p            AdamW: p = p (1 - lr weight_decay)
//   m = beta1 m + (1 - beta1) g              (first moment)
//   v = beta2 v + (1 - beta2) g^2            (second moment; amsgrad: vmax = max(vmax, v))
//   p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
#pragma once
#include <utility>

#include "optim/optimizer.h"

namespace fluxion::optim {

struct AdamOptions {
  double lr = 1e-3;
  std::pair<double, double> betas = {0.9, 0.999};
  double eps = 1e-8;
  double weight_decay = 0;  // L2 penalty added to the gradient
  bool amsgrad = false;
  bool maximize = false;
};

struct AdamWOptions {
  double lr = 1e-3;
  std::pair<double, double> betas = {0.9, 0.999};
  double eps = 1e-8;
  double weight_decay = 1e-2;  // decoupled: shrinks the weights directly
  bool amsgrad = false;
  bool maximize = false;
};

class Adam : public OptimizerWith<AdamOptions> {
 public:
  Adam(std::vector<Tensor> params, AdamOptions defaults = {});
  Adam(std::vector<ParamGroup<AdamOptions>> groups, AdamOptions defaults = {});
  Tensor step(const Closure& closure = nullptr) override;
};

class AdamW : public OptimizerWith<AdamWOptions> {
 public:
  AdamW(std::vector<Tensor> params, AdamWOptions defaults = {});
  AdamW(std::vector<ParamGroup<AdamWOptions>> groups, AdamWOptions defaults = {});
  Tensor step(const Closure& closure = nullptr) override;
};

}  // namespace fluxion::optim
