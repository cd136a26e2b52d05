// SPDX-License-Identifier: MIT
// First-derivative methods for minimize(): steepest descent, BFGS and L-BFGS,
// each stepping along a direction p with a strong Wolfe line search.
#include <limits>

#include "autograd/ops.h"
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

// Line search from cur along p (Moré-Thuente, strong Wolfe); on success the new point.
FLUXION_SIMD_CLONES std::optional<Point> line_step(Objective& obj, Trace& trace, const Point& cur, const Vec& p,
                                                   double alpha0, MoreThuenteOptions ls_opts = {}) {
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
    for (double& v : p) v = -v;
    auto next = line_step(obj, trace, cur, p, first_trial(cur.f, f_prev, dot(cur.g, p)));
    if (!next) return Status::line_search_failed;
    f_prev = cur.f;
    Point prev = std::move(cur);
    cur = std::move(*next);
    if (auto s = trace.after_step(prev, cur)) return *s;
  }
}

// BFGS: p = -H g with H the inverse-Hessian estimate, updated from each step
// s and gradient change y (N&W 6.17):
//   H <- (I - rho s y^T) H (I - rho y s^T) + rho s s^T,   rho = 1 / (y^T s).
// H starts as I, as in SciPy (with the same line search the iterates match
// SciPy's). A step with y^T s <= eps |y|^2 (no positive curvature) leaves H as it is.
Status run_bfgs(Objective& obj, Trace& trace, Point& cur) {
  size_t n = cur.x.size();
  Vec H(n * n, 0.0);
  for (size_t i = 0; i < n; ++i) H[i * n + i] = 1;
  double f_prev = cur.f + norm(cur.g) / 2;
  while (true) {
    Vec p(n, 0.0);
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < n; ++j) p[i] -= H[i * n + j] * cur.g[j];
    double dphi0 = dot(cur.g, p);
    if (!(dphi0 < 0)) {  // H lost positive definiteness to rounding: restart from steepest descent
      std::fill(H.begin(), H.end(), 0.0);
      for (size_t i = 0; i < n; ++i) H[i * n + i] = 1, p[i] = -cur.g[i];
      dphi0 = dot(cur.g, p);
    }
    auto next = line_step(obj, trace, cur, p, first_trial(cur.f, f_prev, dphi0));
    if (!next) {
      trace.result().hess_inv = to_tensor(H, {(int64_t)n, (int64_t)n});
      return Status::line_search_failed;
    }
    Vec s = minus(next->x, cur.x), y = minus(next->g, cur.g);
    double ys = dot(y, s), yy = dot(y, y);
    if (ys > kEps * yy && ys > 0) {
      double rho = 1 / ys;
      Vec Hy(n, 0.0);  // H y (H is symmetric, so also y^T H)
      for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < n; ++j) Hy[i] += H[i * n + j] * y[j];
      double yHy = dot(y, Hy);
      // Expanded: H - rho (s Hy^T + Hy s^T) + (rho^2 yHy + rho) s s^T
      for (size_t i = 0; i < n; ++i)
        for (size_t j = 0; j < n; ++j)
          H[i * n + j] += -rho * (s[i] * Hy[j] + Hy[i] * s[j]) + (rho * rho * yHy + rho) * s[i] * s[j];
    }
    f_prev = cur.f;
    Point prev = std::move(cur);
    cur = std::move(*next);
    if (auto s_ = trace.after_step(prev, cur)) {
      trace.result().hess_inv = to_tensor(H, {(int64_t)n, (int64_t)n});
      return *s_;
    }
  }
}

// L-BFGS: H g from the last m pairs (s, y) by the two-loop recursion
// (N&W Algorithm 7.4), with H0 = (s^T y / y^T y) I from the newest pair.
FLUXION_SIMD_CLONES Status run_lbfgs(Objective& obj, Trace& trace, Point& cur, int m) {
  std::deque<Vec> S, Y;
  std::deque<double> rho;
  double gamma = 1;  // s^T y / y^T y of the newest pair
  bool first = true;
  while (true) {
    Vec q = cur.g;
    std::vector<double> a(S.size());
    for (size_t i = S.size(); i-- > 0;) {
      a[i] = rho[i] * dot(S[i], q);
      axpy(-a[i], Y[i], q);
    }
    for (double& v : q) v *= gamma;
    for (size_t i = 0; i < S.size(); ++i) {
      double b = rho[i] * dot(Y[i], q);
      axpy(a[i] - b, S[i], q);
    }
    for (double& v : q) v = -v;  // p = -H g
    // First step: length 1 along -g/|g| (as L-BFGS-B); then the unit quasi-Newton step.
    double alpha0 = first ? std::min(1.0, 1.0 / norm(cur.g)) : 1.0;
    first = false;
    auto next = line_step(obj, trace, cur, q, alpha0, {.c1 = 1e-3, .xtol = 0.1});  // L-BFGS-B's settings
    if (!next) return Status::line_search_failed;
    Vec s = minus(next->x, cur.x), y = minus(next->g, cur.g);
    double ys = dot(y, s), yy = dot(y, y);
    if (ys > kEps * yy && ys > 0) {
      S.push_back(std::move(s));
      Y.push_back(std::move(y));
      rho.push_back(1 / ys);
      gamma = ys / yy;
      if ((int)S.size() > m) S.pop_front(), Y.pop_front(), rho.pop_front();
    }
    Point prev = std::move(cur);
    cur = std::move(*next);
    if (auto st = trace.after_step(prev, cur)) return *st;
  }
}

}  // namespace fluxion::optim::detail
