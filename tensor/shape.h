// SPDX-License-Identifier: MIT
// Shapes and strides, and the rules that relate them: contiguous strides,
// NumPy broadcasting, negative-dim wrapping.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "tensor/small_vector.h"

namespace fluxion {

/// Sizes or strides, one per dim; rank 6 or less is stored inline.
using Shape = SmallVector<int64_t, 6>;

int64_t numel(const Shape& shape);
/// Row-major strides, in elements: [2, 3, 4] -> [12, 4, 1].
Shape contiguous_strides(const Shape& shape);
/// "[2, 3]"
std::string to_string(const Shape& shape);

/// NumPy broadcasting: align trailing dims; a dim of 1 stretches.
/// [3, 1] and [4] -> [3, 4]; an error names `op` when dims disagree.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);

/// Maps dim in [-ndim, ndim) to [0, ndim); anything else is an error naming `op`.
int64_t wrap_dim(int64_t dim, int64_t ndim, const char* op);

/// The dims to reduce, sorted and wrapped; empty `dims` means all of them.
std::vector<int64_t> reduction_dims(const std::vector<int64_t>& dims, int64_t ndim, const char* op);

/// The shape after reducing `dims` (kept as size 1 when keepdim).
Shape reduced_shape(const Shape& shape, const std::vector<int64_t>& dims, bool keepdim);

}  // namespace fluxion
