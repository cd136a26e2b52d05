// SPDX-License-Identifier: MIT
// Fused optimizer steps (PyTorch's torch._fused_adam_, which its optimizers run
// with fused=True): an update rule in one pass over a parameter's elements,
// written in place into the parameter and its state. Not differentiable; like
// every in-place op on a parameter, they run under a NoGradGuard.
#pragma once
#include "autograd/tensor.h"
#include "tensor/kernels/inplace.h"

namespace fluxion {

/// One step of torch.optim.Adam / AdamW (optim/adam.h has the rule) on p from
/// `grad`, updating exp_avg, exp_avg_sq and, when defined, max_exp_avg_sq
/// (amsgrad). The state tensors must be contiguous, of p's shape and dtype; p
/// may be strided (it is then updated through a contiguous copy); grad is
/// converted to p's layout and dtype.
void fused_adam_(const Tensor& p, const Tensor& grad, const Tensor& exp_avg, const Tensor& exp_avg_sq,
                 const Tensor& max_exp_avg_sq, const kernels::AdamStep& step);

}  // namespace fluxion
