// SPDX-License-Identifier: MIT
// Packing for gemm: copies a block of A or B into the sliver layout of
// gemm_micro.h, so the micro-kernel reads both operands as two sequential
// streams whatever their strides, and the block sits contiguously in the cache
// level it was sized for (no conflict misses from power-of-two leading dims).
#include <algorithm>

#include "tensor/kernels/gemm_micro.h"
#include "tensor/kernels/loops.h"

namespace fluxion::kernels::gemm_detail {
namespace {

// One sliver, w rows of which `rows` are real: out[p * w + i] = x[i * rs + p * cs].
// Three loops for the three layouts, each reading memory in its storage order.
template <class T>
FLUXION_SIMD_CLONES void pack_sliver(int64_t rows, int64_t kc, const T* x, int64_t rs, int64_t cs, int w, T* out) {
  if (rs == 1) {  // the sliver's rows are adjacent in memory (B row-major, A column-major): copies
    for (int64_t p = 0; p < kc; ++p) {
      const T* src = x + p * cs;
      T* dst = out + p * w;
      for (int64_t i = 0; i < rows; ++i) dst[i] = src[i];
      for (int64_t i = rows; i < w; ++i) dst[i] = T(0);
    }
  } else if (cs == 1) {        // each row contiguous along p (A row-major, B transposed): a transpose
    constexpr int64_t P = 64;  // a strip of columns: every row's 64 values stay in L1 while written
    for (int64_t p0 = 0; p0 < kc; p0 += P) {
      int64_t p1 = std::min(kc, p0 + P);
      for (int64_t i = 0; i < rows; ++i) {
        const T* src = x + i * rs;
        for (int64_t p = p0; p < p1; ++p) out[p * w + i] = src[p];
      }
    }
    for (int64_t p = 0; p < kc; ++p)
      for (int64_t i = rows; i < w; ++i) out[p * w + i] = T(0);
  } else {
    for (int64_t p = 0; p < kc; ++p)
      for (int64_t i = 0; i < w; ++i) out[p * w + i] = i < rows ? x[i * rs + p * cs] : T(0);
  }
}

}  // namespace

template <class T>
void pack_slivers(int64_t rows, int64_t kc, const T* x, int64_t rs, int64_t cs, int w, T* out) {
  for (int64_t s = 0; s < rows; s += w, out += kc * w)
    pack_sliver<T>(std::min<int64_t>(w, rows - s), kc, x + s * rs, rs, cs, w, out);
}

template void pack_slivers<float>(int64_t, int64_t, const float*, int64_t, int64_t, int, float*);
template void pack_slivers<double>(int64_t, int64_t, const double*, int64_t, int64_t, int, double*);

}  // namespace fluxion::kernels::gemm_detail
