// SPDX-License-Identifier: MIT
// Lesson 15's scalar reverse-mode engine (the post's `Value` class): the node,
// the handle, and the ops it knows. engine.cpp holds their backward rules.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tiny {

/// One node of the graph: its value, the gradient flowing into it, the rule that
/// passes that gradient on to its parents, and the parents themselves.
struct Node {
  double data = 0;
  double grad = 0;
  std::function<void()> backward = [] {};      // a no-op for inputs and constants
  std::vector<std::shared_ptr<Node>> parents;  // keeps the inputs alive
  std::string op;                              // "+", "*", "tanh", "**2" ... ("" = input)
};

/// A handle to a node. A plain number converts to a constant node, so 2 * x works.
struct Value {
  Value(double data) : n(std::make_shared<Node>(Node{.data = data})) {}
  double data() const { return n->data; }
  double grad() const { return n->grad; }
  std::shared_ptr<Node> n;
};

/// The output node of an op, with `parents` recorded; the caller sets its backward rule.
Value result(double data, const std::string& op, std::vector<Value> parents);
Value operator+(const Value& a, const Value& b);
Value operator*(const Value& a, const Value& b);
Value tanh(const Value& a);
Value pow(const Value& a, double p);
/// Reverse mode: every node's grad of `out`, by one pass over the graph in reverse topological order.
void backward(const Value& out);

// Exercise 1's extensions.
Value operator-(const Value& a, const Value& b);
Value operator/(const Value& a, const Value& b);
Value operator-(const Value& a);
Value exp(const Value& a);
Value log(const Value& a);
Value relu(const Value& a);

}  // namespace tiny
