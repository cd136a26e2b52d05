// SPDX-License-Identifier: MIT
// Kernels behind PyTorch's indexing and assignment (x[idx], x[idx] = v,
// scatter_reduce): index checking and wrapping, the coordinates of nonzero
// elements, and writes into a flat (1-d) array at given positions. The
// autograd layer turns every n-d assignment into one of these flat writes.
#pragma once
#include "tensor/tensor_data.h"

namespace fluxion::kernels {

/// An Int64 copy of `index` (Int64 or Int32) with negative entries counted
/// from the end (i + size); an entry outside [-size, size) is an Error naming
/// `op` and `dim`. Any other dtype is an Error too.
TensorData wrap_indices(const TensorData& index, int64_t size, const char* op, int64_t dim);

/// Int64 [n, x.dim()]: the coordinates of the n nonzero elements of x, row-major order.
TensorData nonzero(const TensorData& x);

/// y = copy of x (1-d); y[pos[k]] = src[k] in order k = 0, 1, ... (the last write
/// to a position wins). pos: 1-d Int64 in range; src: 1-d, pos's length, x's dtype.
TensorData index_copy_flat(const TensorData& x, const TensorData& pos, const TensorData& src);

enum class ScatterReduce { prod, amax, amin };
/// y = copy of x (1-d); y[pos[k]] = op(y[pos[k]], src[k]) over k, where positions
/// written to start from x (include_self) or from the first value written.
TensorData scatter_reduce_flat(const TensorData& x, const TensorData& pos, const TensorData& src, ScatterReduce op,
                               bool include_self);

}  // namespace fluxion::kernels
