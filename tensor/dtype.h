// SPDX-License-Identifier: MIT
// Element types. Float32 is the default (as in PyTorch); Float64 is what the
// lessons and gradient checks use; Int64 holds indices and class labels.
#pragma once
#include <cstddef>
#include <cstdint>

#include "tensor/error.h"

namespace fluxion {

enum class DType : uint8_t { Float32, Float64, Int64 };
inline constexpr DType Float32 = DType::Float32;
inline constexpr DType Float64 = DType::Float64;
inline constexpr DType Int64 = DType::Int64;

constexpr size_t dtype_size(DType t) { return t == Float32 ? 4 : 8; }
constexpr bool is_floating(DType t) { return t != Int64; }
const char* dtype_name(DType t);  // "float32", "float64", "int64"

/// The dtype that `tensor({...})`, `zeros`, `randn` ... use when none is given.
DType default_dtype();
void set_default_dtype(DType t);

/// The result dtype of a binary op: float64 > float32 > int64.
constexpr DType promote(DType a, DType b) {
  if (a == Float64 || b == Float64) return Float64;
  if (a == Float32 || b == Float32) return Float32;
  return Int64;
}

template <class T> constexpr DType dtype_of();
template <> constexpr DType dtype_of<float>() { return Float32; }
template <> constexpr DType dtype_of<double>() { return Float64; }
template <> constexpr DType dtype_of<int64_t>() { return Int64; }

/// Calls f(T{}) with T the C++ type of `t`:
///   dispatch(x.dtype, [&](auto tag) { using T = decltype(tag); ... });
template <class F>
decltype(auto) dispatch(DType t, F&& f) {
  switch (t) {
    case Float32: return f(float{});
    case Float64: return f(double{});
    default: return f(int64_t{});
  }
}

/// As dispatch, for ops that need a floating type; Int64 is an error naming `op`.
template <class F>
decltype(auto) dispatch_float(DType t, const char* op, F&& f) {
  check(t != Int64, op, ": expected a floating tensor (float32 or float64) but got int64; convert with .to(fluxion::Float32)");
  if (t == Float32) return f(float{});
  return f(double{});
}

}  // namespace fluxion
