// SPDX-License-Identifier: MIT
// odeint_adjoint as one general autograd op: forward solves without a graph
// and returns the states at every output time; the VJP solves the augmented
// adjoint system backwards, interval by interval (see adjoint.h), with y
// re-solved alongside or read from the forward solve's kept steps.
#include "odeint/adjoint.h"

#include <algorithm>
#include <optional>
#include <unordered_set>

#include "autograd/apply.h"
#include "autograd/engine.h"
#include "autograd/ops.h"
#include "odeint/solver.h"
#include "odeint/tableau.h"
#include "tensor/vec.h"

namespace fluxion::odeint {

namespace {

using detail::State;

// Reattach: outputs computed from a leaf copy y_leaf of y, put back in y's graph.
//   inputs (y, o_1 ... o_m) -> outputs (o_1 ... o_m);  d/dy = sum_j (do_j/dy_leaf)^T grad_j,  d/do_j = grad_j
struct Reattach {
  static constexpr const char* name = "OdeintAdjointReattach";
  static constexpr Save save = Save::nothing;
  Tensor y_leaf;
  std::vector<Tensor> outs;

  std::vector<TensorData> forward(const std::vector<TensorData>& xs) const {
    return std::vector<TensorData>(xs.begin() + 1, xs.end());
  }
  std::vector<Tensor> vjp(const std::vector<Tensor>& grads, const Saved&) const {
    std::vector<Tensor> dxs{Tensor()};
    dxs.insert(dxs.end(), grads.begin(), grads.end());
    std::vector<Tensor> os, gs;
    for (size_t j = 0; j < outs.size(); ++j)
      if (outs[j].requires_grad()) os.push_back(outs[j]), gs.push_back(grads[j]);
    if (!os.empty())
      dxs[0] = autograd::grad(os, {y_leaf},
                              {.grad_outputs = gs,
                               .retain_graph = true,
                               .create_graph = GradMode::is_enabled(),
                               .allow_unused = true,
                               .materialize_grads = true})[0];
    return dxs;
  }
  std::vector<Tensor> jvp(const std::vector<Tensor>&, const Saved&) const {
    fail("odeint_adjoint: forward-mode differentiation (JVP) is not supported");
  }
};

// A tensor that requires grad, captured by func but not passed in params,
// would silently get no gradient: the adjoint computes gradients for params
// only. So the VJP's graph (from dy) may reach no leaf but y, t (a leaf when the
// stiff solver differentiates the system in time) and params.
void check_no_captured_leaves(const Tensor& dy, const Tensor& y, const Tensor& t, const std::vector<Tensor>& params) {
  std::unordered_set<const Node*> known{gradient_edge(y).node.get()}, seen;
  if (t.requires_grad()) known.insert(gradient_edge(t).node.get());
  for (const Tensor& p : params)
    if (p.requires_grad()) known.insert(gradient_edge(p).node.get());
  std::vector<const Node*> stack{dy.grad_fn().get()};
  while (!stack.empty()) {
    const Node* node = stack.back();
    stack.pop_back();
    if (!node || known.count(node) || !seen.insert(node).second) continue;
    if (node->is_accumulate_grad())
      fail("odeint_adjoint: func uses a tensor of shape ", to_string(node->inputs[0].shape),
           " that requires grad but is not in params, so it would get no gradient; pass it in params "
           "(odeint_adjoint(func, {..., tensor}, y0, t)) or detach() it");
    for (const Edge& e : node->next_edges) stack.push_back(e.node.get());
  }
}

struct AdjointOde {
  static constexpr const char* name = "OdeintAdjoint";
  static constexpr Save save = Save::output;
  Func func;
  std::vector<Tensor> params;
  std::vector<double> ts;
  detail::Settings forward_settings, backward_settings;
  Stats* backward_stats;
  bool interpolate;  // AdjointOptions::interpolate: y(t) from `trajectory`, kept by the forward solve
  mutable std::shared_ptr<detail::Trajectory> trajectory;
  mutable bool captures_checked = false;  // once per solve: the walk costs a graph traversal

  // inputs: y0, t, params...   outputs: y(t_0), ..., y(t_{T-1})
  std::vector<TensorData> forward(const std::vector<TensorData>& xs) const {
    NoGradGuard no_grad;
    Tensor y0(xs[0]);
    Stats local;
    Stats& stats = forward_stats ? *forward_stats : local;
    detail::Settings fs = forward_settings;
    if (interpolate) {
      trajectory = std::make_shared<detail::Trajectory>();
      fs.on_step = trajectory->recorder();
    }
    std::vector<State> states = detail::solve_func(func, y0, ts, fs, stats);
    std::vector<TensorData> ys;
    ys.push_back(vec::clone(xs[0]));  // a fresh output, not an alias of the input
    for (size_t i = 1; i < states.size(); ++i) ys.push_back(states[i][0].tensor_data());
    return ys;
  }
  Stats* forward_stats = nullptr;

  // The augmented dynamics for state (y, a, a_theta...):
  //   y' = f(t, y),  a' = -a^T df/dy,  a_theta_k' = -a^T df/dtheta_k
  // The partial derivatives are taken at a leaf copy of y (y's own history
  // leads back into this op); with create (a create_graph backward) the
  // results are reattached to the real y so that they stay differentiable.
  // t is a tensor so that the stiff solver can take d/dt of this system.
  State augmented(const Tensor& t, const State& s, bool create) const {
    EnableGradGuard grad_on;
    Tensor y = s[0].detach().requires_grad_();
    Tensor dy = func(t, y);
    if (!dy.defined() || dy.shape() != y.shape())
      fail("odeint_adjoint: func returned shape ", dy.defined() ? to_string(dy.shape()) : "(undefined)",
           " at t = ", t.item(), " but y has shape ", to_string(y.shape()));
    State out(s.size());
    if (dy.requires_grad()) {  // one reverse pass with cotangent -a gives every -a^T df/dx at once
      if (!captures_checked) check_no_captured_leaves(dy, y, t, params);
      captures_checked = true;
      std::vector<Tensor> wrt{y};
      std::vector<size_t> slot{1};
      for (size_t k = 0; k < params.size(); ++k)
        if (params[k].requires_grad()) wrt.push_back(params[k]), slot.push_back(k + 2);
      std::vector<Tensor> g = autograd::grad(
          {dy}, wrt,
          {.grad_outputs = {-s[1]}, .create_graph = create, .allow_unused = true, .materialize_grads = true});
      for (size_t k = 0; k < g.size(); ++k) out[slot[k]] = g[k];
    }
    for (size_t k = 1; k < s.size(); ++k)
      if (!out[k].defined()) out[k] = zeros_like(s[k]);
    out[0] = dy;
    if (!create) {
      for (Tensor& o : out) o = o.detach();
      return out;
    }
    if (!s[0].requires_grad()) return out;
    std::vector<Tensor> inputs{s[0]};
    inputs.insert(inputs.end(), out.begin(), out.end());
    return apply_op(Reattach{y, out}, inputs);
  }

  // The backward solve's dynamics: the augmented system; interpolating, its
  // (a, a_theta...) part, with y(t) read from the forward solve's steps.
  State backward_field(const Tensor& t, const State& st, bool create) const {
    if (!interpolate) return augmented(t, st, create);
    State full = trajectory->at(t);
    full.insert(full.end(), st.begin(), st.end());
    State out = augmented(t, full, create);
    out.erase(out.begin());
    return out;
  }

  // The gradients w.r.t. y0, t and params from the gradients w.r.t. every y(t_i).
  std::vector<Tensor> vjp(const std::vector<Tensor>& grads, const Saved& s) const {
    bool create = GradMode::is_enabled();
    if (create && interpolate)
      fail(
          "odeint_adjoint: create_graph (second derivatives) through the interpolating adjoint, whose kept forward "
          "steps are constants; set AdjointOptions::interpolate = false (with an explicit method), or "
          "differentiate through odeint instead");
    size_t T = ts.size();
    DType dtype = s.output(0).dtype();
    detail::StateFunc aug = [this, create, dtype](double t, const State& st) {
      return backward_field(scalar(t, dtype), st, create);
    };
    // Options::jit: the augmented dynamics (func and the reverse pass through
    // it) recorded at the first evaluation of the backward solve and replayed
    // at the others, every interval's. The recording reads t, y and a;
    // a_theta enters the dynamics only as the shapes of the zeros for
    // parameters func does not use. params are constants of the recording:
    // they do not change during a backward solve.
    // Interpolating, the recording would freeze the step y(t) is read from.
    std::optional<detail::Replayed> replayed;
    if (backward_settings.jit && !create && !interpolate)
      replayed.emplace([this](const Tensor& t, const State& st) { return augmented(t, st, false); }, 2);
    // The stiff solver takes this system's Jacobian with grad mode on, so it
    // is recorded whenever grad mode is on (create_graph, or that Jacobian).
    // It runs through autograd's ops: a recording of the Jacobian of the
    // augmented dynamics would hold a reverse pass through a reverse pass.
    detail::Settings bs = backward_settings;
    bs.jit = bs.jit && !detail::is_stiff(bs.method);
    detail::TimedFunc timed_aug = [this](const Tensor& t, const State& st) {
      return backward_field(t, st, GradMode::is_enabled());
    };
    auto f_at = [&](size_t i) {
      Tensor y = s.output(i);
      Tensor dy = func(scalar(ts[i], y.dtype()), y);
      return create ? dy : dy.detach();
    };
    bool want_t = s.needs_grad(1);
    std::vector<Tensor> dts(T);
    const size_t a = interpolate ? 0 : 1;  // where a is in the backward state: (y, a, a_theta...) or (a, a_theta...)
    State state(a);
    state.push_back(grads[T - 1]);
    for (const Tensor& p : params) state.push_back(zeros_like(p));
    if (want_t) dts[T - 1] = (grads[T - 1] * f_at(T - 1)).sum();
    Stats local;
    Stats& stats = backward_stats ? *backward_stats : local;
    for (size_t i = T - 1; i >= 1; --i) {
      if (!interpolate) state[0] = s.output(i);  // re-anchor on the forward solution
      const std::vector<double> span{ts[i], ts[i - 1]};
      std::vector<State> ends = detail::is_stiff(bs.method)
                                    ? detail::solve_rosenbrock(timed_aug, state, span, bs, stats)
                                : replayed ? replayed->solve(state, span, bs, stats)
                                           : detail::solve(aug, state, span, bs, stats);
      state = std::move(ends.back());
      if (want_t && i - 1 > 0) dts[i - 1] = (grads[i - 1] * f_at(i - 1)).sum();
      if (want_t && i - 1 == 0) dts[0] = -(state[a] * f_at(0)).sum();  // dL/dt0 = -a(t0)^T f(t0, y0)
      state[a] = state[a] + grads[i - 1];
    }
    if (T == 1) state[a] = grads[0];
    std::vector<Tensor> dxs(2 + params.size());
    dxs[0] = state[a];
    if (want_t) dxs[1] = T == 1 ? zeros({1}, s.input_dtype(1)) : stack(dts, 0).to(s.input_dtype(1));
    for (size_t k = 0; k < params.size(); ++k) dxs[2 + k] = state[a + 1 + k];
    return dxs;
  }

  std::vector<Tensor> jvp(const std::vector<Tensor>&, const Saved&) const {
    fail(
        "odeint_adjoint: forward-mode differentiation (JVP) is not supported; use odeint for forward mode, or take "
        "Hessian-vector products reverse-over-reverse (autograd::grad with create_graph = true)");
  }
};

}  // namespace

Tensor odeint_adjoint(const Func& func, const std::vector<Tensor>& params, const Tensor& y0, const Tensor& t,
                      const Options& opts, const AdjointOptions& adjoint) {
  const std::string who = "odeint_adjoint";
  check(static_cast<bool>(func), who, ": func is empty");
  check(y0.defined() && y0.is_floating_point(), who, ": y0 must be a floating tensor (float32 or float64)");
  for (const Tensor& p : params) check(p.defined(), who, ": params holds an undefined tensor");
  AdjointOde op{func, params, detail::output_times(t, who), detail::settings(opts, y0, who), {}, adjoint.stats};
  Method back = adjoint.adjoint_method.value_or(opts.method);
  op.interpolate = adjoint.interpolate.value_or(detail::is_stiff(opts.method) || detail::is_stiff(back));
  check(!op.interpolate || detail::is_stiff(opts.method) || tableau(opts.method).adaptive(), who,
        ": AdjointOptions::interpolate reads y(t) from the forward solve's steps, but ", method_name(opts.method),
        " is a fixed-grid method; use an adaptive one (dopri5, rodas5, ...) or interpolate = false");
  op.forward_stats = opts.stats;
  if (opts.stats) *opts.stats = {};
  if (adjoint.stats) *adjoint.stats = {};
  // Backward: state (y, a, a_theta...); y keeps the forward atol, the rest the adjoint's.
  detail::Settings& b = op.backward_settings;
  b = op.forward_settings;
  b.method = back;
  b.rtol = adjoint.adjoint_rtol.value_or(opts.rtol);
  const std::vector<double>& fa = b.atol[0];
  double atol = adjoint.adjoint_atol.value_or(fa.empty() ? opts.atol.value : *std::max_element(fa.begin(), fa.end()));
  b.atol.assign(2 + params.size(), {atol});
  b.atol[0] = op.forward_settings.atol[0];
  b.in_norm.assign(2 + params.size(), !adjoint.seminorm);
  b.in_norm[0] = b.in_norm[1] = true;
  if (op.interpolate) {  // no y in the backward state
    b.atol.erase(b.atol.begin());
    b.in_norm.erase(b.in_norm.begin());
  }
  b.callback_step = b.callback_accept_step = b.callback_reject_step = nullptr;  // the user's callbacks see y only
  std::vector<Tensor> inputs{y0, t};
  inputs.insert(inputs.end(), params.begin(), params.end());
  return stack(apply_op(std::move(op), inputs), 0);
}

}  // namespace fluxion::odeint
