// SPDX-License-Identifier: MIT
// Figure: a canvas of width x height inches at dpi, holding a grid of Axes
// (shared x/y optional), a suptitle, laid out tightly when rendered; and
// Animation, which collects rendered figures as frames of an animated GIF.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "examples/plot/axes.h"

namespace fluxion::plot {

struct SubplotOpts {
  bool sharex = false;  // all axes share x limits; only the bottom row labels x ticks
  bool sharey = false;  // all axes share y limits; only the left column labels y ticks
};

class Figure {
 public:
  /// A figure of width_in x height_in inches; pixels = inches * dpi.
  explicit Figure(double width_in = 6.4, double height_in = 4.8, double dpi = 100);
  /// Replaces the axes with an nrows x ncols grid.
  void subplots(int nrows, int ncols, const SubplotOpts& o = {});
  /// The axes at (row, col); a figure without subplots() gets one axes on first use.
  Axes& ax(int row = 0, int col = 0);
  /// The i-th axes in row-major order.
  Axes& axes(int i);
  void suptitle(const std::string& s) { suptitle_ = s; }
  /// One colorbar for the whole grid, at the right edge (fig.colorbar(m, ax=all_axes) in matplotlib).
  void colorbar(const Mappable& m, const std::string& label = "") { colorbar_ = {m, label}; }

  /// Where axes i lands and its final data limits (what render() uses).
  View view(int i) const;
  int width_px() const;
  int height_px() const;
  /// Draws everything into an RGB image.
  Image render() const;
  /// Writes the figure in the format its extension names (.png, .svg, .pdf; none: PNG) as
  /// matplotlib's savefig, creating parent directories; throws fluxion::Error when it cannot.
  /// With FLUXION_FIGURE_FORMATS=png,svg,pdf set, a .png is also written in the listed formats.
  void savefig(const std::string& path) const;
  /// Draws everything onto cv (render() and the vector back ends call it).
  void draw(Canvas& cv) const;

 private:
  double w_, h_, dpi_;
  int rows_ = 0, cols_ = 0;
  SubplotOpts share_;
  std::vector<std::unique_ptr<Axes>> axes_;
  std::string suptitle_;
  std::optional<std::pair<Mappable, std::string>> colorbar_;
  double colorbar_width() const;  // bar plus its gap, when a figure colorbar is set
  std::vector<View> layout() const;
  bool show_x(size_t i) const;  // tick labels on x (hidden on inner rows when sharex)
  bool show_y(size_t i) const;
  void save_as(const std::string& path, const std::string& format) const;
};

/// Writes img as a PNG (parent directories created). Throws fluxion::Error on failure.
void write_png(const Image& img, const std::string& path);

/// Frames of an animated GIF: add() renders a figure (all frames must share its size).
class Animation {
 public:
  /// delay_ms: time each frame is shown (GIF stores hundredths of a second).
  explicit Animation(int delay_ms = 100, bool loop = true) : delay_ms_(delay_ms), loop_(loop) {}
  void add(const Figure& fig) { add(fig.render()); }
  void add(const Image& frame, int delay_ms = -1);
  size_t size() const { return frames_.size(); }
  /// Writes the GIF (global 256-colour palette, LZW); throws fluxion::Error when it cannot.
  void save(const std::string& path) const;

 private:
  int delay_ms_;
  bool loop_;
  std::vector<Image> frames_;
  std::vector<int> delays_;
};

}  // namespace fluxion::plot
