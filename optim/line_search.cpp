// SPDX-License-Identifier: MIT
// Strong Wolfe by bracketing and zoom (Nocedal & Wright), backtracking, and
// the cubic interpolation both share.
#include "optim/line_search.h"

#include <algorithm>
#include <cmath>

namespace fluxion::optim {

double cubic_minimizer(double a, double fa, double ga, double b, double fb, double gb, double lo, double hi) {
  // N&W (3.59): with d1 = ga + gb - 3 (fa - fb) / (a - b), d2 = sign(b - a) sqrt(d1^2 - ga gb),
  // the minimiser is b - (b - a) (gb + d2 - d1) / (gb - ga + 2 d2).
  double d1 = ga + gb - 3 * (fa - fb) / (a - b);
  double disc = d1 * d1 - ga * gb;
  double mid = 0.5 * (lo + hi);
  if (!(disc >= 0) || !std::isfinite(disc)) return mid;
  double d2 = (b > a ? 1 : -1) * std::sqrt(disc);
  double denom = gb - ga + 2 * d2;
  if (denom == 0 || !std::isfinite(denom)) return mid;
  double t = b - (b - a) * (gb + d2 - d1) / denom;
  if (!std::isfinite(t)) return mid;
  return std::clamp(t, lo, hi);
}

namespace {

bool finite(const PhiValue& v) { return std::isfinite(v.phi) && std::isfinite(v.dphi); }

LineSearchResult accept(double alpha, const PhiValue& v, int evals) {
  return {alpha, v.phi, v.dphi, evals, LineSearchStatus::ok};
}

// Zoom in [lo, hi] (lo: the end with the lower phi satisfying Armijo).
LineSearchResult zoom(const Phi& phi, double phi0, double dphi0, double lo, PhiValue vlo, double hi, PhiValue vhi,
                      int evals, const WolfeOptions& o) {
  while (evals < o.max_evals) {
    double a = std::min(lo, hi), b = std::max(lo, hi), width = b - a;
    // Stay 10% inside the interval so it always shrinks.
    double alpha = cubic_minimizer(lo, vlo.phi, vlo.dphi, hi, vhi.phi, vhi.dphi, a + 0.1 * width, b - 0.1 * width);
    if (width <= 1e-16 * std::max(1.0, b)) break;
    PhiValue v = phi(alpha);
    ++evals;
    if (!finite(v)) {  // too far: shrink towards lo, the known good end (bisection next)
      hi = alpha;
      vhi = v;
      continue;
    }
    if (v.phi > phi0 + o.c1 * alpha * dphi0 || v.phi >= vlo.phi) {
      hi = alpha;
      vhi = v;
    } else {
      if (std::abs(v.dphi) <= -o.c2 * dphi0) return accept(alpha, v, evals);
      if (v.dphi * (hi - lo) >= 0) {
        hi = lo;
        vhi = vlo;
      }
      lo = alpha;
      vlo = v;
    }
  }
  // Out of evaluations: keep the best Armijo point if it improves on phi(0).
  if (lo > 0 && vlo.phi < phi0) return accept(lo, vlo, evals);
  return {0, phi0, dphi0, evals, LineSearchStatus::failed};
}

}  // namespace

LineSearchResult strong_wolfe(const Phi& phi, double phi0, double dphi0, double alpha0, const WolfeOptions& o) {
  if (!(dphi0 < 0)) return {0, phi0, dphi0, 0, LineSearchStatus::failed};  // not a descent direction
  double prev = 0, alpha = std::min(alpha0, o.alpha_max);
  PhiValue vprev{phi0, dphi0};
  int evals = 0;
  while (evals < o.max_evals) {
    PhiValue v = phi(alpha);
    ++evals;
    if (!finite(v)) {  // stepped into NaN/Inf territory: come back towards the last good point
      if (alpha - prev < 1e-16) return {0, phi0, dphi0, evals, LineSearchStatus::non_finite};
      alpha = prev + 0.1 * (alpha - prev);
      continue;
    }
    if (v.phi > phi0 + o.c1 * alpha * dphi0 || (evals > 1 && v.phi >= vprev.phi))
      return zoom(phi, phi0, dphi0, prev, vprev, alpha, v, evals, o);
    if (std::abs(v.dphi) <= -o.c2 * dphi0) return accept(alpha, v, evals);
    if (v.dphi >= 0) return zoom(phi, phi0, dphi0, alpha, v, prev, vprev, evals, o);
    double next = std::min(2 * alpha, o.alpha_max);  // still descending: extrapolate
    if (next == alpha) return accept(alpha, v, evals);
    prev = alpha;
    vprev = v;
    alpha = next;
  }
  if (prev > 0 && vprev.phi < phi0) return accept(prev, vprev, evals);
  return {0, phi0, dphi0, evals, LineSearchStatus::failed};
}

LineSearchResult backtracking(const Phi& phi, double phi0, double dphi0, double alpha0, double c1, double shrink,
                              int max_evals) {
  if (!(dphi0 < 0)) return {0, phi0, dphi0, 0, LineSearchStatus::failed};
  double alpha = alpha0;
  for (int evals = 1; evals <= max_evals; ++evals, alpha *= shrink) {
    PhiValue v = phi(alpha);
    if (finite(v) && v.phi <= phi0 + c1 * alpha * dphi0) return accept(alpha, v, evals);
  }
  return {0, phi0, dphi0, max_evals, LineSearchStatus::failed};
}

}  // namespace fluxion::optim
