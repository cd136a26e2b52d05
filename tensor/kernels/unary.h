// SPDX-License-Identifier: MIT
// Elementwise kernels of one tensor. Each returns a new contiguous tensor of
// the input's dtype; float-only kernels reject int64 with a fluxion::Error.
// Float32 exp, log, tanh, sigmoid, erf (vmath.h), expm1 and log1p
// (vmath_f32.h) run vectorised; the rest call the std:: function per element.
#pragma once
#include <optional>
#include <type_traits>

#include "tensor/tensor_data.h"

namespace fluxion::kernels {

/// -x on one element, written once: neg() runs it over a tensor, and the Neg op
/// exposes it (Neg::elementwise) for fused loops.
struct NegRule {  // -INT64_MIN wraps to INT64_MIN, as in PyTorch
  template <class T>
  T operator()(T x) const {
    if constexpr (std::is_integral_v<T>)
      return static_cast<T>(0 - static_cast<uint64_t>(x));
    else
      return -x;
  }
};
TensorData neg(const TensorData& x);
TensorData abs(const TensorData& x);
/// -1, 0 or 1 (NaN stays NaN)
TensorData sign(const TensorData& x);
TensorData exp(const TensorData& x);
TensorData expm1(const TensorData& x);
TensorData log(const TensorData& x);
TensorData log1p(const TensorData& x);
TensorData sqrt(const TensorData& x);
TensorData sin(const TensorData& x);
TensorData cos(const TensorData& x);
TensorData tan(const TensorData& x);
TensorData tanh(const TensorData& x);
/// 1 / (1 + e^-x), without overflow for any x
TensorData sigmoid(const TensorData& x);
/// max(x, 0); NaN stays NaN
TensorData relu(const TensorData& x);
/// log(1 + e^{beta x}) / beta, and x itself where beta x > threshold
TensorData softplus(const TensorData& x, double beta, double threshold);
TensorData erf(const TensorData& x);
/// x^p for a scalar p, with exact fast paths for p in {0, 1, 2, 3, 0.5, -0.5, -1, -2}.
/// Int64 x needs an integer p >= 0.
TensorData pow(const TensorData& x, double p);
/// pow(x, p) written into y: contiguous, of x's shape and dtype (jit's unrolled programs).
void pow_into(const TensorData& x, double p, const TensorData& y);
/// min(max(x, lo), hi) (an absent bound is not applied); NaN stays NaN.
TensorData clamp(const TensorData& x, std::optional<double> lo, std::optional<double> hi);

}  // namespace fluxion::kernels
