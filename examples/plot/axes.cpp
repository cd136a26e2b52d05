// SPDX-License-Identifier: MIT
// Axes: the line and patch artists (plot, scatter, stem, hist, axhline,
// axvline, fill_between, text, rectangle), limits and scales. Each call
// checks its arguments, records the data extent, and stores a draw closure.
#include "examples/plot/axes.h"

#include <algorithm>
#include <cmath>

#include "examples/plot/markers.h"
#include "examples/plot/text.h"
#include "tensor/error.h"

namespace fluxion::plot {

namespace {

constexpr Color kNone{0, 0, 0, 0};

void check_same(const char* op, const Vec& a, const char* an, const Vec& b, const char* bn) {
  check(a.size() == b.size(), op, ": ", an, " has ", a.size(), " values but ", bn, " has ", b.size(), "; pass one ", bn,
        " per ", an);
}

std::vector<double> dashes_of(const std::string& ls) {
  return ls == "none" || ls.empty() ? std::vector<double>{} : dash_pattern(ls);
}

// Runs of consecutive drawable points: a non-finite (or non-positive on a log axis) value breaks the line.
std::vector<std::vector<Point>> runs(const Vec& x, const Vec& y, const View& v) {
  std::vector<std::vector<Point>> out(1);
  for (size_t i = 0; i < x.size(); ++i) {
    if (v.valid(x[i], y[i]))
      out.back().push_back(v.px(x[i], y[i]));
    else if (!out.back().empty())
      out.emplace_back();
  }
  return out;
}

HAlign halign(const std::string& s) {
  return s == "center" ? HAlign::center : s == "right" ? HAlign::right : HAlign::left;
}
VAlign valign(const std::string& s) {
  return s == "top" ? VAlign::top : s == "center" ? VAlign::center : s == "bottom" ? VAlign::bottom : VAlign::baseline;
}

}  // namespace

Color Mappable::at(double v) const {
  if (!levels.empty()) {  // contourf band: the colour of the band's middle, as matplotlib does
    if (!(v >= levels.front() && v <= levels.back())) return {0, 0, 0, 0};
    size_t i = std::upper_bound(levels.begin(), levels.end(), v) - levels.begin();
    i = std::clamp<size_t>(i, 1, levels.size() - 1);
    const double bands = static_cast<double>(levels.size() - 2);
    return cmap(bands > 0 ? (i - 1) / bands : 0.5).with_alpha(alpha);
  }
  return cmap(vmax > vmin ? (v - vmin) / (vmax - vmin) : 0.5).with_alpha(alpha);
}

double View::fx(double x) const {
  const double t = xlog ? (std::log10(x) - std::log10(x0)) / (std::log10(x1) - std::log10(x0)) : (x - x0) / (x1 - x0);
  return left + t * (right - left);
}
double View::fy(double y) const {
  const double t = ylog ? (std::log10(y) - std::log10(y0)) / (std::log10(y1) - std::log10(y0)) : (y - y0) / (y1 - y0);
  return bottom - t * (bottom - top);
}
bool View::valid(double x, double y) const {
  return std::isfinite(x) && std::isfinite(y) && (!xlog || x > 0) && (!ylog || y > 0);
}

void Axes::Extent::add(double v) {
  if (!std::isfinite(v)) return;
  lo = std::min(lo, v), hi = std::max(hi, v);
  if (v > 0) lo_pos = std::min(lo_pos, v);
}

Axes::Axes() = default;

void Axes::extend(const Vec& x, const Vec& y) {
  for (size_t i = 0; i < x.size() && i < y.size(); ++i)
    if (std::isfinite(x[i]) && std::isfinite(y[i])) xext_.add(x[i]), yext_.add(y[i]);
}

Color Axes::next_color() { return cycle_color(color_index_++); }

void Axes::plot(const Vec& x, const Vec& y, const LineOpts& o) {
  check_same("plot", x, "x", y, "y");
  extend(x, y);
  const Color c = (o.color.empty() ? next_color() : parse_color(o.color)).with_alpha(o.alpha);
  const std::vector<double> dashes = dashes_of(o.linestyle);
  const bool line = o.linestyle != "none" && !o.linestyle.empty();
  check(o.marker.empty() || is_marker(o.marker), "plot: unknown marker '", o.marker, "'; use o s ^ v D * . + x");
  if (line)
    footprint_.lines.push_back({x, y});
  else
    for (size_t i = 0; i < x.size(); ++i) footprint_.points.push_back({x[i], y[i]});
  add_artist(o.zorder, [=](Canvas& cv, const View& v) {
    if (line)
      for (const auto& run : runs(x, y, v)) cv.polyline(run, c, o.linewidth * v.pt, dashes, Cap::butt);
    if (!o.marker.empty())
      for (const auto& run : runs(x, y, v))
        for (const Point& p : run) draw_marker(cv, p, o.marker, o.markersize * v.pt, c, v.pt);
  });
  if (!o.label.empty())
    entries_.push_back({o.label, c, line ? o.linewidth : 0, dashes, o.marker, o.markersize, false, kNone});
}

void Axes::plot(const Vec& x, const Vec& y, const char* fmt, LineOpts o) {
  const Format f = parse_format(fmt);
  if (!f.color.empty()) o.color = f.color;
  o.marker = f.marker;
  o.linestyle = f.linestyle;
  plot(x, y, o);
}

void Axes::plot(const Vec& y, const LineOpts& o) {
  Vec x(y.size());
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>(i);
  plot(x, y, o);
}

Mappable Axes::scatter(const Vec& x, const Vec& y, const ScatterOpts& o) {
  check_same("scatter", x, "x", y, "y");
  check(o.c.empty() || o.c.size() == x.size(), "scatter: c has ", o.c.size(), " values for ", x.size(),
        " points; pass one value per point or use color");
  check(is_marker(o.marker), "scatter: unknown marker '", o.marker, "'");
  extend(x, y);
  Mappable m{Colormap(o.cmap), o.vmin, o.vmax, {}, o.alpha};
  if (!o.c.empty() && (std::isnan(m.vmin) || std::isnan(m.vmax))) {
    Extent e;
    for (double v : o.c) e.add(v);
    if (std::isnan(m.vmin)) m.vmin = e.lo;
    if (std::isnan(m.vmax)) m.vmax = e.hi;
  }
  const Color c = (o.color.empty() ? (o.c.empty() ? next_color() : Color{}) : parse_color(o.color)).with_alpha(o.alpha);
  const Color edge = o.edgecolors.empty() ? kNone : parse_color(o.edgecolors).with_alpha(o.alpha);
  for (size_t i = 0; i < x.size(); ++i) footprint_.points.push_back({x[i], y[i]});
  add_artist(o.zorder, [=](Canvas& cv, const View& v) {
    const double size = std::sqrt(o.s) * v.pt;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!v.valid(x[i], y[i])) continue;
      const Color ci = o.c.empty() ? c : m.at(o.c[i]);
      draw_marker(cv, v.px(x[i], y[i]), o.marker, size, ci, v.pt, edge);
    }
  });
  if (!o.label.empty())
    entries_.push_back({o.label, o.c.empty() ? c : m.at(m.vmin), 0, {}, o.marker, std::sqrt(o.s), false, edge});
  return m;
}

void Axes::stem(const Vec& x, const Vec& y, const StemOpts& o) {
  check_same("stem", x, "x", y, "y");
  extend(x, y);
  Extent base;
  for (double v : x) base.add(v);
  yext_.add(o.bottom);
  const Color c = o.color.empty() ? next_color() : parse_color(o.color);
  const Color red = cycle_color(3);
  for (size_t i = 0; i < x.size(); ++i) footprint_.lines.push_back({{x[i], x[i]}, {o.bottom, y[i]}});
  footprint_.lines.push_back({{base.lo, base.hi}, {o.bottom, o.bottom}});
  add_artist(2, [=](Canvas& cv, const View& v) {
    for (size_t i = 0; i < x.size(); ++i)
      if (v.valid(x[i], y[i])) cv.polyline({v.px(x[i], o.bottom), v.px(x[i], y[i])}, c, 1.5 * v.pt);
    cv.polyline({v.px(base.lo, o.bottom), v.px(base.hi, o.bottom)}, red, 1.5 * v.pt);
    for (size_t i = 0; i < x.size(); ++i)
      if (v.valid(x[i], y[i])) draw_marker(cv, v.px(x[i], y[i]), "o", 6 * v.pt, c, v.pt);
  });
  if (!o.label.empty()) entries_.push_back({o.label, c, 1.5, {}, "o", 6, false, kNone});
}

void Axes::hist(const Vec& data, const HistOpts& o) {
  check(o.bins > 0, "hist: bins must be positive, got ", o.bins);
  Extent e;
  for (double v : data) e.add(v);
  double lo = std::isnan(o.range_lo) ? e.lo : o.range_lo, hi = std::isnan(o.range_hi) ? e.hi : o.range_hi;
  if (lo > hi) lo = 0, hi = 1;  // no finite data: an empty histogram on [0, 1], as numpy does
  if (lo == hi) lo -= 0.5, hi += 0.5;
  const double width = (hi - lo) / o.bins;
  Vec counts(o.bins, 0.0);
  size_t n = 0;
  for (double v : data) {
    if (!(v >= lo && v <= hi)) continue;
    counts[std::min<size_t>(o.bins - 1, static_cast<size_t>((v - lo) / width))] += 1, ++n;
  }
  if (o.density && n > 0)
    for (double& c : counts) c /= n * width;
  xext_.add(lo), xext_.add(hi), yext_.add(0);
  for (double c : counts) yext_.add(c);
  ysticky_.push_back(0);
  const Color c = (o.color.empty() ? next_color() : parse_color(o.color)).with_alpha(o.alpha);
  const Color edge = o.edgecolor.empty() ? kNone : parse_color(o.edgecolor);
  for (int i = 0; i < o.bins; ++i)
    if (counts[i] > 0) footprint_.boxes.push_back({lo + i * width, 0, lo + (i + 1) * width, counts[i]});
  add_artist(1, [=](Canvas& cv, const View& v) {
    for (int i = 0; i < o.bins; ++i) {
      if (counts[i] <= 0) continue;
      const Point a = v.px(lo + i * width, 0), b = v.px(lo + (i + 1) * width, counts[i]);
      cv.fill_rect(a.x, b.y, b.x, a.y, c);
      if (edge.a > 0) cv.polyline({{a.x, a.y}, {a.x, b.y}, {b.x, b.y}, {b.x, a.y}}, edge, v.pt);
    }
  });
  if (!o.label.empty()) entries_.push_back({o.label, c, 0, {}, "", 0, true, edge});
}

void Axes::axhline(double y, const LineOpts& o) {
  yext_.add(y);
  footprint_.hlines.push_back(y);
  const Color c = parse_color(o.color.empty() ? "C0" : o.color).with_alpha(o.alpha);
  const std::vector<double> dashes = dashes_of(o.linestyle);
  add_artist(o.zorder, [=](Canvas& cv, const View& v) {
    if (v.valid(v.x0, y)) cv.polyline({{v.left, v.fy(y)}, {v.right, v.fy(y)}}, c, o.linewidth * v.pt, dashes);
  });
  if (!o.label.empty()) entries_.push_back({o.label, c, o.linewidth, dashes, "", 0, false, kNone});
}

void Axes::axvline(double x, const LineOpts& o) {
  xext_.add(x);
  footprint_.vlines.push_back(x);
  const Color c = parse_color(o.color.empty() ? "C0" : o.color).with_alpha(o.alpha);
  const std::vector<double> dashes = dashes_of(o.linestyle);
  add_artist(o.zorder, [=](Canvas& cv, const View& v) {
    if (v.valid(x, v.y0)) cv.polyline({{v.fx(x), v.bottom}, {v.fx(x), v.top}}, c, o.linewidth * v.pt, dashes);
  });
  if (!o.label.empty()) entries_.push_back({o.label, c, o.linewidth, dashes, "", 0, false, kNone});
}

void Axes::fill_between(const Vec& x, const Vec& y1, const Vec& y2, const FillOpts& o) {
  check_same("fill_between", x, "x", y1, "y1");
  check_same("fill_between", x, "x", y2, "y2");
  extend(x, y1), extend(x, y2);
  const Color c = (o.color.empty() ? next_color() : parse_color(o.color)).with_alpha(o.alpha);
  // The band scores as its two edges and, between neighbouring samples, the box it spans.
  footprint_.lines.push_back({x, y1}), footprint_.lines.push_back({x, y2});
  for (size_t i = 0; i + 1 < x.size(); ++i)
    footprint_.boxes.push_back({std::min(x[i], x[i + 1]), std::min({y1[i], y1[i + 1], y2[i], y2[i + 1]}),
                                std::max(x[i], x[i + 1]), std::max({y1[i], y1[i + 1], y2[i], y2[i + 1]})});
  add_artist(1, [=](Canvas& cv, const View& v) {
    std::vector<Point> top, bot;
    auto flush = [&] {
      if (top.size() >= 2) {
        top.insert(top.end(), bot.rbegin(), bot.rend());
        cv.fill_polygon(top, c);
      }
      top.clear(), bot.clear();
    };
    for (size_t i = 0; i < x.size(); ++i) {
      if (!v.valid(x[i], y1[i]) || !v.valid(x[i], y2[i])) {
        flush();
        continue;
      }
      top.push_back(v.px(x[i], y1[i])), bot.push_back(v.px(x[i], y2[i]));
    }
    flush();
  });
  if (!o.label.empty()) entries_.push_back({o.label, c, 0, {}, "", 0, true, kNone});
}

void Axes::fill_between(const Vec& x, const Vec& y1, double y2, const FillOpts& o) {
  fill_between(x, y1, Vec(x.size(), y2), o);
}

void Axes::text(double x, double y, const std::string& s, const TextOpts& o) {
  const Color c = parse_color(o.color);
  auto anchor = [=](const View& v) {
    return o.axes_coords ? Point{v.left + x * (v.right - v.left), v.bottom - y * (v.bottom - v.top)} : v.px(x, y);
  };
  footprint_.texts.push_back([=](const View& v) {
    const Point p = anchor(v);
    const TextSize t = measure_text(s, o.fontsize * v.pt);
    const HAlign ha = halign(o.ha);
    const VAlign va = valign(o.va);
    const double x0 = ha == HAlign::left ? p.x : ha == HAlign::center ? p.x - t.width / 2 : p.x - t.width;
    const double y0 = va == VAlign::top      ? p.y
                      : va == VAlign::center ? p.y - t.height() / 2
                      : va == VAlign::bottom ? p.y - t.height()
                                             : p.y - t.ascent;
    return Box{x0, y0, x0 + t.width, y0 + t.height()};
  });
  add_artist(3, [=](Canvas& cv, const View& v) {
    const Point p = anchor(v);
    if (std::isfinite(p.x + p.y)) draw_text(cv, s, p.x, p.y, o.fontsize * v.pt, c, halign(o.ha), valign(o.va));
  });
}

void Axes::rectangle(double x, double y, double w, double h, const PatchOpts& o) {
  extend({x, x + w}, {y, y + h});
  footprint_.boxes.push_back({std::min(x, x + w), std::min(y, y + h), std::max(x, x + w), std::max(y, y + h)});
  const Color edge =
      (o.edgecolor.empty() || o.edgecolor == "none" ? kNone : parse_color(o.edgecolor)).with_alpha(o.alpha);
  const Color face =
      (o.facecolor.empty() || o.facecolor == "none" ? kNone : parse_color(o.facecolor)).with_alpha(o.alpha);
  const std::vector<double> dashes = dashes_of(o.linestyle);
  add_artist(1, [=](Canvas& cv, const View& v) {
    const Point a = v.px(x, y), b = v.px(x + w, y + h);
    if (face.a > 0) cv.fill_rect(a.x, b.y, b.x, a.y, face);
    if (edge.a > 0) cv.polyline({a, {b.x, a.y}, b, {a.x, b.y}, a}, edge, o.linewidth * v.pt, dashes, Cap::round);
  });
  if (!o.label.empty()) entries_.push_back({o.label, face, 0, {}, "", 0, true, edge});
}

void Axes::set_xlim(double lo, double hi) {
  check(std::isfinite(lo) && std::isfinite(hi) && lo != hi, "set_xlim: limits must be finite and distinct, got ", lo,
        ", ", hi);
  xlim_ = {lo, hi};
}
void Axes::set_ylim(double lo, double hi) {
  check(std::isfinite(lo) && std::isfinite(hi) && lo != hi, "set_ylim: limits must be finite and distinct, got ", lo,
        ", ", hi);
  ylim_ = {lo, hi};
}
void Axes::set_xscale(const std::string& s) {
  check(s == "log" || s == "linear", "set_xscale: unknown scale '", s, "'; use \"linear\" or \"log\"");
  xlog_ = s == "log";
}
void Axes::set_yscale(const std::string& s) {
  check(s == "log" || s == "linear", "set_yscale: unknown scale '", s, "'; use \"linear\" or \"log\"");
  ylog_ = s == "log";
}
void Axes::set_aspect(const std::string& a) {
  check(a == "equal" || a == "auto", "set_aspect: unknown aspect '", a, "'; use \"equal\" or \"auto\"");
  aspect_ = a == "equal" ? Aspect::box : Aspect::automatic;
}
void Axes::axis(const std::string& mode) {
  check(mode == "equal" || mode == "off", "axis: unknown mode '", mode, "'; use \"equal\" or \"off\"");
  if (mode == "off")
    axis_off_ = true;
  else
    aspect_ = Aspect::datalim;
}
void Axes::colorbar(const Mappable& m, const std::string& label) { colorbar_ = {m, label}; }

}  // namespace fluxion::plot
