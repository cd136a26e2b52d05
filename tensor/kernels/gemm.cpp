// SPDX-License-Identifier: MIT
// gemm's blocked driver (see gemm.h): the five loops of Goto's algorithm around
// a micro-kernel, the block sizes derived from the cache sizes, and the split
// of the output between threads.
#include "tensor/kernels/gemm.h"

#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <utility>

#include "tensor/error.h"
#include "tensor/kernels/gemm_micro.h"
#include "tensor/kernels/loops.h"

namespace fluxion::kernels {

using gemm_detail::MicroKernel;
using gemm_detail::Slivers;

const char* gemm_isa_name(GemmIsa isa) {
  switch (isa) {
    case GemmIsa::avx512:
      return "avx512";
    case GemmIsa::avx2:
      return "avx2";
    default:
      return "generic";
  }
}

bool gemm_isa_supported(GemmIsa isa) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  if (isa == GemmIsa::avx512) return __builtin_cpu_supports("avx512f");
  if (isa == GemmIsa::avx2) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  if (isa != GemmIsa::generic) return false;
#endif
  return true;
}

GemmIsa gemm_best_isa() {
  static const GemmIsa best = gemm_isa_supported(GemmIsa::avx512) ? GemmIsa::avx512
                              : gemm_isa_supported(GemmIsa::avx2) ? GemmIsa::avx2
                                                                  : GemmIsa::generic;
  return best;
}

namespace {

template <class T>
MicroKernel<T> micro_kernel(GemmIsa isa) {
  check(gemm_isa_supported(isa), "gemm: this CPU cannot run the ", gemm_isa_name(isa),
        " kernels; call gemm without an isa to use the widest it runs (", gemm_isa_name(gemm_best_isa()), ")");
  if (isa == GemmIsa::avx512) return gemm_detail::micro_kernel_avx512<T>();
  if (isa == GemmIsa::avx2) return gemm_detail::micro_kernel_avx2<T>();
  return gemm_detail::micro_kernel_generic<T>();
}

int64_t cache_bytes(int name, int64_t fallback) {
  long v = sysconf(name);
  return v > 0 ? v : fallback;
}

// Block sizes (Goto & van de Geijn 2008; BLIS's analytical model and loop
// order). The micro-kernel broadcasts a sliver of A (mr x kc) against a sliver
// of B (kc x nr) loaded as vectors, and the innermost loop runs every A sliver
// of the block against one B sliver, so:
//  kc: the B sliver, reused by every A sliver, stays in L1, filling three
//      quarters of it; the A slivers stream through the rest from L2 (mr values
//      a step, under half of B's nr). A long kc also means C is read and written
//      only k / kc times;
//  mc: the mc x kc block of A, reused by every B sliver of the panel, fills
//      half of L2, leaving room for the C tiles and the next B sliver;
//  nc: the kc x nc panel of B lives in L3; each A block is packed once per
//      panel, so a wide panel packs A few times.
// (Streaming B past an A sliver held in L1, the other way round, ran at 75% of
// the FMA peak for n >= 1024: B's sliver is 2.3 times A's and evicted it.)
struct Blocking {
  int64_t mc, kc, nc;
};

template <class T>
Blocking blocking(const MicroKernel<T>& uk) {
  static const int64_t l1 = cache_bytes(_SC_LEVEL1_DCACHE_SIZE, 32 << 10);
  static const int64_t l2 = cache_bytes(_SC_LEVEL2_CACHE_SIZE, 512 << 10);
  const int64_t size = sizeof(T);
  int64_t kc = std::clamp<int64_t>(l1 * 3 / 4 / (uk.nr * size) / 32 * 32, 64, 512);
  int64_t mc = std::clamp<int64_t>(l2 / 2 / (kc * size) / uk.mr * uk.mr, uk.mr, 8192);
  int64_t nc = std::clamp<int64_t>(int64_t{4096} / uk.nr * uk.nr, uk.nr, 4096);
  return {mc, kc, nc};
}

// A packing buffer per thread, kept between calls (growing only), 64-byte aligned.
template <class T>
T* scratch(int which, int64_t count) {
  struct Free {
    void operator()(void* p) const { std::free(p); }
  };
  thread_local std::unique_ptr<void, Free> buf[2];
  thread_local int64_t size[2] = {0, 0};
  int64_t bytes = (count * (int64_t)sizeof(T) + 63) / 64 * 64;
  if (bytes > size[which]) {
    buf[which].reset(std::aligned_alloc(64, (size_t)bytes));
    check(buf[which] != nullptr, "gemm: cannot allocate ", bytes, " bytes for packing");
    size[which] = bytes;
  }
  return static_cast<T*>(buf[which].get());
}

// C for one tile when C's columns are not contiguous: the kernel writes
// alpha A B into a dense tile, then C = tile + beta C element by element.
template <class T>
void tile_through_buffer(const MicroKernel<T>& uk, int64_t kc, const T* a, const T* b, const GemmArgs<T>& g, T beta,
                         T* c, int rows, int cols) {
  T tile[16 * 64];  // mr x nr of every kernel fits
  uk.run(kc, a, b, g.alpha, T(0), tile, uk.nr, rows, cols);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) {
      T& out = c[i * g.rsc + j * g.csc];
      out = beta == T(0) ? tile[i * uk.nr + j] : tile[i * uk.nr + j] + beta * out;
    }
}

// The whole product on one thread. Loop order, outermost first: columns of C
// by nc and the sum by kc (pack B's panel), rows by mc (pack A's block), then
// nr-wide slivers of B and mr-high slivers of A, whose product is one
// micro-kernel call.
template <class T>
void gemm_serial(const GemmArgs<T>& g, const MicroKernel<T>& uk) {
  const Blocking bk = blocking(uk);
  T* ap = scratch<T>(0, bk.kc * ((std::min(bk.mc, g.m) + uk.mr - 1) / uk.mr * uk.mr));
  T* bp = scratch<T>(1, bk.kc * ((std::min(bk.nc, g.n) + uk.nr - 1) / uk.nr * uk.nr));
  // The sum in blocks of equal length (k = 1024 with kc = 288: 4 x 256, not
  // 3 x 288 + 160): each block ends by reading and writing C and costs a
  // packing pass, which a short last block amortises over few steps.
  const int64_t kblocks = (g.k + bk.kc - 1) / bk.kc;
  for (int64_t jc = 0; jc < g.n; jc += bk.nc) {
    const int64_t nc = std::min(bk.nc, g.n - jc);
    for (int64_t kb = 0; kb < kblocks; ++kb) {
      const int64_t pc = g.k * kb / kblocks, kc = g.k * (kb + 1) / kblocks - pc;
      const T beta = kb == 0 ? g.beta : T(1);  // later blocks of the sum add to C
      // B's panel as slivers of nr columns: B^T's rows are B's columns.
      gemm_detail::pack_slivers(Slivers{nc, uk.nr, false}, kc, g.b + pc * g.rsb + jc * g.csb, g.csb, g.rsb, bp);
      for (int64_t ic = 0; ic < g.m; ic += bk.mc) {
        const int64_t mc = std::min(bk.mc, g.m - ic);
        const Slivers sa{mc, uk.mr, true};
        gemm_detail::pack_slivers(sa, kc, g.a + ic * g.rsa + pc * g.csa, g.rsa, g.csa, ap);
        for (int64_t jr = 0; jr < nc; jr += uk.nr) {
          const int cols = (int)std::min<int64_t>(uk.nr, nc - jr);
          for (int64_t s = 0; s < sa.count(); ++s) {
            const int64_t ir = sa.start(s);
            const int rows = (int)sa.size(s);
            const T* a = ap + s * uk.mr * kc;
            T* c = g.c + (ic + ir) * g.rsc + (jc + jr) * g.csc;
            if (g.csc == 1)
              uk.run(kc, a, bp + jr * kc, g.alpha, beta, c, g.rsc, rows, cols);
            else
              tile_through_buffer(uk, kc, a, bp + jr * kc, g, beta, c, rows, cols);
          }
        }
      }
    }
  }
}

// C = beta C, the whole product when k == 0 or alpha == 0.
template <class T>
void scale_c(const GemmArgs<T>& g) {
  for (int64_t i = 0; i < g.m; ++i)
    for (int64_t j = 0; j < g.n; ++j) {
      T& out = g.c[i * g.rsc + j * g.csc];
      out = g.beta == T(0) ? T(0) : g.beta * out;
    }
}

// Each thread should get at least this many multiply-adds (~10-20 us of work):
// below it, waking a second thread costs more than it saves.
constexpr int64_t kThreadGrain = int64_t{1} << 21;

// Splits [0, n) into `parts` pieces whose boundaries fall on multiples of `step`.
int64_t split_point(int64_t n, int parts, int part, int step) {
  if (part >= parts) return n;
  return std::min(n, (n * part / parts + step / 2) / step * step);
}

template <class T>
void gemm_with(GemmArgs<T> g, const MicroKernel<T>& uk, int threads) {
  if (g.m <= 0 || g.n <= 0) return;
  if (g.k <= 0 || g.alpha == T(0)) return scale_c(g);
  // Column-major C: compute C^T = B^T A^T instead, so the kernel stores along rows.
  if (g.csc != 1 && g.rsc == 1) {
    g = {g.n, g.m, g.k, g.alpha, g.b, g.csb, g.rsb, g.a, g.csa, g.rsa, g.beta, g.c, g.csc, g.rsc};
  }
  // Inside another parallel region (a loop over images, say) OpenMP gives a nested
  // region one thread, so the product stays on the calling thread.
  if (omp_in_parallel()) threads = 1;
  if (threads <= 0) threads = get_num_threads();
  threads = (int)std::clamp<int64_t>(g.m * g.n / std::max<int64_t>(1, kThreadGrain / g.k), 1, threads);
  if (threads == 1) return gemm_serial(g, uk);
  // A grid of tm x tn blocks of C, one per thread, as square as the shape allows:
  // each thread packs the rows of A and the columns of B its block needs.
  int tm = 1;
  for (int d = 1; d <= threads; ++d)
    if (threads % d == 0 &&
        std::abs((double)g.m / d - (double)g.n * d / threads) < std::abs((double)g.m / tm - (double)g.n * tm / threads))
      tm = d;
  const int tn = threads / tm;
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num(), ti = t / tn, tj = t % tn;
    const int64_t i0 = split_point(g.m, tm, ti, uk.mr), i1 = split_point(g.m, tm, ti + 1, uk.mr);
    const int64_t j0 = split_point(g.n, tn, tj, uk.nr), j1 = split_point(g.n, tn, tj + 1, uk.nr);
    if (i1 > i0 && j1 > j0) {
      GemmArgs<T> part = g;
      part.m = i1 - i0, part.n = j1 - j0;
      part.a = g.a + i0 * g.rsa, part.b = g.b + j0 * g.csb, part.c = g.c + i0 * g.rsc + j0 * g.csc;
      gemm_serial(part, uk);
    }
  }
}

}  // namespace

template <class T>
void gemm(const GemmArgs<T>& g, GemmIsa isa, int threads) {
  gemm_with(g, micro_kernel<T>(isa), threads);
}

template <class T>
void gemm(const GemmArgs<T>& g, int threads) {
  static const MicroKernel<T> uk = micro_kernel<T>(gemm_best_isa());
  gemm_with(g, uk, threads);
}

std::string gemm_describe() {
  std::string out = gemm_isa_name(gemm_best_isa());
  auto shape = [&](auto uk, const char* dtype) {
    Blocking bk = blocking(uk);
    out += std::string(", ") + dtype + " tile " + std::to_string(uk.mr) + "x" + std::to_string(uk.nr) +
           " blocks mc=" + std::to_string(bk.mc) + " kc=" + std::to_string(bk.kc) + " nc=" + std::to_string(bk.nc);
  };
  shape(micro_kernel<float>(gemm_best_isa()), "f32");
  shape(micro_kernel<double>(gemm_best_isa()), "f64");
  return out;
}

template void gemm<float>(const GemmArgs<float>&, GemmIsa, int);
template void gemm<double>(const GemmArgs<double>&, GemmIsa, int);
template void gemm<float>(const GemmArgs<float>&, int);
template void gemm<double>(const GemmArgs<double>&, int);

}  // namespace fluxion::kernels
