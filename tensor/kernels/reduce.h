// SPDX-License-Identifier: MIT
// Reductions over all dims (dims empty) or over the given dims, with keepdim.
#pragma once
#include <vector>

#include "tensor/tensor_data.h"

namespace fluxion::kernels {

/// sum over `dims` (empty: all). Float32 is accumulated in double.
TensorData sum(const TensorData& x, const std::vector<int64_t>& dims, bool keepdim);

}  // namespace fluxion::kernels
