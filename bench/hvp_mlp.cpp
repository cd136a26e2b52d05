// SPDX-License-Identifier: MIT
// hvp_mlp: one Hessian-vector product of the MSE loss of an MLP 2-64-64-1
// (tanh, batch 256, Float64) w.r.t. all 4417 parameters as one flat vector,
// with a random unit v; ratio_to_grad is the HVP's time over one gradient's,
// timed back to back.
#include "bench/bench.h"
#include "bench/flat_mlp.h"

namespace fluxion::bench {
namespace {

void run(const Context& ctx) {
  FlatMlp mlp({2, 64, 64, 1});
  auto loss = [&](const Tensor& p) { return mlp.loss(p); };
  Tensor p = mlp.p0;
  Tensor v = randn(p.shape(), Float64);
  v = v / std::sqrt((v * v).sum().item());
  auto grad = func::grad(loss);
  auto gradient = [&] { (void)grad(p); };
  Line("hvp_mlp", ctx).add("dtype", "f64").add("batch", 256).add("method", "gradient only")
      .add("nparams", p.numel()).add("ratio_to_grad", 1.0).timing(time_it(gradient)).blas().print();
  Tensor reference = func::hvp(loss, p, v, {.method = func::HvpMethod::reverse_over_reverse});
  for (auto [name, method] : {std::pair{"forward-over-reverse", func::HvpMethod::forward_over_reverse},
                              std::pair{"reverse-over-reverse", func::HvpMethod::reverse_over_reverse}}) {
    auto hvp = [&, method = method] { (void)func::hvp(loss, p, v, {.method = method}); };
    double diff = max_abs_diff(func::hvp(loss, p, v, {.method = method}), reference);
    Timing t = time_it(hvp);
    Line("hvp_mlp", ctx).add("dtype", "f64").add("batch", 256).add("method", name).add("nparams", p.numel())
        .add("ratio_to_grad", paired_ratio(hvp, gradient)).add("max_abs_diff", diff).timing(t).blas().print();
  }
}

const bool registered = add_workload("hvp_mlp", run);

}  // namespace
}  // namespace fluxion::bench
