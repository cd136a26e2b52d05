// SPDX-License-Identifier: MIT
// The quasi-Newton updates of quasi_newton.h: L-BFGS's two-loop recursion and
// the dense BFGS update.
#include "optim/quasi_newton.h"

// Without fused multiply-adds, as tensor/vec.h's loops: the same bits on every machine.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace fluxion::optim::detail {

void LbfgsHistory::push(Vec s_k, Vec y_k, double ys, double yy, size_t m) {
  s.push_back(std::move(s_k));
  y.push_back(std::move(y_k));
  rho.push_back(1 / ys);
  gamma = ys / yy;
  if (s.size() > m) s.pop_front(), y.pop_front(), rho.pop_front();
}

void LbfgsHistory::clear() {
  s.clear(), y.clear(), rho.clear();
  gamma = 1;
}

// First loop, newest pair to oldest: a_i = rho_i s_i.q, q -= a_i y_i;
// then q *= gamma; second loop, oldest to newest: b = rho_i y_i.q, q += (a_i - b) s_i.
void lbfgs_two_loop(const LbfgsHistory& h, Vec& q) {
  std::vector<double> a(h.size());
  for (size_t i = h.size(); i-- > 0;) {
    a[i] = h.rho[i] * dot(h.s[i], q);
    axpy(-a[i], h.y[i], q);
  }
  vec::scale(h.gamma, q);
  for (size_t i = 0; i < h.size(); ++i) {
    double b = h.rho[i] * dot(h.y[i], q);
    axpy(a[i] - b, h.s[i], q);
  }
}

Vec bfgs_identity(size_t n) {
  Vec H(n * n, 0.0);
  for (size_t i = 0; i < n; ++i) H[i * n + i] = 1;
  return H;
}

Vec bfgs_direction(const Vec& H, const Vec& g) {
  size_t n = g.size();
  Vec p(n, 0.0);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j) p[i] -= H[i * n + j] * g[j];
  return p;
}

void bfgs_update(Vec& H, const Vec& s, const Vec& y, double ys) {
  size_t n = s.size();
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

}  // namespace fluxion::optim::detail
