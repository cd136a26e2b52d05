// SPDX-License-Identifier: MIT
// Kernels that pick elements by position: strided sub-views of one dim,
// gather / scatter-add along a dim, the positions of nonzero elements, and
// reversal. Index tensors are Int64; a position out of range is an Error.
#pragma once
#include <vector>

#include "tensor/tensor_data.h"

namespace fluxion::kernels {

/// The view x[..., start : start + length*step : step, ...] along `dim`
/// (no copy; the caller has checked the bounds).
TensorData narrow_view(const TensorData& x, int64_t dim, int64_t start, int64_t length, int64_t step = 1);

/// Throws unless every element of `index` is an Int64 in [0, size).
void check_indices(const TensorData& index, int64_t size, const char* op, int64_t dim);

/// y[j] = x[j with j[dim] replaced by index[j]]; y has index's shape.
/// x and index have the same number of dims; index.size(d) <= x.size(d) for d != dim.
TensorData gather(const TensorData& x, int64_t dim, const TensorData& index);

/// y = copy of self; y[j with j[dim] replaced by index[j]] += src[j] for every j
/// in index's shape. Accumulates in a fixed order (deterministic).
TensorData scatter_add(const TensorData& self, int64_t dim, const TensorData& index, const TensorData& src);

/// Row-major positions of the nonzero elements of x, as a 1-D Int64 tensor.
TensorData nonzero_flat(const TensorData& x);

/// A copy of x with the order of elements reversed along each of `dims`.
TensorData flip(const TensorData& x, const std::vector<int64_t>& dims);

}  // namespace fluxion::kernels
