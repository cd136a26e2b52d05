// SPDX-License-Identifier: MIT
// The first-order linear recurrence along a dim, and its transpose:
//   forward:    s_k = a_k s_{k-1} + b_k   (s_{-1} = 0)
//   transpose:  s_k = a_{k+1} s_{k+1} + b_k   (s_n = 0)
// i.e. s = L(a) b and s = L(a)^T b with L_{ki} = a_{i+1} ... a_k for i <= k.
// autograd's cumprod and scatter_reduce "prod" write their rules with it: a
// product that leaves one factor out, with no division (exact at zeros).
#pragma once
#include "tensor/tensor_data.h"

namespace fluxion::kernels {

/// s = L(a) b (transpose: L(a)^T b) along `dim`; a and b of one float dtype and shape.
TensorData linear_scan(const TensorData& a, const TensorData& b, int64_t dim, bool transpose);

}  // namespace fluxion::kernels
