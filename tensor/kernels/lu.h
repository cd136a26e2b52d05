// SPDX-License-Identifier: MIT
// LU factorisation with partial pivoting through LAPACK's getrf: A = P L U.
#pragma once
#include <utility>

#include "tensor/tensor_data.h"

namespace fluxion::kernels {

/// A [*, m, n] -> (LU [*, m, n]: U [k, n] on and above the diagonal, L's
/// [m, k] strictly lower part below it (L has a unit diagonal), k = min(m, n);
/// pivots [*, k] int64, 1-based: row i was swapped with row pivots[i] - 1, in
/// order). A singular A still factors (U gets a zero on its diagonal).
std::pair<TensorData, TensorData> lu_factor(const TensorData& a);
/// The permutation matrix P [*, n, n] of `dtype` with A = P L U, from pivots [*, k], k <= n.
TensorData lu_permutation(const TensorData& pivots, int64_t n, DType dtype);

}  // namespace fluxion::kernels
