// SPDX-License-Identifier: MIT
// Lesson 15's scalar engine: each op computes its value and stores the closure
// that passes the output's gradient on to its inputs (the chain rule, one node at a time).
#include <cmath>
#include <cstdio>
#include <unordered_set>

#include "examples/lessons/15_back_prop_from_scratch/tiny.h"

namespace tiny {

/// The output node of an op. Its backward closure sees the nodes as raw
/// pointers: the output owns its parents, so they outlive the closure.
Value result(double data, const std::string& op, std::vector<Value> parents) {
  Value out(data);
  out.n->op = op;
  for (const Value& p : parents) out.n->parents.push_back(p.n);
  return out;
}

Value operator+(const Value& a, const Value& b) {
  Value out = result(a.data() + b.data(), "+", {a, b});
  out.n->backward = [x = a.n.get(), y = b.n.get(), o = out.n.get()] {
    x->grad += o->grad;  // d(x + y)/dx = 1
    y->grad += o->grad;  // d(x + y)/dy = 1
  };
  return out;
}

// page:begin Demo 1
Value operator*(const Value& a, const Value& b) {
  Value out = result(a.data() * b.data(), "*", {a, b});
  out.n->backward = [x = a.n.get(), y = b.n.get(), o = out.n.get()] {
    x->grad += y->data * o->grad;  // d(xy)/dx = y
    y->grad += x->data * o->grad;  // d(xy)/dy = x
  };
  return out;
}
// page:end

Value tanh(const Value& a) {
  const double v = a.data(), t = (std::exp(v) - std::exp(-v)) / (std::exp(v) + std::exp(-v));
  Value out = result(t, "tanh", {a});
  out.n->backward = [x = a.n.get(), o = out.n.get(), t] { x->grad += (1 - t * t) * o->grad; };  // 1 - tanh²
  return out;
}

Value pow(const Value& a, double p) {
  char op[16];
  std::snprintf(op, sizeof op, "**%g", p);
  Value out = result(std::pow(a.data(), p), op, {a});
  out.n->backward = [x = a.n.get(), o = out.n.get(), p] {
    x->grad += p * std::pow(x->data, p - 1) * o->grad;  // d(x^p)/dx = p x^(p-1)
  };
  return out;
}

/// Reverse mode: order the graph so every node comes after its parents
/// (depth-first), seed d(out)/d(out) = 1, run the closures from the output back.
/// (Recursive: these graphs have a handful of nodes. fluxion's engine walks
/// with an explicit stack, since a neural ODE's graph is 10^6 nodes deep.)
// page:begin Demo 1
void backward(const Value& out) {
  std::vector<Node*> topo;
  std::unordered_set<Node*> visited;
  std::function<void(Node*)> build = [&](Node* v) {
    if (!visited.insert(v).second) return;
    for (const auto& p : v->parents) build(p.get());
    topo.push_back(v);
  };
  build(out.n.get());
  out.n->grad = 1;
  for (auto it = topo.rbegin(); it != topo.rend(); ++it) (*it)->backward();
}
// page:end

// ---- Exercise 1 extends the engine: subtraction, division, negation, exp, log, relu
Value operator-(const Value& a, const Value& b) {
  Value out = result(a.data() - b.data(), "-", {a, b});
  out.n->backward = [x = a.n.get(), y = b.n.get(), o = out.n.get()] {
    x->grad += o->grad;  // d(x - y)/dx = 1
    y->grad -= o->grad;  // d(x - y)/dy = -1
  };
  return out;
}

// page:begin Exercise 1
Value operator/(const Value& a, const Value& b) {
  Value out = result(a.data() / b.data(), "/", {a, b});
  out.n->backward = [x = a.n.get(), y = b.n.get(), o = out.n.get()] {
    x->grad += o->grad / y->data;                        // d(x/y)/dx = 1/y
    y->grad -= x->data / (y->data * y->data) * o->grad;  // d(x/y)/dy = -x/y²
  };
  return out;
}
// page:end

Value operator-(const Value& a) { return a * -1.0; }

Value exp(const Value& a) {
  Value out = result(std::exp(a.data()), "exp", {a});
  out.n->backward = [x = a.n.get(), o = out.n.get()] { x->grad += o->data * o->grad; };  // (e^x)' = e^x
  return out;
}

Value log(const Value& a) {
  Value out = result(std::log(a.data()), "log", {a});
  out.n->backward = [x = a.n.get(), o = out.n.get()] { x->grad += o->grad / x->data; };  // (ln x)' = 1/x
  return out;
}

Value relu(const Value& a) {
  Value out = result(a.data() > 0 ? a.data() : 0.0, "ReLU", {a});
  out.n->backward = [x = a.n.get(), o = out.n.get()] { x->grad += (x->data > 0 ? 1.0 : 0.0) * o->grad; };  // step
  return out;
}

}  // namespace tiny
