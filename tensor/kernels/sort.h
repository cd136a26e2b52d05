// SPDX-License-Identifier: MIT
// Order kernels along the last dim of a contiguous [rows, n] array: stable
// sort indices, running max/min indices, median and mode indices, unique and
// binary search. NaN orders above every number, as in PyTorch. They return
// int64 positions; the autograd layer gathers the values (so the values'
// gradient flows to the selected positions).
#pragma once
#include <array>

#include "tensor/tensor_data.h"

namespace fluxion::kernels {

/// Positions that sort each row of x (along its last dim), stable: equal
/// values keep their order. x of any shape and layout; the result has x's shape.
TensorData sort_indices(const TensorData& x, bool descending);
/// Position of the running max (min) of each row so far; ties take the later
/// position, and a NaN, once seen, is kept (PyTorch's cummax / cummin).
TensorData cumextreme_indices(const TensorData& x, bool max);
/// Position of each row's lower median ((n - 1) / 2-th smallest); a row with
/// NaN gives its first NaN, unless ignore_nan (nanmedian: the median of the
/// rest). Result: x's shape without the last dim.
TensorData median_indices(const TensorData& x, bool ignore_nan);
/// Position of each row's most frequent value (the smallest of equally
/// frequent ones), its last occurrence. Result: x's shape without the last dim.
TensorData mode_indices(const TensorData& x);
/// Sorted distinct values of x (flattened), the position of each element of x
/// among them (x's shape) and how often each occurs.
std::array<TensorData, 3> unique(const TensorData& x);
/// Distinct rows of x [n, r] (any layout), in lexicographic order (NaN above
/// every number; rows holding NaN are all distinct, as PyTorch compares with
/// ==): {the first position of each among x's rows [k], the position of each
/// row among them [n], how often each occurs [k]}, all int64.
std::array<TensorData, 3> unique_rows(const TensorData& x);
/// For each value, the position in its row of `sorted` (ascending along the
/// last dim) at which it would be inserted: the first such (right = false) or
/// the last. sorted [*, n] with the leading dims of values [*, m], or 1-d [n]
/// for any values. Result: int64 of values' shape.
TensorData searchsorted(const TensorData& sorted, const TensorData& values, bool right);

}  // namespace fluxion::kernels
