// SPDX-License-Identifier: MIT
// The flat-array arithmetic and raw copies of vec.h: SIMD-cloned loops, no FMA.
#include "tensor/vec.h"

#include "tensor/kernels/copy.h"

namespace fluxion::vec {

// Without fused multiply-adds: with them, two identical L-BFGS runs in one
// process differed in the last bit (the vectorised loop's split into peeled,
// vector and remainder parts follows the data's alignment, and the parts did
// not round alike).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
#endif

namespace {

FLUXION_SIMD_CLONES double dot32(const double* __restrict a, const double* __restrict b, size_t n) {
  double s[32] = {};
  size_t i = 0;
  for (; i + 32 <= n; i += 32)
    for (size_t k = 0; k < 32; ++k) s[k] += a[i + k] * b[i + k];
  for (; i < n; ++i) s[0] += a[i] * b[i];
  for (size_t w = 16; w > 0; w /= 2)  // pairwise: s[k] += s[k + w]
    for (size_t k = 0; k < w; ++k) s[k] += s[k + w];
  return s[0];
}

// The reductions over |a_i| and the finiteness test, with 32 running values
// too (one chain of dependent adds costs four cycles per element):
// acc = join(acc, x) over a, lane by lane, then the lanes joined pairwise.
// Joining a lane as if it were an element suits all three: a lane's sum of
// |a_i| is its own abs, a lane's max too, and a lane of 0 or NaN times 0 is itself.
template <class Join>
FLUXION_SIMD_CLONES double fold32(const double* __restrict a, size_t n, Join join) {
  double s[32] = {};
  size_t i = 0;
  for (; i + 32 <= n; i += 32)
    for (size_t k = 0; k < 32; ++k) s[k] = join(s[k], a[i + k]);
  for (; i < n; ++i) s[0] = join(s[0], a[i]);
  for (size_t w = 16; w > 0; w /= 2)
    for (size_t k = 0; k < w; ++k) s[k] = join(s[k], s[k + w]);
  return s[0];
}

FLUXION_SIMD_CLONES void axpy_n(double a, const double* __restrict x, double* __restrict y, size_t n) {
  for (size_t i = 0; i < n; ++i) y[i] += a * x[i];
}

FLUXION_SIMD_CLONES void axpby_n(double a, const double* __restrict x, double b, double* __restrict y, size_t n) {
  for (size_t i = 0; i < n; ++i) y[i] = a * x[i] + b * y[i];
}

FLUXION_SIMD_CLONES void scale_n(double a, double* __restrict x, size_t n) {
  for (size_t i = 0; i < n; ++i) x[i] *= a;
}

}  // namespace

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif

double dot(std::span<const double> a, std::span<const double> b) { return dot32(a.data(), b.data(), a.size()); }

void axpy(double a, std::span<const double> x, std::span<double> y) { axpy_n(a, x.data(), y.data(), x.size()); }

void axpby(double a, std::span<const double> x, double b, std::span<double> y) {
  axpby_n(a, x.data(), b, y.data(), x.size());
}

void scale(double a, std::span<double> x) { scale_n(a, x.data(), x.size()); }

double asum(std::span<const double> a) {
  return fold32(a.data(), a.size(), [](double s, double x) { return s + std::abs(x); });
}

double amax(std::span<const double> a) {
  return fold32(a.data(), a.size(), [](double m, double x) { return m < std::abs(x) ? std::abs(x) : m; });
}

// x * 0 is 0 for finite x and NaN for an infinity or a NaN
bool all_finite(std::span<const double> a) {
  return fold32(a.data(), a.size(), [](double s, double x) { return s + x * 0.0; }) == 0;
}

TensorData contiguous(const TensorData& x, std::optional<DType> dtype) {
  return kernels::contiguous(dtype ? kernels::to_dtype(x, *dtype) : x);
}

TensorData clone(const TensorData& x) { return kernels::clone(x); }

}  // namespace fluxion::vec
