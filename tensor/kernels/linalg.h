// SPDX-License-Identifier: MIT
// Dense linear algebra through the LAPACK that OpenBLAS ships (Fortran
// symbols dgesv_, dpotrf_, dsyevd_, dgesdd_, dgeqrf_ ...; float32 and
// float64). Every function takes a batch of matrices [*, m, n] with any
// strides and returns contiguous results; the autograd ops in
// autograd/ops/linalg*.cpp give them derivatives.
#pragma once
#include <array>
#include <utility>

#include "tensor/tensor_data.h"

namespace fluxion::kernels {

/// X with A X = B (LU with partial pivoting): A [*, n, n], B [*, n, k] -> X [*, n, k];
/// the batch dims broadcast. A singular A is an error.
TensorData solve(const TensorData& a, const TensorData& b);
/// A^-1: [*, n, n] -> [*, n, n]; a singular A is an error.
TensorData inv(const TensorData& a);
/// det A: [*, n, n] -> [*] (0 for a singular A).
TensorData det(const TensorData& a);
/// (sign, log|det A|): [*, n, n] -> two [*] arrays; a singular A gives (0, -inf).
std::pair<TensorData, TensorData> slogdet(const TensorData& a);
/// Lower-triangular L with L L^T = A, reading A's lower triangle: [*, n, n] -> [*, n, n].
/// A matrix that is not positive-definite is an error.
TensorData cholesky(const TensorData& a);
/// Eigen-decomposition of symmetric A (its lower triangle is read):
/// eigenvalues [*, n] ascending and eigenvectors [*, n, n] as columns.
std::pair<TensorData, TensorData> eigh(const TensorData& a);
/// Reduced SVD, A = U diag(S) Vh: A [*, m, n] -> U [*, m, k], S [*, k] descending, Vh [*, k, n],
/// k = min(m, n).
std::array<TensorData, 3> svd(const TensorData& a);
/// Reduced QR, A = Q R: A [*, m, n] -> Q [*, m, k] with orthonormal columns, R [*, k, n] upper.
std::pair<TensorData, TensorData> qr(const TensorData& a);

/// Errors shared with the autograd layer: `op` needs a batch of square matrices.
void check_square(const Shape& a, const char* op);

}  // namespace fluxion::kernels
