// SPDX-License-Identifier: MIT
// fluxion::linalg — torch.linalg's dense decompositions and solvers, through
// LAPACK (tensor/kernels/linalg), each differentiable in reverse and forward
// mode to any order: the rules in autograd/ops/linalg*.cpp are themselves
// made of differentiable ops. Every function takes a matrix or a batch of
// matrices [*, m, n] in float32 or float64.
#pragma once
#include "autograd/tensor.h"

namespace fluxion::linalg {

/// X with A X = B. A [*, n, n]; B [*, n, k], or a vector [n] / [*, n] (then X is one too).
/// Batch dims broadcast. A singular A is an error.
[[nodiscard]] Tensor solve(const Tensor& A, const Tensor& B);
/// A^-1 [*, n, n]; a singular A is an error.
[[nodiscard]] Tensor inv(const Tensor& A);
/// det A [*] (0 for a singular A).
[[nodiscard]] Tensor det(const Tensor& A);

/// sign(det A) and log|det A|, stable where det A would under- or overflow.
/// `auto [sign, logabsdet] = linalg::slogdet(A);`
struct SlogdetResult {
  Tensor sign, logabsdet;
};
[[nodiscard]] SlogdetResult slogdet(const Tensor& A);

/// Lower-triangular L with L L^T = A for symmetric positive-definite A (reads A's lower triangle).
[[nodiscard]] Tensor cholesky(const Tensor& A);

/// A = V diag(eigenvalues) V^T for symmetric A (reads its lower triangle); eigenvalues ascending.
struct EighResult {
  Tensor eigenvalues, eigenvectors;
};
[[nodiscard]] EighResult eigh(const Tensor& A);
/// The eigenvalues of eigh, ascending [*, n].
[[nodiscard]] Tensor eigvalsh(const Tensor& A);

/// Reduced SVD (torch's full_matrices=False): A [*, m, n] = U [*, m, k] diag(S [*, k]) Vh [*, k, n],
/// k = min(m, n), S descending.
struct SvdResult {
  Tensor U, S, Vh;
};
[[nodiscard]] SvdResult svd(const Tensor& A);
/// The singular values of svd, descending [*, k].
[[nodiscard]] Tensor svdvals(const Tensor& A);

/// Reduced QR: A [*, m, n] = Q [*, m, k] R [*, k, n], Q with orthonormal columns, R upper-triangular.
/// Differentiable for any shape (a wide A through its first m columns: R = [R_X | Q^T Y]).
struct QrResult {
  Tensor Q, R;
};
[[nodiscard]] QrResult qr(const Tensor& A);

}  // namespace fluxion::linalg
