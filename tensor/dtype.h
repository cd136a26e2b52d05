// SPDX-License-Identifier: MIT
// Element types. Float32 is the default (as in PyTorch); Float64 is what the
// lessons and gradient checks use; Int64 holds indices and class labels;
// Int32 holds indices and data read from files; Bool holds masks (the result
// of comparisons, the condition of where, masks for indexing).
#pragma once
#include <cstddef>
#include <cstdint>

#include "tensor/error.h"

namespace fluxion {

// New dtypes go at the end: saved files store the enum's value.
enum class DType : uint8_t { Float32, Float64, Int64, Int32, Bool };
inline constexpr DType Float32 = DType::Float32;
inline constexpr DType Float64 = DType::Float64;
inline constexpr DType Int64 = DType::Int64;
inline constexpr DType Int32 = DType::Int32;
inline constexpr DType Bool = DType::Bool;

constexpr size_t dtype_size(DType t) {
  return t == Bool ? 1 : (t == Float32 || t == Int32) ? 4 : 8;
}
constexpr bool is_floating(DType t) { return t == Float32 || t == Float64; }
constexpr bool is_integral(DType t) { return t == Int64 || t == Int32; }
// Inline and pure, so a check() that names a dtype in its message costs
// nothing when it passes: the compiler moves the call into the failing branch.
constexpr const char* dtype_name(DType t) {  // "float32", "float64", "int64", "int32", "bool"
  switch (t) {
    case Float32:
      return "float32";
    case Float64:
      return "float64";
    case Int64:
      return "int64";
    case Int32:
      return "int32";
    default:
      return "bool";
  }
}

/// The dtype that `tensor({...})`, `zeros`, `randn` ... use when none is given.
DType default_dtype();
void set_default_dtype(DType t);

/// The result dtype of a binary op, PyTorch's table: bool < int32 < int64 < float32 < float64.
constexpr DType promote(DType a, DType b) {
  constexpr auto rank = [](DType t) {
    switch (t) {
      case Bool: return 0;
      case Int32: return 1;
      case Int64: return 2;
      case Float32: return 3;
      default: return 4;
    }
  };
  return rank(a) >= rank(b) ? a : b;
}

template <class T> constexpr DType dtype_of();
template <> constexpr DType dtype_of<float>() { return Float32; }
template <> constexpr DType dtype_of<double>() { return Float64; }
template <> constexpr DType dtype_of<int64_t>() { return Int64; }
template <> constexpr DType dtype_of<int32_t>() { return Int32; }
template <> constexpr DType dtype_of<bool>() { return Bool; }

/// The error for an op whose kernels do not take `t` (int32 and bool reach
/// only conversions, copies, comparisons, logical ops and indexing).
[[noreturn]] void unsupported_dtype(DType t, const char* op);

/// Calls f(T{}) with T the C++ type of `t` (float32, float64 or int64):
///   dispatch(x.dtype, [&](auto tag) { using T = decltype(tag); ... });
/// Int32 and Bool are an error naming `op`: convert them first.
template <class F>
decltype(auto) dispatch(DType t, F&& f, const char* op = "this op") {
  switch (t) {
    case Float32: return f(float{});
    case Float64: return f(double{});
    case Int64: return f(int64_t{});
    default: unsupported_dtype(t, op);
  }
}

/// As dispatch, for kernels that take every dtype (copies, conversions,
/// comparisons, gathers): T may also be int32_t or bool.
template <class F>
decltype(auto) dispatch_all(DType t, F&& f) {
  switch (t) {
    case Float32: return f(float{});
    case Float64: return f(double{});
    case Int64: return f(int64_t{});
    case Int32: return f(int32_t{});
    default: return f(bool{});
  }
}

/// As dispatch, for ops that need a floating type; any other dtype is an error naming `op`.
template <class F>
decltype(auto) dispatch_float(DType t, const char* op, F&& f) {
  check(is_floating(t), op, ": expected a floating tensor (float32 or float64) but got ", dtype_name(t),
        "; convert with .to(fluxion::Float32)");
  if (t == Float32) return f(float{});
  return f(double{});
}

}  // namespace fluxion
