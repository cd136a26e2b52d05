// SPDX-License-Identifier: MIT
// Matrix products through fluxion's GEMM or OpenBLAS, as gemm_path() chose
// (gemm.h; small ones through small_gemm.h's register-blocked loop), with the semantics of
// torch.matmul: 1-D x 1-D is a dot product, 2-D x 2-D a matrix product, and
// leading dims broadcast as batch dims ([B, n, k] @ [k, m] -> [B, n, m]).
#pragma once
#include "tensor/tensor_data.h"

namespace fluxion::kernels {

TensorData matmul(const TensorData& a, const TensorData& b);
/// matmul(a, b) written into y: contiguous, of the product's shape and dtype (jit's unrolled programs).
void matmul_into(const TensorData& a, const TensorData& b, const TensorData& y);

/// The textbook triple loop, kept as the reference the BLAS path is tested
/// against (2-D only: a [n, k], b [k, m]).
TensorData matmul_naive(const TensorData& a, const TensorData& b);

/// The output shape of matmul(a, b), or an error naming both shapes.
Shape matmul_shape(const Shape& a, const Shape& b);

/// OpenBLAS's kernel family ("Haswell", "SkylakeX", ...) and threading build ("openmp").
const char* blas_core();
const char* blas_threading();

}  // namespace fluxion::kernels
