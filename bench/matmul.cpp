// SPDX-License-Identifier: MIT
// matmul: C = A @ B, square, dense, contiguous, n = 64 ... 2048, f32 and f64.
// fluxion's matmul (a Tensor op: shape checks, dispatch, a new output) beside
// OpenBLAS's cblas_?gemm called directly into a preallocated C, in the same
// process with the same threads; `ratio_to_cblas` is the median of paired,
// back-to-back timings (fluxion / cblas), the figure issue 2 holds to 1.05
// (n >= 256) and 1.2 (n = 64).
#include <cblas.h>

#include "bench/bench.h"
#include "fluxion.h"

namespace fluxion::bench {
namespace {

template <class T>
void gemm(int64_t n, const Tensor& a, const Tensor& b, Tensor& c) {
  if constexpr (std::is_same_v<T, float>)
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a.data<float>(), n, b.data<float>(), n, 0.0f,
                c.data<float>(), n);
  else
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, a.data<double>(), n, b.data<double>(), n, 0.0,
                c.data<double>(), n);
}

template <class T>
void run_size(const Context& ctx, int64_t n) {
  DType dtype = dtype_of<T>();
  const char* name = dtype == Float32 ? "f32" : "f64";
  manual_seed(0);
  Tensor a = randn({n, n}, dtype), b = randn({n, n}, dtype), c = zeros({n, n}, dtype);
  auto ours = [&] { (void)a.matmul(b); };
  auto theirs = [&] { gemm<T>(n, a, b, c); };
  int reps = n >= 1024 ? 5 : 7;
  double flops = 2.0 * (double)n * (double)n * (double)n;
  Timing t_ours = time_it(ours, reps), t_cblas = time_it(theirs, reps);
  double ratio = paired_ratio(ours, theirs, reps);
  Line("matmul", ctx).add("dtype", name).add("n", n).timing(t_ours).add("gflops", flops / t_ours.median_s / 1e9)
      .add("ratio_to_cblas", ratio).blas().print();
  Line("matmul", ctx, "cblas").add("dtype", name).add("n", n).timing(t_cblas)
      .add("gflops", flops / t_cblas.median_s / 1e9).blas().print();
}

void run(const Context& ctx) {
  for (int64_t n : {64, 256, 1024, 2048}) {
    run_size<float>(ctx, n);
    run_size<double>(ctx, n);
  }
}

const bool registered = add_workload("matmul", run);

}  // namespace
}  // namespace fluxion::bench
