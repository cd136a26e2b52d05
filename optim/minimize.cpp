// SPDX-License-Identifier: MIT
// minimize(): the driver, and the stopping rules every method shares.
#include "optim/minimize.h"

#include "autograd/ops.h"
#include "optim/methods.h"

namespace fluxion::optim {

const char* status_name(Status s) {
  switch (s) {
    case Status::converged_gradient: return "converged: gradient norm below gtol";
    case Status::converged_function: return "converged: change in f below ftol";
    case Status::converged_step: return "converged: step below xtol";
    case Status::max_iterations: return "stopped: maximum number of iterations reached";
    case Status::max_evaluations: return "stopped: maximum number of function evaluations reached";
    case Status::line_search_failed: return "stopped: the line search found no acceptable step";
    case Status::trust_region_collapsed:
      return "stopped: the trust region shrank to nothing without an acceptable step";
    default: return "stopped: f or its gradient is not finite";
  }
}

namespace detail {

Trace::Trace(Objective& obj, const MinimizeOptions& o, OptimizeResult& r, size_t n)
    : obj_(obj), o_(o), r_(r), max_iter_(o.max_iter > 0 ? o.max_iter : (int)std::max<size_t>(200 * n, 200)) {}

void Trace::record(const Point& p) {
  if (o_.record_history) r_.history.push_back({std::vector<double>(p.x.begin(), p.x.end()), p.f, gnorm(p.g)});
}

std::optional<Status> Trace::bounds() const {
  if (r_.nit >= max_iter_) return Status::max_iterations;
  if (o_.max_eval > 0 && obj_.nfev >= o_.max_eval) return Status::max_evaluations;
  return std::nullopt;
}

std::optional<Status> Trace::at_start(const Point& p) {
  record(p);
  if (!std::isfinite(p.f) || !all_finite(p.g)) return Status::non_finite;
  if (gnorm(p.g) <= o_.gtol) return Status::converged_gradient;
  return std::nullopt;
}

std::optional<Status> Trace::after_step(const Point& prev, const Point& cur) {
  ++r_.nit;
  record(cur);
  if (!std::isfinite(cur.f) || !all_finite(cur.g)) return Status::non_finite;
  if (gnorm(cur.g) <= o_.gtol) return Status::converged_gradient;
  if (o_.ftol > 0 && std::abs(prev.f - cur.f) <= o_.ftol * std::max(1.0, std::abs(cur.f)))
    return Status::converged_function;
  if (o_.xtol > 0 && amax(minus(cur.x, prev.x)) <= o_.xtol) return Status::converged_step;
  return bounds();
}

std::optional<Status> Trace::after_rejected() {
  ++r_.nit;
  return bounds();
}

int Trace::evals_left() const { return o_.max_eval > 0 ? std::max(1, o_.max_eval - obj_.nfev) : 1 << 30; }

Phi Trace::phi(const Vec& x, const Vec& p) const {
  return [this, &x, &p](double alpha) {  // by reference: a Phi lives for one line search from x
    const Point& q = obj_.eval(step(x, alpha, p));
    return PhiValue{q.f, dot(q.g, p)};
  };
}

Status line_search_status(const LineSearchResult& ls) {
  return ls.status == LineSearchStatus::non_finite ? Status::non_finite : Status::line_search_failed;
}

}  // namespace detail

OptimizeResult minimize(const ScalarFunction& f, const Tensor& x0, const MinimizeOptions& o) {
  check(x0.defined() && x0.is_floating_point() && x0.numel() > 0,
        "minimize: x0 must be a non-empty floating tensor (it is worked on in Float64)");
  check(o.gtol >= 0 && o.ftol >= 0 && o.xtol >= 0, "minimize: tolerances must be >= 0");
  check(o.history_size > 0, "minimize: history_size must be positive, got ", o.history_size);
  check(o.method >= Method::gd && o.method <= Method::newton, "minimize: method ", (int)o.method,
        " is not a Method (gd, bfgs, lbfgs, newton_cg, trust_ncg, newton)");
  check(o.max_iter >= 0 && o.max_eval >= 0, "minimize: max_iter (", o.max_iter, ") and max_eval (", o.max_eval,
        ") must be >= 0 (0: the default bound)");
  check(o.gtol_norm == 2 || o.gtol_norm == INFINITY, "minimize: gtol_norm must be 2 or INFINITY, got ", o.gtol_norm);
  // c2 below the sufficient-decrease constant c1 is allowed: it asks for a near-exact line search.
  check(o.c2 > 0 && o.c2 < 1, "minimize: the curvature constant c2 must lie in (0, 1), got ", o.c2);
  check(o.initial_trust_radius > 0 && o.max_trust_radius >= o.initial_trust_radius,
        "minimize: trust radii must satisfy 0 < initial_trust_radius <= max_trust_radius, got ", o.initial_trust_radius,
        " and ", o.max_trust_radius);
  OptimizeResult r;
  detail::Objective obj(f, x0, o.hvp, o.jit);
  detail::Trace trace(obj, o, r, (size_t)x0.numel());
  detail::Point cur = obj.eval(detail::to_vec(x0.detach()));
  std::optional<Status> start = trace.at_start(cur);
  Status s;
  if (start) {
    s = *start;
  } else {
    switch (o.method) {
      case Method::gd: s = detail::run_gd(obj, trace, cur); break;
      case Method::bfgs: s = detail::run_bfgs(obj, trace, cur); break;
      case Method::lbfgs: s = detail::run_lbfgs(obj, trace, cur, o.history_size); break;
      case Method::newton_cg: s = detail::run_newton_cg(obj, trace, cur); break;
      case Method::trust_ncg:
        s = detail::run_trust_ncg(obj, trace, cur, o.initial_trust_radius, o.max_trust_radius);
        break;
      default: s = detail::run_newton(obj, trace, cur); break;
    }
  }
  r.x = obj.to_tensor(cur.x);
  r.fun = cur.f;
  r.grad = obj.to_tensor(cur.g);
  r.nfev = r.ngev = obj.nfev;
  r.nhvp = obj.nhvp;
  r.status = s;
  r.message = status_name(s);
  return r;
}

}  // namespace fluxion::optim
