// SPDX-License-Identifier: MIT
// Marker geometry. Filled markers get matplotlib's 1 pt edge in the face
// colour, which is why `line_px` grows them by one line width.
#include "examples/plot/markers.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace fluxion::plot {

void mask_marker(Canvas& cv, Point p, std::string_view m, double size, double line_px) {
  const double r = size / 2 + line_px / 2;  // nominal half-size plus half the edge
  if (m == "o") return cv.mask_disc(p, r);
  if (m == ".") return cv.mask_disc(p, size / 4 + line_px / 2);
  if (m == "s") return cv.mask_polygon({{p.x - r, p.y - r}, {p.x + r, p.y - r}, {p.x + r, p.y + r}, {p.x - r, p.y + r}});
  if (m == "D") {
    const double d = r * 1.2;
    return cv.mask_polygon({{p.x, p.y - d}, {p.x + d, p.y}, {p.x, p.y + d}, {p.x - d, p.y}});
  }
  if (m == "^" || m == "v") {
    const double s = m == "^" ? 1 : -1;
    return cv.mask_polygon({{p.x, p.y - s * r}, {p.x + r, p.y + s * r}, {p.x - r, p.y + s * r}});
  }
  if (m == "*") {
    std::vector<Point> star;
    for (int k = 0; k < 10; ++k) {
      const double a = M_PI / 2 + k * M_PI / 5, rr = k % 2 ? r * 0.381966 : r;
      star.push_back({p.x + rr * std::cos(a), p.y - rr * std::sin(a)});
    }
    return cv.mask_polygon(star);
  }
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
  const bool outlined = edge.a > 0 && m != "+" && m != "x";  // line markers have no face to outline
  if (outlined) {  // the whole marker in the edge colour, then the face inset by one line width
    mask_marker(cv, p, m, size, line_px);
    cv.composite(edge);
  }
  mask_marker(cv, p, m, outlined ? std::max(0.0, size - 2 * line_px) : size, line_px);
  cv.composite(c);
}

}  // namespace fluxion::plot
