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
  static constexpr uint32_t kNotExpanded = UINT32_MAX;
  Node* node;
  int dependencies = 0;    // edges from nodes not yet run; -1 once queued
  TensorList buffer;       // summed gradients, one per output slot
  int first_capture = -1;  // head of the list of captures at this node
  uint32_t first_edge = kNotExpanded;  // its children's states: GraphTask::child(*this, i)
  bool flows = true;       // gradients for it are wanted
  bool runs = true;        // its backward() must be called
  bool expanded() const { return first_edge != kNotExpanded; }
};

// A requested gradient: what arrives in `node`'s slot `slot`.
struct Capture {
  Node* node;
  uint32_t slot;
};

// The states of the nodes one pass visits, found through an open-addressing
// table keyed by the node's address. Nothing is written into the nodes:
// passes on graphs that share nodes may run at the same time on several
// threads, or one inside another (odeint_adjoint's). The table is read once
// per edge, when a node is expanded; after that the pass walks edges through
// the children's state indices that expand() recorded, without hashing.
class GraphTask {
 public:
  static constexpr uint32_t kNoChild = UINT32_MAX;  // an edge to no node

  NodeState& state(uint32_t i) { return states_[i]; }
  NodeState* find(const Node* node) {
    if (slots_.empty()) return nullptr;
    for (size_t i = hash(node);; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.node == node) return &states_[s.index];
      if (!s.node) return nullptr;
    }
  }
  // The index of node's state, created on first sight.
  uint32_t index(Node* node) {
    if (NodeState* s = find(node)) return (uint32_t)(s - states_.data());
    if (2 * (states_.size() + 1) > slots_.size()) grow();
    auto i = (uint32_t)states_.size();
    insert(node, i);
    states_.push_back({.node = node, .buffer = TensorList(node->outputs.size())});
    return i;
  }
  // Creates the states of node i's children (counting one dependency per
  // edge) and records their indices.
  void expand(uint32_t i) {
    auto first = (uint32_t)children_.size();
    for (const Edge& e : states_[i].node->next_edges) {
      uint32_t c = e.node ? index(e.node.get()) : kNoChild;
      if (c != kNoChild) states_[c].dependencies++;
      children_.push_back(c);
    }
    states_[i].first_edge = first;
  }
  // The state index of the child at the end of edge e of an expanded node.
  uint32_t child(const NodeState& s, size_t e) const { return children_[s.first_edge + e]; }

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
  std::vector<uint32_t> children_;  // each expanded node's edges in order, as state indices
  std::vector<Slot> slots_;  // a power of two in size, at most half full
  size_t mask_ = 0;
  int shift_ = 64;
};

// slot += g, in place when nothing else can see slot's tensor.
void accumulate(Tensor& slot, const Tensor& g);

}  // namespace fluxion::autograd::detail
