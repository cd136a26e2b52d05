// SPDX-License-Identifier: MIT
// The non-template half of apply<Op>: saving, connecting, tangents, and the
// thread's recorder (the recording hook, recorder.h).
#include "autograd/apply.h"

#include <algorithm>
#include <utility>

#include "autograd/batched.h"
#include "autograd/forward_ad.h"
#include "autograd/ops.h"

namespace fluxion {

namespace autograd {
constinit thread_local Recorder* detail::t_recorder = nullptr;
Recorder* set_recorder(Recorder* r) { return std::exchange(detail::t_recorder, r); }
}  // namespace autograd

static uint64_t version_of(const Tensor& t) { return t.defined() ? t.version() : 0; }

static void check_version(const Tensor& t, uint64_t saved, const Node* node, const char* what, size_t i) {
  if (t.defined() && version_of(t) != saved)
    fail("backward: ", what, " ", i, " of ", node ? node->name() : std::string("an op"), " (shape ",
         to_string(t.shape()), ") was modified by an in-place operation after it was saved (version ", saved, ", now ",
         version_of(t), "); use an out-of-place op (x = x + y instead of x.add_(y)) or clone() it first");
}

static void check_live(bool released, const Node* node) {
  if (released)
    fail("backward: the saved tensors of ", node ? node->name() : std::string("a node"),
         " were already freed by an earlier backward pass; call backward(..., {.retain_graph = true}) "
         "the first time if you need to go through the graph twice");
}

Tensor Saved::input(size_t i) const {
  check_live(released_, node);
  check(i < inputs_.size(), "Saved::input: op saved ", inputs_.size(), " inputs (asked for ", i,
        "); declare `static constexpr Save save = Save::inputs` or Save::both in the op");
  check_version(inputs_[i], input_versions_[i], node, "input", i);
  return inputs_[i];
}

// A new handle to y's data, in y's place in the graph, with its own copy of
// the tangent list. A rule computing a tangent for y reads y through it:
// attached to y, a tangent computed from y itself (exp's dx * y) would own,
// through its graph, the tensor that owns it: a reference cycle, leaked.
static Tensor alias(const Tensor& y) {
  if (!y.defined()) return y;
  auto impl = same_values(y);
  impl->grad_fn = y.impl()->grad_fn;
  impl->output_nr = y.impl()->output_nr;
  impl->tangents = y.impl()->tangents;
  return Tensor(std::move(impl));
}

// Saved output i re-linked to this node, so a rule that uses it is itself
// differentiable, without the node having owned its own output.
Tensor Saved::relinked(size_t i) const {
  if (!outputs_[i].defined()) return {};
  auto impl = same_values(outputs_[i]);
  if (is_floating(impl->data.dtype)) {
    impl->grad_fn = node->shared_from_this();
    impl->output_nr = (uint32_t)i;
  }
  return Tensor(std::move(impl));
}

Tensor Saved::output(size_t i) const {
  check_live(released_, node);
  check(i < outputs_.size(), "Saved::output: op saved ", outputs_.size(), " outputs (asked for ", i,
        "); declare `static constexpr Save save = Save::output` or Save::both in the op");
  check_version(outputs_[i], output_versions_[i], node, "output", i);
  if (!linked_) return outputs_[i];
  if (levels_.empty()) return relinked(i);
  if (!GradMode::is_enabled()) {
    // A backward pass that records nothing (no create_graph): what the rule
    // computes is never differentiated in reverse mode, so the tangents'
    // values (and their tangents, for nested levels) are all it needs, and
    // cost nothing to give.
    Tensor y = relinked(i);
    if (y.defined()) y.impl()->tangents = tangent_values_[i];
    return y;
  }
  std::vector<Tensor> ys;
  for (size_t k = 0; k < outputs_.size(); ++k) ys.push_back(relinked(k));
  // The outputs' tangents, recomputed by the JVP from the inputs' tangents
  // exactly as in forward (outermost level first), now as functions of the
  // re-linked outputs: differentiating the result in reverse or forward mode
  // again sees how the tangent depends on x, to any order. The node cannot
  // keep the forward's tangents instead: they were computed from its outputs,
  // so their graph leads back to the node itself (a reference cycle).
  const std::vector<uint64_t>& active = forward_ad::active_levels();
  for (const LevelInputs& l : levels_) {
    if (std::find(active.begin(), active.end(), l.level) == active.end()) continue;  // ended: never read again
    for (size_t k = 0; k < l.inputs.size(); ++k) check_version(l.inputs[k], l.versions[k], node, "input", k);
    Saved s;
    s.save_inputs(l.inputs);
    std::vector<Tensor> aliases;
    for (const Tensor& y : ys) aliases.push_back(alias(y));
    s.save_outputs(aliases, false);
    detail::attach_tangents(ys, jvp(*node, l.tangents, s), l.level);
  }
  return ys[i];
}

const Shape& Saved::input_shape(size_t i) const {
  if (node) return node->inputs.at(i).shape;
  static const Shape none;
  return inputs_.at(i).defined() ? inputs_[i].shape() : none;  // a JVP's Saved: from the inputs it holds
}

DType Saved::input_dtype(size_t i) const {
  if (node) return node->inputs.at(i).dtype;
  return inputs_.at(i).defined() ? inputs_[i].dtype() : Float32;
}

bool Saved::needs_grad(size_t i) const {
  if (!node) return true;
  return i < node->next_edges.size() && node->next_edges[i].node != nullptr;
}

// A leaf that requires grad is saved as a new handle to its data whose
// grad_fn is the leaf's AccumulateGrad: in the graph just as the leaf, but not
// owning it. Owning it, a gradient kept with its graph in the leaf's .grad
// (backward with create_graph) would own the leaf that owns it: a cycle.
// A view is saved without its base likewise: an in-place op may yet make
// this node part of the base's history (CopySlices).
static Tensor held(const Tensor& x) {
  if (!x.defined() || ((x.impl()->grad_fn || !x.impl()->requires_grad) && !x.impl()->view_base.defined())) return x;
  auto impl = same_values(x);
  Edge e = gradient_edge(x);
  impl->grad_fn = std::move(e.node);
  impl->output_nr = e.input_nr;
  impl->tangents = x.impl()->tangents;
  return Tensor(std::move(impl));
}

void Saved::save_inputs(std::span<const Tensor> xs) {
  inputs_.clear();
  input_versions_.clear();
  for (const Tensor& x : xs) {
    inputs_.push_back(held(x));
    input_versions_.push_back(version_of(x));
  }
}

void Saved::save_outputs(std::span<const Tensor> ys, bool linked) {
  linked_ = linked;
  outputs_.clear();
  output_versions_.clear();
  for (const Tensor& y : ys) {
    // Linked: a holder of the data with no grad_fn, re-linked by output().
    outputs_.push_back(linked && y.defined() ? Tensor(same_values(y)) : y);
    output_versions_.push_back(version_of(y));
  }
}

void Saved::save_tangent_inputs(uint64_t level, std::span<const Tensor> xs, std::vector<Tensor>&& dxs) {
  // Acyclic: the inputs and their tangents existed before this node.
  LevelInputs l{.level = level, .inputs = {}, .tangents = std::move(dxs), .versions = {}};
  for (const Tensor& x : xs) {
    l.inputs.push_back(x.defined() ? held(forward_ad::strip_level(x, level)) : x);
    l.versions.push_back(version_of(x));
  }
  levels_.push_back(std::move(l));
}

static Tensor values_only(const Tensor& t);

// The tangent list of a tensor with every tangent, at every depth, cut off
// from the graph: a tangent of an output was computed from that output, so
// its graph leads back to the node that keeps it.
static std::vector<std::pair<uint64_t, Tensor>> values_of(const std::vector<std::pair<uint64_t, Tensor>>& tangents) {
  std::vector<std::pair<uint64_t, Tensor>> values;
  for (const auto& [level, t] : tangents) values.emplace_back(level, values_only(t));
  return values;
}

// t's values and tangents, cut off from the graph. A tensor batched by vmap
// (a tangent batched by jacfwd, say) keeps its values, and the graph that
// computed them, in its batch record: that is rebuilt around the value cut
// off in the same way, else the record would lead back to the node too.
static Tensor values_only(const Tensor& t) {
  auto impl = std::make_shared<TensorImpl>();
  impl->data = t.impl()->data;
  if (const Batched* b = t.impl()->batched.get())
    impl->batched = std::make_shared<const Batched>(Batched{values_only(b->value), b->dim, b->level});
  impl->tangents = values_of(t.impl()->tangents);
  return Tensor(std::move(impl));
}

void Saved::save_tangent_values(std::span<const Tensor> ys) {
  tangent_values_.clear();
  for (const Tensor& y : ys) {
    tangent_values_.emplace_back();
    if (y.defined()) tangent_values_.back() = values_of(y.impl()->tangents);
  }
}

void Saved::release() {
  inputs_.clear();
  outputs_.clear();
  levels_.clear();
  tangent_values_.clear();
  released_ = true;
}

Tensor add_tangents(const Tensor& a, const Tensor& b) {
  if (!a.defined()) return b;
  if (!b.defined()) return a;
  return a + b;
}

namespace detail {

std::vector<Tensor> wrap_outputs(std::vector<TensorData>&& ys) {
  std::vector<Tensor> out;
  out.reserve(ys.size());
  for (TensorData& y : ys) out.emplace_back(std::move(y));
  return out;
}

bool any_requires_grad(std::span<const Tensor> xs) {
  for (const Tensor& x : xs)
    if (x.defined() && x.requires_grad()) return true;
  return false;
}

std::vector<uint64_t> tangent_levels(std::span<const Tensor> xs) {
  std::vector<uint64_t> levels;
  const auto& active = forward_ad::active_levels();
  if (active.empty()) return levels;
  for (uint64_t level : active)
    for (const Tensor& x : xs)
      if (x.defined() && forward_ad::tangent_of(x, level).defined()) {
        levels.push_back(level);
        break;
      }
  return levels;
}

void connect(Node& node, Saved& saved, Save what, std::span<const Tensor> xs, std::span<const Tensor> ys) {
  for (const Tensor& x : xs) {
    node.next_edges.push_back(x.defined() ? gradient_edge(x) : Edge{});
    node.inputs.push_back(x.defined() ? TensorMeta{x.shape(), x.dtype()} : TensorMeta{});
  }
  for (uint32_t i = 0; i < ys.size(); ++i) {
    node.outputs.push_back({ys[i].shape(), ys[i].dtype()});
    if (!is_floating(ys[i].dtype())) continue;  // integer outputs (indices) carry no gradient
    TensorImpl* impl = ys[i].impl();
    impl->grad_fn = node.shared_from_this();
    impl->output_nr = i;
  }
  if (what == Save::inputs || what == Save::both) saved.save_inputs(xs);
  if (what == Save::output || what == Save::both) saved.save_outputs(ys, true);
}

Saved saved_for_jvp(std::span<const Tensor> xs, std::span<const Tensor> ys, uint64_t level) {
  Saved s;
  std::vector<Tensor> stripped;
  stripped.reserve(xs.size());
  for (const Tensor& x : xs) stripped.push_back(x.defined() ? forward_ad::strip_level(x, level) : x);
  s.save_inputs(stripped);
  std::vector<Tensor> aliases;
  aliases.reserve(ys.size());
  for (const Tensor& y : ys) aliases.push_back(alias(y));
  s.save_outputs(aliases, false);
  return s;
}

std::vector<Tensor> tangents_at(std::span<const Tensor> xs, uint64_t level) {
  std::vector<Tensor> dxs;
  dxs.reserve(xs.size());
  for (const Tensor& x : xs) dxs.push_back(x.defined() ? forward_ad::tangent_of(x, level) : Tensor{});
  return dxs;
}

void attach_tangents(std::span<const Tensor> ys, std::vector<Tensor>&& dys, uint64_t level) {
  for (size_t i = 0; i < ys.size() && i < dys.size(); ++i) {
    if (!dys[i].defined() || !is_floating(ys[i].dtype())) continue;
    Tensor dy = dys[i];
    if (dy.dtype() != ys[i].dtype()) dy = dy.to(ys[i].dtype());
    if (dy.shape() != ys[i].shape()) dy = dy.expand(ys[i].shape());  // a tangent from a broadcast input
    forward_ad::set_tangent(ys[i], dy, level);
  }
}

}  // namespace detail
}  // namespace fluxion
