// SPDX-License-Identifier: MIT
#include "autograd/engine.h"

#include <algorithm>
#include <cmath>
#include <queue>
#include <unordered_map>

#include "autograd/grad_mode.h"
#include "autograd/node.h"
#include "autograd/ops.h"
#include "tensor/kernels/copy.h"
#include "tensor/kernels/reduce.h"

namespace fluxion::autograd {

namespace {

thread_local bool g_anomaly = false;

struct NodeState {
  int dependencies = 0;         // edges from nodes not yet run
  std::vector<Tensor> buffer;   // summed gradients, one per output slot
  bool flows = true;            // gradients for it are wanted
  bool runs = true;             // its apply() must be called
};

// A requested gradient: what arrives in `node`'s slot `slot`.
struct Capture {
  Node* node;
  uint32_t slot;
};

void check_finite(const Tensor& g, const Node& node, size_t input) {
  if (!g.defined() || !g.is_floating_point()) return;
  double s = kernels::item(kernels::sum(g.tensor_data(), {}, false));  // NaN or Inf anywhere shows in the sum
  if (!std::isfinite(s))
    fail("anomaly: ", node.name(), " returned a non-finite gradient for its input ", input, " (shape ",
         to_string(g.shape()), "); the forward op that produced it is the first to look at");
}

// The heart of reverse mode. Runs every node that leads (through next_edges)
// from the roots to a capture (or to any leaf when accumulating), in an order
// where a node runs only after all nodes that feed it gradients.
std::vector<Tensor> run(const std::vector<Edge>& roots, const std::vector<Tensor>& root_grads, bool keep_graph,
                        bool create_graph, const std::vector<Capture>& captures, bool accumulate) {
  std::unordered_map<Node*, NodeState> state;
  std::vector<Node*> post_order;  // children before parents
  // 1. Discover the graph with an explicit stack, counting dependencies.
  {
    std::vector<std::pair<Node*, size_t>> stack;
    for (const Edge& r : roots) {
      if (!r.node || state.count(r.node.get())) continue;
      state[r.node.get()];
      stack.emplace_back(r.node.get(), 0);
      while (!stack.empty()) {
        auto& [node, next] = stack.back();
        if (next < node->next_edges.size()) {
          Node* child = node->next_edges[next++].node.get();
          if (!child) continue;
          auto [it, fresh] = state.try_emplace(child);
          it->second.dependencies++;
          if (fresh) stack.emplace_back(child, 0);
        } else {
          post_order.push_back(node);
          stack.pop_back();
        }
      }
    }
  }
  // 2. Which nodes receive gradients (flows) and which must run (runs).
  //    backward(): everything, or with .inputs only paths to those leaves;
  //    grad(): only paths to the captures, and AccumulateGrad never runs.
  std::unordered_multimap<Node*, size_t> capture_at;
  for (size_t c = 0; c < captures.size(); ++c) capture_at.emplace(captures[c].node, c);
  bool everything = accumulate && captures.empty();
  for (Node* node : post_order) {
    NodeState& s = state[node];
    bool target = capture_at.count(node) > 0;
    bool child_flows = std::any_of(node->next_edges.begin(), node->next_edges.end(),
                                   [&](const Edge& e) { return e.node && state[e.node.get()].flows; });
    s.flows = everything || target || child_flows;
    s.runs = dynamic_cast<AccumulateGrad*>(node) ? accumulate && (everything || target) : everything || child_flows;
  }
  for (auto& [node, s] : state) s.buffer.resize(node->outputs.size());
  // 3. Seed the roots.
  for (size_t i = 0; i < roots.size(); ++i) {
    if (!roots[i].node) continue;
    Tensor& slot = state[roots[i].node.get()].buffer[roots[i].input_nr];
    slot = slot.defined() ? slot + root_grads[i] : root_grads[i];
  }
  // 4. Kahn's algorithm; among ready nodes, the most recently created runs first.
  auto later = [](Node* a, Node* b) { return a->sequence_nr < b->sequence_nr; };
  std::priority_queue<Node*, std::vector<Node*>, decltype(later)> ready(later);
  for (const Edge& r : roots)
    if (r.node && state[r.node.get()].dependencies == 0) {
      state[r.node.get()].dependencies = -1;  // queued
      ready.push(r.node.get());
    }
  std::vector<Tensor> captured(captures.size());
  EnableGradGuard grad_mode(create_graph);
  while (!ready.empty()) {
    Node* node = ready.top();
    ready.pop();
    NodeState& s = state[node];
    std::vector<Tensor> grads = std::move(s.buffer);
    for (auto& [slot, hook] : node->pre_hooks) {
      if (!grads[slot].defined()) continue;
      Tensor r = hook(grads[slot]);
      if (r.defined()) grads[slot] = r;
    }
    auto [first, last] = capture_at.equal_range(node);
    for (auto it = first; it != last; ++it) captured[it->second] = grads[captures[it->second].slot];
    std::vector<Tensor> out;
    bool any = std::any_of(grads.begin(), grads.end(), [](const Tensor& g) { return g.defined(); });
    if (s.runs && any) {
      if (grads.size() > 1)  // multi-output ops get zeros for outputs no gradient reached
        for (size_t i = 0; i < grads.size(); ++i)
          if (!grads[i].defined() && is_floating(node->outputs[i].dtype))
            grads[i] = zeros(node->outputs[i].shape, node->outputs[i].dtype);
      out = node->apply(std::move(grads));
      if (!keep_graph) node->release_saved();
    }
    for (size_t i = 0; i < node->next_edges.size(); ++i) {
      const Edge& e = node->next_edges[i];
      if (!e.node) continue;
      NodeState& child = state[e.node.get()];
      if (i < out.size() && out[i].defined() && child.flows) {
        Tensor g = out[i];
        const TensorMeta& meta = node->inputs[i];
        if (g.shape() != meta.shape) g = sum_to(g, meta.shape);  // un-broadcast, the one place
        if (g.dtype() != meta.dtype) g = g.to(meta.dtype);
        if (g_anomaly) check_finite(g, *node, i);
        Tensor& slot = child.buffer[e.input_nr];
        slot = slot.defined() ? slot + g : g;
      }
      if (--child.dependencies == 0) ready.push(e.node.get());
    }
  }
  return captured;
}

Tensor seed_for(const Tensor& out, const Tensor& given, size_t i, const char* op) {
  if (given.defined()) {
    check(given.shape() == out.shape(), op, ": grad_outputs[", i, "] has shape ", to_string(given.shape()),
          " but output ", i, " has shape ", to_string(out.shape()));
    return given;
  }
  check(out.numel() == 1, op, ": output ", i, " has shape ", to_string(out.shape()),
        "; pass a gradient of that shape or call sum() first");
  return ones_like(out);
}

std::vector<Edge> root_edges(const std::vector<Tensor>& outputs, const char* op) {
  std::vector<Edge> roots;
  for (size_t i = 0; i < outputs.size(); ++i) {
    check(outputs[i].defined(), op, ": output ", i, " is an undefined tensor");
    check(outputs[i].requires_grad(), op, ": output ", i, " (shape ", to_string(outputs[i].shape()),
          ") does not require grad and has no grad_fn; call requires_grad_() on an input before computing it, "
          "and do not compute it under NoGradGuard");
    roots.push_back(gradient_edge(outputs[i]));
  }
  return roots;
}

}  // namespace

std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs, const GradOptions& opts) {
  check(opts.grad_outputs.empty() || opts.grad_outputs.size() == outputs.size(), "grad: got ", outputs.size(),
        " outputs but ", opts.grad_outputs.size(), " grad_outputs");
  std::vector<Edge> roots = root_edges(outputs, "grad");
  std::vector<Tensor> seeds;
  for (size_t i = 0; i < outputs.size(); ++i)
    seeds.push_back(seed_for(outputs[i], opts.grad_outputs.empty() ? Tensor{} : opts.grad_outputs[i], i, "grad"));
  std::vector<Capture> captures;
  std::vector<Edge> input_edges;
  for (size_t i = 0; i < inputs.size(); ++i) {
    check(inputs[i].defined() && inputs[i].requires_grad(), "grad: input ", i,
          " does not require grad; call requires_grad_() on it before computing the outputs");
    input_edges.push_back(gradient_edge(inputs[i]));
    captures.push_back({input_edges.back().node.get(), input_edges.back().input_nr});
  }
  std::vector<Tensor> result =
      run(roots, seeds, opts.retain_graph.value_or(opts.create_graph), opts.create_graph, captures, false);
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (result[i].defined()) {
      if (result[i].shape() != inputs[i].shape()) result[i] = sum_to(result[i], inputs[i].shape());
      continue;
    }
    check(opts.allow_unused, "grad: input ", i, " (shape ", to_string(inputs[i].shape()),
          ") was not used to compute the outputs; pass {.allow_unused = true} if that is expected");
    if (opts.materialize_grads) result[i] = zeros_like(inputs[i]);
  }
  return result;
}

void backward(const std::vector<Tensor>& outputs, const std::vector<Tensor>& grad_outputs, const BackwardOptions& opts) {
  check(grad_outputs.empty() || grad_outputs.size() == outputs.size(), "backward: got ", outputs.size(),
        " outputs but ", grad_outputs.size(), " gradients");
  std::vector<Edge> roots = root_edges(outputs, "backward");
  std::vector<Tensor> seeds;
  for (size_t i = 0; i < outputs.size(); ++i)
    seeds.push_back(seed_for(outputs[i], grad_outputs.empty() ? Tensor{} : grad_outputs[i], i, "backward"));
  std::vector<Capture> captures;
  std::vector<Edge> keep;  // holds the accumulators alive during the pass
  for (const Tensor& x : opts.inputs) {
    check(x.defined() && x.requires_grad(), "backward: every tensor in .inputs must require grad");
    keep.push_back(gradient_edge(x));
    captures.push_back({keep.back().node.get(), keep.back().input_nr});
  }
  run(roots, seeds, opts.retain_graph || opts.create_graph, opts.create_graph, captures, true);
}

DetectAnomalyGuard::DetectAnomalyGuard() : prev_(g_anomaly) { g_anomaly = true; }
DetectAnomalyGuard::~DetectAnomalyGuard() { g_anomaly = prev_; }
bool is_anomaly_enabled() { return g_anomaly; }

}  // namespace fluxion::autograd

