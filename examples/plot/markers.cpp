// SPDX-License-Identifier: MIT
// Marker geometry. Filled markers get matplotlib's 1 pt edge in the face
// colour, which is why `line_px` grows them by one line width.
#include "examples/plot/markers.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace fluxion::plot {

namespace {

// The outline of a filled marker of half-size r centred on p (a 48-gon for discs);
// empty for the line markers + and x.
std::vector<Point> outline(Point p, std::string_view m, double r) {
  if (m == "o" || m == ".") {
    std::vector<Point> circle;
    for (int k = 0; k < 48; ++k)
      circle.push_back({p.x + r * std::cos(k * M_PI / 24), p.y + r * std::sin(k * M_PI / 24)});
    return circle;
  }
  if (m == "s") return {{p.x - r, p.y - r}, {p.x + r, p.y - r}, {p.x + r, p.y + r}, {p.x - r, p.y + r}};
  if (m == "D") {
    const double d = r * 1.2;
    return {{p.x, p.y - d}, {p.x + d, p.y}, {p.x, p.y + d}, {p.x - d, p.y}};
  }
  if (m == "^" || m == "v") {
    const double s = m == "^" ? 1 : -1;
    return {{p.x, p.y - s * r}, {p.x + r, p.y + s * r}, {p.x - r, p.y + s * r}};
  }
  if (m == "*") {
    std::vector<Point> star;
    for (int k = 0; k < 10; ++k) {
      const double a = M_PI / 2 + k * M_PI / 5, rr = k % 2 ? r * 0.381966 : r;
      star.push_back({p.x + rr * std::cos(a), p.y - rr * std::sin(a)});
    }
    return star;
  }
  return {};
}

}  // namespace

void mask_marker(Canvas& cv, Point p, std::string_view m, double size, double line_px) {
  const double r = size / 2 + line_px / 2;  // nominal half-size plus half the edge
  if (m == "o") return cv.mask_disc(p, r);
  if (m == ".") return cv.mask_disc(p, size / 4 + line_px / 2);
  if (const auto poly = outline(p, m, r); !poly.empty()) return cv.mask_polygon(poly);
  const double h = size / 2, w = std::max(1.0, line_px);
  if (m == "+") {
    cv.mask_segment({p.x - h, p.y}, {p.x + h, p.y}, w, Cap::butt, Cap::butt);
    cv.mask_segment({p.x, p.y - h}, {p.x, p.y + h}, w, Cap::butt, Cap::butt);
  } else if (m == "x") {
    const double d = h / std::sqrt(2.0);
    cv.mask_segment({p.x - d, p.y - d}, {p.x + d, p.y + d}, w, Cap::butt, Cap::butt);
    cv.mask_segment({p.x - d, p.y + d}, {p.x + d, p.y - d}, w, Cap::butt, Cap::butt);
  }
}

void draw_marker(Canvas& cv, Point p, std::string_view m, double size, Color c, double line_px, Color edge) {
  mask_marker(cv, p, m, size, line_px);
  cv.composite(c);
  if (edge.a <= 0) return;
  // matplotlib's edge: a line_px stroke centred on the nominal outline, over the face.
  auto ring = outline(p, m, m == "." ? size / 4 : size / 2);
  if (ring.empty()) return;  // + and x are all edge already
  ring.push_back(ring.front());
  cv.polyline(ring, edge, line_px, {}, Cap::round);
}

}  // namespace fluxion::plot
