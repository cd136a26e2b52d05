// SPDX-License-Identifier: MIT
// The display list: every drawing call a Canvas receives, kept as a vector
// primitive (path, disc, text, image) so the SVG and PDF back ends draw the
// same figure the rasteriser does. Coordinates are canvas pixels, y down.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "examples/plot/mathtext.h"
#include "examples/plot/style.h"

namespace fluxion::plot {

struct Point {
  double x = 0, y = 0;
};

enum class Cap { butt, round };

/// One run of text: `utf8` at `size` px, `dx` along the text from its origin
/// and `rise` above the baseline (raised exponents, lowered subscripts).
struct TextRun {
  std::string utf8;
  double dx = 0, rise = 0, size = 0;
  Style style = Style::regular;
};

struct DrawOp {
  enum class Kind { stroke, fill, disc, text, image };
  Kind kind = Kind::fill;
  Color color;
  double clip[4] = {0, 0, 0, 0};  // x0, y0, x1, y1 in force when drawn
  std::vector<Point> pts;         // stroke: polyline; fill: polygon (non-zero); disc: centre
  double width = 0;               // stroke width or disc radius, px
  std::vector<double> dashes;     // stroke: on/off lengths in units of width
  Cap cap = Cap::butt;
  std::vector<TextRun> runs;         // text, from origin pts[0] on the baseline
  bool rotated = false;              // text: 90 degrees anticlockwise
  int x0 = 0, y0 = 0, w = 0, h = 0;  // image: pixel box
  std::vector<uint8_t> rgba;         // image: w * h * 4, straight (not premultiplied) alpha
};

/// PNG bytes of 8-bit pixels with `channels` (3: RGB, 4: RGBA) per pixel.
std::vector<uint8_t> encode_png(const uint8_t* pixels, int width, int height, int channels);
/// The figure as an SVG document: paths, <text> and embedded PNG images; size in points at `dpi`.
std::string to_svg(const std::vector<DrawOp>& ops, int width_px, int height_px, double dpi);
/// The figure as a one-page PDF: paths, Helvetica/Symbol text, RGB images with soft masks.
std::string to_pdf(const std::vector<DrawOp>& ops, int width_px, int height_px, double dpi);

}  // namespace fluxion::plot
