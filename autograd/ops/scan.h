// SPDX-License-Identifier: MIT
// Products that leave one factor out, without dividing: the rules of cumprod
// (sort.cpp) and scatter_reduce "prod" (scatter.cpp) are built on them, so
// they are exact at zeros, to every order, and free of host-side branches on
// the data (a jit::trace replays them at any input).
#pragma once
#include "autograd/ops.h"

namespace fluxion {

/// The linear recurrence along dim (kernels/scan.h), differentiable in a and b:
///   transpose = false:  s_k = a_k s_{k-1} + b_k        (s = L(a) b)
///   transpose = true:   s_k = a_{k+1} s_{k+1} + b_k    (s = L(a)^T b)
/// with L_{ki} = a_{i+1} ... a_k for i <= k. a and b share shape and dtype; dim is
/// wrapped already.
[[nodiscard]] Tensor linear_scan(const Tensor& a, const Tensor& b, int64_t dim, bool transpose);

/// t moved one step along dim, `fill` coming in: up (toward higher indices)
/// r_k = t_{k-1}, r_0 = fill; down r_k = t_{k+1}, r_{n-1} = fill.
[[nodiscard]] Tensor shift(const Tensor& t, int64_t dim, bool up, double fill);

/// o_k = prod_{j != k, pos_j = pos_k} c_j for c [m] and int64 positions pos [m]:
/// the product of the other entries that share k's position (1 if none).
[[nodiscard]] Tensor product_of_others(const Tensor& c, const Tensor& pos);

}  // namespace fluxion
