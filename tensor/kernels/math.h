// SPDX-License-Identifier: MIT
// More elementwise kernels: inverse trigonometric and hyperbolic functions,
// logarithms and powers of 2 and 10, rounding, special functions, and the
// binary fmod / remainder / copysign / xlogy / heaviside / logaddexp. Each
// returns a new contiguous tensor of the input's dtype (binary: both operands
// share one dtype and broadcast); float-only kernels reject int64.
#pragma once
#include "tensor/tensor_data.h"

namespace fluxion::kernels {

TensorData asin(const TensorData& x);
TensorData acos(const TensorData& x);
TensorData atan(const TensorData& x);
TensorData sinh(const TensorData& x);
TensorData cosh(const TensorData& x);
TensorData asinh(const TensorData& x);
TensorData acosh(const TensorData& x);
TensorData atanh(const TensorData& x);
TensorData log2(const TensorData& x);
TensorData log10(const TensorData& x);
TensorData exp2(const TensorData& x);
TensorData erfc(const TensorData& x);
TensorData erfinv(const TensorData& x);
TensorData lgamma(const TensorData& x);
/// polygamma(0, x) is digamma
TensorData polygamma(int n, const TensorData& x);
TensorData sinc(const TensorData& x);
/// floor, ceil, trunc and round keep int64 tensors as they are
TensorData floor(const TensorData& x);
TensorData ceil(const TensorData& x);
TensorData trunc(const TensorData& x);
/// Half to even at `decimals` digits: nearbyint(x 10^d) / 10^d (x / 10^-d ... for d < 0).
TensorData round(const TensorData& x, int64_t decimals);
TensorData nan_to_num(const TensorData& x, double nan, double posinf, double neginf);

/// a - trunc(a / b) b, the sign of a (C's fmod); int64 b must be nonzero
TensorData fmod(const TensorData& a, const TensorData& b);
/// a - floor(a / b) b, the sign of b (Python's %); int64 b must be nonzero
TensorData remainder(const TensorData& a, const TensorData& b);
/// |a| with the sign of b
TensorData copysign(const TensorData& a, const TensorData& b);
/// a log b, 0 where a == 0 (unless b is NaN)
TensorData xlogy(const TensorData& a, const TensorData& b);
/// 0 where x < 0, values where x == 0, 1 where x > 0
TensorData heaviside(const TensorData& x, const TensorData& values);
/// log(e^a + e^b) without overflow
TensorData logaddexp(const TensorData& a, const TensorData& b);

}  // namespace fluxion::kernels
