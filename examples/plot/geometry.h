// SPDX-License-Identifier: MIT
// Boxes and segments in canvas pixels: what legend placement and contour
// labels use to ask "does this artist run under that box?".
#pragma once
#include <optional>
#include <vector>

#include "examples/plot/display_list.h"

namespace fluxion::plot {

struct Box {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // x0 <= x1, y0 <= y1 (y down)
  bool contains(Point p) const { return p.x >= x0 && p.x <= x1 && p.y >= y0 && p.y <= y1; }
  bool overlaps(const Box& b) const { return x0 < b.x1 && b.x0 < x1 && y0 < b.y1 && b.y0 < y1; }
  bool inside(const Box& b) const { return x0 >= b.x0 && x1 <= b.x1 && y0 >= b.y0 && y1 <= b.y1; }
};

/// The part of segment a + t (b - a), t in [0, 1], that lies in the box, as [t0, t1]
/// (Liang-Barsky clipping). False when the segment misses the box.
bool clip_segment(Point a, Point b, const Box& box, double& t0, double& t1);

/// The pieces of a polyline that lie outside the box, cut exactly at its edges.
std::vector<std::vector<Point>> outside_pieces(const std::vector<Point>& line, const Box& box);

/// Where a w x h label sits on a polyline, centred on one of its vertices: on the
/// straightest stretch of length w (least distance of the vertices from the chord),
/// the box inside `within` and clear of `taken`. Nothing when the line is too short
/// or no vertex qualifies (matplotlib's clabel skips such lines too).
std::optional<Box> label_box(const std::vector<Point>& line, double w, double h, const Box& within,
                             const std::vector<Box>& taken);

}  // namespace fluxion::plot
