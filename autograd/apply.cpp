// SPDX-License-Identifier: MIT
// The non-template half of apply<Op>: saving, connecting, tangents, and the
// thread's recorder (the recording hook, recorder.h).
#include "autograd/apply.h"

#include <utility>

#include "autograd/forward_ad.h"
#include "autograd/ops.h"

namespace fluxion {

namespace autograd {
constinit thread_local Recorder* detail::t_recorder = nullptr;
Recorder* set_recorder(Recorder* r) { return std::exchange(detail::t_recorder, r); }
}  // namespace autograd

static uint64_t version_of(const Tensor& t) { return t.defined() ? t.tensor_data().storage->version : 0; }

static void check_version(const Tensor& t, uint64_t saved, const Node* node, const char* what, size_t i) {
  if (t.defined() && version_of(t) != saved)
    fail("backward: ", what, " ", i, " of ", node ? node->name() : std::string("an op"), " (shape ",
         to_string(t.shape()), ") was modified by an in-place operation after it was saved (version ", saved,
         ", now ", version_of(t), "); use an out-of-place op (x = x + y instead of x.add_(y)) or clone() it first");
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

Tensor Saved::output(size_t i) const {
  check_live(released_, node);
  check(i < outputs_.size(), "Saved::output: op saved ", outputs_.size(), " outputs (asked for ", i,
        "); declare `static constexpr Save save = Save::output` or Save::both in the op");
  check_version(outputs_[i], output_versions_[i], node, "output", i);
  if (!linked_) return outputs_[i];
  // Re-link the saved output to this node, so a rule that uses it is itself
  // differentiable, without the node having owned its own output.
  auto impl = std::make_shared<TensorImpl>();
  impl->data = outputs_[i].tensor_data();
  impl->tangents = outputs_[i].impl()->tangents;
  if (is_floating(impl->data.dtype)) {
    impl->grad_fn = node->shared_from_this();
    impl->output_nr = (uint32_t)i;
  }
  return Tensor(std::move(impl));
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

void Saved::save_inputs(std::span<const Tensor> xs) {
  inputs_.assign(xs.begin(), xs.end());
  input_versions_.clear();
  for (const Tensor& x : xs) input_versions_.push_back(version_of(x));
}

void Saved::save_outputs(std::span<const Tensor> ys, bool linked) {
  linked_ = linked;
  outputs_.clear();
  output_versions_.clear();
  for (const Tensor& y : ys) {
    if (linked && y.defined()) {  // a holder of the data and tangents, with no grad_fn
      auto impl = std::make_shared<TensorImpl>();
      impl->data = y.tensor_data();
      // Tangent values only: a tangent recorded in the graph can lead back to
      // this very node, and owning it here would close a reference cycle.
      // (Forward-over-reverse needs the values; only differentiating an HVP
      // once more through this output's tangent is given up.)
      for (const auto& [level, tangent] : y.impl()->tangents) impl->tangents.emplace_back(level, tangent.detach());
      outputs_.emplace_back(std::move(impl));
    } else {
      outputs_.push_back(y);
    }
    output_versions_.push_back(version_of(y));
  }
}

void Saved::release() {
  inputs_.clear();
  outputs_.clear();
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
  // The rule sees each output through an alias: same data and place in the
  // graph, its own copy of the tangent list. A tangent computed from the real
  // output (exp's dx * y) would otherwise own, through its graph, the tensor
  // that owns the tangent: a reference cycle, leaked.
  std::vector<Tensor> aliases;
  aliases.reserve(ys.size());
  for (const Tensor& y : ys) {
    if (!y.defined()) {
      aliases.push_back(y);
      continue;
    }
    auto impl = std::make_shared<TensorImpl>();
    impl->data = y.tensor_data();
    impl->grad_fn = y.impl()->grad_fn;
    impl->output_nr = y.impl()->output_nr;
    impl->tangents = y.impl()->tangents;
    aliases.emplace_back(std::move(impl));
  }
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
