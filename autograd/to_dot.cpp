// SPDX-License-Identifier: MIT
// autograd::to_dot(t): the graph behind t in Graphviz DOT, for reading and
// for the back-propagation lesson:
//
//   std::ofstream("graph.dot") << autograd::to_dot(loss);   // dot -Tpng graph.dot -o graph.png
//
// One box per backward node (MulBackward ...), leaves as ellipses with their
// shapes, the output as a grey box; arrows run the way values flow in forward.
#include <sstream>
#include <unordered_map>

#include "autograd/engine.h"
#include "autograd/node.h"

namespace fluxion::autograd {

std::string to_dot(const Tensor& t) {
  check(t.defined(), "to_dot: the tensor is undefined");
  std::ostringstream os;
  os << "digraph autograd {\n  node [fontname=\"Helvetica\"];\n";
  os << "  out [label=\"output " << to_string(t.shape()) << "\", shape=box, style=filled, fillcolor=gray90];\n";
  Edge root = gradient_edge(t);
  if (!root.node) return os.str() + "}\n";
  std::unordered_map<const Node*, size_t> ids;  // discovery order gives stable names n0, n1 ...
  std::vector<const Node*> stack{root.node.get()};
  ids[root.node.get()] = 0;
  while (!stack.empty()) {  // iterative: graphs can be 10^6 nodes deep
    const Node* node = stack.back();
    stack.pop_back();
    size_t id = ids[node];
    if (node->name() == "AccumulateGrad")
      os << "  n" << id << " [label=\"leaf " << to_string(node->inputs[0].shape) << "\", shape=ellipse];\n";
    else
      os << "  n" << id << " [label=\"" << node->name() << "\", shape=box];\n";
    for (const Edge& e : node->next_edges) {
      if (!e.node) continue;
      auto [it, fresh] = ids.try_emplace(e.node.get(), ids.size());
      if (fresh) stack.push_back(e.node.get());
      os << "  n" << it->second << " -> n" << id << ";\n";
    }
  }
  os << "  n0 -> out;\n}\n";
  return os.str();
}

}  // namespace fluxion::autograd
