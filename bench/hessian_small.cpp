// SPDX-License-Identifier: MIT
// hessian_small: the full Hessian (105 x 105) of the MSE loss of an MLP
// 2-8-8-1 (tanh, batch 256, Float64) w.r.t. all its parameters as one flat
// vector: func::hessian, the gradient recorded once and one reverse pass per row.
#include "bench/bench.h"
#include "bench/flat_mlp.h"

namespace fluxion::bench {
namespace {

void run(const Context& ctx) {
  FlatMlp mlp({2, 8, 8, 1});
  auto loss = [&](const Tensor& p) { return mlp.loss(p); };
  Tensor p = mlp.p0;
  Tensor H = func::hessian(loss, p);
  double asymmetry = max_abs_diff(H, H.t());
  Timing t = time_it([&] { (void)func::hessian(loss, p); });
  Line("hessian_small", ctx).add("dtype", "f64").add("batch", 256).add("method", "func::hessian (reverse-over-reverse)")
      .add("nparams", p.numel()).add("max_asymmetry", asymmetry).timing(t).blas().print();
}

const bool registered = add_workload("hessian_small", run);

}  // namespace
}  // namespace fluxion::bench
