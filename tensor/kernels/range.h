// SPDX-License-Identifier: MIT
// Kernels that fill new tensors with ranges and grids: arange, linspace,
// logspace, eye. Values are computed in double and then stored in `dtype`.
#pragma once
#include "tensor/tensor_data.h"

namespace fluxion::kernels {

/// [start, start + step, ..., start + (n - 1) step]
TensorData arange(double start, double step, int64_t n, DType dtype);
/// `steps` points from start to end, both exact; the left half counts up from
/// start, the right half down from end (as NumPy does), and the middle of an
/// odd count is start + (end - start) / 2 (exactly 0 for a symmetric range).
TensorData linspace(double start, double end, int64_t steps, DType dtype);
/// base ** linspace(start, end, steps)
TensorData logspace(double start, double end, int64_t steps, double base, DType dtype);
/// n x m, ones on the main diagonal
TensorData eye(int64_t n, int64_t m, DType dtype);

}  // namespace fluxion::kernels
