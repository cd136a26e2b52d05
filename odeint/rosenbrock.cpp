// SPDX-License-Identifier: MIT
// rosenbrock23: an adaptive, L-stable, linearly implicit solver for stiff
// problems (Shampine & Reichelt 1997, MATLAB's ode23s). Each step solves three
// linear systems with W = I - h d J, where J = df/dy and T = df/dt come from
// fluxion's own autograd (one reverse pass per row of J):
//   k1 = W^-1 (F0 + h d T)
//   F1 = f(t + h/2, y + h/2 k1),        k2 = W^-1 (F1 - k1) + k1
//   y1 = y + h k2,  F2 = f(t + h, y1),  k3 = W^-1 (F2 - e32 (k2 - F1) - 2 (k1 - F0) + h d T)
//   err = h/6 (k1 - 2 k2 + k3)          d = 1 / (2 + sqrt 2), e32 = 6 + sqrt 2
// The linear algebra runs on doubles, so no graph is recorded through it.
#include <cmath>

#include "autograd/engine.h"
#include "autograd/grad_mode.h"
#include "autograd/ops.h"
#include "odeint/solver.h"

namespace fluxion::odeint::detail {

namespace {

using Vec = std::vector<double>;

// LU with partial pivoting of an n x n row-major matrix, in place.
struct LU {
  int64_t n;
  Vec a;
  std::vector<int64_t> piv;
  bool singular = false;
  LU(Vec m, int64_t n_) : n(n_), a(std::move(m)), piv(n_) {
    for (int64_t k = 0; k < n; ++k) {
      int64_t p = k;
      for (int64_t i = k + 1; i < n; ++i)
        if (std::abs(a[i * n + k]) > std::abs(a[p * n + k])) p = i;
      piv[k] = p;
      if (a[p * n + k] == 0.0) {
        singular = true;
        return;
      }
      if (p != k)
        for (int64_t j = 0; j < n; ++j) std::swap(a[k * n + j], a[p * n + j]);
      for (int64_t i = k + 1; i < n; ++i) {
        double m = a[i * n + k] /= a[k * n + k];
        for (int64_t j = k + 1; j < n; ++j) a[i * n + j] -= m * a[k * n + j];
      }
    }
  }
  Vec solve(Vec b) const {
    for (int64_t k = 0; k < n; ++k) {
      std::swap(b[k], b[piv[k]]);
      for (int64_t i = k + 1; i < n; ++i) b[i] -= a[i * n + k] * b[k];
    }
    for (int64_t k = n - 1; k >= 0; --k) {
      for (int64_t j = k + 1; j < n; ++j) b[k] -= a[k * n + j] * b[j];
      b[k] /= a[k * n + k];
    }
    return b;
  }
};

struct Problem {
  const Func& func;
  Shape shape;
  DType dtype;
  int64_t n;
  Stats& stats;
  const Settings& s;

  Tensor as_tensor(const Vec& v) const { return tensor(v, shape, dtype); }
  Vec f(double t, const Vec& y) const {
    NoGradGuard no_grad;
    ++stats.nfe;
    return StateFunc(wrap(func, as_tensor(y), s.who))(t, {as_tensor(y)})[0].to_vector<double>();
  }
  // f, J = df/dy (row-major) and T = df/dt at (t, y), one reverse pass per row.
  void jacobian(double t, const Vec& y, Vec& f0, Vec& J, Vec& T) const {
    EnableGradGuard grad_on;
    Tensor tv = scalar(t, dtype).requires_grad_(), yv = as_tensor(y).requires_grad_();
    Tensor out = func(tv, yv);
    if (!out.defined() || out.shape() != shape)
      fail(s.who, ": func returned shape ", out.defined() ? to_string(out.shape()) : "(undefined)", " at t = ", t,
           " but y0 has shape ", to_string(shape));
    ++stats.nfe;
    ++stats.njac;
    f0 = out.to_vector<double>();
    J.assign(n * n, 0.0);
    T.assign(n, 0.0);
    if (!out.requires_grad()) return;  // f does not depend on t or y
    for (int64_t i = 0; i < n; ++i) {
      Vec e(n, 0.0);
      e[i] = 1.0;
      auto g = autograd::grad({out}, {yv, tv},
                              {.grad_outputs = {as_tensor(e)}, .retain_graph = true, .allow_unused = true,
                               .materialize_grads = true});
      Vec row = g[0].to_vector<double>();
      for (int64_t j = 0; j < n; ++j) J[i * n + j] = row[j];
      T[i] = g[1].item();
    }
  }
};

State one(const Tensor& t) { return {t}; }

}  // namespace

Tensor solve_rosenbrock(const Func& func, const Tensor& y0, const std::vector<double>& ts, const Settings& s,
                        Stats& stats) {
  check(!(GradMode::is_enabled() && y0.requires_grad()), s.who,
        ": backprop through rosenbrock23 is not supported (its linear solves run on doubles); detach y0 or use an "
        "explicit method");
  const double d = 1.0 / (2.0 + std::sqrt(2.0)), e32 = 6.0 + std::sqrt(2.0);
  Problem p{func, y0.shape(), y0.dtype(), y0.numel(), stats, s};
  int64_t n = p.n;
  std::vector<Tensor> out{y0.detach()};
  double dir = ts.size() > 1 && ts.back() < ts.front() ? -1 : 1;
  double t = ts.front();
  Vec y = y0.to_vector<double>(), F0, J, T;
  p.jacobian(t, y, F0, J, T);
  bool fresh_jacobian = true;
  if (!all_finite(one(p.as_tensor(F0)))) fail(s.who, ": func returned NaN or Inf at the initial time t = ", t);
  StateFunc sf = [&](double tt, const State& yy) { return State{p.as_tensor(p.f(tt, yy[0].to_vector<double>()))}; };
  double h = 0;
  if (ts.size() > 1) {
    Stats ignored;
    h = s.first_step ? dir * *s.first_step : initial_step(sf, t, one(y0), one(p.as_tensor(F0)), 3, dir, s, ignored);
    stats.nfe += ignored.nfe;
  }
  Controller control(3);
  int64_t steps = 0;
  bool nonfinite = false;
  for (size_t next = 1; next < ts.size();) {
    check_progress(t, h, steps++, s, nonfinite);
    if (!fresh_jacobian) p.jacobian(t, y, F0, J, T);
    fresh_jacobian = true;
    Vec W(n * n);
    for (int64_t i = 0; i < n * n; ++i) W[i] = -h * d * J[i];
    for (int64_t i = 0; i < n; ++i) W[i * n + i] += 1.0;
    LU lu(W, n);
    double ratio = NAN;
    Vec k1, k2, k3, y1, F1, F2, r(n), ym(n);
    if (!lu.singular) {
      for (int64_t i = 0; i < n; ++i) r[i] = F0[i] + h * d * T[i];
      k1 = lu.solve(r);
      for (int64_t i = 0; i < n; ++i) ym[i] = y[i] + 0.5 * h * k1[i];
      F1 = p.f(t + 0.5 * h, ym);
      for (int64_t i = 0; i < n; ++i) r[i] = F1[i] - k1[i];
      k2 = lu.solve(r);
      y1.resize(n);
      for (int64_t i = 0; i < n; ++i) k2[i] += k1[i], y1[i] = y[i] + h * k2[i];
      F2 = p.f(t + h, y1);
      for (int64_t i = 0; i < n; ++i)
        r[i] = F2[i] - e32 * (k2[i] - F1[i]) - 2.0 * (k1[i] - F0[i]) + h * d * T[i];
      k3 = lu.solve(r);
      Vec err(n);
      for (int64_t i = 0; i < n; ++i) err[i] = h / 6.0 * (k1[i] - 2.0 * k2[i] + k3[i]);
      ratio = error_ratio({one(p.as_tensor(err))}, {1.0}, one(p.as_tensor(y)), one(p.as_tensor(y1)), s);
    }
    nonfinite = !std::isfinite(ratio);
    bool accept;
    double fac = control.factor(ratio, accept);
    if (!accept) {
      ++stats.rejected;
      h *= fac;
      continue;  // same (t, y): J and T stay valid
    }
    ++stats.accepted;
    double t1 = t + h;
    for (; next < ts.size() && dir * (ts[next] - t1) <= 0; ++next) {
      double theta = (ts[next] - t) / h;
      out.push_back(theta == 1.0 ? p.as_tensor(y1)
                                 : hermite(one(p.as_tensor(y)), one(p.as_tensor(F0)), one(p.as_tensor(y1)),
                                           one(p.as_tensor(F2)), h, theta)[0]);
    }
    t = t1;
    y = std::move(y1);
    fresh_jacobian = false;
    h *= fac;
  }
  return stack(out, 0);
}

}  // namespace fluxion::odeint::detail
