// SPDX-License-Identifier: MIT
// Lesson 15, exercise 4: the graph as an indented text tree and as a layered drawing.
#include "examples/lessons/15_back_prop_from_scratch/graph.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <sstream>

#include "examples/lessons/lesson.h"

namespace plot = fluxion::plot;

/// (a) The post's text tree: op, value and grad of each node, children indented.
void print_tree(const tiny::Node* node, int depth, std::unordered_set<const tiny::Node*>& visited) {
  std::printf("%*s%s: %.4f (grad %.4f)\n", 2 * depth, "", node->op.empty() ? "input" : node->op.c_str(), node->data,
              node->grad);
  for (const auto& p : node->parents)
    if (visited.insert(p.get()).second) print_tree(p.get(), depth + 1, visited);
}

/// The tiny engine's graph behind `out`, labelled "op / value / grad=..." as the post's figure.
Graph trace_graph(const tiny::Value& out) {
  Graph g;
  std::map<const tiny::Node*, int> id;
  std::function<int(const tiny::Node*)> visit = [&](const tiny::Node* v) {
    if (auto it = id.find(v); it != id.end()) return it->second;
    const int k = id[v] = static_cast<int>(g.labels.size());
    char value[32], grad[32];
    std::snprintf(value, sizeof value, "%.2f", v->data);
    std::snprintf(grad, sizeof grad, "grad=%.2f", v->grad);
    g.labels.push_back({v->op.empty() ? "input" : v->op, value, grad});
    for (const auto& p : v->parents) g.edges.push_back({visit(p.get()), k});
    return k;
  };
  visit(out.n.get());
  return g;
}

/// fluxion's graph, read back from the DOT text autograd::to_dot writes
/// (lines `n3 [label="MulBackward", ...]` and `n1 -> n3;`).
Graph parse_dot(const std::string& dot) {
  Graph g;
  std::map<std::string, int> id;
  auto node = [&](const std::string& name) {
    auto [it, fresh] = id.try_emplace(name, static_cast<int>(g.labels.size()));
    if (fresh) g.labels.push_back({name});
    return it->second;
  };
  std::istringstream lines(dot);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string a, b, c;
    words >> a >> b >> c;
    if (b == "->") {  // "n1 -> n3;"
      g.edges.push_back({node(a), node(c.substr(0, c.find(';')))});
    } else if (auto at = line.find("[label=\""); !a.empty() && at != std::string::npos) {
      const size_t from = at + 8, to = line.find('"', from);
      std::string label = line.substr(from, to - from);
      std::vector<std::string> parts;  // "leaf [2, 3]" -> "leaf", "[2, 3]"; "MulBackward" -> "Mul", "Backward"
      if (auto sp = label.find(' '); sp != std::string::npos)
        parts = {label.substr(0, sp), label.substr(sp + 1)};
      else if (auto bw = label.find("Backward"); bw != std::string::npos && bw > 0)
        parts = {label.substr(0, bw), "Backward"};
      else
        parts = {label};
      g.labels[node(a)] = parts;
    }
  }
  return g;
}

/// Draws a graph left to right: a node's column is its longest path from an
/// input; within a column nodes are ordered by where their parents sit (the
/// inputs by where their children sit), so edges do not cross needlessly.
/// Light-blue discs and black arrows as in the post's networkx drawing, whose
/// random spring layout is replaced by these fixed layers.
void draw_graph(const Graph& g, const std::string& title, const std::string& file) {
  const int n = static_cast<int>(g.labels.size());
  std::vector<int> layer(n, 0);
  for (int pass = 0; pass < n; ++pass)  // longest path by relaxation (n passes suffice in a DAG)
    for (auto [s, t] : g.edges) layer[t] = std::max(layer[t], layer[s] + 1);
  const int depth = *std::max_element(layer.begin(), layer.end());
  std::vector<std::vector<int>> columns(depth + 1);
  for (int k = 0; k < n; ++k) columns[layer[k]].push_back(k);
  std::vector<double> x(n), y(n);
  auto place = [&](int l) {  // stack column l evenly around y = 0, first on top
    for (size_t j = 0; j < columns[l].size(); ++j) {
      x[columns[l][j]] = l;
      y[columns[l][j]] = (static_cast<double>(columns[l].size()) - 1) / 2 - static_cast<double>(j);
    }
  };
  auto sort_by_neighbours = [&](int l, bool parents) {  // by the mean height of parents (or children)
    std::vector<double> key(n, 0), count(n, 0);
    for (auto [s, t] : g.edges) {
      const int self = parents ? t : s, other = parents ? s : t;
      key[self] += y[other];
      count[self] += 1;
    }
    std::stable_sort(columns[l].begin(), columns[l].end(),
                     [&](int a, int b) { return key[a] / std::max(count[a], 1.0) > key[b] / std::max(count[b], 1.0); });
    place(l);
  };
  for (int l = 0; l <= depth; ++l) place(l);
  for (int l = 1; l <= depth; ++l) sort_by_neighbours(l, true);
  sort_by_neighbours(0, false);

  plot::Figure fig(8, 6, 80);
  auto& ax = fig.ax();
  const double ymax = 1.1;
  ax.set_xlim(-0.5, depth + 0.5);
  ax.set_ylim(-ymax, ymax);
  ax.axis("off");
  const plot::View view = fig.view(0);  // pixels per data unit, to stop arrows at a disc's rim
  const double rim_px = std::sqrt(1500.0) / 2 * view.pt + 3;
  const double sx = std::abs(view.fx(1) - view.fx(0)), sy = std::abs(view.fy(1) - view.fy(0));
  plot::Vec ax0, ay0, du, dv;
  for (auto [s, t] : g.edges) {
    const double ex = x[t] - x[s], ey = y[t] - y[s], len_px = std::hypot(ex * sx, ey * sy);
    const double f = rim_px / len_px;  // the fraction of the edge hidden under each disc
    ax0.push_back(x[s] + f * ex);
    ay0.push_back(y[s] + f * ey);
    du.push_back((1 - 2 * f) * ex);
    dv.push_back((1 - 2 * f) * ey);
  }
  ax.quiver(ax0, ay0, du, dv, {.scale = 1, .scale_units = "xy", .angles = "xy", .width = 0.002});
  ax.scatter(x, y, {.s = 1500, .color = "#add8e6", .zorder = 3});
  for (int k = 0; k < n; ++k) {
    const auto& lines = g.labels[k];
    const double line_h = 10.0 / sy;  // 10 px per line, in data units
    for (size_t i = 0; i < lines.size(); ++i)
      ax.text(x[k], y[k] + ((lines.size() - 1) / 2.0 - i) * line_h, lines[i],
              {.fontsize = 8, .ha = "center", .va = "center"});
  }
  ax.set_title(title);
  lesson::save(fig, 15, file);
}
