// SPDX-License-Identifier: MIT
// Elementwise kernels of two tensors with NumPy broadcasting. Both operands
// must have the same dtype (the autograd layer promotes before calling).
#pragma once
#include "tensor/tensor_data.h"

namespace fluxion::kernels {

TensorData add(const TensorData& a, const TensorData& b);
TensorData sub(const TensorData& a, const TensorData& b);
TensorData mul(const TensorData& a, const TensorData& b);
TensorData div(const TensorData& a, const TensorData& b);

}  // namespace fluxion::kernels
