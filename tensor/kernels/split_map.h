// SPDX-License-Identifier: MIT
// float_map_ranged: a vectorised Float32 form that covers part of the line,
// with a scalar pass for the rest.
#pragma once
#include "tensor/kernels/copy.h"
#include "tensor/kernels/loops.h"

namespace fluxion::kernels {

/// float_map_split for a Float32 form `f32` (a lambda marked always_inline) valid only where `in_range(v)`
/// holds (false for the arguments it cannot reduce, infinities, NaN, ...):
/// the vectorised loop runs over every element, then a scalar pass puts
/// `f64` in double, rounded once, where in_range is false. Float64 takes `f64`.
template <class F32, class F64, class InRange>
TensorData float_map_ranged(const TensorData& x, const char* op, F32 f32, F64 f64, InRange in_range) {
  if (x.dtype != Float32) return float_map_split(x, op, f32, f64);
  TensorData xc = contiguous(x);
  // contiguous, in xc's order; the lambda is forced inline (as f32 should be)
  // since a large body left as a call keeps the loop from vectorising
  TensorData y = map<float, float>(
      xc, [f32](float v) __attribute__((always_inline)) { return (float)f32((double)v); });
  const float* px = xc.data<float>();
  float* py = y.data<float>();
  parallel_for(xc.numel(), kParallelGrain, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i)
      if (!in_range(px[i])) py[i] = (float)f64((double)px[i]);
  });
  return y;
}

}  // namespace fluxion::kernels
