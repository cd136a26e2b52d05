// SPDX-License-Identifier: MIT
// Who multiplies matrices (gemm.h): fluxion's GEMM or OpenBLAS's, decided once
// by comparing the kernel set OpenBLAS runs with the widest vectors of the CPU.
#include <cblas.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>

#include "tensor/error.h"
#include "tensor/kernels/gemm.h"

extern "C" char* openblas_get_corename(void);

namespace fluxion::kernels {
namespace {

// Vector instruction sets, ranked: 1 SSE, 2 AVX, 3 AVX2 + FMA, 4 AVX-512.
const char* rank_name(int rank) {
  static const char* names[] = {"none", "SSE", "AVX", "AVX2+FMA", "AVX-512"};
  return names[std::clamp(rank, 0, 4)];
}

// What OpenBLAS's kernel families (DYNAMIC_ARCH core names) use.
int core_rank(std::string core) {
  std::transform(core.begin(), core.end(), core.begin(), [](unsigned char c) { return (char)std::tolower(c); });
  for (const char* c : {"skylakex", "cooperlake", "sapphirerapids"})
    if (core == c) return 4;
  for (const char* c : {"haswell", "zen", "excavator"})
    if (core == c) return 3;
  for (const char* c : {"sandybridge", "bulldozer", "piledriver", "steamroller"})
    if (core == c) return 2;
  return 1;  // Prescott, Core2, Nehalem, Barcelona, ...: SSE kernels
}

// The widest this CPU runs; 0 off x86-64, where fluxion's portable kernel would not beat OpenBLAS.
int cpu_rank() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  if (__builtin_cpu_supports("avx512f")) return 4;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 3;
  if (__builtin_cpu_supports("avx")) return 2;
  return 1;
#else
  return 0;
#endif
}

struct Choice {
  GemmPath path;
  std::string reason;
};

Choice choose() {
  std::string core = openblas_get_corename();
  const int blas = core_rank(core), cpu = cpu_rank();
  std::string kernels = "OpenBLAS runs its " + core + " kernels (" + rank_name(blas) + ")";
  if (const char* env = std::getenv("FLUXION_GEMM")) {
    std::string v = env;
    check(v == "fluxion" || v == "openblas", "FLUXION_GEMM must be 'fluxion' or 'openblas', got '", v,
          "'; unset it to let fluxion choose");
    return {v == "fluxion" ? GemmPath::fluxion : GemmPath::openblas, "FLUXION_GEMM=" + v + " (" + kernels + ")"};
  }
  if (blas < cpu)
    return {GemmPath::fluxion,
            kernels + ", narrower than the CPU's " + rank_name(cpu) + ": fluxion's own GEMM multiplies every matrix"};
  return {GemmPath::openblas, kernels + ", as wide as the CPU's " + rank_name(cpu) + ": OpenBLAS multiplies"};
}

const Choice& choice() {
  static const Choice c = choose();
  return c;
}

}  // namespace

bool blas_operand(int64_t r, int64_t c, int64_t rs, int64_t cs, bool& trans, int64_t& ld) {
  if (cs == 1 && (rs >= std::max<int64_t>(c, 1) || r == 1)) {
    trans = false, ld = std::max<int64_t>({rs, c, 1});
    return true;
  }
  if (rs == 1 && (cs >= std::max<int64_t>(r, 1) || c == 1)) {
    trans = true, ld = std::max<int64_t>({cs, r, 1});
    return true;
  }
  return false;
}

bool blas_kernels_narrow() {
  static const bool narrow = core_rank(openblas_get_corename()) < 3 && cpu_rank() >= 3;
  return narrow;
}

GemmPath gemm_path() { return choice().path; }
const char* gemm_path_name() { return gemm_path() == GemmPath::fluxion ? "fluxion" : "openblas"; }
const std::string& gemm_path_reason() { return choice().reason; }

template <class T>
void gemm_auto(const GemmArgs<T>& g) {
  bool ta = false, tb = false, tc = false;
  int64_t lda = 0, ldb = 0, ldc = 0;
  if (gemm_path() == GemmPath::fluxion || g.m <= 0 || g.n <= 0 || g.k <= 0 ||
      !blas_operand(g.m, g.k, g.rsa, g.csa, ta, lda) || !blas_operand(g.k, g.n, g.rsb, g.csb, tb, ldb) ||
      !blas_operand(g.m, g.n, g.rsc, g.csc, tc, ldc) || tc)
    return gemm(g);
  auto oa = ta ? CblasTrans : CblasNoTrans, ob = tb ? CblasTrans : CblasNoTrans;
  if constexpr (std::is_same_v<T, float>)
    cblas_sgemm(CblasRowMajor, oa, ob, g.m, g.n, g.k, g.alpha, g.a, lda, g.b, ldb, g.beta, g.c, ldc);
  else
    cblas_dgemm(CblasRowMajor, oa, ob, g.m, g.n, g.k, g.alpha, g.a, lda, g.b, ldb, g.beta, g.c, ldc);
}

template void gemm_auto<float>(const GemmArgs<float>&);
template void gemm_auto<double>(const GemmArgs<double>&);

}  // namespace fluxion::kernels
