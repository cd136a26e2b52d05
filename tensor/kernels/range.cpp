// SPDX-License-Identifier: MIT
// Ranges and patterns: arange, linspace, logspace, eye.
#include "tensor/kernels/range.h"

#include <cmath>

#include "tensor/kernels/copy.h"

namespace fluxion::kernels {

// A new 1-d tensor with element i = value(i), computed in double.
template <class F>
static TensorData fill_1d(int64_t n, DType dtype, F value) {
  TensorData t = TensorData::empty({n}, dtype);
  dispatch(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* p = t.data<T>();
    for (int64_t i = 0; i < n; ++i) p[i] = static_cast<T>(value(i));
  });
  return t;
}

TensorData arange(double start, double step, int64_t n, DType dtype) {
  return fill_1d(n, dtype, [&](int64_t i) { return start + (double)i * step; });
}

static double linspace_at(double start, double end, int64_t steps, int64_t i) {
  if (i == 0) return start;
  if (i == steps - 1) return end;
  if (steps % 2 == 1 && i == steps / 2) return start + (end - start) / 2;  // exact for symmetric ranges
  double step = (end - start) / (double)(steps - 1);
  return i < steps / 2 ? start + (double)i * step : end - (double)(steps - 1 - i) * step;
}

TensorData linspace(double start, double end, int64_t steps, DType dtype) {
  return fill_1d(steps, dtype, [&](int64_t i) { return linspace_at(start, end, steps, i); });
}

TensorData logspace(double start, double end, int64_t steps, double base, DType dtype) {
  return fill_1d(steps, dtype, [&](int64_t i) { return std::pow(base, linspace_at(start, end, steps, i)); });
}

TensorData eye(int64_t n, int64_t m, DType dtype) {
  TensorData t = full({n, m}, 0, dtype);
  dispatch(dtype, [&](auto tag) {
    using T = decltype(tag);
    T* p = t.data<T>();
    for (int64_t i = 0; i < std::min(n, m); ++i) p[i * m + i] = T(1);
  });
  return t;
}

}  // namespace fluxion::kernels
