// SPDX-License-Identifier: MIT
// The legend: a box of handles and labels at a named spot, or at the "best"
// one, which is scored against what every artist left in the axes' footprint.
#include <algorithm>
#include <cmath>
#include <limits>

#include "examples/plot/axes_render.h"
#include "examples/plot/markers.h"
#include "examples/plot/text.h"
#include "tensor/error.h"

namespace fluxion::plot {

namespace {

const Color kBlack{0, 0, 0, 1};

std::vector<Point> rounded_rect(double x0, double y0, double x1, double y1, double r) {
  std::vector<Point> p;
  const double cx[4] = {x1 - r, x0 + r, x0 + r, x1 - r}, cy[4] = {y0 + r, y0 + r, y1 - r, y1 - r};
  for (int k = 0; k < 4; ++k)
    for (int s = 0; s <= 4; ++s) {
      const double a = (k * 90 + s * 22.5) * M_PI / 180;
      p.push_back({cx[k] + r * std::cos(a), cy[k] - r * std::sin(a)});
    }
  return p;
}

// matplotlib's loc names in its order of preference for "best" (corners first);
// "right" and "center right" are one spot, as in matplotlib.
constexpr const char* kSpots[] = {"upper right", "upper left",   "lower left",   "lower right",  "right",
                                  "center left", "center right", "lower center", "upper center", "center"};

}  // namespace

void Axes::legend(const LegendOpts& o) {
  check(o.loc == "best" || std::find(std::begin(kSpots), std::end(kSpots), o.loc) != std::end(kSpots), "legend: loc '",
        o.loc, "' is not one of best, upper right, upper left, lower left, lower right, right, center left, ",
        "center right, lower center, upper center, center");
  legend_ = o;
}

Point AxesRenderer::legend_spot(const Axes& ax, const View& v, double w, double h) {
  const double margin = 0.5 * ax.legend_->fontsize * v.pt;
  const double l = v.left + margin, r = v.right - margin - w, t = v.top + margin, b = v.bottom - margin - h;
  const double cx = (v.left + v.right - w) / 2, cy = (v.top + v.bottom - h) / 2;
  const Point at[] = {{r, t}, {l, t}, {l, b}, {r, b}, {r, cy}, {l, cy}, {r, cy}, {cx, b}, {cx, t}, {cx, cy}};
  const std::string& loc = ax.legend_->loc;
  if (loc != "best") return at[std::find(std::begin(kSpots), std::end(kSpots), loc) - std::begin(kSpots)];
  // The least bad spot; near-ties (within a point of line) go to the earlier one.
  double best = std::numeric_limits<double>::infinity();
  Point spot = at[0];
  for (const Point& p : at) {
    const double bad = legend_badness(ax, v, {p.x, p.y, p.x + w, p.y + h});
    if (bad < best - v.pt) best = bad, spot = p;
  }
  return spot;
}

// How much of the artists a legend box would hide, in pixels of line under it: the
// length of every line and reference line inside the box, 10 pt per marker or arrow,
// and patch and text areas as if hatched every 4 pt. matplotlib counts vertices
// instead, which lets a box sit on a long straight segment or on a sparse curve.
double AxesRenderer::legend_badness(const Axes& ax, const View& v, const Box& box) {
  const Axes::Footprint& f = ax.footprint_;
  auto area = [&](const Box& b) {
    return std::max(0.0, std::min(b.x1, box.x1) - std::max(b.x0, box.x0)) *
           std::max(0.0, std::min(b.y1, box.y1) - std::max(b.y0, box.y0)) / (4 * v.pt);
  };
  double bad = 0;
  for (const auto& [x, y] : f.lines) {
    Point prev{NAN, NAN};
    for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
      if (!v.valid(x[i], y[i])) {
        prev = {NAN, NAN};
        continue;
      }
      const Point p = v.px(x[i], y[i]);
      double t0, t1;
      if (std::isfinite(prev.x) && clip_segment(prev, p, box, t0, t1))
        bad += (t1 - t0) * std::hypot(p.x - prev.x, p.y - prev.y);
      prev = p;
    }
  }
  for (const auto& [x, y] : f.points) bad += v.valid(x, y) && box.contains(v.px(x, y)) ? 10 * v.pt : 0;
  for (const auto& b : f.boxes) {
    const Point p = v.px(b[0], b[1]), q = v.px(b[2], b[3]);
    if (std::isfinite(p.x + p.y + q.x + q.y))
      bad += area({std::min(p.x, q.x), std::min(p.y, q.y), std::max(p.x, q.x), std::max(p.y, q.y)});
  }
  for (double y : f.hlines) bad += v.valid(v.x0, y) && v.fy(y) >= box.y0 && v.fy(y) <= box.y1 ? box.x1 - box.x0 : 0;
  for (double x : f.vlines) bad += v.valid(x, v.y0) && v.fx(x) >= box.x0 && v.fx(x) <= box.x1 ? box.y1 - box.y0 : 0;
  for (const auto& text : f.texts) bad += area(text(v));
  return bad;
}

void AxesRenderer::legend(const Axes& ax, Canvas& cv, const View& v) {
  const std::vector<LegendEntry>& entries = ax.entries_;
  const LegendOpts& o = *ax.legend_;
  if (entries.empty()) return;
  const double fs = o.fontsize * v.pt, row = measure_text("Ag", fs).height();
  const double handle = 2.0 * fs, gap = 0.8 * fs, border = 0.4 * fs, spacing = 0.5 * fs;
  double tw = 0;
  for (const auto& e : entries) tw = std::max(tw, measure_text(e.label, fs).width);
  const double w = 2 * border + handle + gap + tw;
  const double h = 2 * border + entries.size() * row + (entries.size() - 1) * spacing;
  const Point at = legend_spot(ax, v, w, h);
  const auto box = rounded_rect(at.x, at.y, at.x + w, at.y + h, 0.2 * fs);
  cv.fill_polygon(box, {1, 1, 1, 0.8});
  auto closed = box;
  closed.push_back(box.front());
  cv.polyline(closed, {0.8, 0.8, 0.8, 1}, v.pt, {}, Cap::round);
  double y = at.y + border;
  for (const auto& e : entries) {
    const double mid = y + row / 2, x0 = at.x + border;
    if (e.patch) {
      cv.fill_rect(x0, mid - 0.35 * row, x0 + handle, mid + 0.35 * row, e.color);
      if (e.edge.a > 0)
        cv.polyline({{x0, mid - 0.35 * row},
                     {x0 + handle, mid - 0.35 * row},
                     {x0 + handle, mid + 0.35 * row},
                     {x0, mid + 0.35 * row},
                     {x0, mid - 0.35 * row}},
                    e.edge, v.pt);
    }
    if (e.linewidth > 0) cv.polyline({{x0, mid}, {x0 + handle, mid}}, e.color, e.linewidth * v.pt, e.dashes);
    if (!e.marker.empty())
      draw_marker(cv, {x0 + handle / 2, mid}, e.marker, e.markersize * v.pt, e.color, v.pt, e.edge);
    draw_text(cv, e.label, x0 + handle + gap, mid, fs, kBlack, HAlign::left, VAlign::center);
    y += row + spacing;
  }
}

}  // namespace fluxion::plot
