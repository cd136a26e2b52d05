// SPDX-License-Identifier: MIT
// Kernels that move or convert data without arithmetic.
#pragma once
#include <vector>

#include "tensor/tensor_data.h"

namespace fluxion::kernels {

/// A contiguous tensor with the values of x (x itself when already contiguous).
TensorData contiguous(const TensorData& x);
/// A contiguous copy, always new storage.
TensorData clone(const TensorData& x);
/// Elementwise conversion to `dtype` (float -> int64 truncates toward zero).
TensorData to_dtype(const TensorData& x, DType dtype);
/// A new tensor of `shape` filled with `value`.
TensorData full(const Shape& shape, double value, DType dtype);
/// In place: dst[...] = src broadcast to dst's shape, converting dtype. Bumps dst's version.
void copy_(const TensorData& dst, const TensorData& src);
/// The xs joined along dim (shapes equal but along dim; dtype of xs[0], others converted).
TensorData cat(const std::vector<TensorData>& xs, int64_t dim);
/// In place: every element of dst = value. Bumps dst's version.
void fill_(const TensorData& dst, double value);
/// The single element as a double (x must have exactly one element).
double item(const TensorData& x, const char* op = "item");

}  // namespace fluxion::kernels
