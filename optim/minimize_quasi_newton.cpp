// SPDX-License-Identifier: MIT
// First-derivative methods for minimize(): steepest descent, BFGS and L-BFGS,
// each stepping along a direction p with a Moré-Thuente (strong Wolfe) line search.
#include <limits>

#include "autograd/ops.h"
#include "optim/methods.h"
#include "optim/quasi_newton.h"

// Without fused multiply-adds, as tensor/vec.h's loops, so that every SIMD clone
// (FLUXION_SIMD_CLONES) rounds alike.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace fluxion::optim::detail {

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

// Line search from cur along p (Moré-Thuente, strong Wolfe); on success the new point.
std::optional<Point> line_step(Objective& obj, Trace& trace, const Point& cur, const Vec& p, double alpha0,
                               MoreThuenteOptions ls_opts = {}) {
  ls_opts.c2 = trace.options().c2;
  ls_opts.max_evals = std::min(trace.options().c2 < 0.1 ? 60 : 25, trace.evals_left());
  LineSearchResult ls = more_thuente(trace.phi(cur.x, p), cur.f, dot(cur.g, p), alpha0, ls_opts);
  if (ls.status != LineSearchStatus::ok) return std::nullopt;
  return obj.take(step(cur.x, ls.alpha, p));  // memoised: no new evaluation
}

// SciPy's first trial step: the step that would reach the previous decrease
// of f along a quadratic model, at most 1.
double first_trial(double f, double f_prev, double dphi0) {
  return std::min(1.0, 1.01 * 2 * (f - f_prev) / dphi0);
}

}  // namespace

// Steepest descent: p = -grad f.
Status run_gd(Objective& obj, Trace& trace, Point& cur) {
  double f_prev = cur.f + norm(cur.g) / 2;
  while (true) {
    Vec p = cur.g;
    vec::scale(-1, p);
    auto next = line_step(obj, trace, cur, p, first_trial(cur.f, f_prev, dot(cur.g, p)));
    if (!next) return Status::line_search_failed;
    f_prev = cur.f;
    Point prev = std::move(cur);
    cur = std::move(*next);
    if (auto s = trace.after_step(prev, cur)) return *s;
  }
}

// BFGS: p = -H g with H the inverse-Hessian estimate, updated from each step
// s and gradient change y (quasi_newton.h). H starts as I, as in SciPy (with
// the same line search the iterates match SciPy's). A step with
// y^T s <= eps |y|^2 (no positive curvature) leaves H as it is.
Status run_bfgs(Objective& obj, Trace& trace, Point& cur) {
  size_t n = cur.x.size();
  Vec H = bfgs_identity(n);
  double f_prev = cur.f + norm(cur.g) / 2;
  while (true) {
    Vec p = bfgs_direction(H, cur.g);
    double dphi0 = dot(cur.g, p);
    if (!(dphi0 < 0)) {  // H lost positive definiteness to rounding: restart from steepest descent
      H = bfgs_identity(n);
      p = cur.g;
      vec::scale(-1, p);
      dphi0 = dot(cur.g, p);
    }
    auto next = line_step(obj, trace, cur, p, first_trial(cur.f, f_prev, dphi0));
    if (!next) {
      trace.result().hess_inv = to_tensor(H, {(int64_t)n, (int64_t)n});
      return Status::line_search_failed;
    }
    Vec s = minus(next->x, cur.x), y = minus(next->g, cur.g);
    double ys = dot(y, s), yy = dot(y, y);
    if (ys > kEps * yy && ys > 0) bfgs_update(H, s, y, ys);
    f_prev = cur.f;
    Point prev = std::move(cur);
    cur = std::move(*next);
    if (auto s_ = trace.after_step(prev, cur)) {
      trace.result().hess_inv = to_tensor(H, {(int64_t)n, (int64_t)n});
      return *s_;
    }
  }
}

// L-BFGS: p = -H g by the two-loop recursion over the last m pairs (s, y)
// (quasi_newton.h), with H0 = (s^T y / y^T y) I from the newest pair.
Status run_lbfgs(Objective& obj, Trace& trace, Point& cur, int m) {
  LbfgsHistory h;
  bool first = true;
  while (true) {
    Vec q = cur.g;
    lbfgs_two_loop(h, q);
    vec::scale(-1, q);  // p = -H g
    // First step: length 1 along -g/|g| (as L-BFGS-B); then the unit quasi-Newton step.
    double alpha0 = first ? std::min(1.0, 1.0 / norm(cur.g)) : 1.0;
    first = false;
    auto next = line_step(obj, trace, cur, q, alpha0, {.c1 = 1e-3, .xtol = 0.1});  // L-BFGS-B's settings
    if (!next) return Status::line_search_failed;
    Vec s = minus(next->x, cur.x), y = minus(next->g, cur.g);
    double ys = dot(y, s), yy = dot(y, y);
    if (ys > kEps * yy && ys > 0) h.push(std::move(s), std::move(y), ys, yy, (size_t)m);
    Point prev = std::move(cur);
    cur = std::move(*next);
    if (auto st = trace.after_step(prev, cur)) return *st;
  }
}

}  // namespace fluxion::optim::detail
