// SPDX-License-Identifier: MIT
// Comparisons, tests and selection. There is no bool dtype: masks are 0/1 in
// the operands' dtype (float32, float64 or int64), ready to multiply with.
#pragma once
#include "tensor/tensor_data.h"

namespace fluxion::kernels {

enum class Compare { eq, ne, lt, le, gt, ge };

/// 1 where `a op b` holds, else 0, with broadcasting; a and b of one dtype.
TensorData compare(const TensorData& a, const TensorData& b, Compare op);
/// 1 where x is finite / NaN, else 0, in x's dtype.
TensorData isfinite(const TensorData& x);
TensorData isnan(const TensorData& x);
/// cond ? a : b elementwise, all three broadcast together; cond of any dtype
/// (nonzero is true), a and b of one dtype, which the result has.
TensorData where(const TensorData& cond, const TensorData& a, const TensorData& b);

}  // namespace fluxion::kernels
