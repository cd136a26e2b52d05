// SPDX-License-Identifier: MIT
// Conjugate gradients on H p = -g from Hessian-vector products: truncated CG
// (line-search Newton-CG) and Steihaug's CG in a trust region.
#include "optim/conjugate_gradient.h"

#include <algorithm>
#include <cmath>

// Without fused multiply-adds, as tensor/vec.h's loops, so that every SIMD clone
// (FLUXION_SIMD_CLONES) rounds alike.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace fluxion::optim::detail {

namespace {

// tau >= 0 with |z + tau d| = radius (the positive root of a quadratic).
double to_boundary(const Vec& z, const Vec& d, double radius) {
  double a = dot(d, d), b = 2 * dot(z, d), c = dot(z, z) - radius * radius;
  return (-b + std::sqrt(std::max(0.0, b * b - 4 * a * c))) / (2 * a);
}

}  // namespace

// CG from z = 0: r = H z + g, d = -r; each step z += alpha d, r += alpha H d
// with alpha = r.r / d.Hd, then d = -r + (r'.r' / r.r) d.
Vec truncated_cg(const Hvp& hvp, const Vec& g, const TruncatedCGOptions& o) {
  size_t n = g.size();
  bool l1 = o.residual_norm == 1;
  double gn = l1 ? asum(g) : norm(g), tol = std::min(0.5, std::sqrt(gn)) * gn;
  Vec z(n, 0.0), r = g, d = r;
  vec::scale(-1, d);
  double rr = dot(r, r);
  for (size_t i = 0; i < o.max_iter && (l1 ? asum(r) : std::sqrt(rr)) > tol; ++i) {
    Vec Hd = hvp(d);
    double curv = dot(d, Hd);
    if (curv >= 0 && curv <= o.flat_curvature) break;
    if (curv <= 0) {
      if (i == 0) z = o.scale_descent ? step(z, rr / -curv, d) : d;
      break;
    }
    double alpha = rr / curv;
    axpy(alpha, d, z);
    axpy(alpha, Hd, r);
    double rr_next = dot(r, r);
    vec::axpby(-1, r, rr_next / rr, d);
    rr = rr_next;
  }
  return z;
}

SteihaugResult steihaug_cg(const Hvp& hvp, const Vec& g, double radius, size_t max_iter) {
  size_t n = g.size();
  double gn = norm(g), tol = std::min(0.5, std::sqrt(gn)) * gn;
  Vec z(n, 0.0), Hz(n, 0.0), r = g, d = r;
  vec::scale(-1, d);
  for (size_t j = 0; j < max_iter; ++j) {
    if (norm(r) < tol) break;
    Vec Hd = hvp(d);
    double dHd = dot(d, Hd), alpha = dot(r, r) / dHd;
    if (dHd <= 0 || norm(step(z, alpha, d)) >= radius) {  // leave through the boundary
      double tau = to_boundary(z, d, radius);
      return {step(z, tau, d), step(Hz, tau, Hd), true};
    }
    double rr = dot(r, r);
    axpy(alpha, d, z);
    axpy(alpha, Hd, Hz);
    axpy(alpha, Hd, r);
    vec::axpby(-1, r, dot(r, r) / rr, d);
  }
  return {std::move(z), std::move(Hz), false};
}

}  // namespace fluxion::optim::detail
