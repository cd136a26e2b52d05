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

}  // namespace fluxion::kernels
