// SPDX-License-Identifier: MIT
// Reverse mode: the backward engine.
//
//   y.backward();                                         // into every leaf's .grad()
//   auto g = autograd::grad({y}, {x}, {.create_graph = true});   // returned instead
//
// The engine walks the graph from the outputs in reverse topological order
// (Kahn's algorithm with dependency counts, no recursion), giving each node
// the sum of the gradients that reached it, and sums each gradient down to
// its input's shape (un-broadcasting happens here and nowhere else).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "autograd/tensor.h"

namespace fluxion::autograd {

struct GradOptions {
  std::vector<Tensor> grad_outputs;  // one per output; empty: ones for scalar outputs
  std::optional<bool> retain_graph;  // default: create_graph
  bool create_graph = false;         // record the backward pass (higher derivatives)
  bool allow_unused = false;         // an input the outputs do not depend on gets undefined
  bool materialize_grads = false;    // ... or zeros, when allow_unused
};

/// d(outputs)/d(inputs), contracted with grad_outputs; .grad() is untouched.
std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const GradOptions& opts = {});

/// Accumulates into the .grad() of the leaves (or only opts.inputs).
void backward(const std::vector<Tensor>& outputs, const std::vector<Tensor>& grad_outputs = {},
              const BackwardOptions& opts = {});

/// Anomaly mode: while a guard lives, the engine checks every gradient and
/// names the first node whose backward produced a NaN or Inf.
class DetectAnomalyGuard {
 public:
  DetectAnomalyGuard();
  ~DetectAnomalyGuard();
  DetectAnomalyGuard(const DetectAnomalyGuard&) = delete;
  DetectAnomalyGuard& operator=(const DetectAnomalyGuard&) = delete;

 private:
  bool prev_;
};
bool is_anomaly_enabled();

/// The graph behind `t` in Graphviz DOT: one box per node, named like MulBackward.
std::string to_dot(const Tensor& t);

}  // namespace fluxion::autograd
