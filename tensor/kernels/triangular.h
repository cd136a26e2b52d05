// SPDX-License-Identifier: MIT
// Triangular solves through BLAS trsm (O(n^2 k) per matrix, no factorization).
#pragma once

#include "tensor/tensor_data.h"

namespace fluxion::kernels {

/// X with T X = B (left) or X T = B (right), T the upper (lower) triangle of A
/// [*, n, n] (its diagonal taken as ones when unit). B is [*, n, k] (left) or
/// [*, k, n]; batch dims broadcast. Only that triangle of A is read. A zero on
/// T's diagonal gives inf / NaN, as PyTorch (no check).
TensorData solve_triangular(const TensorData& a, const TensorData& b, bool upper, bool left, bool unit);

}  // namespace fluxion::kernels
