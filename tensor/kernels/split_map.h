// SPDX-License-Identifier: MIT
// float_map_ranged: a vectorised form that covers part of the line, with a
// scalar pass for the rest.
#pragma once
#include "tensor/kernels/copy.h"
#include "tensor/kernels/loops.h"

namespace fluxion::kernels {

/// `fast` over every element of x (contiguous, in T: the vectorised loop),
/// then `slow` where `in_range(v)` is false (the arguments fast cannot
/// reduce, infinities, NaN, ...). `fast` must be marked always_inline: a large
/// body left as a call keeps the loop from vectorising.
template <class T, class Fast, class Slow, class InRange>
TensorData map_ranged(const TensorData& x, Fast fast, Slow slow, InRange in_range) {
  TensorData xc = contiguous(x);
  TensorData y = map<T, T>(xc, fast);  // contiguous, in xc's order
  const T* px = xc.data<T>();
  T* py = y.data<T>();
  parallel_for(xc.numel(), kParallelGrain, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i)
      if (!in_range(px[i])) py[i] = slow(px[i]);
  });
  return y;
}

/// float_map_split for a Float32 form `f32` (computed in double, rounded once)
/// valid only where `in_range(v)` holds: `f64` in double, rounded once, for
/// the rest. Float64 takes `f64`.
template <class F32, class F64, class InRange>
TensorData float_map_ranged(const TensorData& x, const char* op, F32 f32, F64 f64, InRange in_range) {
  if (x.dtype != Float32) return float_map_split(x, op, f32, f64);
  return map_ranged<float>(
      x, [f32](float v) __attribute__((always_inline)) { return (float)f32((double)v); },
      [f64](float v) { return (float)f64((double)v); }, in_range);
}

/// As above with a vectorised Float64 form too: Float64 takes `fast64` where
/// `in_range` holds and `f64` elsewhere. `in_range` is called with a float or a
/// double, each precision's own bound.
template <class F32, class Fast64, class F64, class InRange>
TensorData float_map_ranged(const TensorData& x, const char* op, F32 f32, Fast64 fast64, F64 f64, InRange in_range) {
  if (x.dtype != Float64) return float_map_ranged(x, op, f32, f64, in_range);
  return map_ranged<double>(
      x, [fast64](double v) __attribute__((always_inline)) { return fast64(v); }, f64, in_range);
}

}  // namespace fluxion::kernels
