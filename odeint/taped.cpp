// SPDX-License-Identifier: MIT
// Options::jit with a gradient: backprop through the solver, without
// autograd's graph. The forward solve is the replayed one (replayed.cpp) on a
// flat state that carries a tape (tape.h): every linear combination and every
// evaluation of func is recorded, with the point each evaluation saw. That is
// the graph eager backprop would build, minus its nodes and tensors. The VJP
// walks the tape backwards once, with an adjoint a_e for every entry e:
//   e = sum_j c_j x_j:  a_{x_j} += c_j a_e
//   e = f(t, y):        a_y += a_e^T df/dy(t, y),   g_p += a_e^T df/dp
// for every tensor p that func reads and that requires grad. The second rule
// is func's VJP, recorded once with jit::trace (beside func's own recording,
// which a JitCache keeps for later solves) and replayed at every evaluation.
// Step sizes are constants of the tape, as they are of eager backprop's graph
// (the controller reads numbers, not tensors), so both give the same
// gradient, up to the order in which gradients are summed.
// Rejected steps and the first-step estimate are on the tape too; no output
// depends on them, so no adjoint reaches them and the sweep skips them.
#include "autograd/apply.h"
#include "autograd/engine.h"
#include "autograd/grad_mode.h"
#include "autograd/ops.h"
#include "jit/trace.h"
#include "odeint/solver.h"
#include "odeint/tape.h"
#include "tensor/small_vector.h"

namespace fluxion::odeint::detail {

namespace {

// What a solve's forward leaves for its VJP.
template <class T>
struct TapedSolve {
  TimedFunc field;
  std::shared_ptr<Recorded> rec;  // field's recording, and its VJP's once made
  std::vector<double> ts;
  Settings settings;
  Stats* stats;
  Layout layout;
  Tape<T> tape;
  std::vector<int32_t> outputs;    // the tape entry of each output time's state
  std::vector<uint64_t> versions;  // of the captured tensors' storage, when the solve read them

  // The VJP's recording, (t, y, a) -> (a^T df/dy, a^T df/dp...), at its first
  // use: func at a leaf y, then one reverse pass with cotangent a.
  jit::Trace& func_vjp(double t, const std::vector<T>& y) {
    if (rec->vjp) return *rec->vjp;
    const DType dtype = layout.dtype;
    const std::vector<Tensor>& captured = rec->captured;
    Tensor y_example = layout.state(y)[0];
    rec->vjp = std::make_shared<jit::Trace>(jit::trace(
        [&](const std::vector<Tensor>& in) {
          EnableGradGuard grad_on;
          Tensor yl = in[1].detach().requires_grad_();
          Tensor dy = field(in[0], {yl})[0];
          std::vector<Tensor> wrt{yl};
          wrt.insert(wrt.end(), captured.begin(), captured.end());
          if (!dy.requires_grad()) {  // func reads neither y nor anything that requires grad
            std::vector<Tensor> zeros;
            for (const Tensor& w : wrt) zeros.push_back(zeros_like(w));
            return zeros;
          }
          return autograd::grad({dy}, wrt, {.grad_outputs = {in[2]}, .allow_unused = true, .materialize_grads = true});
        },
        {scalar(t, dtype), y_example, zeros_like(y_example)}));
    return *rec->vjp;
  }
};

// x += c * y over n numbers; x is made (zeros) when empty.
template <class T>
void add_scaled(std::vector<T>& x, const T* y, T c, size_t n) {
  if (x.empty()) x.assign(n, T(0));
  for (size_t i = 0; i < n; ++i) x[i] += c * y[i];
}

// inputs: y0, captured...   output: the states at every output time, [len(ts), y0.shape...]
template <class T>
struct TapedOde {
  static constexpr const char* name = "OdeintJit";
  static constexpr Save save = Save::nothing;
  std::shared_ptr<TapedSolve<T>> solve;

  std::vector<TensorData> forward(const std::vector<TensorData>& xs) const {
    NoGradGuard no_grad;  // the replay records no graph; the tape stands in for it
    TapedSolve<T>& S = *solve;
    FlatState<T> y0{S.layout.template flat<T>({Tensor(xs[0])}), &S.layout, &S.tape, 0};
    std::vector<FlatState<T>> ys = S.rec->replayed.solve(y0, S.ts, S.settings, *S.stats);
    std::vector<Tensor> states;
    for (const FlatState<T>& y : ys) states.push_back(S.layout.state(y.v)[0]), S.outputs.push_back(y.entry);
    for (const Tensor& p : S.rec->captured) S.versions.push_back(p.tensor_data().storage->version);
    return {stack(states, 0).tensor_data()};
  }

  // The reverse sweep over the tape, seeded at the outputs' entries with their gradients.
  std::vector<Tensor> vjp(const std::vector<Tensor>& grads, const Saved&) const {
    check(!GradMode::is_enabled(),
          "odeint: jit = true differentiates the solve by a reverse sweep over its tape, "
          "which records no graph, so it has no second derivatives (create_graph); set jit = false for those");
    TapedSolve<T>& S = *solve;
    const std::vector<Tensor>& captured = S.rec->captured;
    if (!grads[0].defined()) return std::vector<Tensor>(1 + captured.size());
    for (size_t k = 0; k < captured.size(); ++k)  // func's VJP reads them as they are now
      check(captured[k].tensor_data().storage->version == S.versions[k], "odeint: a tensor of shape ",
            to_string(captured[k].shape()),
            " that func reads was modified in place (an optimizer step?) after the "
            "solve and before its backward, which would mix its old and new values; call backward first");
    const size_t n = (size_t)S.layout.n;
    std::vector<std::vector<T>> adj(S.tape.entries.size());
    const std::vector<T> g = grads[0].to_vector<T>();  // [len(ts) * n]
    for (size_t i = 0; i < S.outputs.size(); ++i) add_scaled(adj[S.outputs[i]], g.data() + i * n, T(1), n);
    // the gradients of the captured tensors, end to end: their sum and one evaluation's share
    int64_t np = 0;
    for (const Tensor& p : captured) np += p.numel();
    std::vector<T> gp((size_t)np, T(0)), gp_step((size_t)np);
    std::vector<T> gy(n);
    for (size_t e = adj.size() - 1; e > 0; --e) {
      if (adj[e].empty()) continue;  // nothing that reached an output came from here
      const typename Tape<T>::Entry& en = S.tape.entries[e];
      if (en.eval) {
        const T t = (T)en.t;
        const T* in[3] = {&t, en.point.data(), adj[e].data()};
        SmallVector<T*, 8> out{gy.data()};
        T* at = gp_step.data();
        for (const Tensor& p : captured) out.push_back(at), at += p.numel();
        S.func_vjp(en.t, en.point).template run<T>(in, out);
        add_scaled(adj[en.from[0]], gy.data(), T(1), n);
        add_scaled(gp, gp_step.data(), T(1), gp.size());
      } else {
        for (size_t j = 0; j < en.from.size(); ++j)
          if (en.cs[j] != 0.0) add_scaled(adj[en.from[j]], adj[e].data(), (T)en.cs[j], n);
      }
      std::vector<T>().swap(adj[e]);
    }
    if (adj[0].empty()) adj[0].assign(n, T(0));
    std::vector<Tensor> dxs{S.layout.state(adj[0])[0]};
    if (!captured.empty()) {
      State gs = Layout(captured).state(gp);
      dxs.insert(dxs.end(), gs.begin(), gs.end());
    }
    return dxs;
  }

  std::vector<Tensor> jvp(const std::vector<Tensor>&, const Saved&) const {
    fail("odeint: jit = true differentiates the solve in reverse mode only; for forward mode (JVP), set jit = false");
  }
};

}  // namespace

Tensor odeint_replayed(const Func& func, const Tensor& y0, const std::vector<double>& ts, const Settings& s,
                       Stats& stats) {
  std::shared_ptr<Recorded> rec = recorded(func, y0, ts.front(), s);
  const std::vector<Tensor>& captured = rec->captured;
  if (captured.empty() && !y0.requires_grad()) {  // nothing to differentiate
    std::vector<Tensor> ys;
    for (State& y : rec->replayed.solve(State{y0}, ts, s, stats)) ys.push_back(y[0]);
    return stack(ys, 0);
  }
  for (const Tensor& p : captured)
    check(p.dtype() == y0.dtype(), s.who, ": jit = true differentiates through func's tensors in y0's dtype (",
          dtype_name(y0.dtype()), "), but func reads a ", dtype_name(p.dtype()), " tensor of shape ",
          to_string(p.shape()), " that requires grad; convert it with .to(), or set jit = false");
  std::vector<Tensor> inputs{y0};
  inputs.insert(inputs.end(), captured.begin(), captured.end());
  return dispatch_float(y0.dtype(), s.who.c_str(), [&](auto tag) {
    using T = decltype(tag);
    auto solve = std::make_shared<TapedSolve<T>>(
        TapedSolve<T>{wrap_timed(func, y0, s.who), rec, ts, s, &stats, Layout(State{y0}), {}, {}});
    return apply_op(TapedOde<T>{std::move(solve)}, inputs)[0];
  });
}

}  // namespace fluxion::odeint::detail
