// SPDX-License-Identifier: MIT
// Options::jit: the field recorded once with jit::trace, at its first
// evaluation, and its kernels replayed at every later one. A small state's
// field costs a few dozen nanoseconds of arithmetic and microseconds of
// autograd's bookkeeping (a node, a Tensor and a shape check per op); the
// replay runs the recorded kernels alone (with elementwise chains fused,
// jit/trace_fuse.cpp). With no graph to record, the solver's own arithmetic
// needs no tensors either: it steps on flat states (solver.h), and only the
// field's inputs and outputs cross into tensors.
// A replay carries no graph: odeint differentiates a replayed solve by a
// tape of its arithmetic instead (taped.cpp). Anywhere else, a field whose
// result would need a graph is an error, named at the first evaluation.
#include <algorithm>
#include <optional>

#include "autograd/grad_mode.h"
#include "autograd/ops.h"
#include "autograd/recorder.h"
#include "jit/trace.h"
#include "odeint/solver.h"
#include "odeint/tape.h"
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

// Sees the ops of func's recording (and passes them on to jit::trace's
// recorder): the tensors they read that require grad and that no op of the
// recording made are the ones func captured.
class CaptureFinder : public autograd::Recorder {
 public:
  CaptureFinder() : outer_(autograd::set_recorder(this)) {}
  ~CaptureFinder() override { autograd::set_recorder(outer_); }
  CaptureFinder(const CaptureFinder&) = delete;
  CaptureFinder& operator=(const CaptureFinder&) = delete;

  void record(autograd::RecordedOp&& op, std::span<const Tensor> inputs, std::span<const Tensor> outputs) override {
    for (const Tensor& x : inputs)
      if (x.defined() && x.requires_grad() && std::find(seen_.begin(), seen_.end(), x.impl()) == seen_.end())
        seen_.push_back(x.impl()), captured.push_back(x);
    for (const Tensor& y : outputs)
      if (y.defined()) seen_.push_back(y.impl());
    if (outer_) outer_->record(std::move(op), inputs, outputs);
  }
  void on_read(const TensorData& data, const char* what) override {
    if (outer_) outer_->on_read(data, what);
  }

  std::vector<Tensor> captured;

 private:
  autograd::Recorder* outer_;
  std::vector<const TensorImpl*> seen_;
};

}  // namespace

Replayed::Replayed(TimedFunc field, size_t inputs)
    : field_(std::move(field)), inputs_(inputs), trace_(std::make_shared<ReplayedTrace>()) {}

std::vector<Tensor> Replayed::record(double t, const State& ys, const std::string& who) {
  const Layout L(ys);
  std::vector<Tensor> inputs{scalar(t, L.dtype)}, captured;
  inputs.insert(inputs.end(), ys.begin(), ys.begin() + (int64_t)inputs_);
  trace_->trace = jit::trace(
      [&](const std::vector<Tensor>& in) {
        State at = ys;  // the components after `inputs_` enter by their shapes only
        std::copy(in.begin() + 1, in.end(), at.begin());
        CaptureFinder finder;
        State dy = field_(in[0], at);
        captured = std::move(finder.captured);
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
  return captured;
}

template <class T>
FlatState<T> Replayed::eval(double t, const FlatState<T>& y, const std::string& who) {
  ReplayedTrace& r = *trace_;
  const Layout& L = *y.layout;
  if (!r.trace) record(t, L.state(y.v), who);
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
  if (y.tape) out.tape = y.tape, out.entry = y.tape->add({.from = {y.entry}, .eval = true, .t = t, .point = y.v});
  return out;
}

template <class T>
std::vector<FlatState<T>> Replayed::solve(const FlatState<T>& y0, const std::vector<double>& ts, const Settings& s,
                                          Stats& stats) {
  FieldOf<FlatState<T>> f = [this, &s](double t, const FlatState<T>& y) { return eval(t, y, s.who); };
  return detail::solve(f, y0, ts, s, stats);
}
template std::vector<FlatState<float>> Replayed::solve(const FlatState<float>&, const std::vector<double>&,
                                                       const Settings&, Stats&);
template std::vector<FlatState<double>> Replayed::solve(const FlatState<double>&, const std::vector<double>&,
                                                        const Settings&, Stats&);

std::vector<State> Replayed::solve(const State& y0, const std::vector<double>& ts, const Settings& s, Stats& stats) {
  for (const Tensor& c : y0) check_no_graph(GradMode::is_enabled() && c.requires_grad(), s.who);
  const Layout layout(y0);
  return dispatch_float(layout.dtype, s.who.c_str(), [&](auto tag) {
    using T = decltype(tag);
    std::vector<FlatState<T>> ys = solve(FlatState<T>{layout.flat<T>(y0), &layout}, ts, s, stats);
    std::vector<State> out{y0};  // as a tensor solve, the first output is y0 itself
    for (size_t i = 1; i < ys.size(); ++i) out.push_back(layout.state(ys[i].v));
    return out;
  });
}

}  // namespace fluxion::odeint::detail
