// SPDX-License-Identifier: MIT
// A register-blocked gemm for the small products of small networks.
//
// OpenBLAS is the right tool for big matrices, and with its AVX2 / AVX-512
// kernels for small ones too. But on a CPU it does not recognise it falls back
// to SSE3 kernels, and products like [256, 64] @ [64, 64] (a hidden layer of a
// small MLP) then leave most of the machine idle (matmul.cpp decides). This
// loop keeps a 4-row x 4-vector block of C in registers, and per step of the
// sum broadcasts four values of A against one row of B: 16 vector FMAs for
// 4 vector loads and 4 broadcasts.
// target_clones (simd.h) builds it for AVX-512, AVX2 and baseline x86-64,
// chosen when the library loads (docs/performance.md has its figures).
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "tensor/kernels/loops.h"

namespace fluxion::kernels {

/// The leading dim small_gemm wants for B: m rounded up to whole 512-bit vectors.
template <class T>
int64_t small_gemm_ldb(int64_t m) {
  constexpr int64_t L = 64 / sizeof(T);
  return (m + L - 1) / L * L;
}

/// Whether small_gemm should run C[n, m] = A[n, k] B[k, m] instead of BLAS: products up to
/// 2^22 multiply-adds counting B's padding. A narrow B ([64, 1], an output layer) wastes
/// most lanes and still beats a 1-column sgemm through OpenBLAS's generic kernels 3x.
template <class T>
bool small_gemm_pays(int64_t n, int64_t m, int64_t k) {
  return n > 0 && m > 0 && k > 0 && n * small_gemm_ldb<T>(m) * k <= (int64_t{1} << 22);
}

/// One block of C: rows i..i+R-1, NV vectors of columns from j0, summed over p.
/// acc and bv are vectors (GCC's vector extensions), never address-taken, so
/// all R x NV accumulators stay in registers; columns past m are computed from
/// B's padding and not stored. C's rows are ldc apart.
template <class T, int R, int NV>
inline __attribute__((always_inline)) void small_gemm_block(int64_t i, int64_t j0, int64_t m, int64_t k, const T* a,
                                                            int64_t sa_i, int64_t sa_p, const T* b, int64_t ldb,
                                                            T* c, int64_t ldc) {
  typedef T V __attribute__((vector_size(64)));
  typedef T VU __attribute__((vector_size(64), aligned(alignof(T)), may_alias));  // unaligned loads and stores
  constexpr int L = 64 / sizeof(T);
  V acc[R][NV] = {};
  for (int64_t p = 0; p < k; ++p) {
    V bv[NV];
    for (int v = 0; v < NV; ++v) bv[v] = *(const VU*)(b + p * ldb + j0 + v * L);
    for (int r = 0; r < R; ++r) {
      T ar = a[(i + r) * sa_i + p * sa_p];
      for (int v = 0; v < NV; ++v) acc[r][v] += ar * bv[v];
    }
  }
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < NV; ++v) {
      T* out = c + (i + r) * ldc + j0 + v * L;
      if (j0 + (v + 1) * L <= m) {
        *(VU*)out = acc[r][v];
      } else {  // the last, partial vector of a row
        T lanes[L];
        *(VU*)lanes = acc[r][v];
        std::memcpy(out, lanes, (size_t)(m - j0 - v * L) * sizeof(T));
      }
    }
}

template <class T, int R>
inline __attribute__((always_inline)) void small_gemm_panel(int nv, int64_t i, int64_t j0, int64_t m, int64_t k,
                                                            const T* a, int64_t sa_i, int64_t sa_p, const T* b,
                                                            int64_t ldb, T* c, int64_t ldc) {
  switch (nv) {
    case 4: small_gemm_block<T, R, 4>(i, j0, m, k, a, sa_i, sa_p, b, ldb, c, ldc); break;
    case 3: small_gemm_block<T, R, 3>(i, j0, m, k, a, sa_i, sa_p, b, ldb, c, ldc); break;
    case 2: small_gemm_block<T, R, 2>(i, j0, m, k, a, sa_i, sa_p, b, ldb, c, ldc); break;
    default: small_gemm_block<T, R, 1>(i, j0, m, k, a, sa_i, sa_p, b, ldb, c, ldc); break;
  }
}

/// Rows [i0, i1) of C[n, m] = A[n, k] B[k, m]; A(i, p) = a[i * sa_i + p * sa_p] (any strides);
/// B row-major with leading dim ldb, readable for small_gemm_ldb(m) columns (past m: zeros,
/// or numbers of no concern, as these columns are never stored; none when m is a whole
/// number of vectors); C row-major with leading dim ldc.
/// Panels of 4 vectors of columns, 4 rows at a time, then the rows left over.
template <class T>
FLUXION_SIMD_CLONES void small_gemm_rows(int64_t i0, int64_t i1, int64_t m, int64_t k, const T* a, int64_t sa_i,
                                         int64_t sa_p, const T* b, int64_t ldb, T* c, int64_t ldc) {
  constexpr int L = 64 / sizeof(T);
  for (int64_t j0 = 0; j0 < m; j0 += 4 * L) {
    int nv = (int)std::min<int64_t>(4, (m - j0 + L - 1) / L);
    int64_t i = i0;
    for (; i + 4 <= i1; i += 4) small_gemm_panel<T, 4>(nv, i, j0, m, k, a, sa_i, sa_p, b, ldb, c, ldc);
    for (; i < i1; ++i) small_gemm_panel<T, 1>(nv, i, j0, m, k, a, sa_i, sa_p, b, ldb, c, ldc);
  }
}

/// C[n, m] = A[n, k] B[m, k]^T with contiguous rows of A and B (leading dims lda, ldb):
/// for narrow m (a layer with one or two outputs) every C[i, j] is one dot product
/// along k, vectorised over k instead of wasting the lanes of a padded B.
template <class T>
FLUXION_SIMD_CLONES void small_gemm_dots(int64_t n, int64_t m, int64_t k, const T* a, int64_t lda, const T* b,
                                         int64_t ldb, T* c) {
  typedef T V __attribute__((vector_size(64)));
  typedef T VU __attribute__((vector_size(64), aligned(alignof(T)), may_alias));
  constexpr int L = 64 / sizeof(T);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < m; ++j) {
      const T *x = a + i * lda, *y = b + j * ldb;
      V acc = {};
      int64_t p = 0;
      for (; p + L <= k; p += L) acc += *(const VU*)(x + p) * *(const VU*)(y + p);
      T sum = 0;
      for (int l = 0; l < L; ++l) sum += acc[l];
      for (; p < k; ++p) sum += x[p] * y[p];
      c[i * m + j] = sum;
    }
}

/// small_gemm_rows over all n rows, split across threads in blocks of 4 rows
/// once each thread gets at least 2^20 multiply-adds (about 10 us of work):
/// below that, waking a second thread costs more than it saves, and on a
/// shared VM a stalled second vCPU can cost milliseconds.
template <class T>
void small_gemm(int64_t n, int64_t m, int64_t k, const T* a, int64_t sa_i, int64_t sa_p, const T* b, int64_t ldb,
                T* c, int64_t ldc) {
  int64_t blocks = (n + 3) / 4, per_block = 4 * m * k;
  parallel_for(blocks, std::max<int64_t>(1, (int64_t{1} << 20) / per_block), [&](int64_t b0, int64_t b1) {
    small_gemm_rows(b0 * 4, std::min(n, b1 * 4), m, k, a, sa_i, sa_p, b, ldb, c, ldc);
  });
}

}  // namespace fluxion::kernels
