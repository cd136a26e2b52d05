// SPDX-License-Identifier: MIT
// Canvas recording: the display list the SVG and PDF back ends write. Paths,
// discs and text are kept as given (after snapping); per-pixel blends (images,
// colorbars, filled fields) are gathered into one RGBA image op per run.
#include <algorithm>
#include <cmath>

#include "examples/plot/canvas.h"

namespace fluxion::plot {

void Canvas::keep(DrawOp op) {
  for (const Point& p : op.pts)
    if (!std::isfinite(p.x + p.y)) return;
  close_layer();
  op.clip[0] = cx0_, op.clip[1] = cy0_, op.clip[2] = cx1_, op.clip[3] = cy1_;
  pending_.push_back(std::move(op));
}

void Canvas::record_text(std::vector<TextRun> runs, Point origin, bool rotated, Color c) {
  if (!recording_) return;
  close_layer();
  DrawOp op{.kind = DrawOp::Kind::text, .color = c, .pts = {origin}, .runs = std::move(runs), .rotated = rotated};
  op.clip[0] = cx0_, op.clip[1] = cy0_, op.clip[2] = cx1_, op.clip[3] = cy1_;
  ops_.push_back(std::move(op));
}

// Source-over into the layer: a' = a + a0 (1 - a), c' = (c a + c0 a0 (1 - a)) / a'.
void Canvas::layer_blend(int x, int y, Color c, float a) {
  if (layer_.empty()) {
    layer_.assign(4 * static_cast<size_t>(w_) * h_, 0.f);
    lx0_ = w_, ly0_ = h_, lx1_ = 0, ly1_ = 0;
  }
  float* p = &layer_[4 * (static_cast<size_t>(y) * w_ + x)];
  const float a0 = p[3], out = a + a0 * (1 - a);
  if (out <= 0) return;
  const float col[3] = {static_cast<float>(c.r), static_cast<float>(c.g), static_cast<float>(c.b)};
  for (int k = 0; k < 3; ++k) p[k] = (col[k] * a + p[k] * a0 * (1 - a)) / out;
  p[3] = out;
  lx0_ = std::min(lx0_, x), ly0_ = std::min(ly0_, y), lx1_ = std::max(lx1_, x + 1), ly1_ = std::max(ly1_, y + 1);
}

void Canvas::close_layer() {
  if (layer_.empty()) return;
  if (lx1_ > lx0_ && ly1_ > ly0_) {
    DrawOp op{.kind = DrawOp::Kind::image, .color = {0, 0, 0, 1}};
    op.clip[0] = 0, op.clip[1] = 0, op.clip[2] = w_, op.clip[3] = h_;
    op.x0 = lx0_, op.y0 = ly0_, op.w = lx1_ - lx0_, op.h = ly1_ - ly0_;
    op.rgba.resize(4 * static_cast<size_t>(op.w) * op.h);
    for (int y = 0; y < op.h; ++y)
      for (int x = 0; x < op.w; ++x)
        for (int k = 0; k < 4; ++k) {
          const float v = layer_[4 * (static_cast<size_t>(y + ly0_) * w_ + x + lx0_) + k];
          op.rgba[4 * (static_cast<size_t>(y) * op.w + x) + k] =
              static_cast<uint8_t>(std::lround(std::clamp(v, 0.f, 1.f) * 255));
        }
    ops_.push_back(std::move(op));
  }
  layer_.clear();
}

const std::vector<DrawOp>& Canvas::ops() {
  close_layer();
  return ops_;
}

}  // namespace fluxion::plot
