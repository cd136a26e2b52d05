// SPDX-License-Identifier: MIT
// The bookkeeping of one backward pass (the engine's run(), engine.cpp): each
// node's state during the pass (dependencies left, summed gradients, whether
// gradients flow through it) and the sum of gradients arriving at one slot.
#pragma once
#include <cstdint>
#include <vector>

#include "autograd/node.h"

namespace fluxion::autograd::detail {

// What the engine knows about one node during a pass.
struct NodeState {
  Node* node;
  Node::Scratch saved;     // the node's scratch before this pass, restored after
  int dependencies = 0;    // edges from nodes not yet run; -1 once queued
  TensorList buffer;       // summed gradients, one per output slot
  int first_capture = -1;  // head of the list of captures at this node
  bool flows = true;       // gradients for it are wanted
  bool runs = true;        // its backward() must be called
};

// A requested gradient: what arrives in `node`'s slot `slot`.
struct Capture {
  Node* node;
  uint32_t slot;
};

// The states of the nodes one pass visits. A node finds its state through its
// own scratch field, in constant time and without hashing (the lookup runs
// once per edge); the field is saved and restored, so a backward pass run
// from inside another (odeint_adjoint's) leaves the outer pass's intact.
class GraphTask {
 public:
  GraphTask();
  ~GraphTask();  // innermost pass first: restores what the nodes held before
  GraphTask(const GraphTask&) = delete;
  GraphTask& operator=(const GraphTask&) = delete;

  NodeState* find(Node* node) { return node->scratch.pass == id_ ? &states_[node->scratch.index] : nullptr; }
  // The state of node, created on first sight; `fresh` tells which.
  NodeState& get(Node* node, bool* fresh = nullptr) {
    NodeState* s = find(node);
    if (fresh) *fresh = s == nullptr;
    if (s) return *s;
    states_.push_back({.node = node, .saved = node->scratch});
    states_.back().buffer.resize(node->outputs.size());
    node->scratch = {id_, (uint32_t)(states_.size() - 1)};
    return states_.back();
  }

 private:
  uint64_t id_;
  std::vector<NodeState> states_;
};

// slot += g, in place when nothing else can see slot's tensor.
void accumulate(Tensor& slot, const Tensor& g);

}  // namespace fluxion::autograd::detail
