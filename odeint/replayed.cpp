// SPDX-License-Identifier: MIT
// Options::jit: the field recorded once with jit::trace, at its first
// evaluation, and its kernels replayed at every later one. A small state's
// field costs a few dozen nanoseconds of arithmetic and microseconds of
// autograd's bookkeeping (a node, a Tensor and a shape check per op); the
// replay runs the recorded kernels alone (with elementwise chains fused,
// jit/trace_fuse.cpp). With no graph to record, the solver's own arithmetic
// needs no tensors either: it steps on flat states (solver.h), and only the
// field's inputs and outputs cross into tensors.
// A replay carries no graph, so a solve that must be differentiated through
// cannot use it: that is an error, named at the first evaluation.
#include <optional>

#include "autograd/grad_mode.h"
#include "autograd/ops.h"
#include "jit/trace.h"
#include "odeint/solver.h"
#include "tensor/small_vector.h"

namespace fluxion::odeint::detail {

// The recording: of t and the first `inputs` components, the field's derivatives.
struct ReplayedTrace {
  std::optional<jit::Trace> trace;
};

namespace {

// A replay carries no graph: nothing that requires grad may enter the solve.
void check_no_graph(bool requires_grad, const std::string& who) {
  if (requires_grad)
    fail(who,
         ": jit = true replays func's kernels without autograd, but func's result requires grad (y0, t or a tensor "
         "func captures requires grad), so no gradient could flow through the solve; set jit = false, solve under a "
         "NoGradGuard, or use odeint_adjoint, which replays both its solves");
}

}  // namespace

Replayed::Replayed(TimedFunc field, size_t inputs)
    : field_(std::move(field)), inputs_(inputs), trace_(std::make_shared<ReplayedTrace>()) {}

template <class T>
FlatState<T> Replayed::eval(double t, const FlatState<T>& y, const std::string& who) {
  ReplayedTrace& r = *trace_;
  const Layout& L = *y.layout;
  if (!r.trace) {
    State ys = L.state(y.v);
    std::vector<Tensor> inputs{scalar(t, L.dtype)};
    inputs.insert(inputs.end(), ys.begin(), ys.begin() + (int64_t)inputs_);
    r.trace = jit::trace(
        [&](const std::vector<Tensor>& in) {
          State at = ys;  // the components after `inputs_` enter by their shapes only
          std::copy(in.begin() + 1, in.end(), at.begin());
          State dy = field_(in[0], at);
          check(dy.size() == L.shapes.size(), who, ": the field returned ", dy.size(), " derivatives for a state of ",
                L.shapes.size());
          for (size_t c = 0; c < dy.size(); ++c) {
            check(dy[c].defined() && dy[c].shape() == L.shapes[c] && dy[c].dtype() == L.dtype, who,
                  ": the field's derivative ", c, " does not match its state's shape and dtype");
            check_no_graph(dy[c].requires_grad(), who);
          }
          return dy;
        },
        inputs);
  }
  // t, then the components' numbers in y, which are laid out end to end
  const T tt = (T)t;
  SmallVector<const T*, 8> in{&tt};
  const T* from = y.v.data();
  for (size_t c = 0; c < inputs_; ++c) in.push_back(from), from += L.numels[c];
  FlatState<T> out{std::vector<T>((size_t)L.n), &L};
  SmallVector<T*, 8> to;
  T* at = out.v.data();
  for (size_t c = 0; c < L.numels.size(); ++c) to.push_back(at), at += L.numels[c];
  r.trace->template run<T>(in, to);
  return out;
}

std::vector<State> Replayed::solve(const State& y0, const std::vector<double>& ts, const Settings& s, Stats& stats) {
  for (const Tensor& c : y0) check_no_graph(GradMode::is_enabled() && c.requires_grad(), s.who);
  const Layout layout(y0);
  return dispatch_float(layout.dtype, s.who.c_str(), [&](auto tag) {
    using T = decltype(tag);
    FieldOf<FlatState<T>> f = [this, &s](double t, const FlatState<T>& y) { return eval(t, y, s.who); };
    std::vector<FlatState<T>> ys = detail::solve(f, FlatState<T>{layout.flat<T>(y0), &layout}, ts, s, stats);
    std::vector<State> out{y0};  // as a tensor solve, the first output is y0 itself
    for (size_t i = 1; i < ys.size(); ++i) out.push_back(layout.state(ys[i].v));
    return out;
  });
}

}  // namespace fluxion::odeint::detail
