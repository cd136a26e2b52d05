// SPDX-License-Identifier: MIT
// Helpers shared by the elementwise op files (unary, binary, pow, activation, compare).
#pragma once
#include <utility>

#include "autograd/ops.h"

namespace fluxion {

/// a and b converted to their common dtype (float64 > float32 > int64).
std::pair<Tensor, Tensor> promoted(const Tensor& a, const Tensor& b);

}  // namespace fluxion
