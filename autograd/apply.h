// SPDX-License-Identifier: MIT
// apply<Op>: the one place where an op meets autograd.
//
// An op is a struct with its forward (on raw TensorData, calling kernels), its
// VJP (reverse rule) and its JVP (forward rule) side by side, the rules
// written with ordinary differentiable Tensor ops:
//
//   // exp: y = e^x.  dy/dx = e^x = y, so both rules reuse the output.
//   struct Exp {
//     static constexpr const char* name = "Exp";
//     static constexpr Save save = Save::output;
//     TensorData forward(const TensorData& x) const { return kernels::exp(x); }
//     Tensor vjp(const Tensor& grad, const Saved& s) const { return grad * s.output(); }
//     Tensor jvp(const Tensor& dx, const Saved& s) const { return dx * s.output(); }
//   };
//   Tensor exp(const Tensor& x) { return apply(Exp{}, x); }
//
// Three shapes of op are understood:
//   unary   forward(x) -> y            vjp(grad, s) -> dx          jvp(dx, s) -> dy
//   binary  forward(a, b) -> y         vjp(grad, s) -> {da, db}    jvp(da, db, s) -> dy
//   general forward(vector xs) -> vector ys
//           vjp(vector grads, s) -> vector dxs    jvp(vector dxs, s) -> vector dys
// In binary and general JVPs an input without a tangent passes an undefined
// Tensor (read: zero); a VJP may return undefined for an input whose
// s.needs_grad(i) is false. Gradients may come back in the output's
// (broadcast) shape: the engine sums them down to each input's shape.
//
// Optional members, which only the recording hook reads (recorder.h):
// `save` (what the rules read; default Save::both), `differentiable = false`
// for ops with no derivative (comparisons, argmax), `identity` for binary ops
// with a two-sided identity element (Add's 0, Mul's 1) and `commutative =
// true`, which let a recorder drop steps such as a product with ones or b a
// after a b; `elementwise`, the rule the op's kernel runs on each element
// (kernels::AddRule, ...), which lets a recorder fuse a run of such ops into
// one loop; and `into`, for scatter ops, the view of y that g fills.
//
// apply() runs forward on the raw data; an output sharing an input's memory
// is marked a view of it (for in-place ops, see autograd/ops/inplace.cpp);
// if grad mode is on and an input
// requires grad it records an OpNode<Op> holding the op and what it saved;
// for each forward-mode level at which an input carries a tangent it computes
// the output's tangent with jvp. Because the rules are made of ops that go
// through apply() too, backward with create_graph records its own graph, and
// a backward pass over saved tensors that carry tangents carries tangents
// itself (forward-over-reverse Hessian-vector products come for free).
// And because every kernel call of forward, backward and tangent passes
// happens here, a Recorder installed on the thread (recorder.h; jit::trace
// installs one) sees all of them. When an input is batched by vmap, the op
// runs its batching rule instead of its forward (batching.h), and is recorded
// on the batched tensors.
#pragma once
#include <array>
#include <concepts>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "autograd/batched.h"
#include "autograd/grad_mode.h"
#include "autograd/node.h"
#include "autograd/recorder.h"
#include "tensor/kernels/loops.h"

namespace fluxion {

enum class Save : uint8_t { nothing = 0, inputs = 1, output = 2, both = 3 };

/// What a rule can read: the op's inputs and outputs, as Tensors in the graph.
class Saved {
 public:
  /// Input i as it was in forward (an error if it was modified in place since).
  Tensor input(size_t i = 0) const;
  /// Output i, linked to this op's node so the rule stays differentiable.
  Tensor output(size_t i = 0) const;
  /// Whether the gradient w.r.t. input i is wanted (VJP only; always true in JVP).
  bool needs_grad(size_t i) const;
  const Shape& input_shape(size_t i) const;
  DType input_dtype(size_t i) const;

  // Filled by apply(); not for rules.
  void save_inputs(std::span<const Tensor> xs);
  void save_outputs(std::span<const Tensor> ys, bool linked);
  /// Forward mode under grad mode: what the outputs' tangents at `level` were
  /// computed from (the inputs without that level's tangent, and the
  /// tangents), so output() can recompute them inside the graph.
  void save_tangent_inputs(uint64_t level, std::span<const Tensor> xs, std::vector<Tensor>&& dxs);
  /// ... and the values of the outputs' tangents, for a backward pass not recorded.
  void save_tangent_values(std::span<const Tensor> ys);
  void release();
  Node* node = nullptr;
  /// The op's JVP, run on the node's op (set with save_tangent_inputs).
  std::vector<Tensor> (*jvp)(const Node& node, const std::vector<Tensor>& dxs, const Saved& s) = nullptr;

 private:
  struct LevelInputs {
    uint64_t level;
    std::vector<Tensor> inputs, tangents;
    std::vector<uint64_t> versions;
  };
  Tensor relinked(size_t i) const;
  // Inline room for two: most ops have one or two inputs and one output.
  SmallVector<Tensor, 2> inputs_, outputs_;
  SmallVector<uint64_t, 2> input_versions_, output_versions_;
  std::vector<LevelInputs> levels_;  // outermost level first, as the tangents were computed
  std::vector<std::vector<std::pair<uint64_t, Tensor>>> tangent_values_;  // per output, no graph at any depth
  bool linked_ = false;              // outputs_ are detached holders to re-link to `node`
  bool released_ = false;
};

template <class Op>
class OpNode final : public Node {
 public:
  explicit OpNode(Op op) : op(std::move(op)) { saved.node = this; }
  std::string name() const override { return std::string(Op::name) + "Backward"; }
  TensorList backward(TensorList&& grads) override;
  void release_saved() override { saved.release(); }
  Op op;
  Saved saved;
};

namespace detail {

template <class Op>
concept UnaryOp = requires(const Op& op, const TensorData& x) {
  { op.forward(x) } -> std::same_as<TensorData>;
};
template <class Op>
concept BinaryOp = requires(const Op& op, const TensorData& x) {
  { op.forward(x, x) } -> std::same_as<TensorData>;
};

template <class Op>
constexpr Save save_of() {
  if constexpr (requires { Op::save; }) return Op::save;
  else return Save::both;
}
template <class Op>
constexpr bool differentiable_of() {
  if constexpr (requires { Op::differentiable; }) return Op::differentiable;
  else return true;
}

template <class Op>
std::vector<TensorData> run_forward(const Op& op, const std::vector<TensorData>& xs) {
  if constexpr (UnaryOp<Op>) return {op.forward(xs[0])};
  else if constexpr (BinaryOp<Op>) return {op.forward(xs[0], xs[1])};
  else return op.forward(xs);
}

template <class Op>
TensorList run_vjp(const Op& op, TensorList& grads, const Saved& s) {
  if constexpr (UnaryOp<Op>) return {op.vjp(grads[0], s)};
  else if constexpr (BinaryOp<Op>) {
    std::array<Tensor, 2> g = op.vjp(grads[0], s);
    return {g[0], g[1]};
  } else return op.vjp(std::vector<Tensor>(grads), s);
}

template <class Op>
std::vector<Tensor> run_jvp(const Op& op, const std::vector<Tensor>& dxs, const Saved& s) {
  if constexpr (UnaryOp<Op>) return {op.jvp(dxs[0], s)};
  else if constexpr (BinaryOp<Op>) return {op.jvp(dxs[0], dxs[1], s)};
  else return op.jvp(dxs, s);
}
template <class Op>
std::vector<Tensor> node_jvp(const Node& node, const std::vector<Tensor>& dxs, const Saved& s) {
  return run_jvp(static_cast<const OpNode<Op>&>(node).op, dxs, s);
}

// Op::elementwise over a block of n values (b unused by unary ops).
template <class Op, class T>
FLUXION_SIMD_CLONES void elementwise_block(T* y, const T* a, const T* b, int64_t n) {
  if constexpr (requires { Op::elementwise(a[0], b[0]); })
    for (int64_t i = 0; i < n; ++i) y[i] = Op::elementwise(a[i], b[i]);
  else
    for (int64_t i = 0; i < n; ++i) y[i] = Op::elementwise(a[i]);
}
template <class Op>
inline constexpr char kind_of = 0;  // one address per op type

// The recording hook: reports the op to this thread's Recorder, if any.
template <class Op>
void report(const Op& op, std::span<const Tensor> inputs, std::span<const Tensor> ys) {
  autograd::Recorder* r = autograd::recorder();
  if (!r) return;
  autograd::RecordedOp rec{.name = Op::name};
  rec.forward = [op](std::span<const TensorData* const> xs, std::span<TensorData* const> out) {
    if constexpr (UnaryOp<Op>) {
      *out[0] = op.forward(*xs[0]);
    } else if constexpr (BinaryOp<Op>) {
      *out[0] = op.forward(*xs[0], *xs[1]);
    } else {
      std::vector<TensorData> in;
      for (const TensorData* x : xs) in.push_back(*x);
      std::vector<TensorData> y = op.forward(in);
      for (size_t i = 0; i < out.size() && i < y.size(); ++i) *out[i] = std::move(y[i]);
    }
  };
  if constexpr (std::is_empty_v<Op>) rec.kind = &kind_of<Op>;
  if constexpr (requires { Op::identity; }) rec.identity = Op::identity;
  if constexpr (requires { Op::commutative; }) rec.commutative = Op::commutative;
  if constexpr (requires { Op::moves; }) rec.moves = Op::moves;
  if constexpr (requires(std::span<const TensorData* const> xs, const TensorData& y) { op.forward_into(xs, y); })
    rec.write = [op](std::span<const TensorData* const> xs, const TensorData& y) { op.forward_into(xs, y); };
  if constexpr (requires(double v) { Op::elementwise(v, v); } || requires(double v) { Op::elementwise(v); }) {
    rec.block64 = &elementwise_block<Op, double>;
    rec.block32 = &elementwise_block<Op, float>;
  }
  if constexpr (requires(const TensorData& d) { op.into(d, d); })
    rec.into = [op](const TensorData& y, const TensorData& g) { return op.into(y, g); };
  r->record(std::move(rec), inputs, ys);
}

// The non-template parts of apply(), in apply.cpp.
std::vector<Tensor> wrap_outputs(std::vector<TensorData>&& ys);
bool any_requires_grad(std::span<const Tensor> xs);
std::vector<uint64_t> tangent_levels(std::span<const Tensor> xs);
void connect(Node& node, Saved& saved, Save what, std::span<const Tensor> xs, std::span<const Tensor> ys);
Saved saved_for_jvp(std::span<const Tensor> xs, std::span<const Tensor> ys, uint64_t level);
std::vector<Tensor> tangents_at(std::span<const Tensor> xs, uint64_t level);
void attach_tangents(std::span<const Tensor> ys, std::vector<Tensor>&& dys, uint64_t level);
/// An output that shares an input's memory is a view of it (TensorImpl::view_base).
void mark_views(std::span<const Tensor> xs, std::span<const Tensor> ys);

// The batching hook (batching.h): runs op on inputs of which some are batched by vmap.
template <class Op>
std::vector<Tensor> apply_batched(Op op, const std::vector<Tensor>& inputs);

// After forward: records the node and computes tangents, when needed.
template <class Op>
void record(Op op, std::span<const Tensor> inputs, std::span<const Tensor> ys) {
  if constexpr (differentiable_of<Op>()) {
    bool grad = GradMode::is_enabled() && any_requires_grad(inputs);
    std::vector<uint64_t> levels = tangent_levels(inputs);  // empty (no allocation) outside forward mode
    if (!grad && levels.empty()) return;
    std::shared_ptr<OpNode<Op>> node;
    if (grad) {
      node = std::make_shared<OpNode<Op>>(std::move(op));
      connect(*node, node->saved, save_of<Op>(), inputs, ys);
    }
    const Op& rules = node ? node->op : op;
    // A rule that reads a saved output in backward needs its tangents too,
    // differentiable (third order through forward-over-reverse): the node
    // keeps what they are computed from and Saved::output() recomputes them.
    bool keep = node && (save_of<Op>() == Save::output || save_of<Op>() == Save::both);
    if (keep) node->saved.jvp = &node_jvp<Op>;
    for (uint64_t level : levels) {  // outermost first, so inner tangents see outer ones
      Saved s = saved_for_jvp(inputs, ys, level);
      std::vector<Tensor> dxs = tangents_at(inputs, level);
      attach_tangents(ys, run_jvp(rules, dxs, s), level);
      if (keep) node->saved.save_tangent_inputs(level, inputs, std::move(dxs));
    }
    if (keep && !levels.empty()) node->saved.save_tangent_values(ys);
  }
}

}  // namespace detail

template <class Op>
TensorList OpNode<Op>::backward(TensorList&& grads) {
  return detail::run_vjp(op, grads, saved);
}

/// a + b where an undefined tangent means zero (for JVPs of linear ops).
Tensor add_tangents(const Tensor& a, const Tensor& b);

/// Runs `op` on `inputs` (undefined Tensors allowed for optional inputs).
template <class Op>
std::vector<Tensor> apply_op(Op op, const std::vector<Tensor>& inputs) {
  if (batching::any_batched(inputs)) return detail::apply_batched(std::move(op), inputs);
  std::vector<TensorData> xs(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].defined()) xs[i] = inputs[i].tensor_data();
  std::vector<Tensor> ys = detail::wrap_outputs(detail::run_forward(op, xs));
  detail::mark_views(inputs, ys);
  detail::report(op, inputs, ys);
  detail::record(std::move(op), inputs, ys);
  return ys;
}

// One and two inputs, the common case, skip the vectors of apply_op: for a
// small tensor, their allocations and TensorData copies cost more than the kernel.
template <class Op>
Tensor apply(Op op, const Tensor& x) {
  if constexpr (!detail::UnaryOp<Op>) {
    return apply_op(std::move(op), {x})[0];
  } else {
    if (x.defined() && x.impl()->batched) return detail::apply_batched(std::move(op), {x})[0];
    Tensor y(op.forward(x.tensor_data()));
    detail::mark_views(std::span<const Tensor>(&x, 1), std::span<const Tensor>(&y, 1));
    detail::report(op, std::span<const Tensor>(&x, 1), std::span<const Tensor>(&y, 1));
    detail::record(std::move(op), std::span<const Tensor>(&x, 1), std::span<const Tensor>(&y, 1));
    return y;
  }
}
template <class Op>
Tensor apply(Op op, const Tensor& a, const Tensor& b) {
  if constexpr (!detail::BinaryOp<Op>) {
    return apply_op(std::move(op), {a, b})[0];
  } else {
    if (!a.defined() || !b.defined() || a.impl()->batched || b.impl()->batched)
      return apply_op(std::move(op), {a, b})[0];
    Tensor y(op.forward(a.tensor_data(), b.tensor_data()));
    const Tensor inputs[2] = {a, b};
    detail::mark_views(inputs, std::span<const Tensor>(&y, 1));
    detail::report(op, inputs, std::span<const Tensor>(&y, 1));
    detail::record(std::move(op), inputs, std::span<const Tensor>(&y, 1));
    return y;
  }
}

}  // namespace fluxion

#include "autograd/batching.h"  // IWYU pragma: keep (the definition of apply_batched)
