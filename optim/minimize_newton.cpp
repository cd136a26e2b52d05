// SPDX-License-Identifier: MIT
// Second-derivative methods for minimize(), all driven by Hessian-vector
// products from autograd (forward-over-reverse by default): truncated
// Newton-CG with a line search, Steihaug CG in a trust region, and a dense
// Newton step for small problems.
#include <limits>

#include "optim/conjugate_gradient.h"
#include "optim/methods.h"

// Without fused multiply-adds, as tensor/vec.h's loops: the same bits on every machine.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace fluxion::optim::detail {

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

// Cholesky of a dense symmetric n x n matrix in place (lower); false if not positive definite.
bool cholesky(Vec& A, size_t n) {
  for (size_t j = 0; j < n; ++j) {
    double d = A[j * n + j];
    for (size_t k = 0; k < j; ++k) d -= A[j * n + k] * A[j * n + k];
    if (!(d > 0)) return false;
    A[j * n + j] = std::sqrt(d);
    for (size_t i = j + 1; i < n; ++i) {
      double v = A[i * n + j];
      for (size_t k = 0; k < j; ++k) v -= A[i * n + k] * A[j * n + k];
      A[i * n + j] = v / A[j * n + j];
    }
  }
  return true;
}

// Solves L L^T x = b with the factor from cholesky().
Vec cholesky_solve(const Vec& L, size_t n, Vec b) {
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = 0; k < i; ++k) b[i] -= L[i * n + k] * b[k];
    b[i] /= L[i * n + i];
  }
  for (size_t i = n; i-- > 0;) {
    for (size_t k = i + 1; k < n; ++k) b[i] -= L[k * n + i] * b[k];
    b[i] /= L[i * n + i];
  }
  return b;
}

}  // namespace

// Newton-CG: the truncated CG step of conjugate_gradient.h with SciPy's
// settings (1-norm residual test, 20 n CG steps), then a Moré-Thuente line
// search from the full step.
Status run_newton_cg(Objective& obj, Trace& trace, Point& cur) {
  const TruncatedCGOptions cg{
      .max_iter = 20 * cur.x.size(), .residual_norm = 1, .flat_curvature = 3 * kEps, .scale_descent = true};
  while (true) {
    Vec z = truncated_cg([&](const Vec& v) { return obj.hvp(cur.x, v); }, cur.g, cg);
    LineSearchResult ls =
        more_thuente(trace.phi(cur.x, z), cur.f, dot(cur.g, z), 1.0, {.max_evals = std::min(25, trace.evals_left())});
    if (ls.status != LineSearchStatus::ok) return line_search_status(ls);
    Point prev = std::move(cur);
    cur = obj.take(step(prev.x, ls.alpha, z));
    if (auto s = trace.after_step(prev, cur)) return *s;
  }
}

// Trust-region Newton-CG (N&W Algorithm 4.1 around Steihaug's CG): take the
// CG step within |p| <= radius; accept it when the actual decrease is at
// least 15% of the model's predicted one, and resize the region by how well
// the model predicted.
Status run_trust_ncg(Objective& obj, Trace& trace, Point& cur, double radius, double max_radius) {
  size_t n = cur.x.size();
  while (true) {
    auto [p, Bp, boundary] = steihaug_cg([&](const Vec& v) { return obj.hvp(cur.x, v); }, cur.g, radius, 20 * n + 1);
    double predicted = -(dot(cur.g, p) + 0.5 * dot(p, Bp));
    const Point& trial = obj.eval(step(cur.x, 1.0, p));
    double actual = cur.f - trial.f;
    double rho = predicted > 0 && std::isfinite(trial.f) ? actual / predicted : -1;
    if (rho < 0.25) radius *= 0.25;
    else if (rho > 0.75 && boundary) radius = std::min(2 * radius, max_radius);
    if (rho > 0.15) {
      Point prev = std::move(cur);
      cur = trial;
      if (auto s = trace.after_step(prev, cur)) return *s;
    } else {
      if (radius < 1e-14 * std::max(1.0, norm(cur.x))) return Status::trust_region_collapsed;
      if (auto s = trace.after_rejected()) return *s;
    }
  }
}

// Newton with the dense Hessian (n HVPs): solve (H + mu I) p = -g by
// Cholesky, raising mu until H + mu I is positive definite, then backtrack
// from the full step. On a convex quadratic the first step is exact.
Status run_newton(Objective& obj, Trace& trace, Point& cur) {
  size_t n = cur.x.size();
  while (true) {
    Vec H(n * n);
    for (size_t j = 0; j < n; ++j) {
      Vec e(n, 0.0);
      e[j] = 1;
      Vec col = obj.hvp(cur.x, e);
      for (size_t i = 0; i < n; ++i) H[i * n + j] = col[i];
    }
    for (size_t i = 0; i < n; ++i)  // symmetrise away rounding
      for (size_t j = 0; j < i; ++j) H[i * n + j] = H[j * n + i] = 0.5 * (H[i * n + j] + H[j * n + i]);
    Vec L;
    for (double mu = 0;; mu = std::max(1e-8, 10 * mu)) {
      L = H;
      for (size_t i = 0; i < n; ++i) L[i * n + i] += mu;
      if (cholesky(L, n)) break;
      if (mu > 1e16) return Status::non_finite;
    }
    Vec minus_g = cur.g;
    vec::scale(-1, minus_g);
    Vec p = cholesky_solve(L, n, minus_g);
    LineSearchResult ls = backtracking(trace.phi(cur.x, p), cur.f, dot(cur.g, p), 1.0);
    if (ls.status != LineSearchStatus::ok) return line_search_status(ls);
    Point prev = std::move(cur);
    cur = obj.eval(step(prev.x, ls.alpha, p));
    if (auto s = trace.after_step(prev, cur)) return *s;
  }
}

}  // namespace fluxion::optim::detail
