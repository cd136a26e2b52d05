// SPDX-License-Identifier: MIT
// gemm's AVX-512 micro-kernel: a 14 x 32 block of C in float32, 14 x 16 in float64.
//
// Register budget (32 zmm): the block is 14 rows x 2 vectors = 28 accumulators,
// plus the 2 vectors of B loaded per step; the 14 values of A are broadcast
// straight from memory into the FMAs ({1toN} operands), so 30 registers are
// live. Per step of k: 28 FMAs (14 cycles on two FMA pipes) against 2 vector
// loads and 14 broadcasts, within two loads per cycle; 28 independent chains
// hide the FMA latency (4 cycles x 2 pipes needs at least 8).
// The B sliver is reused across calls (the driver sizes it to stay in L1) and
// the A slivers stream from L2. The loop still prefetches B's row kPrefetch
// steps ahead into L1, for the first call on a sliver, which brings it in
// from L2: measured, prefetching A's stream instead was no faster.
// Compiled with target attributes, so the rest of the library stays baseline
// x86-64; gemm.cpp calls it only when the CPU has AVX-512F.
#include <immintrin.h>

#include "tensor/kernels/gemm_micro.h"

namespace fluxion::kernels::gemm_detail {
namespace {

#define FLUXION_AVX512 __attribute__((target("avx512f,fma"), always_inline)) inline

constexpr int kMR = 14;
constexpr int kPrefetch = 8;  // steps: ~110 cycles ahead, a few L2 latencies

// The few vector operations the kernel needs, per dtype.
template <class T>
struct Zmm;

template <>
struct Zmm<float> {
  using V = __m512;
  static constexpr int L = 16;
  FLUXION_AVX512 static V zero() { return _mm512_setzero_ps(); }
  FLUXION_AVX512 static V load(const float* p) { return _mm512_loadu_ps(p); }
  FLUXION_AVX512 static V set1(float x) { return _mm512_set1_ps(x); }
  FLUXION_AVX512 static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
  FLUXION_AVX512 static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
  FLUXION_AVX512 static V load(__mmask16 m, const float* p) { return _mm512_maskz_loadu_ps(m, p); }
  FLUXION_AVX512 static void store(float* p, __mmask16 m, V v) { _mm512_mask_storeu_ps(p, m, v); }
};

template <>
struct Zmm<double> {
  using V = __m512d;
  static constexpr int L = 8;
  FLUXION_AVX512 static V zero() { return _mm512_setzero_pd(); }
  FLUXION_AVX512 static V load(const double* p) { return _mm512_loadu_pd(p); }
  FLUXION_AVX512 static V set1(double x) { return _mm512_set1_pd(x); }
  FLUXION_AVX512 static V fma(V a, V b, V c) { return _mm512_fmadd_pd(a, b, c); }
  FLUXION_AVX512 static V mul(V a, V b) { return _mm512_mul_pd(a, b); }
  FLUXION_AVX512 static V load(__mmask16 m, const double* p) { return _mm512_maskz_loadu_pd((__mmask8)m, p); }
  FLUXION_AVX512 static void store(double* p, __mmask16 m, V v) { _mm512_mask_storeu_pd(p, (__mmask8)m, v); }
};

// Lanes j < cols of a vector that starts at column `first` (all of them when cols >= first + L).
template <int L>
__mmask16 lanes(int cols, int first) {
  int n = cols - first;
  return n >= L ? (__mmask16)((1u << L) - 1) : n <= 0 ? (__mmask16)0 : (__mmask16)((1u << n) - 1);
}

// C[R rows, cols] = alpha A B + beta C for one packed sliver of A (kMR x kc) and of B (kc x 2L).
template <class T, int R>
__attribute__((target("avx512f,fma"))) void kernel(int64_t kc, const T* a, const T* b, T alpha, T beta, T* c,
                                                   int64_t rsc, int cols) {
  using Z = Zmm<T>;
  using V = typename Z::V;
  constexpr int L = Z::L;
  V acc[R][2];
#pragma GCC unroll 14
  for (int r = 0; r < R; ++r) acc[r][0] = acc[r][1] = Z::zero();
  for (int64_t p = 0; p < kc; ++p, a += kMR, b += 2 * L) {
    _mm_prefetch((const char*)(b + kPrefetch * 2 * L), _MM_HINT_T0);
    _mm_prefetch((const char*)(b + kPrefetch * 2 * L + L), _MM_HINT_T0);
    V b0 = Z::load(b), b1 = Z::load(b + L);
#pragma GCC unroll 14
    for (int r = 0; r < R; ++r) {
      V ar = Z::set1(a[r]);
      acc[r][0] = Z::fma(ar, b0, acc[r][0]);
      acc[r][1] = Z::fma(ar, b1, acc[r][1]);
    }
  }
  const __mmask16 m[2] = {lanes<L>(cols, 0), lanes<L>(cols, L)};
  const V va = Z::set1(alpha), vb = Z::set1(beta);
#pragma GCC unroll 14
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < 2; ++v) {
      T* out = c + r * rsc + v * L;
      V y = Z::mul(acc[r][v], va);
      if (beta != T(0)) y = Z::fma(Z::load(m[v], out), vb, y);  // masked: lanes past cols are not touched
      Z::store(out, m[v], y);
    }
}

template <class T>
void run(int64_t kc, const T* a, const T* b, T alpha, T beta, T* c, int64_t rsc, int rows, int cols) {
  static constexpr auto by_rows = rows_table<T, kMR>([](auto r) { return &kernel<T, decltype(r)::value>; });
  // C's tile is needed only after the k loop: fetch its rows (2 lines each) meanwhile.
  // Here rather than in the kernel, where the addresses cost registers the loop needs.
  for (int r = 0; r < rows; ++r) {
    _mm_prefetch((const char*)(c + r * rsc), _MM_HINT_T0);
    _mm_prefetch((const char*)(c + r * rsc + cols - 1), _MM_HINT_T0);
  }
  by_rows[rows - 1](kc, a, b, alpha, beta, c, rsc, cols);
}

}  // namespace

template <class T>
MicroKernel<T> micro_kernel_avx512() {
  return {kMR, 2 * Zmm<T>::L, &run<T>};
}
template MicroKernel<float> micro_kernel_avx512<float>();
template MicroKernel<double> micro_kernel_avx512<double>();

}  // namespace fluxion::kernels::gemm_detail
