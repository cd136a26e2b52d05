// SPDX-License-Identifier: MIT
// Anti-aliased rasterisation: segments by exact box-filter coverage of a band
// (so lines thinner than a pixel come out lighter, as they should), polygons
// by scanlines with four sub-rows and exact horizontal span coverage; paths
// of only horizontal and vertical segments are snapped to pixels first.
#include "examples/plot/canvas.h"

#include <algorithm>
#include <cmath>

namespace fluxion::plot {

namespace {
// Length of [c - 0.5, c + 0.5] inside [-h, h]: a unit pixel's overlap with a band.
double overlap(double c, double h) { return std::max(0.0, std::min(c + 0.5, h) - std::max(c - 0.5, -h)); }
}  // namespace

// Agg's snapping (matplotlib's PathSnapper, snap mode "auto"): a path of only
// horizontal and vertical segments, at most 1024 vertices, has its vertices
// moved to pixel centres when its width rounds to an odd number of pixels and
// to pixel corners otherwise (fills: width 0). A 1-pixel frame line then
// covers one pixel column fully instead of two columns by half.
std::vector<Point> snap_rectilinear(const std::vector<Point>& pts, double width) {
  if (pts.size() < 2 || pts.size() > 1024) return pts;
  for (size_t i = 0; i + 1 < pts.size(); ++i)
    if (std::abs(pts[i + 1].x - pts[i].x) > 1e-4 && std::abs(pts[i + 1].y - pts[i].y) > 1e-4) return pts;
  const double offset = std::lround(width) % 2 ? 0.5 : 0.0;
  std::vector<Point> out(pts.size());
  for (size_t i = 0; i < pts.size(); ++i) {
    if (!std::isfinite(pts[i].x + pts[i].y)) return pts;
    out[i] = {std::floor(pts[i].x + 0.5) + offset, std::floor(pts[i].y + 0.5) + offset};
  }
  return out;
}

Color Image::pixel(int x, int y) const {
  const uint8_t* p = &rgb[3 * (static_cast<size_t>(y) * width + x)];
  return {p[0] / 255.0, p[1] / 255.0, p[2] / 255.0, 1.0};
}

Canvas::Canvas(int width, int height, Color bg)
    : w_(width),
      h_(height),
      rgb_(3 * static_cast<size_t>(width) * height),
      mask_(static_cast<size_t>(width) * height, 0.f) {
  for (size_t i = 0; i < mask_.size(); ++i) {
    rgb_[3 * i] = static_cast<float>(bg.r);
    rgb_[3 * i + 1] = static_cast<float>(bg.g);
    rgb_[3 * i + 2] = static_cast<float>(bg.b);
  }
  reset_clip();
  mx0_ = w_, my0_ = h_, mx1_ = 0, my1_ = 0;
}

void Canvas::set_clip(double x0, double y0, double x1, double y1) {
  cx0_ = std::max(0.0, x0), cy0_ = std::max(0.0, y0);
  cx1_ = std::min<double>(w_, x1), cy1_ = std::min<double>(h_, y1);
}
void Canvas::reset_clip() { cx0_ = 0, cy0_ = 0, cx1_ = w_, cy1_ = h_; }

void Canvas::touch(int x0, int y0, int x1, int y1) {
  mx0_ = std::min(mx0_, x0), my0_ = std::min(my0_, y0);
  mx1_ = std::max(mx1_, x1), my1_ = std::max(my1_, y1);
}

void Canvas::mask_coverage(int x, int y, double coverage) {
  if (x < cx0_ || y < cy0_ || x + 1 > cx1_ || y + 1 > cy1_ || coverage <= 0) return;
  float& m = mask_[static_cast<size_t>(y) * w_ + x];
  m = std::max(m, static_cast<float>(std::min(coverage, 1.0)));
  touch(x, y, x + 1, y + 1);
}

// Cuts segment a-b down to the box [x0, x1] x [y0, y1] (Liang-Barsky); false
// when it misses the box. Keeps a segment of data far off the axes (a
// solution blowing up to 1e48) from walking billions of pixels. A cut end is
// put exactly on its edge and its other coordinate found from the slope, as
// a + t (b - a) would cancel catastrophically when |b - a| is 1e50 pixels.
static bool clip_segment(Point& a, Point& b, double x0, double y0, double x1, double y1) {
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double p[4] = {-dx, dx, -dy, dy}, q[4] = {a.x - x0, x1 - a.x, a.y - y0, y1 - a.y};
  const double edge[4] = {x0, x1, y0, y1};
  double t0 = 0, t1 = 1;
  int e0 = -1, e1 = -1;  // the edge that cut each end, if any
  for (int i = 0; i < 4; ++i) {
    if (p[i] == 0) {
      if (q[i] < 0) return false;  // parallel to this edge and outside it
      continue;
    }
    const double r = q[i] / p[i];
    if (p[i] < 0 && r > t0) t0 = r, e0 = i;
    if (p[i] > 0 && r < t1) t1 = r, e1 = i;
    if (t0 > t1) return false;
  }
  const Point a0 = a;
  auto on_edge = [&](int i) -> Point {
    if (i < 2) return {edge[i], a0.y + (edge[i] - a0.x) * (dy / dx)};
    return {a0.x + (edge[i] - a0.y) * (dx / dy), edge[i]};
  };
  if (e0 >= 0) a = on_edge(e0);
  if (e1 >= 0) b = on_edge(e1);
  return true;
}

void Canvas::mask_segment(Point a, Point b, double width, Cap cap_a, Cap cap_b) {
  if (!std::isfinite(a.x + a.y + b.x + b.y)) return;
  if (recording_ && !quiet_)
    keep({.kind = DrawOp::Kind::stroke,
          .pts = {a, b},
          .width = width,
          .cap = cap_a == Cap::round || cap_b == Cap::round ? Cap::round : Cap::butt});
  // Only the part within reach of the clip box (plus the half-width and a pixel) can show.
  const double reach = width / 2 + 2;
  if (!clip_segment(a, b, cx0_ - reach, cy0_ - reach, cx1_ + reach, cy1_ + reach)) return;
  const double h = width / 2, dx = b.x - a.x, dy = b.y - a.y, len = std::hypot(dx, dy);
  const double ux = len > 0 ? dx / len : 1, uy = len > 0 ? dy / len : 0;
  const int x0 = static_cast<int>(std::floor(std::max(cx0_, std::min(a.x, b.x) - h - 1)));
  const int x1 = static_cast<int>(std::ceil(std::min(cx1_, std::max(a.x, b.x) + h + 1)));
  const int y0 = static_cast<int>(std::floor(std::max(cy0_, std::min(a.y, b.y) - h - 1)));
  const int y1 = static_cast<int>(std::ceil(std::min(cy1_, std::max(a.y, b.y) + h + 1)));
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      const double px = x + 0.5 - a.x, py = y + 0.5 - a.y;
      const double t = px * ux + py * uy, perp = std::abs(px * uy - py * ux);
      double cov;
      if (t < 0 && cap_a == Cap::round) {
        cov = overlap(std::hypot(px, py), h);
      } else if (t > len && cap_b == Cap::round) {
        cov = overlap(std::hypot(x + 0.5 - b.x, y + 0.5 - b.y), h);
      } else {
        // Along the segment: the pixel's overlap with [0, len], extended by the round caps.
        const double lo = cap_a == Cap::round ? -1e9 : 0.0, hi = cap_b == Cap::round ? 1e9 : len;
        const double along = std::max(0.0, std::min(t + 0.5, hi) - std::max(t - 0.5, lo));
        cov = overlap(perp, h) * std::min(1.0, along);
      }
      mask_coverage(x, y, cov);
    }
  }
}

void Canvas::mask_polygon(const std::vector<Point>& poly) {
  if (poly.size() < 3) return;
  if (recording_ && !quiet_) keep({.kind = DrawOp::Kind::fill, .pts = poly});
  double ylo = 1e300, yhi = -1e300;
  for (const Point& p : poly) {
    if (!std::isfinite(p.x + p.y)) return;
    ylo = std::min(ylo, p.y), yhi = std::max(yhi, p.y);
  }
  constexpr int kSub = 4;
  const int y0 = static_cast<int>(std::floor(std::max(cy0_, ylo)));
  const int y1 = static_cast<int>(std::ceil(std::min(cy1_, yhi)));
  const int xa0 = static_cast<int>(cx0_), xa1 = static_cast<int>(std::ceil(cx1_));
  std::vector<double> acc(static_cast<size_t>(std::max(0, xa1 - xa0)), 0.0);
  std::vector<std::pair<double, int>> xs;
  for (int y = y0; y < y1; ++y) {
    std::fill(acc.begin(), acc.end(), 0.0);
    int lo = xa1, hi = xa0;
    for (int s = 0; s < kSub; ++s) {
      const double ys = y + (s + 0.5) / kSub;
      xs.clear();
      for (size_t i = 0; i < poly.size(); ++i) {
        const Point p = poly[i], q = poly[(i + 1) % poly.size()];
        if ((p.y <= ys && q.y > ys) || (q.y <= ys && p.y > ys))
          xs.push_back({p.x + (ys - p.y) / (q.y - p.y) * (q.x - p.x), q.y > p.y ? 1 : -1});
      }
      std::sort(xs.begin(), xs.end());
      int wind = 0;
      for (size_t i = 0; i + 1 < xs.size(); ++i) {
        wind += xs[i].second;
        if (wind == 0) continue;
        const double a = std::max(xs[i].first, cx0_), b = std::min(xs[i + 1].first, cx1_);
        if (b <= a) continue;
        const int ia = static_cast<int>(std::floor(a)), ib = std::min(static_cast<int>(std::floor(b)), xa1 - 1);
        lo = std::min(lo, ia), hi = std::max(hi, ib + 1);
        if (ia == ib) {
          acc[ia - xa0] += (b - a) / kSub;
          continue;
        }
        acc[ia - xa0] += (ia + 1 - a) / kSub;
        for (int k = ia + 1; k < ib; ++k) acc[k - xa0] += 1.0 / kSub;
        if (ib < xa1) acc[ib - xa0] += (b - ib) / kSub;
      }
    }
    for (int x = lo; x < hi; ++x) mask_coverage(x, y, acc[x - xa0]);
  }
}

void Canvas::mask_disc(Point c, double r) {
  if (!std::isfinite(c.x + c.y)) return;
  if (recording_ && !quiet_) keep({.kind = DrawOp::Kind::disc, .pts = {c}, .width = r});
  const int x0 = static_cast<int>(std::floor(std::max(cx0_, c.x - r - 1)));
  const int x1 = static_cast<int>(std::ceil(std::min(cx1_, c.x + r + 1)));
  const int y0 = static_cast<int>(std::floor(std::max(cy0_, c.y - r - 1)));
  const int y1 = static_cast<int>(std::ceil(std::min(cy1_, c.y + r + 1)));
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) {
      const double d = std::hypot(x + 0.5 - c.x, y + 0.5 - c.y);
      // Small discs: scale by area so a dot of radius 0.3 is faint, not a full pixel.
      const double cov = r < 0.5 ? std::max(0.0, 1 - d) * (M_PI * r * r) : std::clamp(r + 0.5 - d, 0.0, 1.0);
      mask_coverage(x, y, cov);
    }
}

void Canvas::composite(Color c) {
  for (DrawOp& op : pending_) op.color = c, ops_.push_back(std::move(op));
  pending_.clear();
  for (int y = my0_; y < my1_; ++y) {
    for (int x = mx0_; x < mx1_; ++x) {
      float& m = mask_[static_cast<size_t>(y) * w_ + x];
      if (m <= 0) continue;
      const float a = static_cast<float>(m * c.a);
      float* p = &rgb_[3 * (static_cast<size_t>(y) * w_ + x)];
      p[0] += (static_cast<float>(c.r) - p[0]) * a;
      p[1] += (static_cast<float>(c.g) - p[1]) * a;
      p[2] += (static_cast<float>(c.b) - p[2]) * a;
      m = 0;
    }
  }
  mx0_ = w_, my0_ = h_, mx1_ = 0, my1_ = 0;
}

void Canvas::blend(int x, int y, Color c, double alpha) {
  if (x < cx0_ || y < cy0_ || x + 1 > cx1_ || y + 1 > cy1_) return;
  const float a = static_cast<float>(alpha * c.a);
  if (recording_) layer_blend(x, y, c, a);
  float* p = &rgb_[3 * (static_cast<size_t>(y) * w_ + x)];
  p[0] += (static_cast<float>(c.r) - p[0]) * a;
  p[1] += (static_cast<float>(c.g) - p[1]) * a;
  p[2] += (static_cast<float>(c.b) - p[2]) * a;
}

void Canvas::polyline(const std::vector<Point>& pts_in, Color c, double width, const std::vector<double>& dashes,
                      Cap cap) {
  if (pts_in.empty()) return;
  const std::vector<Point> pts = snap_rectilinear(pts_in, width);
  if (recording_) keep({.kind = DrawOp::Kind::stroke, .pts = pts, .width = width, .dashes = dashes, .cap = cap});
  const Quiet quiet(quiet_);
  if (dashes.empty()) {
    if (pts.size() == 1) mask_segment(pts[0], pts[0], width, Cap::round, Cap::round);
    for (size_t i = 0; i + 1 < pts.size(); ++i)
      mask_segment(pts[i], pts[i + 1], width, i == 0 ? cap : Cap::round, i + 2 == pts.size() ? cap : Cap::round);
    composite(c);
    return;
  }
  // Walk the path by arc length, switching on/off at the dash boundaries.
  size_t k = 0;
  double left = dashes[0] * width;
  bool on = true;
  bool piece_start = true;
  for (size_t i = 0; i + 1 < pts.size(); ++i) {
    Point a = pts[i];
    const Point b = pts[i + 1];
    double seg = std::hypot(b.x - a.x, b.y - a.y);
    while (seg > 0) {
      const double step = std::min(seg, left);
      const Point m{a.x + (b.x - a.x) * step / seg, a.y + (b.y - a.y) * step / seg};
      if (on) mask_segment(a, m, width, piece_start ? Cap::butt : Cap::round, step == left ? Cap::butt : Cap::round);
      piece_start = step == left;
      left -= step, seg -= step, a = m;
      if (left <= 0) {
        k = (k + 1) % dashes.size();
        left = dashes[k] * width;
        on = !on;
      }
    }
  }
  composite(c);
}

void Canvas::fill_polygon(const std::vector<Point>& poly, Color c) {
  const std::vector<Point> snapped = snap_rectilinear(poly, 0);
  if (recording_ && snapped.size() >= 3) keep({.kind = DrawOp::Kind::fill, .pts = snapped});
  const Quiet quiet(quiet_);
  mask_polygon(snapped);
  composite(c);
}

void Canvas::fill_rect(double x0, double y0, double x1, double y1, Color c) {
  fill_polygon({{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}, c);
}

void Canvas::disc(Point center, double radius, Color c) {
  if (recording_ && std::isfinite(center.x + center.y))
    keep({.kind = DrawOp::Kind::disc, .pts = {center}, .width = radius});
  const Quiet quiet(quiet_);
  mask_disc(center, radius);
  composite(c);
}

Color Canvas::at(int x, int y) const {
  const float* p = &rgb_[3 * (static_cast<size_t>(y) * w_ + x)];
  return {p[0], p[1], p[2], 1};
}

Image Canvas::to_image() const {
  Image img{w_, h_, std::vector<uint8_t>(rgb_.size())};
  for (size_t i = 0; i < rgb_.size(); ++i)
    img.rgb[i] = static_cast<uint8_t>(std::lround(std::clamp(rgb_[i], 0.f, 1.f) * 255.f));
  return img;
}

}  // namespace fluxion::plot
