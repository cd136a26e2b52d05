// SPDX-License-Identifier: MIT
// Backprop through the stiff solvers: the accepted steps of a solve, replayed
// with differentiable tensor ops - the same step code (rosenbrock.h) on a
// tensor backend. The step sizes are those the double-precision solve chose
// (constants: the step-size controller is not differentiated); everything
// else - f, the Jacobian, the linear solves - is in the graph:
//   J = df/dy, T = df/dt by forward mode (one jvp per column, and one for t),
//   so the tangents are themselves differentiable in y and in f's captures,
//   M = I / (h gamma) - J,  M^-1 r = linalg::solve(M, r).
// The forward-mode Jacobian does not walk back through y's history, which a
// reverse pass w.r.t. the non-leaf y would.
#include <cmath>

#include "autograd/forward_ad.h"
#include "autograd/linalg.h"
#include "autograd/ops.h"
#include "odeint/rosenbrock.h"
#include "odeint/solver.h"

namespace fluxion::odeint::detail {

namespace {

// The state's components from one vector [n] (the inverse of flat).
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

// Tensors as a backend of the steps in rosenbrock.h.
struct Tensors {
  using V = Tensor;
  const TimedFunc& fn;
  const State& like;
  Tensor M;  // I / (h gamma) - J
  V f(double t, const V& y) const { return flat(fn(scalar(t, y.dtype()), unflat(y, like))); }
  V solve(const V& r) const { return linalg::solve(M, r); }
  V comb(const std::vector<const V*>& xs, const std::vector<double>& cs) const {
    std::vector<Tensor> ts;
    for (const Tensor* x : xs) ts.push_back(*x);
    return lincomb(ts, cs);
  }
};

}  // namespace

std::vector<State> replay_rosenbrock(const TimedFunc& f, const State& y0, const std::vector<StiffStep>& steps,
                                     Method method) {
  DType dtype = y0[0].dtype();
  const double gamma = stiff_gamma(method);
  std::vector<State> out{y0};
  Tensor y = flat(y0);
  Tensor I = eye(y.numel(), {}, dtype);
  for (const StiffStep& st : steps) {
    double h = st.h;
    Linearization lin = linearize(f, scalar(st.t, dtype), y, y0);
    Tensors b{f, y0, I * (1.0 / (h * gamma)) - lin.J};
    RosenbrockStep<Tensor> step =
        method == Method::rodas5 ? rodas5_step(b, st.t, h, y, lin.f, lin.T) : ros23_step(b, st.t, h, y, lin.f, lin.T);
    State s0 = unflat(y, y0), s1 = unflat(step.y1, y0);
    for (double theta : st.thetas)
      out.push_back(theta == 1.0 ? s1 : hermite(s0, unflat(lin.f, y0), s1, unflat(step.f1, y0), h, theta));
    y = step.y1;
  }
  return out;
}

}  // namespace fluxion::odeint::detail
