// SPDX-License-Identifier: MIT
// gemm's AVX2+FMA micro-kernel: a 6 x 16 block of C in float32, 6 x 8 in float64.
//
// Register budget (16 ymm): 6 rows x 2 vectors = 12 accumulators, 2 vectors of
// B and one broadcast of A. Per step of k: 12 FMAs (6 cycles on two FMA pipes)
// against 2 loads and 6 broadcasts; 12 independent chains cover the FMA latency
// (4-5 cycles x 2 pipes). The same shape as BLIS's and OpenBLAS's Haswell kernels.
// Compiled with target attributes; gemm.cpp calls it only on CPUs with AVX2 and FMA.
#include <immintrin.h>

#include "tensor/kernels/gemm_micro.h"

namespace fluxion::kernels::gemm_detail {
namespace {

#define FLUXION_AVX2 __attribute__((target("avx2,fma"), always_inline)) inline

constexpr int kMR = 6;

// The few vector operations the kernel needs, per dtype.
template <class T>
struct Ymm;

template <>
struct Ymm<float> {
  using V = __m256;
  static constexpr int L = 8;
  FLUXION_AVX2 static V zero() { return _mm256_setzero_ps(); }
  FLUXION_AVX2 static V load(const float* p) { return _mm256_loadu_ps(p); }
  FLUXION_AVX2 static V set1(float x) { return _mm256_set1_ps(x); }
  FLUXION_AVX2 static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  FLUXION_AVX2 static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  // Lanes j < n (n may be <= 0 or >= L): all-ones where loads and stores may touch memory.
  FLUXION_AVX2 static __m256i lanes(int n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  FLUXION_AVX2 static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
  FLUXION_AVX2 static V load(__m256i m, const float* p) { return _mm256_maskload_ps(p, m); }
  FLUXION_AVX2 static void store(float* p, __m256i m, V v) { _mm256_maskstore_ps(p, m, v); }
};

template <>
struct Ymm<double> {
  using V = __m256d;
  static constexpr int L = 4;
  FLUXION_AVX2 static V zero() { return _mm256_setzero_pd(); }
  FLUXION_AVX2 static V load(const double* p) { return _mm256_loadu_pd(p); }
  FLUXION_AVX2 static V set1(double x) { return _mm256_set1_pd(x); }
  FLUXION_AVX2 static V fma(V a, V b, V c) { return _mm256_fmadd_pd(a, b, c); }
  FLUXION_AVX2 static V mul(V a, V b) { return _mm256_mul_pd(a, b); }
  FLUXION_AVX2 static __m256i lanes(int n) {
    return _mm256_cmpgt_epi64(_mm256_set1_epi64x(n), _mm256_setr_epi64x(0, 1, 2, 3));
  }
  FLUXION_AVX2 static void store(double* p, V v) { _mm256_storeu_pd(p, v); }
  FLUXION_AVX2 static V load(__m256i m, const double* p) { return _mm256_maskload_pd(p, m); }
  FLUXION_AVX2 static void store(double* p, __m256i m, V v) { _mm256_maskstore_pd(p, m, v); }
};

// C[R rows, cols] = alpha A B + beta C for one packed sliver of A (kMR x kc) and of B (kc x 2L).
template <class T, int R>
__attribute__((target("avx2,fma"))) void kernel(int64_t kc, const T* a, const T* b, T alpha, T beta, T* c, int64_t rsc,
                                                int cols) {
  using Z = Ymm<T>;
  using V = typename Z::V;
  constexpr int L = Z::L;
  V acc[R][2];
#pragma GCC unroll 6
  for (int r = 0; r < R; ++r) acc[r][0] = acc[r][1] = Z::zero();
  for (int64_t p = 0; p < kc; ++p, a += kMR, b += 2 * L) {
    V b0 = Z::load(b), b1 = Z::load(b + L);
#pragma GCC unroll 6
    for (int r = 0; r < R; ++r) {
      V ar = Z::set1(a[r]);
      acc[r][0] = Z::fma(ar, b0, acc[r][0]);
      acc[r][1] = Z::fma(ar, b1, acc[r][1]);
    }
  }
  const V va = Z::set1(alpha), vb = Z::set1(beta);
  if (cols == 2 * L) {  // a whole tile: plain loads and stores
#pragma GCC unroll 6
    for (int r = 0; r < R; ++r)
      for (int v = 0; v < 2; ++v) {
        T* out = c + r * rsc + v * L;
        V y = Z::mul(acc[r][v], va);
        if (beta != T(0)) y = Z::fma(Z::load(out), vb, y);
        Z::store(out, y);
      }
    return;
  }
  const __m256i m[2] = {Z::lanes(cols), Z::lanes(cols - L)};
#pragma GCC unroll 6
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < 2; ++v) {
      T* out = c + r * rsc + v * L;
      V y = Z::mul(acc[r][v], va);
      if (beta != T(0)) y = Z::fma(Z::load(m[v], out), vb, y);  // masked: lanes past cols untouched
      Z::store(out, m[v], y);
    }
}

template <class T>
void run(int64_t kc, const T* a, const T* b, T alpha, T beta, T* c, int64_t rsc, int rows, int cols) {
  static constexpr auto by_rows = rows_table<T, kMR>([](auto r) { return &kernel<T, decltype(r)::value>; });
  by_rows[rows - 1](kc, a, b, alpha, beta, c, rsc, cols);
}

}  // namespace

template <class T>
MicroKernel<T> micro_kernel_avx2() {
  return {kMR, 2 * Ymm<T>::L, &run<T>};
}
template MicroKernel<float> micro_kernel_avx2<float>();
template MicroKernel<double> micro_kernel_avx2<double>();

}  // namespace fluxion::kernels::gemm_detail
