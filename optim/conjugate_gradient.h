// SPDX-License-Identifier: MIT
// Internal to optim/: conjugate gradients on the Newton system H p = -g, with
// H known only through Hessian-vector products. Written once for minimize()'s
// newton_cg and trust_ncg methods and for optim::NewtonCG.
#pragma once
#include <functional>

#include "optim/objective.h"

namespace fluxion::optim::detail {

/// v -> H v at the current point.
using Hvp = std::function<Vec(const Vec&)>;

struct TruncatedCGOptions {
  size_t max_iter;
  double residual_norm = 2;    // the norm of the stopping test: 1 (SciPy's newton-cg) or 2 (torch style)
  double flat_curvature = -1;  // 0 <= d.Hd <= this ends CG with the step so far (SciPy: 3 eps); < 0: off
  bool scale_descent = false;  // negative curvature on the first CG step: p = -g scaled by g.g / |d.Hd| (SciPy), or -g
};

/// Truncated CG (N&W Algorithm 7.1): p with H p ~ -g, stopping at relative
/// residual |r| <= eta |g|, eta = min(0.5, sqrt(|g|)) (superlinear near a
/// minimum), or at the first direction of non-positive curvature (steepest
/// descent if that is the first CG direction).
Vec truncated_cg(const Hvp& hvp, const Vec& g, const TruncatedCGOptions& o);

struct SteihaugResult {
  Vec p, Hp;      // the step and H p (for the model's predicted decrease)
  bool boundary;  // whether p ends on the trust-region boundary
};

/// Steihaug's trust-region CG (N&W Algorithm 7.2): minimises the model
/// m(p) = g.p + p.Hp / 2 over |p| <= radius by CG from p = 0, stopping at
/// relative residual min(0.5, sqrt|g|), on the boundary, or, at negative
/// curvature, where the direction leaves the region.
SteihaugResult steihaug_cg(const Hvp& hvp, const Vec& g, double radius, size_t max_iter);

}  // namespace fluxion::optim::detail
