// SPDX-License-Identifier: MIT
// Drawing an Axes: limits with 5% margins, ticks, grid, artists by z-order,
// spines, labels, title, legend (legend.cpp) and colorbar, with matplotlib's default sizes
// (10 pt text, 12 pt titles, 3.5 pt ticks, 0.8 pt spines).
#include <algorithm>
#include <cmath>

#include "examples/plot/axes_render.h"
#include "examples/plot/markers.h"
#include "examples/plot/text.h"

namespace fluxion::plot {

namespace {

constexpr double kFont = 10, kTitle = 12, kTick = 3.5, kPad = 3.5, kLabelPad = 4, kTitlePad = 6;
const Color kBlack{0, 0, 0, 1};

// Limits of one axis from its data extent, as matplotlib autoscales.
std::pair<double, double> auto_range(double lo, double hi, double lo_pos, bool log, const std::vector<double>& sticky) {
  if (log) {
    if (!(lo_pos < 1e300)) return {1, 10};
    lo = lo_pos;
    if (hi <= lo) return {lo / 10, lo * 10};
    const double a = std::log10(lo), b = std::log10(hi), m = 0.05 * (b - a);
    return {std::pow(10.0, a - m), std::pow(10.0, b + m)};
  }
  if (lo > hi) return {0, 1};
  if (lo == hi)
    return lo == 0 ? std::pair{-0.055, 0.055} : std::pair{lo - 0.05 * std::abs(lo), hi + 0.05 * std::abs(hi)};
  const double m = 0.05 * (hi - lo);
  double a = lo - m, b = hi + m;
  for (double s : sticky) {  // margins never cross a sticky edge (bars at 0, image borders)
    if (s <= lo && s > a) a = s;
    if (s >= hi && s < b) b = s;
  }
  return {a, b};
}

int max_bins(double length_px, double pt, double per_label_pt) {
  return std::clamp(static_cast<int>(length_px / pt / per_label_pt), 1, 9);
}

Ticks ticks_for(double lo, double hi, bool log, int bins) {
  Ticks t = log ? log_ticks(std::min(lo, hi), std::max(lo, hi), bins)
                : linear_ticks(std::min(lo, hi), std::max(lo, hi), bins);
  return t;
}

// The colorbar's box to the right of the axes box.
struct Bar {
  double x0, x1, y0, y1;
};
Bar colorbar_box(const View& v) {
  const double pad = 0.05 * (v.right - v.left) / 0.85, w = std::max(8.0, (v.bottom - v.top) / 20);
  return {v.right + pad, v.right + pad + w, v.top, v.bottom};
}

}  // namespace

void AxesRenderer::limits(const Axes& ax, View& v) {
  v.xlog = ax.xlog_, v.ylog = ax.ylog_;
  std::tie(v.x0, v.x1) =
      ax.xlim_ ? *ax.xlim_ : auto_range(ax.xext_.lo, ax.xext_.hi, ax.xext_.lo_pos, ax.xlog_, ax.xsticky_);
  std::tie(v.y0, v.y1) =
      ax.ylim_ ? *ax.ylim_ : auto_range(ax.yext_.lo, ax.yext_.hi, ax.yext_.lo_pos, ax.ylog_, ax.ysticky_);
  if (!ax.xlim_ && ax.xinverted_) std::swap(v.x0, v.x1);
  if (!ax.ylim_ && ax.yinverted_) std::swap(v.y0, v.y1);
  if (v.xlog && !(v.x0 > 0 && v.x1 > 0)) v.x0 = 1, v.x1 = 10;
  if (v.ylog && !(v.y0 > 0 && v.y1 > 0)) v.y0 = 1, v.y1 = 10;
}

void AxesRenderer::aspect(const Axes& ax, View& v) {
  if (ax.aspect_ == Axes::Aspect::automatic || v.xlog || v.ylog) return;
  const double w = v.right - v.left, h = v.bottom - v.top;
  const double sx = std::abs(v.x1 - v.x0) / w, sy = std::abs(v.y1 - v.y0) / h;  // data units per pixel
  if (ax.aspect_ == Axes::Aspect::box || (ax.xlim_ && ax.ylim_)) {              // shrink the box, keep the limits
    if (sx > sy) {
      const double nh = std::abs(v.y1 - v.y0) / sx, c = (v.top + v.bottom) / 2;
      v.top = c - nh / 2, v.bottom = c + nh / 2;
    } else {
      const double nw = std::abs(v.x1 - v.x0) / sy, c = (v.left + v.right) / 2;
      v.left = c - nw / 2, v.right = c + nw / 2;
    }
    return;
  }
  if (sx > sy) {
    const double c = (v.y0 + v.y1) / 2, half = sx * h / 2 * (v.y1 > v.y0 ? 1 : -1);
    v.y0 = c - half, v.y1 = c + half;
  } else {
    const double c = (v.x0 + v.x1) / 2, half = sy * w / 2 * (v.x1 > v.x0 ? 1 : -1);
    v.x0 = c - half, v.x1 = c + half;
  }
}

Ticks AxesRenderer::xticks(const Axes& ax, const View& v) {
  // Fewer bins until the labels fit side by side with a gap of one font size.
  const double length = v.right - v.left, fs = kFont * v.pt;
  for (int bins = max_bins(length, v.pt, 3 * kFont);; --bins) {
    Ticks t = ticks_for(v.x0, v.x1, ax.xlog_, bins);
    double need = 0;
    for (const std::string& s : t.labels) need += measure_text(s, fs).width + fs;
    if (need <= length || bins <= 1) return t;
  }
}
Ticks AxesRenderer::yticks(const Axes& ax, const View& v) {
  return ticks_for(v.y0, v.y1, ax.ylog_, max_bins(v.bottom - v.top, v.pt, 2 * kFont));
}

void AxesRenderer::colorbar(const Mappable& m, const std::string& label, Canvas& cv, double x0, double y0, double x1,
                            double y1, double pt) {
  // Whole pixels, so the colours end exactly where the snapped outline runs.
  x0 = std::round(x0), x1 = std::round(x1), y0 = std::round(y0), y1 = std::round(y1);
  for (int y = static_cast<int>(std::floor(y0)); y < static_cast<int>(std::ceil(y1)); ++y) {
    const double t = (y1 - (y + 0.5)) / (y1 - y0);
    const Color c = m.at(m.vmin + t * (m.vmax - m.vmin));
    for (int x = static_cast<int>(std::floor(x0)); x < static_cast<int>(std::ceil(x1)); ++x) cv.blend(x, y, c, 1);
  }
  cv.polyline({{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}, kBlack, 0.8 * pt, {}, Cap::round);
  const Ticks t = linear_ticks(m.vmin, m.vmax, max_bins(y1 - y0, pt, 2 * kFont));
  double widest = 0;
  for (size_t i = 0; i < t.values.size(); ++i) {
    const double y = y1 - (t.values[i] - m.vmin) / (m.vmax - m.vmin) * (y1 - y0);
    cv.polyline({{x1, y}, {x1 + kTick * pt, y}}, kBlack, 0.8 * pt);
    draw_text(cv, t.labels[i], x1 + (kTick + kPad) * pt, y, kFont * pt, kBlack, HAlign::left, VAlign::center);
    widest = std::max(widest, measure_text(t.labels[i], kFont * pt).width);
  }
  if (!t.multiplier.empty())
    draw_text(cv, t.multiplier, x0, y0 - kPad * pt, kFont * pt, kBlack, HAlign::left, VAlign::bottom);
  if (!label.empty())
    draw_text(cv, label, x1 + (kTick + kPad + kLabelPad) * pt + widest, (y0 + y1) / 2, kFont * pt, kBlack,
              HAlign::center, VAlign::top, true);
}

double AxesRenderer::colorbar_room(const Mappable& m, const std::string& label, double pt) {
  double w = 0;
  for (const std::string& s : linear_ticks(m.vmin, m.vmax, 9).labels)
    w = std::max(w, measure_text(s, kFont * pt).width);
  return (kTick + kPad) * pt + w + (label.empty() ? 0 : kLabelPad * pt + measure_text(label, kFont * pt).height());
}

Decor AxesRenderer::decorations(const Axes& ax, const View& v, bool xlabels, bool ylabels) {
  Decor d;
  const double pt = v.pt, fs = kFont * pt, tick = (kTick + kPad) * pt;
  const TextSize line = measure_text("0", fs);
  if (ax.axis_off_) {  // only the title and a colorbar take room
    if (!ax.title_.empty()) d.top = kTitlePad * pt + measure_text(ax.title_, kTitle * pt).height();
    if (ax.colorbar_)
      d.right = (colorbar_box(v).x1 - v.right) + colorbar_room(ax.colorbar_->first, ax.colorbar_->second, pt);
    return d;
  }
  d.left = d.bottom = kTick * pt;
  if (ylabels) {
    double w = 0;
    for (const std::string& s : yticks(ax, v).labels) w = std::max(w, measure_text(s, fs).width);
    d.left = tick + w;
  }
  if (!ax.ylabel_.empty()) d.left += kLabelPad * pt + measure_text(ax.ylabel_, fs).height();
  if (xlabels) {
    const Ticks t = xticks(ax, v);
    d.bottom = tick + line.height();
    if (!t.labels.empty()) {
      d.right = measure_text(t.labels.back(), fs).width / 2;
      d.left = std::max(d.left, measure_text(t.labels.front(), fs).width / 2);
    }
  }
  if (!ax.xlabel_.empty()) d.bottom += kLabelPad * pt + measure_text(ax.xlabel_, fs).height();
  if (!ax.title_.empty()) d.top = kTitlePad * pt + measure_text(ax.title_, kTitle * pt).height();
  if (!yticks(ax, v).multiplier.empty()) d.top = std::max(d.top, kPad * pt + line.height());
  if (ax.colorbar_)
    d.right = (colorbar_box(v).x1 - v.right) + colorbar_room(ax.colorbar_->first, ax.colorbar_->second, pt);
  return d;
}

void AxesRenderer::draw(const Axes& ax, Canvas& cv, const View& v, bool xlabels, bool ylabels) {
  const double pt = v.pt, fs = kFont * pt;
  const Ticks xt = xticks(ax, v), yt = yticks(ax, v);
  std::vector<const Axes::Artist*> order;
  for (const auto& a : ax.artists_) order.push_back(&a);
  std::stable_sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->zorder < b->zorder; });
  cv.set_clip(v.left, v.top, v.right, v.bottom);
  bool grid_done = !ax.grid_ || ax.axis_off_;
  auto grid = [&] {
    const Color g = parse_color("#b0b0b0");
    for (double x : xt.values) cv.polyline({{v.fx(x), v.top}, {v.fx(x), v.bottom}}, g, 0.8 * pt);
    for (double y : yt.values) cv.polyline({{v.left, v.fy(y)}, {v.right, v.fy(y)}}, g, 0.8 * pt);
    grid_done = true;
  };
  for (const auto* a : order) {
    if (!grid_done && a->zorder >= 2) grid();
    a->draw(cv, v);
  }
  if (!grid_done) grid();
  cv.reset_clip();
  // Title, legend and colorbar (they never overlap the spines), then the frame unless axis("off").
  if (!ax.title_.empty())
    draw_text(cv, ax.title_, (v.left + v.right) / 2, v.top - kTitlePad * pt, kTitle * pt, kBlack, HAlign::center,
              VAlign::bottom);
  if (ax.legend_) legend(ax, cv, v);
  if (ax.colorbar_) {
    const Bar b = colorbar_box(v);
    colorbar(ax.colorbar_->first, ax.colorbar_->second, cv, b.x0, b.y0, b.x1, b.y1, pt);
  }
  if (ax.axis_off_) return;
  // Spines and ticks.
  cv.polyline({{v.left, v.top}, {v.right, v.top}, {v.right, v.bottom}, {v.left, v.bottom}, {v.left, v.top}}, kBlack,
              0.8 * pt, {}, Cap::round);
  const double tick = kTick * pt;
  auto xtick = [&](double x, double len, double w) {
    cv.polyline({{v.fx(x), v.bottom}, {v.fx(x), v.bottom + len}}, kBlack, w);
  };
  auto ytick = [&](double y, double len, double w) {
    cv.polyline({{v.left, v.fy(y)}, {v.left - len, v.fy(y)}}, kBlack, w);
  };
  for (double x : xt.minor) xtick(x, 2 * pt, 0.6 * pt);
  for (double y : yt.minor) ytick(y, 2 * pt, 0.6 * pt);
  for (size_t i = 0; i < xt.values.size(); ++i) {
    xtick(xt.values[i], tick, 0.8 * pt);
    if (xlabels)
      draw_text(cv, xt.labels[i], v.fx(xt.values[i]), v.bottom + tick + kPad * pt, fs, kBlack, HAlign::center,
                VAlign::top);
  }
  double widest = 0;
  for (size_t i = 0; i < yt.values.size(); ++i) {
    ytick(yt.values[i], tick, 0.8 * pt);
    if (!ylabels) continue;
    draw_text(cv, yt.labels[i], v.left - tick - kPad * pt, v.fy(yt.values[i]), fs, kBlack, HAlign::right,
              VAlign::center);
    widest = std::max(widest, measure_text(yt.labels[i], fs).width);
  }
  const double xl_h = xlabels ? measure_text("0", fs).height() : 0;
  if (xlabels && !xt.multiplier.empty())
    draw_text(cv, xt.multiplier, v.right, v.bottom + tick + kPad * pt + xl_h, fs, kBlack, HAlign::right, VAlign::top);
  if (ylabels && !yt.multiplier.empty())
    draw_text(cv, yt.multiplier, v.left, v.top - kPad * pt, fs, kBlack, HAlign::left, VAlign::bottom);
  if (!ax.xlabel_.empty())
    draw_text(cv, ax.xlabel_, (v.left + v.right) / 2,
              v.bottom + (xlabels ? tick + kPad * pt : tick) + xl_h + kLabelPad * pt, fs, kBlack, HAlign::center,
              VAlign::top);
  if (!ax.ylabel_.empty())
    draw_text(cv, ax.ylabel_, v.left - (ylabels ? tick + kPad * pt + widest : tick) - kLabelPad * pt,
              (v.top + v.bottom) / 2, fs, kBlack, HAlign::center, VAlign::bottom, true);
}

}  // namespace fluxion::plot
