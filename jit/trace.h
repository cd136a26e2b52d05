// SPDX-License-Identifier: MIT
// jit::trace(fn, example_inputs): record once, replay the kernels.
//
// Every op reaches its kernel through apply() (autograd/apply.h), and so do
// the rules of a backward or forward-mode pass, which are ops too. A tracer
// installed on apply()'s recording hook (autograd/recorder.h) sees the whole computation of fn as one straight line of
// kernel calls: the forward, the gradients fn asks autograd for, even
// Hessian-vector products. Replaying that line on new inputs needs none of
// autograd's bookkeeping (no nodes, no graph walk, no Tensor handles), which
// for small tensors is most of the cost:
//
//   auto fg = jit::trace([&](const std::vector<Tensor>& in) {
//     Tensor y = f(in[0]);
//     return std::vector<Tensor>{y, autograd::grad({y}, {in[0]})[0]};
//   }, {x0.requires_grad_()});
//   auto [y, g] = fg({x1});  // f and grad f at x1, from the recorded kernels
//
// A replay re-runs only the steps downstream of an input whose values changed
// since the last call: with inputs (x, v) and x unchanged, only the work that
// depends on v runs (repeated HVPs at one point cost only their own part).
//
// What a trace freezes, as torch.jit.trace does: C++ control flow (a branch
// taken while tracing is always taken), and tensors made without ops from
// the inputs (factories such as zeros() and random draws are constants). A
// C++ number read from a traced tensor (item(), to_vector()) is an error
// while tracing, since it could steer such control flow; so are in-place
// writes to traced values. Shapes and dtypes are fixed at trace time.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "autograd/recorder.h"
#include "autograd/tensor.h"
#include "tensor/small_vector.h"

namespace fluxion::jit {

using TraceFunction = std::function<std::vector<Tensor>(const std::vector<Tensor>&)>;

namespace detail {

/// One recorded kernel call: slots[out...] = forward(slots[in...]); slot -1 is "no tensor".
struct Step {
  autograd::RecordedOp::Forward forward;  // a recorded op's; steps the passes make have `run` instead
  std::function<void(std::vector<TensorData>& slots, const Step& step)> run;
  SmallVector<int32_t, 4> in, out;
  const char* name = "";  // the op's name
  // For simplification (from autograd::RecordedOp): the op's type when it
  // holds no state (so equal inputs mean equal outputs), and its two-sided
  // identity element, if any.
  const void* stateless_kind = nullptr;
  std::optional<double> identity;
  bool commutative = false;
  // For fusion: the op's elementwise rule over a block of n values (b unused
  // by unary ops), for ops that have one; and how many recorded ops the step runs.
  void (*block64)(double* y, const double* a, const double* b, int64_t n) = nullptr;
  void (*block32)(float* y, const float* a, const float* b, int64_t n) = nullptr;
  size_t ops = 1;
  std::string fused;  // the fused ops' names, for str()
  // For scatter ops (y = zeros with one view filled by the input g): that view of y.
  std::function<TensorData(const TensorData& y, const TensorData& g)> into;
  // Recorded a view of its one input holding its elements in their order
  // (a reshape of a contiguous array).
  bool same_order = false;
  // Each output element is a copy of one input element: a view, or an op that says so (RecordedOp::moves).
  bool moves = false;
  // The forward writing into a given array, for ops that have one (RecordedOp::write).
  std::function<void(std::span<const TensorData* const> xs, const TensorData& y)> write;
  // For a merged scatter whose inputs each fill one evenly strided row of its
  // output, together all of it once: each input's (offset, step) there.
  std::vector<std::pair<int64_t, int64_t>> rows;
};

/// A trace unrolled into straight-line code over its values' numbers (trace_unroll.cpp).
class Unrolled {
 public:
  virtual ~Unrolled() = default;
  /// in[i]: input i's numbers; out[i] receives output i's (all of the program's dtype, row-major).
  virtual void run(const void* const* in, void* const* out) = 0;
};

}  // namespace detail

/// The result of trace(): call it like fn, on inputs of the traced shapes and dtypes.
/// Not thread-safe (a replay keeps the last values for incremental re-runs,
/// and copies of a Trace share them).
class Trace {
 public:
  std::vector<Tensor> operator()(const std::vector<Tensor>& inputs);
  /// The same replay on flat arrays, for a hot loop over a small computation
  /// (odeint's jit): inputs[i] holds input i's numbers in row-major order,
  /// and output i's are written to outputs[i]; all of dtype T (float or
  /// double). No Tensor is made. A trace of elementwise ops and element moves
  /// (views, cat, ...) on a few numbers runs unrolled (trace_unroll.cpp);
  /// any other runs its steps, as operator() does.
  template <class T>
  void run(std::span<const T* const> inputs, std::span<T* const> outputs);
  /// Whether run() executes the trace unrolled.
  bool unrolled() const { return unrolled_ != nullptr; }
  /// Recorded ops kept (those no output needs, or found redundant, are dropped at trace time).
  size_t num_steps() const;
  /// Ops the last replay ran (fewer than num_steps() when some inputs were unchanged).
  size_t steps_run() const { return steps_run_; }
  /// The recorded program, one step per line: "%4 = Mul(%2, %2)"; inputs are %0.., constants "c".
  std::string str() const;

 private:
  friend Trace trace(const TraceFunction&, const std::vector<Tensor>&);
  void note_output_versions();
  bool begin_replay();  // whether every step must run (an output handed out was written in place)
  void load(size_t i, const void* bytes, bool all);  // input i's new values, contiguous
  void replay(bool all);
  std::vector<detail::Step> steps_;
  std::vector<std::pair<Shape, DType>> input_types_;
  std::vector<TensorData> slots_;  // inputs (private copies) first, then constants and step outputs: last values
  std::vector<SmallVector<int32_t, 4>> input_views_;     // the views of each input (so its copy can be reused)
  std::vector<std::pair<int32_t, uint64_t>> constants_;  // slot, storage version when last read
  std::vector<int32_t> outputs_;
  std::vector<uint64_t> output_versions_;  // of the outputs handed out: an in-place write forces a full re-run
  size_t steps_run_ = 0;
  std::vector<char> dirty_;  // per slot, during a replay: its value changed
  std::shared_ptr<detail::Unrolled> unrolled_;  // run()'s program, when the trace unrolls
};

/// Runs fn(example_inputs) once (with autograd, as usual) and records its kernels.
Trace trace(const TraceFunction& fn, const std::vector<Tensor>& example_inputs);

namespace detail {

/// Whether a jit::trace is recording on this thread.
bool recording();
/// Scatter merging (trace_scatter.cpp): scatters (SliceBackward, ...) that Adds sum become one step.
std::vector<Step> merge_scatters(std::vector<Step>&& steps, const std::vector<TensorData>& slots,
                                 const std::vector<int32_t>& outputs);
/// The fusion pass (trace_fuse.cpp), after merging scatters: elementwise steps with an elementwise rule become
/// fused steps.
std::vector<Step> fuse(std::vector<Step>&& steps, const std::vector<TensorData>& slots,
                       const std::vector<int32_t>& outputs, size_t num_inputs);
/// The slots that were views of slot s when recorded (they share its storage).
SmallVector<int32_t, 4> views_of(const std::vector<TensorData>& recorded, int32_t s);
/// A contiguous array for a step to write into slot s: the one slot s holds
/// when nothing but s and its views `views` holds it (so no one can see it
/// change) and it fits, else a new one.
TensorData reuse_or_empty(const std::vector<TensorData>& slots, int32_t s, const SmallVector<int32_t, 4>& views,
                          const Shape& shape, DType dtype);

/// The step's elementwise rule over a block of T (block64 or block32), or null.
template <class T>
void (*block_of(const Step& step))(T*, const T*, const T*, int64_t) {
  if constexpr (std::is_same_v<T, double>) return step.block64;
  else return step.block32;
}

inline const TensorData& slot(const std::vector<TensorData>& slots, int32_t i) {
  static const TensorData none;
  return i < 0 ? none : slots[i];
}

/// The steps (before fusion) as one unrolled program, or null when a step is
/// neither elementwise nor moves elements, or the values are not a few numbers of one floating dtype.
std::unique_ptr<Unrolled> unroll(const std::vector<Step>& steps, const std::vector<TensorData>& slots,
                                 const std::vector<int32_t>& outputs, size_t num_inputs);

/// Runs the step on the slots.
void run_step(const Step& step, std::vector<TensorData>& slots);

}  // namespace detail
}  // namespace fluxion::jit
