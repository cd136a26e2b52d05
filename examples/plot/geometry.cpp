// SPDX-License-Identifier: MIT
// Segment clipping against a box (Liang-Barsky) and cutting a polyline
// where it enters and leaves a box.
#include "examples/plot/geometry.h"

#include <algorithm>
#include <cmath>

namespace fluxion::plot {

bool clip_segment(Point a, Point b, const Box& box, double& t0, double& t1) {
  // Each edge bounds t through p t <= q: p < 0 where the segment enters, p > 0 where it leaves.
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double p[4] = {-dx, dx, -dy, dy};
  const double q[4] = {a.x - box.x0, box.x1 - a.x, a.y - box.y0, box.y1 - a.y};
  t0 = 0, t1 = 1;
  for (int k = 0; k < 4; ++k) {
    if (p[k] == 0) {
      if (q[k] < 0) return false;  // parallel to this edge and outside it
      continue;
    }
    const double t = q[k] / p[k];
    if (p[k] < 0) {
      if (t > t1) return false;
      if (t > t0) t0 = t;
    } else {
      if (t < t0) return false;
      if (t < t1) t1 = t;
    }
  }
  return true;
}

std::vector<std::vector<Point>> outside_pieces(const std::vector<Point>& line, const Box& box) {
  std::vector<std::vector<Point>> pieces;
  std::vector<Point> cur;
  auto at = [](Point a, Point b, double t) { return Point{a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)}; };
  auto flush = [&] {
    if (cur.size() > 1) pieces.push_back(cur);
    cur.clear();
  };
  for (size_t k = 0; k + 1 < line.size(); ++k) {
    const Point a = line[k], b = line[k + 1];
    if (cur.empty() && !box.contains(a)) cur.push_back(a);
    double t0, t1;
    if (!clip_segment(a, b, box, t0, t1) || t0 >= t1) {
      if (cur.empty()) cur.push_back(a);
      cur.push_back(b);
      continue;
    }
    if (t0 > 0) cur.push_back(at(a, b, t0));  // enters the box: the piece ends at the edge
    flush();
    if (t1 < 1) cur = {at(a, b, t1), b};  // leaves the box: a new piece starts at the edge
  }
  flush();
  return pieces;
}

std::optional<Box> label_box(const std::vector<Point>& line, double w, double h, const Box& within,
                             const std::vector<Box>& taken) {
  const size_t n = line.size();
  std::vector<double> s(n, 0);  // arc length up to each vertex
  for (size_t k = 1; k < n; ++k) s[k] = s[k - 1] + std::hypot(line[k].x - line[k - 1].x, line[k].y - line[k - 1].y);
  if (n < 3 || s[n - 1] < 1.5 * w) return std::nullopt;
  // The point at arc length t, searching from vertex k in direction dir.
  auto point_at = [&](double t, size_t k, int dir) {
    while (dir < 0 ? (k > 0 && s[k] > t) : (k + 1 < n && s[k] < t)) k += dir;
    const size_t a = dir < 0 ? k : k - 1, b = a + 1;
    const double f = s[b] > s[a] ? (t - s[a]) / (s[b] - s[a]) : 0;
    return Point{line[a].x + f * (line[b].x - line[a].x), line[a].y + f * (line[b].y - line[a].y)};
  };
  std::optional<Box> best;
  double best_score = 1e300;
  for (size_t k = 1; k + 1 < n; ++k) {
    if (s[k] < w / 2 || s[k] > s[n - 1] - w / 2) continue;
    const Box box{line[k].x - w / 2, line[k].y - h / 2, line[k].x + w / 2, line[k].y + h / 2};
    if (!box.inside(within) || std::any_of(taken.begin(), taken.end(), [&](const Box& b) { return b.overlaps(box); }))
      continue;
    // Bend: the largest distance of the stretch's vertices from its chord a-b.
    const Point a = point_at(s[k] - w / 2, k, -1), b = point_at(s[k] + w / 2, k, +1);
    const double len = std::max(std::hypot(b.x - a.x, b.y - a.y), 1e-9);
    double bend = 0;
    for (size_t j = k; j > 0 && s[j] > s[k] - w / 2; --j)
      bend = std::max(bend, std::abs((b.x - a.x) * (line[j].y - a.y) - (b.y - a.y) * (line[j].x - a.x)) / len);
    for (size_t j = k; j < n && s[j] < s[k] + w / 2; ++j)
      bend = std::max(bend, std::abs((b.x - a.x) * (line[j].y - a.y) - (b.y - a.y) * (line[j].x - a.x)) / len);
    // Straight first; among equally straight spots, the one nearest the middle of the line.
    const double score = bend + std::abs(s[k] / s[n - 1] - 0.5);
    if (score < best_score) best_score = score, best = box;
  }
  return best;
}

}  // namespace fluxion::plot
