// SPDX-License-Identifier: MIT
// Elementwise kernels of two tensors with NumPy broadcasting. Both operands
// must have the same dtype (the autograd layer promotes before calling).
#pragma once
#include <type_traits>

#include "tensor/tensor_data.h"

namespace fluxion::kernels {

// The rules of + - * / on one element, each written once: the kernels below
// run them over whole tensors, and the autograd ops expose them (Add::elementwise,
// ...) so that a fused loop runs the very same formula on blocks of values.
// Int64 wraps around on overflow (two's complement, as PyTorch): the sum is
// taken in uint64_t, where overflow is defined.
struct AddRule {
  template <class T>
  T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>)
      return static_cast<T>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
    else
      return a + b;
  }
};
struct SubRule {
  template <class T>
  T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>)
      return static_cast<T>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
    else
      return a - b;
  }
};
struct MulRule {
  template <class T>
  T operator()(T a, T b) const {
    if constexpr (std::is_integral_v<T>)
      return static_cast<T>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
    else
      return a * b;
  }
};
struct DivRule {
  template <class T> T operator()(T a, T b) const { return a / b; }
};

TensorData add(const TensorData& a, const TensorData& b);
TensorData sub(const TensorData& a, const TensorData& b);
TensorData mul(const TensorData& a, const TensorData& b);
TensorData div(const TensorData& a, const TensorData& b);
/// input + value * t1 * t2 in one pass, all three broadcast together (torch.addcmul); float dtypes.
TensorData addcmul(const TensorData& input, const TensorData& t1, const TensorData& t2, double value);
/// The larger / smaller of a and b; NaN in either gives NaN (as PyTorch).
TensorData maximum(const TensorData& a, const TensorData& b);
TensorData minimum(const TensorData& a, const TensorData& b);
/// atan2(y, x): the angle of the point (x, y), in (-pi, pi]
TensorData atan2(const TensorData& y, const TensorData& x);
/// sqrt(a^2 + b^2) without overflow or underflow in between
TensorData hypot(const TensorData& a, const TensorData& b);
/// a^b elementwise (int64: b >= 0)
TensorData pow(const TensorData& a, const TensorData& b);

}  // namespace fluxion::kernels
