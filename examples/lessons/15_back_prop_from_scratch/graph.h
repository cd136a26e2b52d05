// SPDX-License-Identifier: MIT
// Lesson 15, exercise 4: computation graphs as text and as figures, from the
// tiny engine's nodes or from the DOT text fluxion's autograd::to_dot writes.
#pragma once
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "examples/lessons/15_back_prop_from_scratch/tiny.h"

/// A graph to draw: each node's label lines, and edges src -> dst in the direction values flow.
struct Graph {
  std::vector<std::vector<std::string>> labels;
  std::vector<std::pair<int, int>> edges;
};

/// (a) The post's text tree: op, value and grad of each node, children indented.
void print_tree(const tiny::Node* node, int depth, std::unordered_set<const tiny::Node*>& visited);
/// The tiny engine's graph behind `out`, labelled "op / value / grad=..." as the post's figure.
Graph trace_graph(const tiny::Value& out);
/// fluxion's graph, read back from the DOT text autograd::to_dot writes.
Graph parse_dot(const std::string& dot);
/// Draws `g` left to right in layers and saves it as lesson 15's figure `file`.
void draw_graph(const Graph& g, const std::string& title, const std::string& file);
