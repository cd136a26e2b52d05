// SPDX-License-Identifier: MIT
// fluxion's own GEMM, C = alpha op(A) op(B) + beta C, in the Goto / BLIS
// structure: panels of A and B are packed into contiguous buffers sized to the
// caches, and a register-blocked micro-kernel (AVX-512, AVX2+FMA or portable,
// chosen by CPUID at run time) multiplies one packed sliver of A by one of B.
// Any strides (so any transposes and views), Float32 and Float64, threads over
// blocks of the output. gemm_path.cpp decides whether a product goes here or to
// OpenBLAS; small_gemm.h stays the path for the smallest shapes.
#pragma once
#include <cstdint>
#include <string>

namespace fluxion::kernels {

/// C[m, n] = alpha A[m, k] B[k, n] + beta C, where element (i, j) of a matrix X
/// sits at x[i * rs_x + j * cs_x] (a transpose is just swapped strides). With
/// beta == 0, C is written without being read (NaN in C does not propagate);
/// with alpha == 0, A and B are not read (BLAS's rule).
template <class T>
struct GemmArgs {
  int64_t m = 0, n = 0, k = 0;
  T alpha = 1;
  const T* a = nullptr;
  int64_t rsa = 0, csa = 1;
  const T* b = nullptr;
  int64_t rsb = 0, csb = 1;
  T beta = 0;
  T* c = nullptr;
  int64_t rsc = 0, csc = 1;
};

/// The micro-kernel families, widest first.
enum class GemmIsa { avx512, avx2, generic };

/// Name ("avx512", "avx2", "generic"), whether this CPU runs it, and the widest it runs.
const char* gemm_isa_name(GemmIsa isa);
bool gemm_isa_supported(GemmIsa isa);
GemmIsa gemm_best_isa();

/// fluxion's GEMM with the widest micro-kernel this CPU runs. threads = 0: fluxion's
/// thread count (get_num_threads()), fewer when the product is too small to share.
template <class T>
void gemm(const GemmArgs<T>& g, int threads = 0);

/// The same with a given micro-kernel family (tests call every one); throws
/// fluxion::Error when the CPU cannot run it.
template <class T>
void gemm(const GemmArgs<T>& g, GemmIsa isa, int threads);

/// The micro-kernel tiles and block sizes gemm uses on this CPU, for config().
std::string gemm_describe();

/// Who multiplies matrices: fluxion's GEMM above, or OpenBLAS's sgemm / dgemm.
enum class GemmPath { fluxion, openblas };

/// The path chosen once at start-up, and why: fluxion's GEMM when OpenBLAS runs
/// kernels narrower than the CPU's widest vectors (it falls back to SSE3 ones on
/// CPUs it does not know, or OPENBLAS_CORETYPE asks for narrower ones), else
/// OpenBLAS. The environment variable FLUXION_GEMM=fluxion|openblas overrides.
GemmPath gemm_path();
const char* gemm_path_name();  // "fluxion" or "openblas"
const std::string& gemm_path_reason();

/// Whether OpenBLAS runs SSE kernels on a CPU with AVX2 (whatever FLUXION_GEMM
/// says): then even with gemm_path() openblas, small products are faster in
/// small_gemm's AVX-512 / AVX2 loop.
bool blas_kernels_narrow();

/// How BLAS reads an [r, c] operand with strides (rs, cs) as it is: row-major
/// with leading dim ld, or transposed; false when it must be copied first.
bool blas_operand(int64_t r, int64_t c, int64_t rs, int64_t cs, bool& trans, int64_t& ld);

/// C = alpha op(A) op(B) + beta C by the chosen path: OpenBLAS when gemm_path()
/// says so and the strides are ones BLAS reads (unit stride along rows or
/// columns), fluxion's GEMM otherwise.
template <class T>
void gemm_auto(const GemmArgs<T>& g);

}  // namespace fluxion::kernels
