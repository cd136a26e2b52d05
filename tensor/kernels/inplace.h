// SPDX-License-Identifier: MIT
// In-place arithmetic for tensors outside autograd (optimizer updates,
// accumulators). src is broadcast to dst's shape and converted to dst's
// dtype; each call bumps dst's storage version, so autograd can tell that a
// tensor it saved has changed. (copy_ and fill_ are in copy.h.)
#pragma once
#include "tensor/tensor_data.h"

namespace fluxion::kernels {

/// dst += alpha * src
void add_(const TensorData& dst, const TensorData& src, double alpha);
/// dst *= src
void mul_(const TensorData& dst, const TensorData& src);
/// dst *= value
void mul_(const TensorData& dst, double value);

/// One step of torch.optim.Adam / AdamW (optim/adam.h has the rule) in one pass
/// over the elements, as torch's fused=True: reads p, g, m, v (and vmax) once and
/// writes p, m, v (and vmax) once, where the same rule as separate ops makes
/// about ten passes and five temporaries. All contiguous, of one floating dtype
/// and shape; vmax (amsgrad's running maximum of v) may be null.
struct AdamStep {
  double lr, beta1, beta2, eps, weight_decay;
  bool decoupled;  // AdamW: weight decay shrinks p instead of adding to g
  bool maximize;
  double step;  // t, counted from 1
};
void adam_(const TensorData& p, const TensorData& g, const TensorData& m, const TensorData& v, const TensorData* vmax,
           const AdamStep& s);

}  // namespace fluxion::kernels
