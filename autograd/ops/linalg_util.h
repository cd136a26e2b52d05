// SPDX-License-Identifier: MIT
// Small matrix helpers shared by the linear-algebra rules (linalg.cpp,
// linalg_spectral.cpp), written as differentiable composites so the rules
// that use them stay differentiable.
#pragma once
#include "autograd/ops.h"

namespace fluxion::linalg::detail {

/// The matrix transpose of a batch: [*, m, n] -> [*, n, m].
inline Tensor mT(const Tensor& x) { return x.transpose(-2, -1); }
/// (X + X^T) / 2
inline Tensor sym(const Tensor& x) { return (x + mT(x)) * 0.5; }
/// A constant n x n matrix with `lower` below the diagonal, `diag` on it and `upper` above it.
Tensor pattern(int64_t n, DType dtype, double lower, double diag, double upper);
/// [*, n] -> [*, n, n] with v on the diagonal.
inline Tensor diag_embed(const Tensor& v) { return v.unsqueeze(-1) * pattern(v.size(-1), v.dtype(), 0, 1, 0); }

/// Int64 input is an error naming `op`.
inline void check_float(const Tensor& a, const char* op) {
  check(a.is_floating_point(), op, ": expected a floating tensor (float32 or float64) but got int64 of shape ",
        a.shape(), "; convert with .to(fluxion::Float64)");
}

}  // namespace fluxion::linalg::detail
