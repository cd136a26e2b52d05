// SPDX-License-Identifier: MIT
// Streamline integration and seeding (see streamline.h).
#include "examples/plot/streamline.h"

#include <algorithm>
#include <cmath>

#include "examples/plot/contour.h"

namespace fluxion::plot {

namespace {

struct Tracer {
  const std::vector<double>&x, &y, &u, &v;
  int mx, my;              // mask size
  std::vector<int> owner;  // which line occupies each mask cell (-1: free)
  double sx, sy;           // data units per mask cell

  int cell(Point p) const {
    const int i = std::clamp(static_cast<int>((p.y - y.front()) / sy), 0, my - 1);
    const int j = std::clamp(static_cast<int>((p.x - x.front()) / sx), 0, mx - 1);
    return i * mx + j;
  }
  // Unit-speed direction in mask cells, converted back to data units; false where the field stalls.
  bool dir(Point p, double sign, Point& d) const {
    const double a = interpolate(x, y, u, p.x, p.y), b = interpolate(x, y, v, p.x, p.y);
    const double cu = a / sx, cv = b / sy, s = std::hypot(cu, cv);
    if (!std::isfinite(s) || s < 1e-12) return false;
    d = {sign * cu / s * sx, sign * cv / s * sy};
    return true;
  }
  // Integrates from p in one direction; marks the cells it claims for line `id`.
  std::vector<Point> trace(Point p, double sign, int id, std::vector<int>& claimed) {
    constexpr double h = 0.2, max_len = 4.0 * 30;  // step and length in mask cells
    std::vector<Point> pts{p};
    int current = cell(p);
    for (double len = 0; len < max_len; len += h) {
      Point d1, d2;
      if (!dir(p, sign, d1)) break;
      const Point mid{p.x + 0.5 * h * d1.x, p.y + 0.5 * h * d1.y};
      if (!dir(mid, sign, d2)) break;
      const Point q{p.x + h * d2.x, p.y + h * d2.y};
      if (q.x < x.front() || q.x > x.back() || q.y < y.front() || q.y > y.back()) break;
      const int c = cell(q);
      if (c != current) {
        if (owner[c] != -1 && owner[c] != id) break;
        if (owner[c] == -1) owner[c] = id, claimed.push_back(c);
        current = c;
      }
      pts.push_back(q);
      p = q;
    }
    return pts;
  }
};

}  // namespace

std::vector<std::vector<Point>> streamlines(const std::vector<double>& x, const std::vector<double>& y,
                                            const std::vector<double>& u, const std::vector<double>& v,
                                            double density) {
  std::vector<std::vector<Point>> lines;
  if (x.size() < 2 || y.size() < 2) return lines;
  const int n = std::max(1, static_cast<int>(30 * density));
  Tracer t{x,
           y,
           u,
           v,
           n,
           n,
           std::vector<int>(static_cast<size_t>(n) * n, -1),
           (x.back() - x.front()) / n,
           (y.back() - y.front()) / n};
  // Seeds: mask cells in a spiral from the outside in, like matplotlib's _gen_starting_points.
  std::vector<std::pair<int, int>> seeds;
  int x0 = 0, x1 = n - 1, y0 = 0, y1 = n - 1;
  while (x0 <= x1 && y0 <= y1) {
    for (int j = x0; j <= x1; ++j) seeds.push_back({y0, j});
    for (int i = y0 + 1; i <= y1; ++i) seeds.push_back({i, x1});
    if (y1 > y0)
      for (int j = x1 - 1; j >= x0; --j) seeds.push_back({y1, j});
    if (x1 > x0)
      for (int i = y1 - 1; i > y0; --i) seeds.push_back({i, x0});
    ++x0, --x1, ++y0, --y1;
  }
  for (const auto& [i, j] : seeds) {
    if (t.owner[i * n + j] != -1) continue;
    const int id = static_cast<int>(lines.size());
    const Point p{x.front() + (j + 0.5) * t.sx, y.front() + (i + 0.5) * t.sy};
    std::vector<int> claimed{i * n + j};
    t.owner[i * n + j] = id;
    std::vector<Point> back = t.trace(p, -1, id, claimed), fwd = t.trace(p, 1, id, claimed);
    std::reverse(back.begin(), back.end());
    back.insert(back.end(), fwd.begin() + 1, fwd.end());
    // Too short (under 0.1 of the domain, in mask cells): give its cells back.
    double len = 0;
    for (size_t k = 1; k < back.size(); ++k)
      len += std::hypot((back[k].x - back[k - 1].x) / t.sx, (back[k].y - back[k - 1].y) / t.sy);
    if (len < 0.1 * n) {
      for (int c : claimed) t.owner[c] = -1;
      continue;
    }
    lines.push_back(std::move(back));
  }
  return lines;
}

}  // namespace fluxion::plot
