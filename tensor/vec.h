// SPDX-License-Identifier: MIT
// The one low-level interface optim/ and odeint/ use below Tensor ops.
// Decision: optim/ and odeint/ reach kernels only through Tensor ops (autograd/ops.h)
// and this header: span-based arithmetic on flat double arrays (an optimizer's
// iterate, gradient, directions), the two raw copies a custom op's forward needs,
// and FLUXION_SIMD_CLONES (tensor/simd.h) for their own copy-heavy functions. They
// include no tensor/kernels/* header; of tensor/ they include this header and the
// kernel-free basics (error.h, allocator.h, tensor_data.h and what it includes).
#pragma once
#include <cmath>
#include <optional>
#include <span>

#include "tensor/simd.h"
#include "tensor/tensor_data.h"

namespace fluxion::vec {

// Each loop is compiled for AVX-512 / AVX2 / baseline and chosen at load time,
// without fused multiply-adds, and reductions keep 32 running sums joined in a
// fixed order: every clone gives the same bits, so an optimizer's iterates do
// not depend on the machine it runs on.

/// sum_i a_i b_i
double dot(std::span<const double> a, std::span<const double> b);
/// y += a x (x and y distinct, of one length)
void axpy(double a, std::span<const double> x, std::span<double> y);
/// y = a x + b y (x and y distinct, of one length)
void axpby(double a, std::span<const double> x, double b, std::span<double> y);
/// x *= a
void scale(double a, std::span<double> x);
/// sum_i |a_i|
double asum(std::span<const double> a);
/// max_i |a_i| (NaNs ignored)
double amax(std::span<const double> a);
/// whether every a_i is finite
bool all_finite(std::span<const double> a);
/// |a|_p for p = 2 or p = INFINITY
inline double norm(std::span<const double> a, double p = 2) { return std::isinf(p) ? amax(a) : std::sqrt(dot(a, a)); }

/// x as a contiguous array of `dtype` (x's own dtype when absent); x itself when
/// it already is one. For a custom op's forward, or a flat copy of a tensor.
TensorData contiguous(const TensorData& x, std::optional<DType> dtype = std::nullopt);
/// A contiguous copy of x in new storage.
TensorData clone(const TensorData& x);

}  // namespace fluxion::vec
