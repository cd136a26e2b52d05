// SPDX-License-Identifier: MIT
// op_overhead: 1000 chained adds of two 1-element tensors that require grad,
// then backward; reports the time per op (forward + backward). This is the
// cost of apply<Op>, the graph and the engine, not of arithmetic.
#include "bench/bench.h"
#include "fluxion.h"

namespace fluxion::bench {
namespace {

void run(const Context& ctx) {
  constexpr int ops = 1000;
  Tensor a = ones({1}).requires_grad_();
  Tensor b = ones({1}).requires_grad_();
  Timing t = time_it([&] {
    Tensor y = a;
    for (int i = 0; i < ops; ++i) y = y + b;
    y.backward();
    a.zero_grad();
    b.zero_grad();
  });
  double total = t.median_s;
  t.median_s /= ops;
  t.min_s /= ops;
  Line("op_overhead", ctx).add("dtype", "f32").add("ops", ops).add("total_median_s", total).timing(t).print();
}

const bool registered = add_workload("op_overhead", run);

}  // namespace
}  // namespace fluxion::bench
