// SPDX-License-Identifier: MIT
// ode_vdp: Van der Pol (mu = 1, y0 = (2, 0), t in [0, 20]) with dopri5 at
// rtol 1e-6, atol 1e-9, float64 (../shared/bench/WORKLOADS.md). A 2-element
// state: the time is per-step overhead, not arithmetic.
#include <algorithm>
#include <cmath>

#include "bench/bench.h"
#include "fluxion.h"

namespace fluxion::bench {
namespace {

Tensor van_der_pol(const Tensor&, const Tensor& y) {
  Tensor x = y.select(0, 0), v = y.select(0, 1);
  return stack({v, (1.0 - x * x) * v - x}, 0);
}

void run(const Context& ctx) {
  Tensor y0 = tensor({2.0, 0.0}, Float64), t = tensor({0.0, 20.0}, Float64);
  const double reference[2] = {2.00814976217, -0.0425088752};  // dopri8, rtol 1e-11 ... 1e-13
  for (bool jit : {false, true}) {  // func through autograd's ops, or recorded once and replayed
    odeint::Stats stats;
    Tensor ys;
    Timing timing = time_it([&] {
      ys = odeint::odeint(van_der_pol, y0, t, {.rtol = 1e-6, .atol = 1e-9, .method = odeint::Method::dopri5,
                                               .stats = &stats, .jit = jit});
    });
    double err = std::max(std::abs(ys.at({1, 0}) - reference[0]), std::abs(ys.at({1, 1}) - reference[1]));
    Line("ode_vdp", ctx)
        .add("dtype", "f64")
        .add("variant", jit ? "jit" : "eager")
        .add("nfe", stats.nfe)
        .add("accepted_steps", stats.accepted)
        .add("rejected_steps", stats.rejected)
        .add("error_inf", err)
        .timing(timing)
        .print();
  }
}

const bool registered = add_workload("ode_vdp", run);

}  // namespace
}  // namespace fluxion::bench
