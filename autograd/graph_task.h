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

// The states of the nodes one pass visits, found through an open-addressing
// table keyed by the node's address (the lookup runs once per edge). Nothing
// is written into the nodes: passes on graphs that share nodes may run at the
// same time on several threads, or one inside another (odeint_adjoint's).
class GraphTask {
 public:
  NodeState* find(const Node* node) {
    if (slots_.empty()) return nullptr;
    for (size_t i = hash(node);; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.node == node) return &states_[s.index];
      if (!s.node) return nullptr;
    }
  }
  // The state of node, created on first sight; `fresh` tells which.
  NodeState& get(Node* node, bool* fresh = nullptr) {
    NodeState* s = find(node);
    if (fresh) *fresh = s == nullptr;
    if (s) return *s;
    if (2 * (states_.size() + 1) > slots_.size()) grow();
    insert(node, (uint32_t)states_.size());
    states_.push_back({.node = node});
    states_.back().buffer.resize(node->outputs.size());
    return states_.back();
  }

 private:
  struct Slot {
    const Node* node = nullptr;
    uint32_t index = 0;
  };
  size_t hash(const Node* node) const {  // Fibonacci hashing of the address
    return (size_t)(((uint64_t)(uintptr_t)node * 0x9E3779B97F4A7C15ull) >> shift_) & mask_;
  }
  void insert(const Node* node, uint32_t index) {
    size_t i = hash(node);
    while (slots_[i].node) i = (i + 1) & mask_;
    slots_[i] = {node, index};
  }
  void grow();

  std::vector<NodeState> states_;
  std::vector<Slot> slots_;  // a power of two in size, at most half full
  size_t mask_ = 0;
  int shift_ = 64;
};

// slot += g, in place when nothing else can see slot's tensor.
void accumulate(Tensor& slot, const Tensor& g);

}  // namespace fluxion::autograd::detail
