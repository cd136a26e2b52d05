// SPDX-License-Identifier: MIT
// Axes methods for fields on a grid: contour, contourf, imshow, quiver and
// streamplot. Filled contours and images are drawn per pixel (bilinear or
// nearest sampling, 3x3 supersampled edges), lines through marching squares.
#include <algorithm>
#include <cmath>

#include "examples/plot/axes.h"
#include "examples/plot/contour.h"
#include "examples/plot/streamline.h"
#include "examples/plot/text.h"
#include "examples/plot/ticks.h"
#include "tensor/error.h"

namespace fluxion::plot {

namespace {

void check_grid(const char* op, const Vec& x, const Vec& y, const Vec& z, const char* zn) {
  check(x.size() >= 2 && y.size() >= 2, op, ": the grid needs at least 2 x and 2 y values, got ", x.size(), " and ",
        y.size());
  check(z.size() == x.size() * y.size(), op, ": ", zn, " has ", z.size(), " values but the grid is ", y.size(), " x ",
        x.size(), "; pass ", zn, " row-major with ", zn, "[i * x.size() + j] at (x[j], y[i])");
  check(std::is_sorted(x.begin(), x.end()) && std::is_sorted(y.begin(), y.end()), op, ": x and y must be increasing");
}

struct Range {
  double lo = 1e300, hi = -1e300;
};
Range finite_range(const Vec& z) {
  Range r;
  for (double v : z)
    if (std::isfinite(v)) r.lo = std::min(r.lo, v), r.hi = std::max(r.hi, v);
  return r;
}

// Fills the axes box pixel by pixel with colour(data x, data y), 3x3 supersampled.
template <class F>
void paint(Canvas& cv, const View& v, F colour) {
  const int x0 = static_cast<int>(std::floor(v.left)), x1 = static_cast<int>(std::ceil(v.right));
  const int y0 = static_cast<int>(std::floor(v.top)), y1 = static_cast<int>(std::ceil(v.bottom));
  for (int py = y0; py < y1; ++py)
    for (int px = x0; px < x1; ++px) {
      double r = 0, g = 0, b = 0, a = 0;
      for (int s = 0; s < 9; ++s) {
        const double sx = px + (s % 3 + 0.5) / 3, sy = py + (s / 3 + 0.5) / 3;
        const double dx = v.x0 + (sx - v.left) / (v.right - v.left) * (v.x1 - v.x0);
        const double dy = v.y0 + (v.bottom - sy) / (v.bottom - v.top) * (v.y1 - v.y0);
        const Color c = colour(dx, dy);
        r += c.r * c.a, g += c.g * c.a, b += c.b * c.a, a += c.a;
      }
      if (a > 0) cv.blend(px, py, {r / a, g / a, b / a, 1}, a / 9);
    }
}

// Fewest decimals (up to 4) that write a level exactly.
int label_decimals(double level) {
  for (int d = 0; d < 4; ++d)
    if (std::abs(std::round(level * std::pow(10, d)) - level * std::pow(10, d)) < 1e-6) return d;
  return 4;
}

}  // namespace

void Axes::contour(const Vec& x, const Vec& y, const Vec& z, const ContourOpts& o) {
  check_grid("contour", x, y, z, "z");
  const Range r = finite_range(z);
  check(r.lo <= r.hi, "contour: z has no finite values");
  const std::vector<double> levels = o.values.empty() ? contour_levels(r.lo, r.hi, o.levels, false) : o.values;
  xext_.add(x.front()), xext_.add(x.back()), yext_.add(y.front()), yext_.add(y.back());
  xsticky_.insert(xsticky_.end(), {x.front(), x.back()}), ysticky_.insert(ysticky_.end(), {y.front(), y.back()});
  const Colormap cmap(o.cmap);
  const bool mono = !o.colors.empty();
  const Color one = mono ? parse_color(o.colors) : Color{};
  struct Level {
    std::string label;  // empty: no label
    Color color;
    std::vector<double> dashes;
    std::vector<std::vector<Point>> lines;
  };
  std::vector<Level> all;
  for (double level : levels) {
    const double t = levels.size() > 1 ? (level - levels.front()) / (levels.back() - levels.front()) : 0.5;
    Level l{o.labels ? format_number(level, label_decimals(level)) : "", (mono ? one : cmap(t)).with_alpha(o.alpha),
            // matplotlib draws negative levels dashed when all lines share one colour.
            mono && level < 0 && o.linestyle == "-" ? dash_pattern("--") : dash_pattern(o.linestyle),
            contour_lines(x, y, z, level)};
    all.push_back(std::move(l));
  }
  add_artist(1, [=](Canvas& cv, const View& v) {
    // clabel: each line's label on its straightest stretch inside the axes, clear of the
    // labels placed before it; the line is cut where the label sits.
    const Box axes{v.left, v.top, v.right, v.bottom};
    const double size = o.fontsize * v.pt, width = o.linewidth * v.pt;
    std::vector<Box> placed;
    for (const Level& l : all)
      for (const auto& line : l.lines) {
        std::vector<Point> px;
        for (const Point& p : line) px.push_back(v.px(p.x, p.y));
        std::optional<Box> box;
        if (!l.label.empty()) {
          const TextSize ts = measure_text(l.label, size);
          box = label_box(px, ts.width + 4 * v.pt, ts.height(), axes, placed);
        }
        if (!box) {
          cv.polyline(px, l.color, width, l.dashes, Cap::round);
          continue;
        }
        placed.push_back(*box);
        for (const auto& piece : outside_pieces(px, *box)) cv.polyline(piece, l.color, width, l.dashes, Cap::round);
        draw_text(cv, l.label, (box->x0 + box->x1) / 2, (box->y0 + box->y1) / 2, size, l.color.with_alpha(1),
                  HAlign::center, VAlign::center);
      }
  });
}

Mappable Axes::contourf(const Vec& x, const Vec& y, const Vec& z, const ContourOpts& o) {
  check_grid("contourf", x, y, z, "z");
  const Range r = finite_range(z);
  check(r.lo <= r.hi, "contourf: z has no finite values");
  std::vector<double> levels = o.values.empty() ? contour_levels(r.lo, r.hi, o.levels, true) : o.values;
  if (levels.size() < 2) levels = {r.lo - 0.5, r.hi + 0.5};  // a flat field: one band
  Mappable m{Colormap(o.cmap), levels.front(), levels.back(), levels, o.alpha};
  xext_.add(x.front()), xext_.add(x.back()), yext_.add(y.front()), yext_.add(y.back());
  xsticky_.insert(xsticky_.end(), {x.front(), x.back()}), ysticky_.insert(ysticky_.end(), {y.front(), y.back()});
  add_artist(0, [=](Canvas& cv, const View& v) {
    paint(cv, v, [&](double dx, double dy) { return m.at(interpolate(x, y, z, dx, dy)); });
  });
  return m;
}

Mappable Axes::imshow(const Vec& z, int rows, int cols, const ImshowOpts& o) {
  check(rows > 0 && cols > 0 && z.size() == static_cast<size_t>(rows) * cols, "imshow: z has ", z.size(),
        " values, expected rows * cols = ", rows, " * ", cols);
  check(o.extent.empty() || o.extent.size() == 4, "imshow: extent must be {left, right, bottom, top}");
  check(o.origin == "upper" || o.origin == "lower", "imshow: origin must be \"upper\" or \"lower\"");
  check(o.interpolation == "nearest" || o.interpolation == "bilinear",
        "imshow: interpolation must be \"nearest\" or \"bilinear\", got \"", o.interpolation, "\"");
  const Range r = finite_range(z);
  Mappable m{Colormap(o.cmap), std::isnan(o.vmin) ? r.lo : o.vmin, std::isnan(o.vmax) ? r.hi : o.vmax, {}, o.alpha};
  if (!(m.vmin <= m.vmax)) m.vmin = 0, m.vmax = 1;
  if (m.vmin == m.vmax) {  // a constant image: widen by 10% (±0.1 around 0) as matplotlib's nonsingular does
    const double pad = m.vmin == 0 ? 0.1 : 0.1 * std::abs(m.vmin);
    m.vmin -= pad, m.vmax += pad;
  }
  // Default extent: pixel centres at integer indices, row 0 at the top for origin "upper".
  const bool upper = o.origin == "upper";
  const std::vector<double> e =
      o.extent.empty() ? std::vector<double>{-0.5, cols - 0.5, upper ? rows - 0.5 : -0.5, upper ? -0.5 : rows - 0.5}
                       : o.extent;
  xext_.add(e[0]), xext_.add(e[1]), yext_.add(e[2]), yext_.add(e[3]);
  // As matplotlib, the axis follows the extent's direction: bottom > top turns the y axis upside down.
  xinverted_ = xinverted_ || e[0] > e[1];
  yinverted_ = yinverted_ || e[2] > e[3];
  xsticky_.insert(xsticky_.end(), {e[0], e[1]}), ysticky_.insert(ysticky_.end(), {e[2], e[3]});
  if (o.equal_aspect) aspect_ = Aspect::box;
  const bool bilinear = o.interpolation == "bilinear";
  add_artist(0, [=](Canvas& cv, const View& v) {
    paint(cv, v, [&](double dx, double dy) -> Color {
      const double fx = (dx - e[0]) / (e[1] - e[0]), fy = (dy - e[2]) / (e[3] - e[2]);  // 0..1 across the image
      if (!(fx >= 0 && fx < 1 && fy >= 0 && fy < 1)) return {0, 0, 0, 0};
      // fy = 0 is the bottom edge (e[2]); with origin "upper" the first row sits at the top (e[3]).
      const double fr = upper ? (1 - fy) * rows : fy * rows, fc = fx * cols;  // continuous row, column
      auto value = [&](int row, int col) {
        return z[static_cast<size_t>(std::clamp(row, 0, rows - 1)) * cols + std::clamp(col, 0, cols - 1)];
      };
      double val;
      if (bilinear) {  // between pixel centres, the values (not colours) blend; edges clamp
        const double r0 = std::floor(fr - 0.5), c0 = std::floor(fc - 0.5), tr = fr - 0.5 - r0, tc = fc - 0.5 - c0;
        const int i = static_cast<int>(r0), j = static_cast<int>(c0);
        val = (1 - tr) * ((1 - tc) * value(i, j) + tc * value(i, j + 1)) +
              tr * ((1 - tc) * value(i + 1, j) + tc * value(i + 1, j + 1));
      } else {
        const int row = static_cast<int>(fy * rows);
        val = value(upper ? rows - 1 - row : row, static_cast<int>(fx * cols));
      }
      return std::isfinite(val) ? m.at(val) : Color{0, 0, 0, 0};
    });
  });
  return m;
}

void Axes::quiver(const Vec& x, const Vec& y, const Vec& u, const Vec& v, const QuiverOpts& o) {
  check(x.size() == y.size() && x.size() == u.size() && x.size() == v.size(), "quiver: x, y, u, v have ", x.size(),
        ", ", y.size(), ", ", u.size(), ", ", v.size(), " values; they must match (flatten a meshgrid)");
  check(o.scale_units.empty() || o.scale_units == "xy" || o.scale_units == "width",
        "quiver: scale_units must be \"xy\" or \"width\"");
  check(o.angles == "uv" || o.angles == "xy", "quiver: angles must be \"uv\" or \"xy\"");
  extend(x, y);
  for (size_t i = 0; i < x.size(); ++i) footprint_.points.push_back({x[i], y[i]});
  const Color c = parse_color(o.color).with_alpha(o.alpha);
  // matplotlib's autoscale: the mean arrow is 1/(1.8 sn) of the axes width, sn = max(10, sqrt(N)).
  double mean = 0;
  size_t n = 0;
  for (size_t i = 0; i < u.size(); ++i)
    if (std::isfinite(u[i]) && std::isfinite(v[i])) mean += std::hypot(u[i], v[i]), ++n;
  mean = n ? mean / n : 1;
  const double sn = std::max(10.0, std::sqrt(static_cast<double>(x.size())));
  const double auto_scale = mean > 0 ? 1.8 * mean * sn : 1;
  // The default shaft width uses its own count, clipped to 8..25 (a 4 x 4 field gets 0.06 / 8 of the width).
  const double wn = std::clamp(std::sqrt(static_cast<double>(x.size())), 8.0, 25.0);
  add_artist(2, [=](Canvas& cv, const View& vw) {
    const double span = vw.right - vw.left;
    const double w = (std::isnan(o.width) ? 0.06 / wn : o.width) * span;  // shaft width in pixels
    for (size_t i = 0; i < x.size(); ++i) {
      if (!vw.valid(x[i], y[i]) || !std::isfinite(u[i]) || !std::isfinite(v[i])) continue;
      const Point a = vw.px(x[i], y[i]);
      Point tip;
      if (o.scale_units == "xy") {  // length in data units: the arrow ends at (x + u/scale, y + v/scale)
        const double s = std::isnan(o.scale) ? 1 : o.scale;
        tip = vw.px(x[i] + u[i] / s, y[i] + v[i] / s);
        if (o.angles == "uv") {  // keep the length, point along (u, v) on screen
          const double len = std::hypot(tip.x - a.x, tip.y - a.y), m = std::hypot(u[i], v[i]);
          tip = m > 0 ? Point{a.x + len * u[i] / m, a.y - len * v[i] / m} : a;
        }
      } else {
        const double len = std::hypot(u[i], v[i]) / (std::isnan(o.scale) ? auto_scale : o.scale) * span;
        Point d{u[i], -v[i]};
        if (o.angles == "xy") d = {vw.fx(x[i] + u[i]) - a.x, vw.fy(y[i] + v[i]) - a.y};
        const double m = std::hypot(d.x, d.y);
        tip = m > 0 ? Point{a.x + len * d.x / m, a.y + len * d.y / m} : a;
      }
      const double len = std::hypot(tip.x - a.x, tip.y - a.y);
      if (len <= 0) continue;
      // Arrow outline in units of the shaft width: head 3 wide, 5 long, meeting the shaft at 4.5.
      const double k = std::min(1.0, len / (5 * w)), ux = (tip.x - a.x) / len, uy = (tip.y - a.y) / len;
      auto at = [&](double along, double across) {
        return Point{a.x + along * ux - across * uy, a.y + along * uy + across * ux};
      };
      const double hw = w / 2 * k, hl = 5 * w * k, ha = 4.5 * w * k, hh = 1.5 * w * k;
      cv.fill_polygon(
          {at(0, -hw), at(len - ha, -hw), at(len - hl, -hh), at(len, 0), at(len - hl, hh), at(len - ha, hw), at(0, hw)},
          c);
    }
  });
  if (!o.label.empty()) entries_.push_back({o.label, c, 1.5, {}, "", 0, false, Color{0, 0, 0, 0}});
}

Mappable Axes::streamplot(const Vec& x, const Vec& y, const Vec& u, const Vec& v, const StreamOpts& o) {
  check_grid("streamplot", x, y, u, "u");
  check_grid("streamplot", x, y, v, "v");
  check(o.density > 0, "streamplot: density must be positive, got ", o.density);
  const auto lines = streamlines(x, y, u, v, o.density);
  xext_.add(x.front()), xext_.add(x.back()), yext_.add(y.front()), yext_.add(y.back());
  xsticky_.insert(xsticky_.end(), {x.front(), x.back()}), ysticky_.insert(ysticky_.end(), {y.front(), y.back()});
  Vec speed(u.size());
  for (size_t i = 0; i < u.size(); ++i) speed[i] = std::hypot(u[i], v[i]);
  const Range r = finite_range(speed);
  Mappable m{Colormap(o.cmap), r.lo, r.hi, {}};
  const Color one = o.color.empty() ? (o.color_by_magnitude ? Color{} : next_color()) : parse_color(o.color);
  add_artist(2, [=](Canvas& cv, const View& vw) {
    auto colour = [&](Point p) { return o.color_by_magnitude ? m.at(interpolate(x, y, speed, p.x, p.y)) : one; };
    for (const auto& line : lines) {
      std::vector<Point> px;
      for (const Point& p : line) px.push_back(vw.px(p.x, p.y));
      if (o.color_by_magnitude) {
        for (size_t k = 0; k + 1 < px.size(); ++k)
          cv.polyline({px[k], px[k + 1]}, colour(line[k]), o.linewidth * vw.pt, {}, Cap::round);
      } else {
        cv.polyline(px, one, o.linewidth * vw.pt, {}, Cap::round);
      }
      // Arrow head at the middle of the line (by arc length), pointing downstream.
      double total = 0;
      for (size_t k = 1; k < px.size(); ++k) total += std::hypot(px[k].x - px[k - 1].x, px[k].y - px[k - 1].y);
      double run = 0;
      for (size_t k = 1; k < px.size(); ++k) {
        const double seg = std::hypot(px[k].x - px[k - 1].x, px[k].y - px[k - 1].y);
        if (run + seg < total / 2 || seg <= 0) {
          run += seg;
          continue;
        }
        const double ux = (px[k].x - px[k - 1].x) / seg, uy = (px[k].y - px[k - 1].y) / seg;
        const double hl = 6 * o.arrowsize * vw.pt, hw = 2.6 * o.arrowsize * vw.pt;
        const Point tip{px[k - 1].x + ux * (total / 2 - run + hl / 2), px[k - 1].y + uy * (total / 2 - run + hl / 2)};
        cv.fill_polygon({tip,
                         {tip.x - hl * ux - hw * uy, tip.y - hl * uy + hw * ux},
                         {tip.x - hl * ux + hw * uy, tip.y - hl * uy - hw * ux}},
                        colour(line[k]));
        break;
      }
    }
  });
  return m;
}

}  // namespace fluxion::plot
