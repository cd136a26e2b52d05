// SPDX-License-Identifier: MIT
// LU factorisation with partial pivoting through LAPACK's getrf: A = P L U.
#pragma once
#include <utility>

#include "tensor/tensor_data.h"

namespace fluxion::kernels {

/// A [*, n, n] -> (LU [*, n, n]: U on and above the diagonal, L's strictly
/// lower part below it (L has a unit diagonal); pivots [*, n] int64, 1-based:
/// row i was swapped with row pivots[i] - 1, in order). A singular A still
/// factors (U gets a zero on its diagonal).
std::pair<TensorData, TensorData> lu_factor(const TensorData& a);
/// The permutation matrix P [*, n, n] of `dtype` with A = P L U, from pivots [*, n].
TensorData lu_permutation(const TensorData& pivots, DType dtype);

}  // namespace fluxion::kernels
