// SPDX-License-Identifier: MIT
// Helpers shared by the indexing files (advanced_index.cpp, index_put.cpp,
// scatter.cpp). Every assignment-like op (x[idx] = v, index_copy, scatter,
// masked_scatter, ...) finds the row-major positions of x it writes, then
// makes one flat write: index_copy_flat (=) or scatter_add (+=) on x.reshape(-1).
#pragma once
#include <vector>

#include "autograd/ops.h"

namespace fluxion {

/// `index` (Int64 or Int32) as an Int64 constant with negative entries counted
/// from the end; an entry out of [-size, size) is an Error naming op and dim.
Tensor wrap_index(const Tensor& index, int64_t size, const char* op, int64_t dim);

/// Int64 tensor of `shape` holding each element's row-major position 0, 1, ...
Tensor positions_of(const Shape& shape);

/// y = x (1-d) with y[pos[k]] = src[k] (1-d, pos's length; the last write wins).
/// Differentiable in x and src: dx = grad with the written positions zeroed,
/// dsrc = grad[pos].
Tensor index_copy_flat(const Tensor& x, const Tensor& pos, const Tensor& src);

/// x with the values src (broadcast to pos's shape) written (=, or += when
/// accumulate) at the row-major positions pos of x; src converted to x's dtype.
Tensor write_at(const Tensor& x, const Tensor& pos, const Tensor& src, bool accumulate, const char* op);

}  // namespace fluxion
