// SPDX-License-Identifier: MIT
// Reductions over all dims (dims empty) or over the given dims, with keepdim,
// and the scans cumsum and cumprod. Float32 sums and products accumulate in double; the
// result of a reduction does not depend on the number of threads.
#pragma once
#include <utility>
#include <vector>

#include "tensor/tensor_data.h"

namespace fluxion::kernels {

/// sum over `dims` (empty: all).
TensorData sum(const TensorData& x, const std::vector<int64_t>& dims, bool keepdim);
/// sum(x, dims, keepdim) written into y: contiguous, of the sum's shape and dtype (jit's unrolled programs).
void sum_into(const TensorData& x, const std::vector<int64_t>& dims, bool keepdim, const TensorData& y);
/// product over `dims` (empty: all); 1 over an empty set.
TensorData prod(const TensorData& x, const std::vector<int64_t>& dims, bool keepdim);
/// largest / smallest value over `dims`; NaN wins (propagates) as in PyTorch.
TensorData amax(const TensorData& x, const std::vector<int64_t>& dims, bool keepdim);
TensorData amin(const TensorData& x, const std::vector<int64_t>& dims, bool keepdim);
/// sqrt(sum x^2) over `dims` (float only).
TensorData norm2(const TensorData& x, const std::vector<int64_t>& dims, bool keepdim);
/// log(sum exp x) over `dims`, computed as m + log(sum exp(x - m)) with m the max (float only).
TensorData logsumexp(const TensorData& x, const std::vector<int64_t>& dims, bool keepdim);
/// (values, int64 indices) of the max / min along `dim`: the first index on
/// ties, the first NaN if there is one. `op` names the caller in errors.
std::pair<TensorData, TensorData> max_dim(const TensorData& x, int64_t dim, bool keepdim, const char* op = "max");
std::pair<TensorData, TensorData> min_dim(const TensorData& x, int64_t dim, bool keepdim, const char* op = "min");
/// bool: true when every element (all) / some element (any) over `dims`
/// (empty: all dims) is nonzero; x of any dtype.
TensorData all(const TensorData& x, const std::vector<int64_t>& dims = {}, bool keepdim = false);
TensorData any(const TensorData& x, const std::vector<int64_t>& dims = {}, bool keepdim = false);
/// running sum along `dim`: y[i] = x[0] + ... + x[i].
TensorData cumsum(const TensorData& x, int64_t dim);
/// running product along `dim`: y[i] = x[0] * ... * x[i].
TensorData cumprod(const TensorData& x, int64_t dim);

}  // namespace fluxion::kernels
