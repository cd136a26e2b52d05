// SPDX-License-Identifier: MIT
// The per-element rules of unary kernels that fused loops reuse: the kernel
// (unary.cpp) maps the rule over a tensor, and its op exposes the same rule
// (Op::elementwise), so jit's fused and unrolled loops compute the kernel's
// bits (as NegRule and binary.h's rules do for the arithmetic ops). Forced
// inline: a long rule left as a call keeps the kernel's loop from vectorising.
#pragma once
#include <cmath>

#include "tensor/kernels/vmath.h"
#include "tensor/kernels/vmath_f64.h"

namespace fluxion::kernels {

struct ExpRule {
  template <class T>
  __attribute__((always_inline)) T operator()(T v) const { return vmath::exp(v); }
};
struct LogRule {
  template <class T>
  __attribute__((always_inline)) T operator()(T v) const {
    if constexpr (std::is_same_v<T, float>)
      return vmath::log(v);
    else
      return vmath::f64::log(v);
  }
};
struct TanhRule {
  template <class T>
  __attribute__((always_inline)) T operator()(T v) const { return vmath::tanh(v); }
};
/// 1 / (1 + e^-x) without overflow: Float64 in the same stable form as vmath::sigmoid.
struct SigmoidRule {
  template <class T>
  __attribute__((always_inline)) T operator()(T v) const {
    if constexpr (std::is_same_v<T, float>) {
      return vmath::sigmoid(v);
    } else {  // e = e^{-|x|} never overflows
      double e = vmath::exp(-std::fabs(v)), s = 1 / (1 + e);
      return v >= 0 ? s : e * s;
    }
  }
};
struct SqrtRule {
  template <class T>
  __attribute__((always_inline)) T operator()(T v) const { return std::sqrt(v); }
};

}  // namespace fluxion::kernels
