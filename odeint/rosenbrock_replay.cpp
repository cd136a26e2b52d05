// SPDX-License-Identifier: MIT
// Backprop through rosenbrock23: the accepted steps of a solve, replayed with
// differentiable tensor ops. The step sizes are those the double-precision
// solve chose (constants, as the step-size controller is not differentiated);
// everything else - f, the Jacobian, the linear solves - is in the graph:
//   J = df/dy, T = df/dt by forward mode (one jvp per column, and one for t),
//   so the tangents are themselves differentiable in y and in f's captures,
//   W = I - h d J,  k_i = linalg::solve(W, ...)  (rosenbrock.cpp has the formulas).
// The forward-mode Jacobian does not walk back through y's history, which a
// reverse pass w.r.t. the non-leaf y would.
#include <cmath>

#include "autograd/forward_ad.h"
#include "autograd/linalg.h"
#include "autograd/ops.h"
#include "odeint/solver.h"

namespace fluxion::odeint::detail {

namespace {

// One vector [n] from the state's components, and back.
Tensor flat(const State& y) {
  std::vector<Tensor> parts;
  for (const Tensor& c : y) parts.push_back(c.reshape({-1}));
  return parts.size() == 1 ? parts[0] : cat(parts, 0);
}

State unflat(const Tensor& v, const State& like) {
  State y;
  int64_t off = 0;
  for (const Tensor& c : like) {
    y.push_back(v.narrow(0, off, c.numel()).reshape(c.shape()));
    off += c.numel();
  }
  return y;
}

struct Linearization {
  Tensor f, J, T;  // f(t, y) [n], df/dy [n, n], df/dt [n]
};

// f and its derivatives at (t, y) by n + 1 forward-mode evaluations.
Linearization linearize(const TimedFunc& f, const Tensor& t, const Tensor& y, const State& like) {
  int64_t n = y.numel();
  auto directional = [&](const Tensor& tt, const Tensor& yy, uint64_t level, Tensor& value) {
    Tensor out = flat(f(tt, unflat(yy, like)));
    auto [primal, tangent] = forward_ad::unpack_dual(out, level);
    value = primal;
    return tangent.defined() ? tangent : zeros_like(primal);
  };
  Linearization lin;
  std::vector<Tensor> cols;
  for (int64_t j = 0; j < n; ++j) {
    forward_ad::DualLevel level;
    std::vector<double> e(n, 0.0);
    e[j] = 1.0;
    cols.push_back(directional(t, forward_ad::make_dual(y, tensor(e, {n}, y.dtype()), level.id()), level.id(), lin.f));
  }
  lin.J = stack(cols, 1);  // column j: df/dy_j
  forward_ad::DualLevel level;
  lin.T = directional(forward_ad::make_dual(t, ones_like(t), level.id()), y, level.id(), lin.f);
  return lin;
}

}  // namespace

std::vector<State> replay_rosenbrock(const TimedFunc& f, const State& y0, const std::vector<StiffStep>& steps) {
  const double d = 1.0 / (2.0 + std::sqrt(2.0));
  DType dtype = y0[0].dtype();
  std::vector<State> out{y0};
  Tensor y = flat(y0);
  Tensor I = eye(y.numel(), {}, dtype);
  for (const StiffStep& st : steps) {
    double h = st.h;
    Tensor t = scalar(st.t, dtype);
    Linearization lin = linearize(f, t, y, y0);
    Tensor W = I - (h * d) * lin.J;
    Tensor k1 = linalg::solve(W, lin.f + (h * d) * lin.T);
    Tensor F1 = flat(f(scalar(st.t + 0.5 * h, dtype), unflat(y + (0.5 * h) * k1, y0)));
    Tensor k2 = linalg::solve(W, F1 - k1) + k1;
    Tensor y1 = y + h * k2;
    bool interior = false;
    for (double theta : st.thetas) interior = interior || theta != 1.0;
    State s0 = unflat(y, y0), s1 = unflat(y1, y0), f0, f1;
    if (interior) f0 = unflat(lin.f, y0), f1 = f(scalar(st.t + h, dtype), s1);
    for (double theta : st.thetas) out.push_back(theta == 1.0 ? s1 : hermite(s0, f0, s1, f1, h, theta));
    y = y1;
  }
  return out;
}

}  // namespace fluxion::odeint::detail
