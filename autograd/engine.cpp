// SPDX-License-Identifier: MIT
// The backward engine: run() walks the graph from the outputs (Kahn's
// algorithm), and grad() and backward() seed it and collect what it returns.
#include "autograd/engine.h"

#include <algorithm>
#include <cmath>
#include <queue>

#include "autograd/grad_mode.h"
#include "autograd/graph_task.h"
#include "autograd/ops.h"
#include "tensor/kernels/copy.h"
#include "tensor/kernels/reduce.h"

namespace fluxion::autograd {

namespace {

thread_local bool g_anomaly = false;

using detail::accumulate;
using detail::Capture;
using detail::GraphTask;
using detail::NodeState;

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
                        bool create_graph, const std::vector<Capture>& captures, bool accumulate_into_leaves) {
  GraphTask pass;
  std::vector<uint32_t> post_order;  // children before parents
  // 1. Discover the graph depth first with an explicit stack; expanding a
  //    node counts the dependencies of its children.
  {
    std::vector<std::pair<uint32_t, size_t>> stack;  // (state, next edge)
    for (const Edge& r : roots) {
      if (!r.node) continue;
      uint32_t root = pass.index(r.node.get());
      if (pass.state(root).expanded()) continue;
      pass.expand(root);
      stack.emplace_back(root, 0);
      while (!stack.empty()) {
        auto [i, next] = stack.back();
        const NodeState& s = pass.state(i);
        if (next < s.node->next_edges.size()) {
          stack.back().second++;
          uint32_t c = pass.child(s, next);
          if (c == GraphTask::kNoChild || pass.state(c).expanded()) continue;
          pass.expand(c);
          stack.emplace_back(c, 0);
        } else {
          post_order.push_back(i);
          stack.pop_back();
        }
      }
    }
  }
  // 2. Which nodes receive gradients (flows) and which must run (runs).
  //    backward(): everything, or with .inputs only paths to those leaves;
  //    grad(): only paths to the captures, and AccumulateGrad never runs.
  std::vector<int> next_capture(captures.size(), -1);  // captures at one node, as a linked list
  for (size_t c = 0; c < captures.size(); ++c) {
    NodeState* s = pass.find(captures[c].node);
    if (!s) continue;  // not reachable from the outputs: its gradient stays undefined
    next_capture[c] = s->first_capture;
    s->first_capture = (int)c;
  }
  bool everything = accumulate_into_leaves && captures.empty();
  for (uint32_t i : post_order) {
    NodeState& s = pass.state(i);
    bool target = s.first_capture >= 0;
    bool child_flows = false;
    for (size_t e = 0; e < s.node->next_edges.size() && !child_flows; ++e) {
      uint32_t c = pass.child(s, e);
      child_flows = c != GraphTask::kNoChild && pass.state(c).flows;
    }
    s.flows = everything || target || child_flows;
    s.runs = s.node->is_accumulate_grad() ? accumulate_into_leaves && (everything || target) : everything || child_flows;
  }
  // 3. Seed the roots.
  for (size_t i = 0; i < roots.size(); ++i)
    if (roots[i].node) accumulate(pass.find(roots[i].node.get())->buffer[roots[i].input_nr], root_grads[i]);
  // 4. Kahn's algorithm; among ready nodes, the most recently created runs first.
  std::priority_queue<std::pair<uint64_t, uint32_t>> ready;  // (sequence_nr, state): the latest on top
  for (const Edge& r : roots) {
    NodeState* s = r.node ? pass.find(r.node.get()) : nullptr;
    if (s && s->dependencies == 0) {
      s->dependencies = -1;  // queued
      ready.emplace(s->node->sequence_nr, pass.index(r.node.get()));
    }
  }
  std::vector<Tensor> captured(captures.size());
  EnableGradGuard grad_mode(create_graph);
  while (!ready.empty()) {
    NodeState& s = pass.state(ready.top().second);  // states no longer move: they grow only in step 1
    ready.pop();
    Node* node = s.node;
    TensorList grads = std::move(s.buffer);
    for (auto& [slot, hook] : node->pre_hooks) {
      if (!grads[slot].defined()) continue;
      Tensor r = hook(grads[slot]);
      if (!r.defined()) continue;
      check(r.shape() == grads[slot].shape() && r.dtype() == grads[slot].dtype(), "backward: a hook on the output of ",
            node->name(), " got a gradient of shape ", grads[slot].shape(), " (",
            dtype_name(grads[slot].dtype()), ") and returned shape ", r.shape(), " (", dtype_name(r.dtype()),
            "); a hook must return a gradient like the one it got");
      grads[slot] = r;
    }
    for (int c = s.first_capture; c >= 0; c = next_capture[c]) captured[c] = grads[captures[c].slot];
    bool flows_on = s.runs && std::any_of(grads.begin(), grads.end(), [](const Tensor& g) { return g.defined(); });
    TensorList out;
    if (flows_on) {
      if (grads.size() > 1)  // multi-output ops get zeros for outputs no gradient reached
        for (size_t i = 0; i < grads.size(); ++i)
          if (!grads[i].defined() && is_floating(node->outputs[i].dtype))
            grads[i] = zeros(node->outputs[i].shape, node->outputs[i].dtype);
      out = node->backward(std::move(grads));
      if (!keep_graph) node->release_saved();
    }
    for (size_t i = 0; i < node->next_edges.size(); ++i) {
      uint32_t c = pass.child(s, i);
      if (c == GraphTask::kNoChild) continue;
      NodeState& child = pass.state(c);
      if (i < out.size() && out[i].defined() && child.flows) {
        Tensor g = out[i];
        const TensorMeta& meta = node->inputs[i];
        if (g.shape() != meta.shape) g = sum_to(g, meta.shape);  // un-broadcast, the one place
        if (g.dtype() != meta.dtype) g = g.to(meta.dtype);
        if (g_anomaly) check_finite(g, *node, i);
        accumulate(child.buffer[node->next_edges[i].input_nr], g);
      }
      if (--child.dependencies == 0) ready.emplace(child.node->sequence_nr, c);
    }
  }
  return captured;
}

Tensor seed_for(const Tensor& out, const Tensor& given, size_t i, const char* op) {
  if (given.defined()) {
    check(given.shape() == out.shape(), op, ": grad_outputs[", i, "] has shape ", given.shape(),
          " but output ", i, " has shape ", out.shape());
    return given;
  }
  check(out.numel() == 1, op, ": output ", i, " has shape ", out.shape(),
        "; pass a gradient of that shape or call sum() first");
  return ones_like(out);
}

std::vector<Edge> root_edges(const std::vector<Tensor>& outputs, const char* op) {
  std::vector<Edge> roots;
  for (size_t i = 0; i < outputs.size(); ++i) {
    check(outputs[i].defined(), op, ": output ", i, " is an undefined tensor");
    check(outputs[i].requires_grad(), op, ": output ", i, " (shape ", outputs[i].shape(),
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
    if (result[i].defined()) continue;  // in the input's shape already: run() un-broadcast it
    check(opts.allow_unused, "grad: input ", i, " (shape ", inputs[i].shape(),
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
