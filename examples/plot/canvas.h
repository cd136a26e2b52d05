// SPDX-License-Identifier: MIT
// Canvas: an RGB float raster with anti-aliased drawing. Shapes are first
// rasterised into a coverage mask (so a polyline's overlapping segments are
// painted once), then composited with one colour and alpha.
#pragma once
#include <cstdint>
#include <vector>

#include "examples/plot/display_list.h"
#include "examples/plot/style.h"

namespace fluxion::plot {

/// 8-bit RGB image, row-major from the top-left pixel.
struct Image {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;  // 3 * width * height
  Color pixel(int x, int y) const;
};

/// Pixel snapping of a path of horizontal and vertical segments (as Agg's):
/// vertices to pixel centres for odd widths in pixels, to corners for even
/// ones and fills (width 0). Other paths are returned unchanged.
std::vector<Point> snap_rectilinear(const std::vector<Point>& pts, double width);

class Canvas {
 public:
  Canvas(int width, int height, Color background);
  int width() const { return w_; }
  int height() const { return h_; }

  /// Clip every drawing to [x0, x1) x [y0, y1) until reset_clip().
  void set_clip(double x0, double y0, double x1, double y1);
  void reset_clip();

  // Mask building: add coverage, then composite() paints it.
  void mask_segment(Point a, Point b, double width, Cap cap_a, Cap cap_b);
  void mask_polygon(const std::vector<Point>& poly);  // non-zero winding
  void mask_disc(Point c, double radius);
  void mask_coverage(int x, int y, double coverage);  // max with what is there
  void composite(Color c);

  // One-shot helpers built on the mask; polyline and fill_polygon snap rectilinear paths.
  void polyline(const std::vector<Point>& pts, Color c, double width, const std::vector<double>& dashes = {},
                Cap cap = Cap::butt);
  void fill_polygon(const std::vector<Point>& poly, Color c);
  void fill_rect(double x0, double y0, double x1, double y1, Color c);
  void disc(Point center, double radius, Color c);
  /// Blends colour c with weight alpha into pixel (x, y), honouring the clip.
  void blend(int x, int y, Color c, double alpha);

  /// Also keep every drawing call as a DrawOp (for the SVG and PDF back ends).
  void record() { recording_ = true; }
  bool recording() const { return recording_; }
  /// The recorded calls, in drawing order (the last image closed).
  const std::vector<DrawOp>& ops();
  /// Records text laid out as runs from a baseline origin (draw_text calls it).
  void record_text(std::vector<TextRun> runs, Point origin, bool rotated, Color c);

  /// The current colour of pixel (x, y).
  Color at(int x, int y) const;
  Image to_image() const;

 private:
  int w_, h_;
  std::vector<float> rgb_;
  std::vector<float> mask_;
  int mx0_, my0_, mx1_, my1_;  // dirty box of the mask
  double cx0_, cy0_, cx1_, cy1_;
  void touch(int x0, int y0, int x1, int y1);
  // Recording: mask_* calls wait in pending_ for composite()'s colour; blend()
  // paints into an open image op (float RGBA over the canvas) until another op comes.
  bool recording_ = false, quiet_ = false;
  std::vector<DrawOp> ops_, pending_;
  std::vector<float> layer_;
  int lx0_ = 0, ly0_ = 0, lx1_ = 0, ly1_ = 0;
  void keep(DrawOp op);  // into pending_ (mask_*) or ops_ (whole calls)
  void close_layer();
  void layer_blend(int x, int y, Color c, float a);
  // Silences mask_* recording while a one-shot helper that recorded itself runs.
  struct Quiet {
    bool& flag;
    bool old;
    explicit Quiet(bool& f) : flag(f), old(f) { flag = true; }
    ~Quiet() { flag = old; }
  };
};

}  // namespace fluxion::plot
