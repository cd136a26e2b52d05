// SPDX-License-Identifier: MIT
// autograd::checkpoint (checkpoint.h): the node that recomputes a block in
// backward, and how the block's graph is cut out in forward and grafted back.
//
// Forward runs fn as usual, recording its graph, then walks that graph to its
// boundary: the edges from nodes fn made to nodes that existed before (the
// inputs' grad_fns, the accumulators of captured parameters). One
// CheckpointBackward node takes those edges as its own and becomes the grad_fn
// of fn's outputs; nothing else refers to fn's graph, so it is freed with
// every activation it saved. The node keeps fn, the inputs and the
// generator's state.
//
// Its backward runs fn again on the inputs, with grad mode on, and
// backpropagates the incoming gradients through the new graph with a nested
// autograd::grad, stopped at the boundary (see BoundarySink): what arrives
// there is the node's gradient for each of its edges. Under create_graph that
// pass is itself recorded, so the result is differentiable again; tangents
// carried by the inputs and the gradients flow through both passes.
// (PyTorch's non-reentrant checkpoint reaches the same behaviour through
// saved-tensor hooks; its reentrant one returns gradients for the inputs
// only and so misses captured parameters under autograd.grad.)
#include "autograd/checkpoint.h"

#include <unordered_set>
#include <utility>

#include "autograd/apply.h"
#include "autograd/engine.h"
#include "tensor/random.h"

namespace fluxion::autograd {

namespace {

// The sequence number of a node made now: every node made later has a larger
// one, so "made after this moment" is "sequence_nr above it".
uint64_t sequence_now() {
  struct Mark final : Node {
    std::string name() const override { return "Mark"; }
    TensorList backward(TensorList&&) override { return {}; }
  };
  return Mark{}.sequence_nr;
}

// A node fn made (after `start`), as opposed to one at its boundary. An
// accumulator is a boundary even when made during fn: it belongs to its leaf.
bool made_inside(const Node* n, uint64_t start) { return n->sequence_nr > start && !n->is_accumulate_grad(); }

bool same_edge(const Edge& a, const Edge& b) { return a.node == b.node && a.input_nr == b.input_nr; }

// Visits, once each and without recursion, the nodes made inside from
// `outputs` down, calling at(node, edge index) for each edge that leaves them.
template <class F>
void for_each_boundary_edge(const std::vector<Tensor>& outputs, uint64_t start, F at) {
  std::vector<Node*> stack;
  std::unordered_set<Node*> seen;
  auto visit = [&](Node* n) {
    if (n && made_inside(n, start) && seen.insert(n).second) stack.push_back(n);
  };
  for (const Tensor& y : outputs) visit(y.grad_fn().get());
  while (!stack.empty()) {
    Node* n = stack.back();
    stack.pop_back();
    for (size_t e = 0; e < n->next_edges.size(); ++e) {
      Node* child = n->next_edges[e].node.get();
      if (child && !made_inside(child, start)) at(*n, e);
      visit(child);
    }
  }
}

// Restores the default generator to `state` for a scope, then puts back the
// state it had: the recomputation draws the forward's numbers, and the
// stream outside continues as if no recomputation had happened.
class ReplayRng {
 public:
  explicit ReplayRng(const std::vector<uint64_t>& state) {
    if (state.empty()) return;
    outer_ = default_generator().get_state();
    default_generator().set_state(state);
  }
  ~ReplayRng() {
    if (!outer_.empty()) default_generator().set_state(outer_);
  }
  ReplayRng(const ReplayRng&) = delete;
  ReplayRng& operator=(const ReplayRng&) = delete;

 private:
  std::vector<uint64_t> outer_;
};

// Stands in for a boundary edge while backward runs the recomputed graph.
// The nested pass captures the gradient arriving here, and as the sink has no
// edges yet it goes no further: it neither runs nodes outside the block nor
// walks the rest of the (possibly huge) graph. Afterwards it is connected to
// the real edge, as the identity, for passes through what create_graph recorded.
class BoundarySink final : public Node {
 public:
  explicit BoundarySink(const TensorMeta& meta) {
    inputs.push_back(meta);
    outputs.push_back(meta);
  }
  std::string name() const override { return "CheckpointBoundary"; }
  TensorList backward(TensorList&& grads) override { return {grads[0]}; }  // d/dx x = 1
};

class CheckpointBackward final : public Node {
 public:
  CheckpointBackward(CheckpointFn fn, std::vector<uint64_t> rng_state)
      : fn_(std::move(fn)), rng_state_(std::move(rng_state)) {
    saved_.node = this;
  }
  std::string name() const override { return "CheckpointBackward"; }
  TensorList backward(TensorList&& grads) override;
  void release_saved() override { saved_.release(); }

  // What forward records: the inputs, which of fn's outputs the node's outputs
  // are, and the boundary edges. `boundary` stays as forward found it, even if
  // a checkpoint around this one redirects next_edges to its own sinks: it
  // names the tensors that fn's recomputed graph leads to.
  void save(const std::vector<Tensor>& xs) {
    num_inputs_ = xs.size();
    saved_.save_inputs(xs);
  }
  std::vector<size_t> output_index;
  std::vector<Edge> boundary;

 private:
  CheckpointFn fn_;
  std::vector<uint64_t> rng_state_;  // the generator before forward; empty: not replayed
  Saved saved_;                      // the inputs: all the node keeps of forward
  size_t num_inputs_ = 0;
};

std::vector<Tensor> run(const CheckpointFn& fn, const std::vector<Tensor>& inputs, const char* when) {
  std::vector<Tensor> ys = fn(inputs);
  for (size_t i = 0; i < ys.size(); ++i)
    check(ys[i].defined(), "checkpoint: fn returned an undefined tensor as output ", i, " (", when,
          "); return only defined tensors");
  return ys;
}

TensorList CheckpointBackward::backward(TensorList&& grads) {
  bool create_graph = GradMode::is_enabled();  // the engine's setting for this pass
  std::vector<Tensor> xs;
  for (size_t i = 0; i < num_inputs_; ++i) xs.push_back(saved_.input(i));  // throws if freed or modified
  uint64_t start = sequence_now();
  std::vector<Tensor> ys;
  {
    ReplayRng replay(rng_state_);
    EnableGradGuard grad_on;
    ys = run(fn_, xs, "recomputed in backward");
  }
  // The roots of the nested pass: fn's outputs that this node stands for.
  std::vector<Tensor> roots, root_grads;
  for (size_t k = 0; k < output_index.size(); ++k) {
    size_t j = output_index[k];
    check(j < ys.size() && ys[j].shape() == outputs[k].shape && ys[j].grad_fn() &&
              made_inside(ys[j].grad_fn().get(), start),
          "checkpoint: run again in backward, fn did not compute what it computed in forward (output ", j,
          " was of shape ", outputs[k].shape,
          " and computed from the inputs); fn must not depend on state that changes between the two calls");
    if (grads[k].defined()) {
      roots.push_back(ys[j]);
      root_grads.push_back(grads[k]);
    }
  }
  // Redirect every edge leaving the new graph to a sink, one per boundary edge.
  std::vector<std::shared_ptr<BoundarySink>> sinks(boundary.size());
  for_each_boundary_edge(ys, start, [&](Node& n, size_t e) {
    size_t b = 0;
    while (b < boundary.size() && !same_edge(boundary[b], n.next_edges[e])) ++b;
    check(b < boundary.size(), "checkpoint: run again in backward, fn used a tensor (reaching ",
          n.next_edges[e].node->name(), ") that it did not use in forward; fn must use the same tensors each call");
    if (!sinks[b]) sinks[b] = std::make_shared<BoundarySink>(n.inputs[e]);
    n.next_edges[e] = Edge{sinks[b], 0};
  });
  std::vector<Tensor> at_sinks;  // handles whose gradient edge is a sink: what grad() captures
  std::vector<size_t> slots;
  for (size_t b = 0; b < sinks.size(); ++b) {
    if (!sinks[b]) continue;
    auto impl = std::make_shared<TensorImpl>();
    impl->grad_fn = sinks[b];
    at_sinks.push_back(Tensor(std::move(impl)));
    slots.push_back(b);
  }
  TensorList out(next_edges.size());
  if (roots.empty() || at_sinks.empty()) return out;
  std::vector<Tensor> gs =
      grad(roots, at_sinks, {.grad_outputs = root_grads, .create_graph = create_graph, .allow_unused = true});
  for (size_t i = 0; i < slots.size(); ++i) {
    sinks[slots[i]]->next_edges.push_back(next_edges[slots[i]]);
    out[slots[i]] = gs[i];
  }
  return out;
}

}  // namespace

std::vector<Tensor> detail::checkpoint(CheckpointFn fn, const std::vector<Tensor>& inputs,
                                       const CheckpointOptions& opts) {
  for (size_t i = 0; i < inputs.size(); ++i)
    check(inputs[i].defined(), "checkpoint: input ", i, " is an undefined tensor");
  // No graph will be recorded, so there are no activations to drop (forward
  // mode's tangents need none of this either: they flow through fn as it runs).
  if (!GradMode::is_enabled()) return run(fn, inputs, "in forward");

  std::vector<uint64_t> rng_state;
  if (opts.preserve_rng_state) rng_state = default_generator().get_state();
  uint64_t start = sequence_now();
  std::vector<Tensor> ys = run(fn, inputs, "in forward");

  std::vector<Edge> boundary;
  std::vector<TensorMeta> metas;
  for_each_boundary_edge(ys, start, [&](Node& n, size_t e) {
    for (const Edge& b : boundary)
      if (same_edge(b, n.next_edges[e])) return;
    boundary.push_back(n.next_edges[e]);
    metas.push_back(n.inputs[e]);
  });
  if (boundary.empty()) return ys;  // nothing fn computed needs a gradient: no graph to cut

  auto node = std::make_shared<CheckpointBackward>(std::move(fn), std::move(rng_state));
  node->save(inputs);
  node->boundary = boundary;
  for (size_t e = 0; e < boundary.size(); ++e) {
    node->next_edges.push_back(boundary[e]);
    node->inputs.push_back(metas[e]);
  }
  // Each output fn computed inside becomes an output of the node: the same
  // data, the node as grad_fn, and the tangents forward mode gave it. An
  // output made outside (an input returned as is) keeps its own grad_fn.
  std::vector<Tensor> outs = ys;
  for (size_t j = 0; j < ys.size(); ++j) {
    const std::shared_ptr<Node>& f = ys[j].grad_fn();
    if (!f || !made_inside(f.get(), start)) continue;
    auto impl = same_values(ys[j]);  // keeps the batch record of an output batched by vmap
    impl->grad_fn = node;
    impl->output_nr = (uint32_t)node->outputs.size();
    impl->tangents = ys[j].impl()->tangents;
    node->outputs.push_back({ys[j].shape(), ys[j].dtype()});
    node->output_index.push_back(j);
    outs[j] = Tensor(std::move(impl));
  }
  return outs;  // ys, and with them fn's graph, are freed here
}

}  // namespace fluxion::autograd
