// SPDX-License-Identifier: MIT
// Elementwise kernels of one tensor. Each returns a new contiguous tensor of
// the input's dtype; float-only kernels reject int64 with a fluxion::Error.
#pragma once
#include "tensor/tensor_data.h"

namespace fluxion::kernels {

TensorData neg(const TensorData& x);
TensorData exp(const TensorData& x);
TensorData log(const TensorData& x);
TensorData sin(const TensorData& x);
TensorData cos(const TensorData& x);
TensorData tanh(const TensorData& x);

}  // namespace fluxion::kernels
