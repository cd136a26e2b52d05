// SPDX-License-Identifier: MIT
// Comparisons, tests, logical ops and selection. Masks are Bool tensors.
#pragma once
#include "tensor/tensor_data.h"

namespace fluxion::kernels {

enum class Compare { eq, ne, lt, le, gt, ge };

/// Bool: `a op b`, with broadcasting; a and b of one dtype (any).
TensorData compare(const TensorData& a, const TensorData& b, Compare op);
/// Bool: x is finite / NaN / +-inf / +inf / -inf (integers: finite, never NaN or inf).
TensorData isfinite(const TensorData& x);
TensorData isnan(const TensorData& x);
TensorData isinf(const TensorData& x);
TensorData isposinf(const TensorData& x);
TensorData isneginf(const TensorData& x);

enum class Logical { and_, or_, xor_ };
/// Bool: the truth values (nonzero is true) of a and b combined, with broadcasting; any dtypes.
TensorData logical(const TensorData& a, const TensorData& b, Logical op);
TensorData logical_not(const TensorData& x);
/// cond ? a : b elementwise, all three broadcast together; cond of any dtype
/// (nonzero is true), a and b of one dtype, which the result has.
TensorData where(const TensorData& cond, const TensorData& a, const TensorData& b);

}  // namespace fluxion::kernels
