// SPDX-License-Identifier: MIT
// ode_robertson: Robertson's kinetics (k = 0.04, 3e7, 1e4; y0 = (1, 0, 0)) on
// [0, 4e5] with rodas5 at rtol 1e-6, atol 1e-10, outputs at 1e-2, 1, 1e2,
// 1e4, 4e5, float64 (../shared/bench/WORKLOADS.md). A stiff 3-element state;
// with and without jit (the field and its Jacobian replayed).
#include <algorithm>
#include <cmath>

#include "bench/bench.h"
#include "fluxion.h"

namespace fluxion::bench {
namespace {

// y1' = -k1 y1 + k3 y2 y3,  y2' = k1 y1 - k3 y2 y3 - k2 y2^2,  y3' = k2 y2^2
Tensor robertson(const Tensor&, const Tensor& y) {
  Tensor a = y.select(0, 0), b = y.select(0, 1), c = y.select(0, 2);
  Tensor r1 = a * 0.04, r2 = b * c * 1e4, r3 = b * b * 3e7;
  return stack({r2 - r1, r1 - r2 - r3, r3}, 0);
}

void run(const Context& ctx) {
  Tensor y0 = tensor({1.0, 0.0, 0.0}, Float64), t = tensor({0.0, 1e-2, 1.0, 1e2, 1e4, 4e5}, Float64);
  // a tight reference (SciPy takes Radau at rtol 1e-12, atol 1e-16)
  Tensor ref = odeint::odeint(robertson, y0, t, {.rtol = 1e-10, .atol = 1e-16, .method = odeint::Method::rodas5});
  for (bool jit : {false, true}) {
    odeint::Stats stats;
    Tensor ys;
    Timing timing = time_it([&] {
      ys = odeint::odeint(robertson, y0, t,
                          {.rtol = 1e-6, .atol = 1e-10, .method = odeint::Method::rodas5, .stats = &stats, .jit = jit});
    });
    double err = 0;
    for (int64_t i = 1; i < 6; ++i)
      for (int64_t j = 0; j < 3; ++j)
        err = std::max(err, std::abs(ys.at({i, j}) - ref.at({i, j})) / std::max(std::abs(ref.at({i, j})), 1e-10));
    Line("ode_robertson", ctx)
        .add("dtype", "f64")
        .add("method", jit ? "rodas5, jit" : "rodas5")
        .add("nfe", stats.nfe)
        .add("njev", stats.njac)
        .add("nlu", stats.nlu)
        .add("error_rel", err)
        .timing(timing)
        .print();
  }
}

const bool registered = add_workload("ode_robertson", run);

}  // namespace
}  // namespace fluxion::bench
