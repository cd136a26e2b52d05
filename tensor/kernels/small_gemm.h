// SPDX-License-Identifier: MIT
// A register-blocked gemm for the small products of small networks.
//
// OpenBLAS is the right tool for big matrices, and with its AVX2 / AVX-512
// kernels for small ones too. But on a CPU it does not recognise it falls back
// to SSE3 kernels, and products like [256, 64] @ [64, 64] (a hidden layer of a
// small MLP) then leave most of the machine idle (matmul.cpp decides). This loop keeps a 4 x (4 vectors) block of
// C in registers, broadcasts four A values and streams one row of B per step:
// GCC vectorises the inner loop and target_clones (loops.h) builds it for
// AVX-512, AVX2 and baseline x86-64.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "tensor/kernels/loops.h"

namespace fluxion::kernels {

/// Whether small_gemm should run C[n, m] = A[n, k] B[k, m] instead of BLAS: products up to
/// 2^22 multiply-adds whose rows are at least one 512-bit vector wide.
template <class T>
bool small_gemm_pays(int64_t n, int64_t m, int64_t k) {
  return m * (int64_t)sizeof(T) >= 64 && n * m * k <= (int64_t{1} << 22) && n > 0 && k > 0;
}

/// C[n, m] = A[n, k] B[k, m], A(i, p) = a[i * sa_i + p * sa_p] (any strides), B row-major with
/// leading dim m, C row-major. Rows i..i+3 of C in [jn]-wide panels, accumulated over p.
template <class T>
FLUXION_SIMD_CLONES void small_gemm_rows(int64_t i0, int64_t i1, int64_t m, int64_t k, const T* a, int64_t sa_i,
                                         int64_t sa_p, const T* b, T* c) {
  constexpr int R = 4, J = 4 * 64 / (int)sizeof(T);  // 4 rows x 4 vectors of 512 bits
  for (int64_t j0 = 0; j0 < m; j0 += J) {
    const int jn = (int)std::min<int64_t>(J, m - j0);
    int64_t i = i0;
    for (; i + R <= i1; i += R) {
      T acc[R][J] = {};
      for (int64_t p = 0; p < k; ++p) {
        const T* bp = b + p * m + j0;
        const T* ap = a + i * sa_i + p * sa_p;
        T a0 = ap[0], a1 = ap[sa_i], a2 = ap[2 * sa_i], a3 = ap[3 * sa_i];
        if (jn == J) {  // the full panel: a fixed trip count the compiler unrolls into registers
          for (int j = 0; j < J; ++j) {
            T bv = bp[j];
            acc[0][j] += a0 * bv, acc[1][j] += a1 * bv, acc[2][j] += a2 * bv, acc[3][j] += a3 * bv;
          }
        } else {
          for (int j = 0; j < jn; ++j) {
            T bv = bp[j];
            acc[0][j] += a0 * bv, acc[1][j] += a1 * bv, acc[2][j] += a2 * bv, acc[3][j] += a3 * bv;
          }
        }
      }
      for (int r = 0; r < R; ++r) std::memcpy(c + (i + r) * m + j0, acc[r], jn * sizeof(T));
    }
    for (; i < i1; ++i) {  // the last n % 4 rows
      T acc[J] = {};
      for (int64_t p = 0; p < k; ++p) {
        const T* bp = b + p * m + j0;
        T av = a[i * sa_i + p * sa_p];
        for (int j = 0; j < jn; ++j) acc[j] += av * bp[j];
      }
      std::memcpy(c + i * m + j0, acc, jn * sizeof(T));
    }
  }
}

/// small_gemm_rows over all n rows, split across threads in blocks of 4 rows
/// once each thread gets at least 2^19 multiply-adds (about 10 us of work):
/// below that, waking a second thread costs more than it saves.
template <class T>
void small_gemm(int64_t n, int64_t m, int64_t k, const T* a, int64_t sa_i, int64_t sa_p, const T* b, T* c) {
  int64_t blocks = (n + 3) / 4, per_block = 4 * m * k;
  parallel_for(blocks, std::max<int64_t>(1, (int64_t{1} << 19) / per_block), [&](int64_t b0, int64_t b1) {
    small_gemm_rows(b0 * 4, std::min(n, b1 * 4), m, k, a, sa_i, sa_p, b, c);
  });
}

}  // namespace fluxion::kernels
