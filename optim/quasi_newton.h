// SPDX-License-Identifier: MIT
// Internal to optim/: the quasi-Newton updates, written once for minimize()'s
// bfgs and lbfgs methods and for optim::LBFGS. Each estimates the inverse
// Hessian H from steps s = x_{k+1} - x_k and gradient changes y = g_{k+1} - g_k.
// When to take a pair (the curvature test y.s > 0) is the caller's policy.
#pragma once
#include <deque>

#include "optim/objective.h"

namespace fluxion::optim::detail {

/// L-BFGS's memory: the newest m pairs (s, y), rho_i = 1 / y_i.s_i, and
/// gamma = s.y / y.y of the newest pair (the initial estimate H0 = gamma I).
struct LbfgsHistory {
  std::deque<Vec> s, y;
  std::deque<double> rho;
  double gamma = 1;
  size_t size() const { return s.size(); }
  /// Adds the pair (s_k, y_k) with ys = y_k.s_k, yy = y_k.y_k, keeping the newest m.
  void push(Vec s_k, Vec y_k, double ys, double yy, size_t m);
  /// Forgets every pair (H = I).
  void clear();
};

/// q <- H q by the two-loop recursion (N&W Algorithm 7.4): with q = -g it
/// gives the L-BFGS direction. 4m vector passes, no n x n matrix.
void lbfgs_two_loop(const LbfgsHistory& h, Vec& q);

/// BFGS's dense estimate H (n x n, row-major), starting as I.
Vec bfgs_identity(size_t n);
/// p = -H g.
Vec bfgs_direction(const Vec& H, const Vec& g);
/// The BFGS update (N&W 6.17) with ys = y.s > 0:
///   H <- (I - rho s y^T) H (I - rho y s^T) + rho s s^T,   rho = 1 / ys.
void bfgs_update(Vec& H, const Vec& s, const Vec& y, double ys);

}  // namespace fluxion::optim::detail
