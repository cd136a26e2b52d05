// SPDX-License-Identifier: MIT
// Second-derivative methods for minimize(), all driven by Hessian-vector
// products from autograd (forward-over-reverse by default): truncated
// Newton-CG with a line search, Steihaug CG in a trust region, and a dense
// Newton step for small problems.
#include <limits>

#include "optim/methods.h"
#include "tensor/kernels/loops.h"

// The methods' vector loops are compiled for AVX-512 / AVX2 / baseline
// (FLUXION_SIMD_CLONES), without fused multiply-adds, so that every clone
// rounds alike.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace fluxion::optim::detail {

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

// tau >= 0 with |z + tau d| = radius (the positive root of a quadratic).
double to_boundary(const Vec& z, const Vec& d, double radius) {
  double a = dot(d, d), b = 2 * dot(z, d), c = dot(z, z) - radius * radius;
  return (-b + std::sqrt(std::max(0.0, b * b - 4 * a * c))) / (2 * a);
}

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

// Newton-CG (N&W Algorithm 7.1): solve H p = -g approximately by conjugate
// gradients, to a relative residual eta = min(0.5, sqrt(|g|_1)) (superlinear
// near the minimum), stopping at the first direction of non-positive
// curvature (steepest descent if that happens on the first CG step), then a
// Wolfe line search from the full step.
FLUXION_SIMD_CLONES Status run_newton_cg(Objective& obj, Trace& trace, Point& cur) {
  size_t n = cur.x.size();
  while (true) {
    double mag = asum(cur.g), tol = std::min(0.5, std::sqrt(mag)) * mag;
    Vec z(n, 0.0), r = cur.g, d = r;
    for (double& v : d) v = -v;
    double rr = dot(r, r);
    for (size_t i = 0; i < 20 * n && asum(r) > tol; ++i) {
      Vec Bd = obj.hvp(cur.x, d);
      double curv = dot(d, Bd);
      if (curv >= 0 && curv <= 3 * kEps) break;
      if (curv < 0) {
        if (i == 0) z = step(z, rr / -curv, d);  // steepest descent, scaled by the curvature seen
        break;
      }
      double alpha = rr / curv;
      axpy(alpha, d, z);
      axpy(alpha, Bd, r);
      double rr_next = dot(r, r);
      for (size_t k = 0; k < n; ++k) d[k] = -r[k] + rr_next / rr * d[k];
      rr = rr_next;
    }
    LineSearchResult ls = more_thuente(trace.phi(cur.x, z), cur.f, dot(cur.g, z), 1.0,
                                       {.max_evals = std::min(25, trace.evals_left())});
    if (ls.status != LineSearchStatus::ok) return line_search_status(ls);
    Point prev = std::move(cur);
    cur = obj.take(step(prev.x, ls.alpha, z));
    if (auto s = trace.after_step(prev, cur)) return *s;
  }
}

// Trust-region Newton-CG (N&W Algorithms 4.1 and 7.2, Steihaug): minimise the
// quadratic model m(p) = f + g.p + p.Hp/2 inside |p| <= radius by CG, stopping
// on the boundary or at negative curvature; accept the step when the actual
// decrease is at least 15% of the predicted one, and resize the region by how
// well the model predicted.
Status run_trust_ncg(Objective& obj, Trace& trace, Point& cur, double radius, double max_radius) {
  size_t n = cur.x.size();
  while (true) {
    double gn = norm(cur.g), tol = std::min(0.5, std::sqrt(gn)) * gn;
    Vec z(n, 0.0), Bz(n, 0.0), r = cur.g, d = r;
    for (double& v : d) v = -v;
    Vec p = z, Bp = Bz;
    bool boundary = false;
    for (size_t j = 0; j < 20 * n + 1; ++j) {
      if (norm(r) < tol) break;
      Vec Bd = obj.hvp(cur.x, d);
      double dBd = dot(d, Bd), alpha = dot(r, r) / dBd;
      if (dBd <= 0 || norm(step(z, alpha, d)) >= radius) {  // leave through the boundary
        double tau = to_boundary(z, d, radius);
        p = step(z, tau, d);
        Bp = step(Bz, tau, Bd);
        boundary = true;
        break;
      }
      double rr = dot(r, r);
      axpy(alpha, d, z);
      axpy(alpha, Bd, Bz);
      axpy(alpha, Bd, r);
      double beta = dot(r, r) / rr;
      for (size_t k = 0; k < n; ++k) d[k] = -r[k] + beta * d[k];
      p = z;
      Bp = Bz;
    }
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
      if (radius < 1e-14 * std::max(1.0, norm(cur.x))) return Status::line_search_failed;  // region collapsed
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
    for (double& v : minus_g) v = -v;
    Vec p = cholesky_solve(L, n, minus_g);
    LineSearchResult ls = backtracking(trace.phi(cur.x, p), cur.f, dot(cur.g, p), 1.0);
    if (ls.status != LineSearchStatus::ok) return line_search_status(ls);
    Point prev = std::move(cur);
    cur = obj.eval(step(prev.x, ls.alpha, p));
    if (auto s = trace.after_step(prev, cur)) return *s;
  }
}

}  // namespace fluxion::optim::detail
