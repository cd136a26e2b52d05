// SPDX-License-Identifier: MIT
// Packing for gemm: copies a block of A or B into the sliver layout of
// gemm_micro.h, so the micro-kernel reads both operands as two sequential
// streams whatever their strides, and the block sits contiguously in the cache
// level it was sized for (no conflict misses from power-of-two leading dims).
#include <immintrin.h>

#include <algorithm>

#include "tensor/kernels/gemm_micro.h"
#include "tensor/kernels/loops.h"

namespace fluxion::kernels::gemm_detail {
namespace {

// Rows rows..w of a sliver are zeros: out[p * w + i] = 0.
template <class T>
void zero_rows(int64_t rows, int64_t kc, int w, T* out) {
  if (rows < w)
    for (int64_t p = 0; p < kc; ++p)
      for (int64_t i = rows; i < w; ++i) out[p * w + i] = T(0);
}

// All slivers when their rows are adjacent in memory (B row-major, A column-major):
// step p of every sliver is a piece of one contiguous run x[p * cs ...], read in
// order from first sliver to last, which the hardware prefetcher follows (sliver by
// sliver, the reads would jump a row's length every few values).
template <class T>
void pack_runs(const Slivers& sl, int64_t kc, const T* x, int64_t cs, T* out) {
  for (int64_t p = 0; p < kc; ++p)
    for (int64_t s = 0; s < sl.count(); ++s) {
      const T* src = x + p * cs + sl.start(s);
      T* dst = out + (s * kc + p) * sl.w;
      for (int64_t i = 0, rows = sl.size(s); i < rows; ++i) dst[i] = src[i];
    }
}

// One sliver whose rows are not adjacent, w rows of which `rows` are real:
// out[p * w + i] = x[i * rs + p * cs]. Two loops for the two layouts, each
// reading memory in its storage order.
template <class T>
FLUXION_SIMD_CLONES void pack_sliver(int64_t rows, int64_t kc, const T* x, int64_t rs, int64_t cs, int w, T* out) {
  if (cs == 1) {               // each row contiguous along p (A row-major, B transposed): a transpose
    constexpr int64_t P = 64;  // a strip of columns: every row's 64 values stay in L1 while written
    for (int64_t p0 = 0; p0 < kc; p0 += P) {
      int64_t p1 = std::min(kc, p0 + P);
      for (int64_t i = 0; i < rows; ++i) {
        const T* src = x + i * rs;
        for (int64_t p = p0; p < p1; ++p) out[p * w + i] = src[p];
      }
    }
  } else {
    for (int64_t p = 0; p < kc; ++p)
      for (int64_t i = 0; i < rows; ++i) out[p * w + i] = x[i * rs + p * cs];
  }
}

#if defined(__x86_64__) && !defined(__clang__)
#define FLUXION_AVX2 __attribute__((target("avx2"), always_inline)) inline

// In-register transposes: 8 x 8 float32 and 4 x 4 float64 blocks (rows r[i] in,
// columns out), the standard unpack / shuffle / lane-permute networks.
FLUXION_AVX2 void transpose(__m256 r[8]) {
  __m256 t[8], s[8];
  for (int i = 0; i < 4; ++i) {
    t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  for (int h = 0; h < 2; ++h) {
    s[4 * h + 0] = _mm256_shuffle_ps(t[4 * h], t[4 * h + 2], 0x44);
    s[4 * h + 1] = _mm256_shuffle_ps(t[4 * h], t[4 * h + 2], 0xee);
    s[4 * h + 2] = _mm256_shuffle_ps(t[4 * h + 1], t[4 * h + 3], 0x44);
    s[4 * h + 3] = _mm256_shuffle_ps(t[4 * h + 1], t[4 * h + 3], 0xee);
  }
  for (int q = 0; q < 4; ++q) {
    r[q] = _mm256_permute2f128_ps(s[q], s[q + 4], 0x20);
    r[q + 4] = _mm256_permute2f128_ps(s[q], s[q + 4], 0x31);
  }
}

FLUXION_AVX2 void transpose(__m256d r[4]) {
  __m256d t0 = _mm256_unpacklo_pd(r[0], r[1]), t1 = _mm256_unpackhi_pd(r[0], r[1]);
  __m256d t2 = _mm256_unpacklo_pd(r[2], r[3]), t3 = _mm256_unpackhi_pd(r[2], r[3]);
  r[0] = _mm256_permute2f128_pd(t0, t2, 0x20), r[1] = _mm256_permute2f128_pd(t1, t3, 0x20);
  r[2] = _mm256_permute2f128_pd(t0, t2, 0x31), r[3] = _mm256_permute2f128_pd(t1, t3, 0x31);
}

FLUXION_AVX2 __m256 load(const float* p) { return _mm256_loadu_ps(p); }
FLUXION_AVX2 __m256d load(const double* p) { return _mm256_loadu_pd(p); }
FLUXION_AVX2 void store(float* p, __m256 v) { _mm256_storeu_ps(p, v); }
FLUXION_AVX2 void store(double* p, __m256d v) { _mm256_storeu_pd(p, v); }

// The transpose case (cs == 1) with AVX2, for rows >= G (8 float32 / 4 float64):
// G x G blocks of rows i0.. and columns p0.., the last block of rows shifted back
// to end at `rows` (it rewrites a few values with the same values), the columns
// past the last whole block element by element.
template <class T>
__attribute__((target("avx2"))) void pack_transpose_avx2(int64_t rows, int64_t kc, const T* x, int64_t rs, int w,
                                                         T* out) {
  using V = decltype(load(x));  // __m256 or __m256d
  constexpr int G = 32 / sizeof(T);
  const int64_t pk = kc / G * G;
  for (int64_t i = 0; i < rows; i += G) {
    const int64_t i0 = std::min(i, rows - G);
    for (int64_t p0 = 0; p0 < pk; p0 += G) {
      V r[G];
      for (int q = 0; q < G; ++q) r[q] = load(x + (i0 + q) * rs + p0);
      transpose(r);
      for (int q = 0; q < G; ++q) store(out + (p0 + q) * w + i0, r[q]);
    }
  }
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t p = pk; p < kc; ++p) out[p * w + i] = x[i * rs + p];
}
#endif

// pack_sliver, through the AVX2 transposes where they apply.
template <class T>
void pack_one(int64_t rows, int64_t kc, const T* x, int64_t rs, int64_t cs, int w, T* out) {
#if defined(__x86_64__) && !defined(__clang__)
  static const bool avx2 = __builtin_cpu_supports("avx2");
  if (avx2 && cs == 1 && rows >= (int64_t)(32 / sizeof(T))) return pack_transpose_avx2<T>(rows, kc, x, rs, w, out);
#endif
  pack_sliver<T>(rows, kc, x, rs, cs, w, out);
}

}  // namespace

template <class T>
void pack_slivers(const Slivers& sl, int64_t kc, const T* x, int64_t rs, int64_t cs, T* out) {
  if (rs == 1)
    pack_runs(sl, kc, x, cs, out);
  else
    for (int64_t s = 0; s < sl.count(); ++s)
      pack_one<T>(sl.size(s), kc, x + sl.start(s) * rs, rs, cs, sl.w, out + s * kc * sl.w);
  // A's balanced slivers need no zeros: the kernel for R rows reads only R.
  if (!sl.balanced)
    for (int64_t s = 0; s < sl.count(); ++s) zero_rows(sl.size(s), kc, sl.w, out + s * kc * sl.w);
}

template void pack_slivers<float>(const Slivers&, int64_t, const float*, int64_t, int64_t, float*);
template void pack_slivers<double>(const Slivers&, int64_t, const double*, int64_t, int64_t, double*);

}  // namespace fluxion::kernels::gemm_detail
