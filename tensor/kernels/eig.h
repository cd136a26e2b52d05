// SPDX-License-Identifier: MIT
// Eigen-decomposition of general (non-symmetric) real matrices through LAPACK's geev.
#pragma once
#include <utility>

#include "tensor/tensor_data.h"

namespace fluxion::kernels {

/// A [*, n, n] -> (eigenvalues [*, n], right eigenvectors [*, n, n] as columns of unit
/// norm), in LAPACK's order. fluxion has no complex dtype: a matrix with a complex
/// pair of eigenvalues is an error naming `op`, the pair and the fix.
std::pair<TensorData, TensorData> eig(const TensorData& a, const char* op);

}  // namespace fluxion::kernels
