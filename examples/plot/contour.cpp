// SPDX-License-Identifier: MIT
// Marching squares: each cell's corners above/below the level pick which of
// its four edges the line crosses; crossings are placed by linear
// interpolation and segments sharing an edge are chained into polylines.
#include "examples/plot/contour.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace fluxion::plot {

namespace {
// Edge of the grid: horizontal edges (i, j)-(i, j+1) get even ids, vertical (i, j)-(i+1, j) odd.
long h_edge(size_t i, size_t j, size_t nx) { return static_cast<long>(2 * (i * nx + j)); }
long v_edge(size_t i, size_t j, size_t nx) { return static_cast<long>(2 * (i * nx + j) + 1); }
}  // namespace

std::vector<std::vector<Point>> contour_lines(const std::vector<double>& x, const std::vector<double>& y,
                                              const std::vector<double>& z, double level) {
  const size_t nx = x.size(), ny = y.size();
  std::unordered_map<long, Point> at;                 // crossing point on each edge
  std::unordered_map<long, std::vector<long>> links;  // edge -> the edges it is joined to
  auto cross = [&](long id, size_t i0, size_t j0, size_t i1, size_t j1) {
    if (!at.count(id)) {
      const double a = z[i0 * nx + j0], b = z[i1 * nx + j1], t = (level - a) / (b - a);
      at[id] = {x[j0] + t * (x[j1] - x[j0]), y[i0] + t * (y[i1] - y[i0])};
    }
    return id;
  };
  auto link = [&](long a, long b) { links[a].push_back(b), links[b].push_back(a); };
  for (size_t i = 0; i + 1 < ny; ++i) {
    for (size_t j = 0; j + 1 < nx; ++j) {
      const double z00 = z[i * nx + j], z01 = z[i * nx + j + 1], z10 = z[(i + 1) * nx + j],
                   z11 = z[(i + 1) * nx + j + 1];
      if (!std::isfinite(z00 + z01 + z10 + z11)) continue;
      const int c = (z00 >= level) | (z01 >= level) << 1 | (z11 >= level) << 2 | (z10 >= level) << 3;
      if (c == 0 || c == 15) continue;
      // Edges: bottom (z00-z01), right (z01-z11), top (z10-z11), left (z00-z10).
      auto bottom = [&] { return cross(h_edge(i, j, nx), i, j, i, j + 1); };
      auto top = [&] { return cross(h_edge(i + 1, j, nx), i + 1, j, i + 1, j + 1); };
      auto left = [&] { return cross(v_edge(i, j, nx), i, j, i + 1, j); };
      auto right = [&] { return cross(v_edge(i, j + 1, nx), i, j + 1, i + 1, j + 1); };
      const bool centre_above = (z00 + z01 + z10 + z11) / 4 >= level;
      switch (c) {
        case 1:
        case 14:
          link(left(), bottom());
          break;
        case 2:
        case 13:
          link(bottom(), right());
          break;
        case 3:
        case 12:
          link(left(), right());
          break;
        case 4:
        case 11:
          link(right(), top());
          break;
        case 6:
        case 9:
          link(bottom(), top());
          break;
        case 7:
        case 8:
          link(left(), top());
          break;
        case 5:  // z00 and z11 above: a saddle
          if (centre_above)
            link(left(), top()), link(bottom(), right());
          else
            link(left(), bottom()), link(right(), top());
          break;
        case 10:  // z01 and z10 above
          if (centre_above)
            link(left(), bottom()), link(right(), top());
          else
            link(left(), top()), link(bottom(), right());
          break;
        default:
          break;
      }
    }
  }
  // Chain: start from open ends (one link) first, then close the remaining loops.
  std::vector<std::vector<Point>> lines;
  auto walk = [&](long cur) {
    std::vector<Point> line{at[cur]};
    while (!links[cur].empty()) {  // follow links, removing each one walked so loops end
      const long next = links[cur].back();
      links[cur].pop_back();
      auto& back = links[next];
      back.erase(std::find(back.begin(), back.end(), cur));
      line.push_back(at[next]);
      cur = next;
    }
    if (line.size() >= 2) lines.push_back(std::move(line));
  };
  std::vector<long> ids;
  for (const auto& [id, l] : links) ids.push_back(id);
  std::sort(ids.begin(), ids.end());  // deterministic output
  for (long id : ids)
    if (links[id].size() == 1) walk(id);
  for (long id : ids)
    while (!links[id].empty()) walk(id);
  return lines;
}

// matplotlib's choice: MaxNLocator(n + 1, min_n_ticks=1), whose default steps
// (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) are finer than the axis ticks' (so
// levels=30 over [−12.2, −2.9] steps by 0.4, not 0.5); the ticks run from a
// multiple of the step at or below zmin to the first at or above zmax.
std::vector<double> contour_levels(double zmin, double zmax, int n, bool filled) {
  if (!(zmax > zmin)) return {zmin};
  const int nbins = std::max(1, n + 1);
  const double dv = zmax - zmin, mean = (zmax + zmin) / 2;
  // scale_range: an offset only when the data sit far from 0 compared with their spread.
  const double offset =
      std::abs(mean) / dv < 100 ? 0.0 : std::copysign(std::pow(10.0, std::floor(std::log10(std::abs(mean)))), mean);
  const double scale = std::pow(10.0, std::floor(std::log10(dv / nbins)));
  const double lo = zmin - offset, hi = zmax - offset, raw_step = (hi - lo) / nbins;
  double step = 10 * scale;
  for (double s : {1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0})
    if (s * scale >= raw_step) {
      step = s * scale;
      break;
    }
  const double base = std::floor(lo / step) * step;
  const double k1 = std::ceil((hi - base) / step - 1e-10);  // _Edge_integer.ge, tolerance 1e-10
  std::vector<double> lv;
  for (double k = 0; k <= k1; ++k) {
    const double level = base + k * step;
    lv.push_back((std::abs(level) < 1e-10 * step ? 0.0 : level) + offset);
  }
  if (filled) return lv;  // from the last level <= zmin to the first >= zmax: the bands cover the data
  // a line exactly at the extremes would be a single point
  std::erase_if(lv, [&](double l) { return l <= zmin || l >= zmax; });
  if (lv.empty()) lv = {zmin};
  return lv;
}

double interpolate(const std::vector<double>& x, const std::vector<double>& y, const std::vector<double>& z, double px,
                   double py) {
  if (x.size() < 2 || y.size() < 2 || !(px >= x.front() && px <= x.back() && py >= y.front() && py <= y.back()))
    return std::nan("");
  const size_t j = std::min<size_t>(x.size() - 2, std::upper_bound(x.begin(), x.end(), px) - x.begin() - 1);
  const size_t i = std::min<size_t>(y.size() - 2, std::upper_bound(y.begin(), y.end(), py) - y.begin() - 1);
  const double tx = (px - x[j]) / (x[j + 1] - x[j]), ty = (py - y[i]) / (y[i + 1] - y[i]);
  const size_t nx = x.size();
  const double a = z[i * nx + j] + tx * (z[i * nx + j + 1] - z[i * nx + j]);
  const double b = z[(i + 1) * nx + j] + tx * (z[(i + 1) * nx + j + 1] - z[(i + 1) * nx + j]);
  return a + ty * (b - a);
}

}  // namespace fluxion::plot
