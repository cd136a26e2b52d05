// SPDX-License-Identifier: MIT
// hessian_small: the full Hessian (105 x 105) of the MSE loss of an MLP
// 2-8-8-1 (tanh, batch 256, Float64) w.r.t. all its parameters as one flat
// vector: func::hessian (jacrev of jacrev, each one vmapped pass), beside
// jacfwd of jacrev (torch.func.hessian's form) and the row loop it replaced
// (the gradient recorded once, one reverse pass per row).
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
  auto rows = [&] {
    auto [g, pullback] = func::vjp(func::grad(loss), p);
    Tensor I = eye(p.numel(), p.numel(), p.dtype());
    std::vector<Tensor> out;
    for (int64_t r = 0; r < p.numel(); ++r) out.push_back(pullback(I[r])[0]);
    return stack(out);
  };
  auto fwd_over_rev = [&] { return func::jacfwd(func::jacrev(loss))(p); };
  double diff = max_abs_diff(H, rows());
  Timing t = time_it([&] { (void)func::hessian(loss, p); });
  Line("hessian_small", ctx).add("dtype", "f64").add("batch", 256).add("method", "func::hessian (jacrev(jacrev))")
      .add("nparams", p.numel()).add("max_asymmetry", asymmetry).add("max_abs_diff", diff).timing(t).blas().print();
  Line("hessian_small", ctx).add("dtype", "f64").add("batch", 256).add("method", "func::jacfwd(func::jacrev)")
      .add("nparams", p.numel()).add("max_abs_diff", max_abs_diff(H, fwd_over_rev())).timing(time_it(fwd_over_rev))
      .blas().print();
  Line("hessian_small", ctx).add("dtype", "f64").add("batch", 256).add("method", "row loop (reverse-over-reverse)")
      .add("nparams", p.numel()).timing(time_it(rows)).blas().print();
}

const bool registered = add_workload("hessian_small", run);

}  // namespace
}  // namespace fluxion::bench
