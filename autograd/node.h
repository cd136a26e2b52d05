// SPDX-License-Identifier: MIT
// The graph. A Node is the backward of one op application: given the
// gradients w.r.t. its outputs, backward() returns the gradients w.r.t. its
// inputs, which flow along next_edges to the nodes that made those inputs.
//
// Ownership runs one way: a node owns the nodes of its inputs (next_edges) and
// its saved inputs; it never owns its own outputs (see Saved in apply.h), nor
// a leaf (a leaf owns its AccumulateGrad), so there are no reference cycles.
// Destruction of a long chain is iterative.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "autograd/tensor.h"
#include "tensor/small_vector.h"

namespace fluxion {

/// Gradients into and out of a node: one per output / input, rarely more than two.
using TensorList = SmallVector<Tensor, 2>;

/// Shape and dtype of a node's input or output, enough to make zeros or to
/// sum a broadcast gradient back down to the input's shape.
struct TensorMeta {
  Shape shape;
  DType dtype = Float32;
};

class Node : public std::enable_shared_from_this<Node> {
 public:
  Node();
  virtual ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  /// "MulBackward", "AccumulateGrad", ...
  virtual std::string name() const = 0;
  /// grads[i] is the gradient w.r.t. output i (undefined: none arrived);
  /// returns one gradient per input, in the output's shape or the input's.
  virtual TensorList backward(TensorList&& grads) = 0;
  /// Frees saved tensors after a backward pass without retain_graph.
  virtual void release_saved() {}
  virtual bool is_accumulate_grad() const { return false; }

  SmallVector<Edge, 2> next_edges;                   // one per input; node null: no gradient needed
  SmallVector<TensorMeta, 2> inputs;                 // one per input
  SmallVector<TensorMeta, 1> outputs;                // one per output
  std::vector<std::pair<uint32_t, Hook>> pre_hooks;  // (output slot, hook) of non-leaf tensors
  uint64_t sequence_nr;                              // creation order; the engine runs later nodes first
};

/// The node that adds incoming gradients into a leaf tensor's .grad().
class AccumulateGrad : public Node {
 public:
  explicit AccumulateGrad(const std::shared_ptr<TensorImpl>& leaf);
  std::string name() const override { return "AccumulateGrad"; }
  TensorList backward(TensorList&& grads) override;
  bool is_accumulate_grad() const override { return true; }

 private:
  // Weak: the leaf owns its accumulator, and no graph owns a leaf (Saved
  // holds a leaf through this node), so a gradient kept in .grad with its
  // graph (backward with create_graph) closes no cycle back to the leaf.
  std::weak_ptr<TensorImpl> leaf_;
  std::mutex mutex_;  // backward passes on several threads may sum into one leaf's .grad
};

/// Where gradients for `t` go: {grad_fn, output_nr}, or the leaf's
/// AccumulateGrad, or {null} when t does not require grad.
Edge gradient_edge(const Tensor& t);

/// A view whose memory was written in place since its grad_fn and tangents
/// were set gets them regenerated from its base (PyTorch's view + in-place
/// rule); a no-op for other tensors. Run wherever a tensor's history is read.
void refresh_view(const Tensor& t);

/// Drops a reference to a node without recursing down its chain (a 10^6-node
/// graph would overflow the stack): releases are queued and run in a loop.
void release_node(std::shared_ptr<Node>&& node);

}  // namespace fluxion
