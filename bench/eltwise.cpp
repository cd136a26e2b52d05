// SPDX-License-Identifier: MIT
// eltwise: y = tanh(x * w + b) over n float32 elements, forward only: three
// elementwise ops, each a vectorised kernel writing a new tensor. Reports
// gbytes_per_s = 16 n / median_s (read x, w, b; write y), as WORKLOADS.md.
#include "bench/bench.h"
#include "fluxion.h"

namespace fluxion::bench {
namespace {

void run(const Context& ctx) {
  for (int64_t n : {int64_t{1000}, int64_t{1000000}}) {
    manual_seed(0);
    Tensor x = randn({n}), w = randn({n}), b = randn({n});
    Timing t = time_it([&] { Tensor y = (x * w + b).tanh(); });
    Line("eltwise", ctx)
        .add("dtype", "f32")
        .add("n", n)
        .add("method", "tanh(x*w+b)")
        .add("gbytes_per_s", 16.0 * (double)n / t.median_s / 1e9)
        .timing(t)
        .print();
  }
}

const bool registered = add_workload("eltwise", run);

}  // namespace
}  // namespace fluxion::bench
