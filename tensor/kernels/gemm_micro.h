// SPDX-License-Identifier: MIT
// The parts gemm.cpp's blocked driver puts together (internal to tensor/):
// one micro-kernel per instruction set and the packing of A and B.
//
// Packed layout, shared by every kernel: a sliver of A is mr rows by kc, stored
// column by column (a[p * mr + i]); a sliver of B is kc by nr, stored row by row
// (b[p * nr + j]). Each step p of the micro-kernel reads nr contiguous values of
// B as vectors and broadcasts mr values of A against them: mr x nr
// multiply-adds for nr / L vector loads and mr broadcasts.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <type_traits>
#include <utility>

namespace fluxion::kernels::gemm_detail {

template <class T>
using MicroKernelFn = void (*)(int64_t kc, const T* a, const T* b, T alpha, T beta, T* c, int64_t rsc, int rows,
                               int cols);

template <class T>
struct MicroKernel {
  int mr = 0, nr = 0;
  /// C[i * rsc + j] = alpha sum_p a[p * mr + i] b[p * nr + j] + beta C[i * rsc + j] for i < rows,
  /// j < cols (rows <= mr, cols <= nr), summed over p < kc; beta == 0: C is not read.
  MicroKernelFn<T> run = nullptr;
};

/// A micro-kernel for exactly R rows (R a template argument, so its accumulators stay in registers).
template <class T>
using RowsKernelFn = void (*)(int64_t kc, const T* a, const T* b, T alpha, T beta, T* c, int64_t rsc, int cols);

/// The R-row kernels for R = 1..MR as a table indexed by rows - 1:
///   rows_table<T, kMR>([](auto r) { return &kernel<T, decltype(r)::value>; })
template <class T, int MR, class Pick>
constexpr std::array<RowsKernelFn<T>, MR> rows_table(Pick pick) {
  auto fill = [&]<int... R>(std::integer_sequence<int, R...>) {
    return std::array<RowsKernelFn<T>, MR>{pick(std::integral_constant<int, R + 1>{})...};
  };
  return fill(std::make_integer_sequence<int, MR>());
}

/// The kernels of each instruction set (gemm_avx512.cpp, gemm_avx2.cpp, gemm_generic.cpp).
/// Call the AVX ones only where gemm_isa_supported says the CPU runs them.
template <class T>
MicroKernel<T> micro_kernel_avx512();
template <class T>
MicroKernel<T> micro_kernel_avx2();
template <class T>
MicroKernel<T> micro_kernel_generic();

/// How `rows` rows fall into slivers of at most w: fixed slivers of w, the last one
/// short (B's columns, where the short one is masked), or balanced ones that differ
/// by at most one row (A's rows: 128 rows as 8 x 13 + 2 x 12 instead of 9 x 14 + 2,
/// whose 2-row kernel would leave most FMA pipes idle).
struct Slivers {
  int64_t rows;
  int w;
  bool balanced;
  int64_t count() const { return (rows + w - 1) / w; }
  int64_t start(int64_t s) const { return balanced ? rows * s / count() : s * w; }
  int64_t size(int64_t s) const { return std::min<int64_t>(start(s + 1), rows) - start(s); }
};

/// Packs the rows of X (element (i, p) at x[i * rs + p * cs], p < kc) sliver by sliver:
/// sliver s at out + s * kc * w, out[p * w + i'] for its row i'. Fixed slivers (B's, which
/// the kernel loads as whole vectors) are zero past their size; balanced ones are not.
/// Used for A (w = mr) and, transposed, for B (w = nr, rows = columns of B).
template <class T>
void pack_slivers(const Slivers& sl, int64_t kc, const T* x, int64_t rs, int64_t cs, T* out);

}  // namespace fluxion::kernels::gemm_detail
