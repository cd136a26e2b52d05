// SPDX-License-Identifier: MIT
// eltwise: y = tanh(x * w + b) over n float32 elements, forward only: three
// elementwise ops, each a vectorised kernel writing a new tensor; and the
// same with x * w + b as one addcmul (two passes over memory instead of three). Reports
// gbytes_per_s = 16 n / median_s (read x, w, b; write y), as WORKLOADS.md.
#include <functional>
#include <utility>

#include "bench/bench.h"
#include "fluxion.h"

namespace fluxion::bench {
namespace {

void run(const Context& ctx) {
  for (int64_t n : {int64_t{1000}, int64_t{1000000}}) {
    manual_seed(0);
    Tensor x = randn({n}), w = randn({n}), b = randn({n});
    // as written, three ops; and with the multiply-add as one op, as the peer's "addcmul+tanh out="
    for (auto [method, f] : {std::pair<const char*, std::function<Tensor()>>{"tanh(x*w+b)", [&] { return (x * w + b).tanh(); }},
                             {"addcmul+tanh", [&] { return addcmul(b, x, w).tanh(); }}}) {
      Timing t = time_it([&f = f] { Tensor y = f(); });
      Line("eltwise", ctx)
          .add("dtype", "f32")
          .add("n", n)
          .add("method", method)
          .add("gbytes_per_s", 16.0 * (double)n / t.median_s / 1e9)
          .timing(t)
          .print();
    }
  }
}

const bool registered = add_workload("eltwise", run);

}  // namespace
}  // namespace fluxion::bench
