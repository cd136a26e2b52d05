// SPDX-License-Identifier: MIT
// gemm's portable micro-kernel: a 4 x 8 block of C in plain C++, for CPUs
// without AVX2 (and other architectures). 32 scalar accumulators that the
// compiler keeps in vector registers (eight SSE2 registers in float32); the
// blocking and packing around it are the same as for the AVX kernels.

#include "tensor/kernels/gemm_micro.h"

namespace fluxion::kernels::gemm_detail {
namespace {

constexpr int kMR = 4, kNR = 8;

template <class T, int R>
void kernel(int64_t kc, const T* a, const T* b, T alpha, T beta, T* c, int64_t rsc, int cols) {
  T acc[R][kNR] = {};
  for (int64_t p = 0; p < kc; ++p, a += kMR, b += kNR)
    for (int r = 0; r < R; ++r)
      for (int j = 0; j < kNR; ++j) acc[r][j] += a[r] * b[j];
  for (int r = 0; r < R; ++r)
    for (int j = 0; j < cols; ++j) {
      T& out = c[r * rsc + j];
      out = beta == T(0) ? alpha * acc[r][j] : alpha * acc[r][j] + beta * out;
    }
}

template <class T>
void run(int64_t kc, const T* a, const T* b, T alpha, T beta, T* c, int64_t rsc, int rows, int cols) {
  static constexpr auto by_rows = rows_table<T, kMR>([](auto r) { return &kernel<T, decltype(r)::value>; });
  by_rows[rows - 1](kc, a, b, alpha, beta, c, rsc, cols);
}

}  // namespace

template <class T>
MicroKernel<T> micro_kernel_generic() {
  return {kMR, kNR, &run<T>};
}
template MicroKernel<float> micro_kernel_generic<float>();
template MicroKernel<double> micro_kernel_generic<double>();

}  // namespace fluxion::kernels::gemm_detail
