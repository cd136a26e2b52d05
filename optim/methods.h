// SPDX-License-Identifier: MIT
// Internal to optim/: the bookkeeping shared by every minimize() method
// (iteration count, stopping tests, history) and the methods themselves.
#pragma once
#include <optional>

#include "optim/line_search.h"
#include "optim/objective.h"

namespace fluxion::optim::detail {

class Trace {
 public:
  Trace(Objective& obj, const MinimizeOptions& o, OptimizeResult& r, size_t n);
  double gnorm(const Vec& g) const { return norm(g, o_.gtol_norm); }
  /// Before the first step: already converged, or non-finite at x0?
  std::optional<Status> at_start(const Point& p);
  /// After an accepted step prev -> cur: counts it and applies the stopping tests.
  std::optional<Status> after_step(const Point& prev, const Point& cur);
  /// After a rejected trust-region step: counts it, checks the iteration bound.
  std::optional<Status> after_rejected();
  /// Evaluations left for a line search.
  int evals_left() const;
  /// phi(alpha) = f(x + alpha p), for a line search; x and p must outlive it.
  Phi phi(const Vec& x, const Vec& p) const;
  const MinimizeOptions& options() const { return o_; }
  OptimizeResult& result() { return r_; }

 private:
  std::optional<Status> bounds() const;
  void record(const Point& p);
  Objective& obj_;
  const MinimizeOptions& o_;
  OptimizeResult& r_;
  int max_iter_;
};

Status run_gd(Objective& obj, Trace& trace, Point& cur);
Status run_bfgs(Objective& obj, Trace& trace, Point& cur);
Status run_lbfgs(Objective& obj, Trace& trace, Point& cur, int m);
Status run_newton_cg(Objective& obj, Trace& trace, Point& cur);
Status run_trust_ncg(Objective& obj, Trace& trace, Point& cur, double radius, double max_radius);
Status run_newton(Objective& obj, Trace& trace, Point& cur);

/// A status for a failed line search (non-finite values or no acceptable step).
Status line_search_status(const LineSearchResult& ls);

}  // namespace fluxion::optim::detail
