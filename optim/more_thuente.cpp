// SPDX-License-Identifier: MIT
// The Moré-Thuente line search (ACM TOMS 20, 1994; MINPACK-2's dcsrch and
// dcstep), the one SciPy's BFGS and L-BFGS-B use. It keeps an interval of
// uncertainty [stx, sty] that is known to contain a step satisfying the
// strong Wolfe conditions, and picks each trial step by safeguarded cubic,
// quadratic or secant interpolation of phi and phi'.
#include <algorithm>
#include <cmath>

#include "optim/line_search.h"

namespace fluxion::optim {

namespace {

struct Interval {
  double stx, fx, dx;  // the best step so far
  double sty, fy, dy;  // the other end
  bool bracketed = false;
};

// One dcstep: a new trial step from the interval and the trial (stp, fp, dp),
// and the interval updated with the trial.
double dcstep(Interval& I, double stp, double fp, double dp, double stpmin, double stpmax) {
  double sgnd = dp * (I.dx / std::abs(I.dx));
  double stpf;
  auto cubic_gamma = [](double theta, double a, double b) {
    double s = std::max({std::abs(theta), std::abs(a), std::abs(b)});
    return s * std::sqrt(std::max(0.0, (theta / s) * (theta / s) - (a / s) * (b / s)));
  };
  if (fp > I.fx) {  // 1: higher function value: the minimum is bracketed
    double theta = 3 * (I.fx - fp) / (stp - I.stx) + I.dx + dp;
    double gamma = cubic_gamma(theta, I.dx, dp) * (stp < I.stx ? -1 : 1);
    double r = ((gamma - I.dx) + theta) / (((gamma - I.dx) + gamma) + dp);
    double stpc = I.stx + r * (stp - I.stx);
    double stpq = I.stx + ((I.dx / ((I.fx - fp) / (stp - I.stx) + I.dx)) / 2) * (stp - I.stx);
    stpf = std::abs(stpc - I.stx) < std::abs(stpq - I.stx) ? stpc : stpc + (stpq - stpc) / 2;
    I.bracketed = true;
  } else if (sgnd < 0) {  // 2: derivatives of opposite sign: bracketed
    double theta = 3 * (I.fx - fp) / (stp - I.stx) + I.dx + dp;
    double gamma = cubic_gamma(theta, I.dx, dp) * (stp > I.stx ? -1 : 1);
    double r = ((gamma - dp) + theta) / (((gamma - dp) + gamma) + I.dx);
    double stpc = stp + r * (I.stx - stp), stpq = stp + (dp / (dp - I.dx)) * (I.stx - stp);
    stpf = std::abs(stpc - stp) > std::abs(stpq - stp) ? stpc : stpq;
    I.bracketed = true;
  } else if (std::abs(dp) < std::abs(I.dx)) {  // 3: same sign, the derivative decreases
    double theta = 3 * (I.fx - fp) / (stp - I.stx) + I.dx + dp;
    double gamma = cubic_gamma(theta, I.dx, dp) * (stp > I.stx ? -1 : 1);
    double r = ((gamma - dp) + theta) / ((gamma + (I.dx - dp)) + gamma);
    double stpc = r < 0 && gamma != 0 ? stp + r * (I.stx - stp) : (stp > I.stx ? stpmax : stpmin);
    double stpq = stp + (dp / (dp - I.dx)) * (I.stx - stp);
    if (I.bracketed) {
      stpf = std::abs(stpc - stp) < std::abs(stpq - stp) ? stpc : stpq;
      stpf = stp > I.stx ? std::min(stp + 0.66 * (I.sty - stp), stpf) : std::max(stp + 0.66 * (I.sty - stp), stpf);
    } else {
      stpf = std::abs(stpc - stp) > std::abs(stpq - stp) ? stpc : stpq;
      stpf = std::clamp(stpf, stpmin, stpmax);
    }
  } else {  // 4: same sign, the derivative does not decrease
    if (I.bracketed) {
      double theta = 3 * (fp - I.fy) / (I.sty - stp) + I.dy + dp;
      double gamma = cubic_gamma(theta, I.dy, dp) * (stp > I.sty ? -1 : 1);
      double r = ((gamma - dp) + theta) / (((gamma - dp) + gamma) + I.dy);
      stpf = stp + r * (I.sty - stp);
    } else {
      stpf = stp > I.stx ? stpmax : stpmin;
    }
  }
  if (fp > I.fx) {
    I.sty = stp, I.fy = fp, I.dy = dp;
  } else {
    if (sgnd < 0) I.sty = I.stx, I.fy = I.fx, I.dy = I.dx;
    I.stx = stp, I.fx = fp, I.dx = dp;
  }
  return stpf;
}

}  // namespace

LineSearchResult more_thuente(const Phi& phi, double phi0, double dphi0, double alpha0, const MoreThuenteOptions& o) {
  if (!(dphi0 < 0)) return {0, phi0, dphi0, 0, LineSearchStatus::failed};
  const double xtrapl = 1.1, xtrapu = 4.0, gtest = o.c1 * dphi0;
  Interval I{0, phi0, dphi0, 0, phi0, dphi0};
  bool stage1 = true;
  double width = o.alpha_max - o.alpha_min, width1 = 2 * width;
  double stp = std::clamp(alpha0, o.alpha_min, o.alpha_max), stmin = 0, stmax = stp + xtrapu * stp;
  double best = 0, best_phi = phi0, best_dphi = dphi0;  // the best Armijo point seen
  int evals = 0;
  while (evals < o.max_evals) {
    ++evals;
    PhiValue v = phi(stp);
    if (!std::isfinite(v.phi) || !std::isfinite(v.dphi)) {  // too far: back towards the best step
      if (stp - I.stx < 1e-16 * std::max(1.0, stp)) return {0, phi0, dphi0, evals, LineSearchStatus::non_finite};
      stp = I.stx + 0.5 * (stp - I.stx);
      stmax = stp;
      continue;
    }
    double ftest = phi0 + stp * gtest;
    if (v.phi <= ftest && v.phi < best_phi) best = stp, best_phi = v.phi, best_dphi = v.dphi;
    if (v.phi <= ftest && std::abs(v.dphi) <= -o.c2 * dphi0) return {stp, v.phi, v.dphi, evals, LineSearchStatus::ok};
    if (stage1 && v.phi <= ftest && v.dphi >= 0) stage1 = false;
    // Rounding, a collapsed interval, or a step at its bounds: settle for the best point.
    if ((I.bracketed && (stp <= stmin || stp >= stmax)) || (I.bracketed && stmax - stmin <= o.xtol * stmax) ||
        (stp == o.alpha_max && v.phi <= ftest && v.dphi <= gtest) ||
        (stp == o.alpha_min && (v.phi > ftest || v.dphi >= gtest)))
      break;
    if (stage1 && v.phi <= I.fx && v.phi > ftest) {
      // Stage 1 works on the auxiliary psi(a) = phi(a) - phi(0) - a c1 phi'(0).
      Interval M{I.stx, I.fx - I.stx * gtest, I.dx - gtest, I.sty, I.fy - I.sty * gtest, I.dy - gtest, I.bracketed};
      stp = dcstep(M, stp, v.phi - stp * gtest, v.dphi - gtest, stmin, stmax);
      I = {M.stx, M.fx + M.stx * gtest, M.dx + gtest, M.sty, M.fy + M.sty * gtest, M.dy + gtest, M.bracketed};
    } else {
      stp = dcstep(I, stp, v.phi, v.dphi, stmin, stmax);
    }
    if (I.bracketed) {  // force enough shrinkage of the interval: bisect
      if (std::abs(I.sty - I.stx) >= 0.66 * width1) stp = I.stx + 0.5 * (I.sty - I.stx);
      width1 = width;
      width = std::abs(I.sty - I.stx);
      stmin = std::min(I.stx, I.sty);
      stmax = std::max(I.stx, I.sty);
    } else {
      stmin = stp + xtrapl * (stp - I.stx);
      stmax = stp + xtrapu * (stp - I.stx);
    }
    stp = std::clamp(stp, o.alpha_min, o.alpha_max);
    if ((I.bracketed && (stp <= stmin || stp >= stmax)) || (I.bracketed && stmax - stmin <= o.xtol * stmax)) stp = I.stx;
  }
  if (best > 0) return {best, best_phi, best_dphi, evals, LineSearchStatus::ok};
  return {0, phi0, dphi0, evals, LineSearchStatus::failed};
}

}  // namespace fluxion::optim
