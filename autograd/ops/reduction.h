// SPDX-License-Identifier: MIT
// Shape helpers shared by the rules of the reductions (reduce.cpp, minmax.cpp).
#pragma once
#include <vector>

#include "autograd/tensor.h"

namespace fluxion {

/// y (a reduction of a tensor of `input_shape` over `dims`) with the reduced
/// dims present as size 1, so it broadcasts against the input.
inline Tensor keep_dims(const Tensor& y, const Shape& input_shape, const std::vector<int64_t>& dims, bool keepdim,
                        const char* op) {
  if (keepdim) return y;
  return y.reshape(reduced_shape(input_shape, reduction_dims(dims, (int64_t)input_shape.size(), op), true));
}

/// The gradient of a reduction in the input's shape: keep_dims, then broadcast.
inline Tensor unreduce(const Tensor& grad, const Shape& input_shape, const std::vector<int64_t>& dims, bool keepdim,
                       const char* op) {
  return keep_dims(grad, input_shape, dims, keepdim, op).expand(input_shape);
}

}  // namespace fluxion
