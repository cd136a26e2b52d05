// SPDX-License-Identifier: MIT
// rosenbrock_2 and rosenbrock_1000: minimize() on extended Rosenbrock from
// (-1.2, 1, -1.2, 1, ...) until ||grad||_2 < 1e-6 (n = 2) or 1e-5 (n = 1000),
// with every method; gradients and HVPs from autograd, run eagerly (jit 0)
// and replayed from a jit::trace (jit 1).
#include "bench/bench.h"
#include "fluxion.h"
#include "optim/minimize.h"

namespace fluxion::bench {
namespace {

// f = sum over pairs (a, b) of 100 (b - a^2)^2 + (1 - a)^2
Tensor rosenbrock(const Tensor& x) {
  Tensor pairs = x.reshape({-1, 2});
  Tensor a = pairs.select(1, 0), b = pairs.select(1, 1);
  Tensor u = b - a * a, v = 1.0 - a;
  return (100.0 * u * u + v * v).sum();
}

const char* method_name(optim::Method m) {
  switch (m) {
    case optim::Method::bfgs: return "bfgs";
    case optim::Method::lbfgs: return "lbfgs";
    case optim::Method::newton_cg: return "newton_cg";
    default: return "trust_ncg";
  }
}

void run_size(const Context& ctx, int64_t n, double gtol) {
  std::vector<double> start((size_t)n);
  for (int64_t i = 0; i < n; ++i) start[i] = i % 2 == 0 ? -1.2 : 1.0;
  Tensor x0 = tensor(start, {n}, Float64);
  for (bool jit : {false, true})
  for (optim::Method m : {optim::Method::bfgs, optim::Method::lbfgs, optim::Method::newton_cg, optim::Method::trust_ncg}) {
    if (n > 100 && m == optim::Method::bfgs) continue;  // dense n x n inverse Hessian: not the point at n = 1000
    optim::MinimizeOptions opts{.method = m, .gtol = gtol, .gtol_norm = 2, .jit = jit};
    optim::OptimizeResult res;
    Timing t = time_it([&] { res = optim::minimize(rosenbrock, x0, opts); }, 5);
    Line(n == 2 ? "rosenbrock_2" : "rosenbrock_1000", ctx)
        .add("dtype", "f64")
        .add("n", n)
        .add("method", method_name(m))
        .add("jit", (int)jit)
        .add("iterations", res.nit)
        .add("fevals", res.nfev)
        .add("gevals", res.ngev)
        .add("hvp_evals", res.nhvp)
        .add("final_f", res.fun)
        .add("status", optim::status_name(res.status))
        .timing(t)
        .print();
  }
}

void run2(const Context& ctx) { run_size(ctx, 2, 1e-6); }
void run1000(const Context& ctx) { run_size(ctx, 1000, 1e-5); }

const bool registered = add_workload("rosenbrock_2", run2) && add_workload("rosenbrock_1000", run1000);

}  // namespace
}  // namespace fluxion::bench
