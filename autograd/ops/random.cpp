// SPDX-License-Identifier: MIT
// Random tensors, drawn from the one default generator (tensor/random.h:
// xoshiro256** seeded by splitmix64, Box-Muller normals). The same seed gives
// the same numbers on every run and for every thread count.
#include "autograd/batched.h"
#include "autograd/ops.h"
#include "tensor/random.h"

namespace fluxion {

static DType float_dtype(std::optional<DType> d, const char* op) {
  DType t = d.value_or(default_dtype());
  check(is_floating(t), op, ": dtype must be float32 or float64, got int64; use randint for integers");
  return t;
}

static void check_shape(const Shape& shape, const char* op) {
  for (int64_t s : shape) check(s >= 0, op, ": negative size in shape ", shape);
}

void manual_seed(uint64_t seed) { default_generator().manual_seed(seed); }

Tensor uniform(const Shape& shape, double low, double high, std::optional<DType> dtype) {
  check_shape(shape, "uniform");
  check(low <= high, "uniform: expected low <= high, got low = ", low, ", high = ", high);
  DType t = float_dtype(dtype, "uniform");
  return batching::draw_random(
      shape, "uniform", [&](const Shape& s) { return Tensor(kernels::uniform(s, low, high, t, default_generator())); });
}

Tensor normal(const Shape& shape, double mean, double stddev, std::optional<DType> dtype) {
  check_shape(shape, "normal");
  check(stddev >= 0, "normal: expected stddev >= 0, got ", stddev);
  DType t = float_dtype(dtype, "normal");
  return batching::draw_random(shape, "normal", [&](const Shape& s) {
    return Tensor(kernels::normal(s, mean, stddev, t, default_generator()));
  });
}

Tensor rand(const Shape& shape, std::optional<DType> dtype) { return uniform(shape, 0, 1, dtype); }
Tensor randn(const Shape& shape, std::optional<DType> dtype) { return normal(shape, 0, 1, dtype); }
Tensor rand_like(const Tensor& t) { return rand(t.shape(), t.dtype()); }
Tensor randn_like(const Tensor& t) { return randn(t.shape(), t.dtype()); }

Tensor randint(int64_t low, int64_t high, const Shape& shape) {
  check_shape(shape, "randint");
  check(low < high, "randint: expected low < high, got low = ", low, ", high = ", high, " (the range is [low, high))");
  return batching::draw_random(
      shape, "randint", [&](const Shape& s) { return Tensor(kernels::randint(low, high, s, default_generator())); });
}

Tensor randperm(int64_t n) {
  check(n >= 0, "randperm: n must be non-negative, got ", n);
  return Tensor(kernels::randperm(n, default_generator()));
}

}  // namespace fluxion
