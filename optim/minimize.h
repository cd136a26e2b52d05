// SPDX-License-Identifier: MIT
// minimize(f, x0): unconstrained minimisation of a scalar function of one
// Float64 vector, like scipy.optimize.minimize. Gradients and Hessian-vector
// products come from autograd, so f is just tensor code:
//
//   auto rosen = [](const Tensor& x) { auto a = x[0], b = x[1]; return (1 - a).square() + 100 * (b - a * a).square(); };
//   auto res = optim::minimize(rosen, tensor({-1.2, 1.0}, Float64), {.method = Method::newton_cg, .gtol = 1e-6});
//   // res.x, res.fun, res.nit, res.nfev, res.nhvp, res.status == Status::converged_gradient
//
// Methods: gd (steepest descent + line search), bfgs, lbfgs, newton_cg
// (truncated Newton: CG on Hessian-vector products), trust_ncg (Steihaug CG
// in a trust region), newton (dense Hessian, for small problems).
// res.history holds every iterate, for drawing an optimisation path.
#pragma once
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "autograd/tensor.h"

namespace fluxion::optim {

enum class Method { gd, bfgs, lbfgs, newton_cg, trust_ncg, newton };

enum class Status {
  converged_gradient,  // |grad| <= gtol
  converged_function,  // |f_k - f_{k+1}| <= ftol max(1, |f|)
  converged_step,      // |x_k - x_{k+1}|_inf <= xtol
  max_iterations,
  max_evaluations,
  line_search_failed,      // no step satisfied the line search (the best point is returned)
  trust_region_collapsed,  // trust_ncg: the radius shrank to rounding level without an accepted step
  non_finite,              // f or its gradient became NaN or Inf
};
const char* status_name(Status s);

enum class HvpMode { forward_over_reverse, reverse_over_reverse };

struct MinimizeOptions {
  Method method = Method::lbfgs;
  double gtol = 1e-5;        // on the gradient norm below
  double gtol_norm = INFINITY;  // which norm: INFINITY (SciPy's default) or 2
  double ftol = 0;           // 0: off
  double xtol = 0;           // 0: off
  int max_iter = 0;          // 0: 200 * n (SciPy's default)
  int max_eval = 0;          // f+grad evaluations; 0: no bound beyond max_iter's
  int history_size = 10;     // L-BFGS memory m
  double c2 = 0.9;           // strong Wolfe curvature constant (tiny: a near-exact line search)
  HvpMode hvp = HvpMode::reverse_over_reverse;  // reuses the gradient's graph for every HVP at a point
  double initial_trust_radius = 1;  // trust_ncg
  double max_trust_radius = 1000;
  bool record_history = false;      // fill OptimizeResult::history
  // Record f, its gradient and its HVPs once with jit::trace and replay the
  // kernels at every point: several times faster for small problems, where
  // autograd's bookkeeping outweighs the arithmetic. f must be straight-line
  // tensor code (no branch on a value of x): see jit/trace.h.
  bool jit = false;
};

struct Iterate {
  std::vector<double> x;
  double f;
  double grad_norm;
};

struct OptimizeResult {
  Tensor x;           // the final point (Float64, x0's shape)
  double fun = 0;     // f(x)
  Tensor grad;        // grad f(x)
  int nit = 0;        // iterations
  int nfev = 0;       // f evaluations (distinct points)
  int ngev = 0;       // gradient evaluations
  int nhvp = 0;       // Hessian-vector products
  Status status = Status::max_iterations;
  std::string message;
  Tensor hess_inv;    // BFGS: the final inverse-Hessian estimate [n, n]
  std::vector<Iterate> history;  // x0 and every iterate, when record_history
  bool success() const {
    return status == Status::converged_gradient || status == Status::converged_function ||
           status == Status::converged_step;
  }
};

using ScalarFunction = std::function<Tensor(const Tensor&)>;

/// Minimises f from x0 (any floating shape; worked on as a flat Float64 vector).
OptimizeResult minimize(const ScalarFunction& f, const Tensor& x0, const MinimizeOptions& opts = {});

}  // namespace fluxion::optim
