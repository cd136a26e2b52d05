// SPDX-License-Identifier: MIT
// odeint_adjoint: the same solution as odeint, with gradients by the adjoint
// method (Chen et al. 2018) instead of backprop through the solver's steps.
//
//   Tensor ys = odeint::odeint_adjoint(func, params, y0, t, {.rtol = 1e-7}, {.seminorm = true});
//   loss(ys).backward();   // y0.grad(), t.grad(), and every params[k].grad()
//
// Backward solves, from each output time to the one before, the augmented system
//   y' = f(t, y),   a' = -a^T df/dy,   a_theta' = -a^T df/dtheta
// re-anchoring y on the stored forward solution at every output time, so the
// memory does not grow with the number of solver steps. It is one autograd op
// whose backward is made of differentiable ops: with create_graph the backward
// records its own graph, so second derivatives (HVPs) through it work.
// `params` are the tensors func reads besides y (a module's parameters).
//
// Re-solving y backwards fails for stiff problems: their fast decaying modes
// grow when integrated backwards (Robertson's kinetics collapse the step at
// once). So with a stiff method (rosenbrock23, rodas5), forwards or backwards,
// y(t) is instead read from the forward solve: its accepted steps are kept as
// quartics through their dense output and the backward solve integrates
// (a, a_theta) only. This costs memory in proportion to the forward steps (five
// states per step; rodas5's three inner points are steps of their own, so its
// forward solve makes 3.6 times odeint's evaluations and 4 times its LU
// factorisations on Robertson's kinetics), and is SciMLSensitivity's
// InterpolatingAdjoint; AdjointOptions::interpolate chooses it for any adaptive method.
#pragma once
#include <concepts>
#include <memory>
#include <optional>
#include <vector>

#include "odeint/odeint.h"

namespace fluxion::odeint {

struct AdjointOptions {
  std::optional<double> adjoint_rtol;    // default: the forward rtol
  std::optional<double> adjoint_atol;    // default: the forward atol (its largest entry)
  std::optional<Method> adjoint_method;  // default: the forward method
  bool seminorm = false;                 // leave a_theta out of the error norm (Kidger et al. 2021)
  Stats* stats = nullptr;                // optional out-param: the backward solves' cost
  /// Read y(t) from the forward solve's steps instead of re-solving it backwards.
  /// Default: on when the forward or the adjoint method is stiff. It needs an
  /// adaptive forward method, and no create_graph (the kept steps are constants).
  std::optional<bool> interpolate;
};

/// The solution at every t, shape [len(t), y0.shape...], differentiable w.r.t.
/// y0, t and params by the adjoint method. Forward-mode (JVP) is not provided:
/// take HVPs reverse-over-reverse (autograd::grad with create_graph).
[[nodiscard]] Tensor odeint_adjoint(const Func& func, const std::vector<Tensor>& params, const Tensor& y0,
                                    const Tensor& t, const Options& opts = {}, const AdjointOptions& adjoint = {});

/// A state of several tensors (see odeint's TupleFunc overload), by the adjoint method.
[[nodiscard]] std::vector<Tensor> odeint_adjoint(const TupleFunc& func, const std::vector<Tensor>& params,
                                                 const std::vector<Tensor>& y0, const Tensor& t,
                                                 const Options& opts = {}, const AdjointOptions& adjoint = {});

/// A module whose forward(t, y) is the vector field: an nn::Module subclass,
/// or anything with forward(t, y) and parameters().
template <class M>
concept OdeModule = requires(M& m, const Tensor& t, const Tensor& y) {
  { m.forward(t, y) } -> std::convertible_to<Tensor>;
  { m.parameters() } -> std::convertible_to<std::vector<Tensor>>;
};

/// odeint_adjoint(module_ptr, y0, t, opts): gradients flow to module->parameters().
template <OdeModule M>
[[nodiscard]] Tensor odeint_adjoint(const std::shared_ptr<M>& module, const Tensor& y0, const Tensor& t,
                                    const Options& opts = {}, const AdjointOptions& adjoint = {}) {
  Func f = [module](const Tensor& s, const Tensor& y) { return module->forward(s, y); };
  return odeint_adjoint(f, module->parameters(), y0, t, opts, adjoint);
}

/// odeint(module_ptr, y0, t, opts): the module's forward(t, y) as func.
template <OdeModule M>
[[nodiscard]] Tensor odeint(const std::shared_ptr<M>& module, const Tensor& y0, const Tensor& t,
                            const Options& opts = {}) {
  return odeint(Func([module](const Tensor& s, const Tensor& y) { return module->forward(s, y); }), y0, t, opts);
}

}  // namespace fluxion::odeint
