// SPDX-License-Identifier: MIT
// MaxPool2d(2) on AVX-512. A row of windows is read as two rows of the plane,
// each in two vectors, and split into its even and odd columns by a shuffle:
// the four positions of L windows are then four vectors (L = 16 floats or 8
// doubles), and PyTorch's rule (take a value when it is larger than the best so
// far, or NaN) is three compare-and-blend steps, with no branch on the data.
// The index of the winner is kept as its offset in the window, per lane, and
// added to the window's first position at the end. Rows shorter than L
// windows (a 24-wide plane has 12) run with masked loads and stores, which is
// where the portable loop, one window at a time, was slowest.
// Compiled with a target attribute; pooling.cpp calls it only on AVX-512 CPUs.
#include "nn/max_pool_2x2.h"

#include <immintrin.h>

#include <algorithm>

namespace fluxion::nn::functional::detail {
namespace {

#define FLUXION_AVX512 __attribute__((target("avx512f"), always_inline)) inline

template <class T>
struct Zmm;

template <>
struct Zmm<float> {
  using V = __m512;
  static constexpr int L = 16;
  FLUXION_AVX512 static V load(unsigned m, const float* p) { return _mm512_maskz_loadu_ps((__mmask16)m, p); }
  FLUXION_AVX512 static void store(float* p, unsigned m, V v) { _mm512_mask_storeu_ps(p, (__mmask16)m, v); }
  // lanes 0, 2, ..., 30 (even) or 1, 3, ..., 31 (odd) of a:b
  FLUXION_AVX512 static V even(V a, V b) {
    return _mm512_permutex2var_ps(a, _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), b);
  }
  FLUXION_AVX512 static V odd(V a, V b) {
    return _mm512_permutex2var_ps(a, _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31), b);
  }
  // lanes where v is larger than best, or NaN
  FLUXION_AVX512 static unsigned takes(V v, V best) {
    return _mm512_cmp_ps_mask(v, best, _CMP_GT_OQ) | _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
  }
  FLUXION_AVX512 static V blend(unsigned m, V a, V b) { return _mm512_mask_blend_ps((__mmask16)m, a, b); }
};

template <>
struct Zmm<double> {
  using V = __m512d;
  static constexpr int L = 8;
  FLUXION_AVX512 static V load(unsigned m, const double* p) { return _mm512_maskz_loadu_pd((__mmask8)m, p); }
  FLUXION_AVX512 static void store(double* p, unsigned m, V v) { _mm512_mask_storeu_pd(p, (__mmask8)m, v); }
  FLUXION_AVX512 static V even(V a, V b) {
    return _mm512_permutex2var_pd(a, _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14), b);
  }
  FLUXION_AVX512 static V odd(V a, V b) {
    return _mm512_permutex2var_pd(a, _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15), b);
  }
  FLUXION_AVX512 static unsigned takes(V v, V best) {
    return _mm512_cmp_pd_mask(v, best, _CMP_GT_OQ) | _mm512_cmp_pd_mask(v, v, _CMP_UNORD_Q);
  }
  FLUXION_AVX512 static V blend(unsigned m, V a, V b) { return _mm512_mask_blend_pd((__mmask8)m, a, b); }
};

// The running best of L windows and, per lane, the winner's offset in its window
// (int64, 8 lanes per vector: two vectors for float).
template <class T>
struct Best {
  static constexpr int kIndexVectors = Zmm<T>::L / 8;
  typename Zmm<T>::V value;
  __m512i offset[kIndexVectors];
};

template <class T>
FLUXION_AVX512 void take(Best<T>& b, typename Zmm<T>::V v, int64_t offset) {
  const unsigned m = Zmm<T>::takes(v, b.value);
  b.value = Zmm<T>::blend(m, b.value, v);
  for (int q = 0; q < Best<T>::kIndexVectors; ++q)
    b.offset[q] = _mm512_mask_mov_epi64(b.offset[q], (__mmask8)(m >> (8 * q)), _mm512_set1_epi64(offset));
}

template <class T>
__attribute__((target("avx512f"))) void pool(const T* plane, T* y, int64_t* idx, int64_t h_out, int64_t w_out,
                                             int64_t w_in) {
  using Z = Zmm<T>;
  constexpr int L = Z::L;
  constexpr unsigned kAll = (1u << L) - 1;
  const __m512i twice_lane = _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14);  // a window's first column, per lane
  for (int64_t i = 0; i < h_out; ++i) {
    const T *r0 = plane + 2 * i * w_in, *r1 = r0 + w_in;
    for (int64_t j0 = 0; j0 < w_out; j0 += L) {
      // n windows, whose 2n values per row fill the first vector, then the second
      const int n = (int)std::min<int64_t>(L, w_out - j0);
      const unsigned out = (1u << n) - 1, lo = 2 * n >= L ? kAll : (1u << 2 * n) - 1,
                     hi = 2 * n > L ? (1u << (2 * n - L)) - 1 : 0;
      const typename Z::V a = Z::load(lo, r0 + 2 * j0), b = Z::load(hi, r0 + 2 * j0 + L),
                          c = Z::load(lo, r1 + 2 * j0), d = Z::load(hi, r1 + 2 * j0 + L);
      Best<T> best{Z::even(a, b), {}};  // offsets 0: the first position
      take<T>(best, Z::odd(a, b), 1);
      take<T>(best, Z::even(c, d), w_in);
      take<T>(best, Z::odd(c, d), w_in + 1);
      Z::store(y + i * w_out + j0, out, best.value);
      const int64_t first = 2 * i * w_in + 2 * j0;  // of the chunk's first window
      for (int q = 0; q < Best<T>::kIndexVectors; ++q) {
        const __m512i at = _mm512_add_epi64(_mm512_add_epi64(_mm512_set1_epi64(first + 16 * q), twice_lane),
                                            best.offset[q]);
        _mm512_mask_storeu_epi64(idx + i * w_out + j0 + 8 * q, (__mmask8)(out >> (8 * q)), at);
      }
    }
  }
}

}  // namespace

bool max_pool_2x2_vectorised() {
  static const bool yes = __builtin_cpu_supports("avx512f");
  return yes;
}

void max_pool_2x2_avx512(const float* plane, float* y, int64_t* idx, int64_t h_out, int64_t w_out, int64_t w_in) {
  pool(plane, y, idx, h_out, w_out, w_in);
}
void max_pool_2x2_avx512(const double* plane, double* y, int64_t* idx, int64_t h_out, int64_t w_out, int64_t w_in) {
  pool(plane, y, idx, h_out, w_out, w_in);
}

}  // namespace fluxion::nn::functional::detail
