// SPDX-License-Identifier: MIT
// Axes: one plotting area with matplotlib's methods. Data are plain
// std::vector<double>; 2-D fields are row-major with z[i * x.size() + j] the
// value at (x[j], y[i]). Non-finite values are skipped (a gap in a line);
// mismatched lengths throw fluxion::Error.
#pragma once
#include <array>
#include <concepts>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "examples/plot/canvas.h"
#include "examples/plot/colormap.h"
#include "examples/plot/geometry.h"
#include "examples/plot/options.h"

namespace fluxion::plot {

/// Data for a plot: a std::vector<double>, a braced list {1, 2, 3}, or anything
/// with to_vector<double>(), such as a fluxion::Tensor (flattened row-major, so
/// a (ny, nx) tensor is a field on the grid). The library itself never
/// includes the tensor headers.
struct Vec : std::vector<double> {
  using std::vector<double>::vector;
  Vec() = default;
  Vec(std::vector<double> v) : std::vector<double>(std::move(v)) {}
  template <class T>
  requires requires(const T& t) {
    { t.template to_vector<double>() } -> std::convertible_to<std::vector<double>>;
  }
  Vec(const T& t) : std::vector<double>(t.template to_vector<double>()) {}
};

/// What a colorbar shows: a colormap over [vmin, vmax], with contourf's bands.
struct Mappable {
  Colormap cmap;
  double vmin = 0, vmax = 1;
  std::vector<double> levels;  // band boundaries (contourf), empty for continuous
  double alpha = 1;            // the artist's alpha: its colorbar is drawn with it too
  Color at(double v) const;    // the colour drawn for value v, alpha included
};

/// Where an axes sits on the canvas and how data map to pixels.
struct View {
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;  // data limits
  bool xlog = false, ylog = false;
  double left = 0, top = 0, right = 1, bottom = 1;  // pixel box
  double pt = 1;                                    // pixels per point
  double fx(double x) const;                        // data x -> pixel column
  double fy(double y) const;                        // data y -> pixel row
  Point px(double x, double y) const { return {fx(x), fy(y)}; }
  bool valid(double x, double y) const;  // finite, and positive on log axes
};

struct LegendEntry {
  std::string label;
  Color color;
  double linewidth = 0;  // 0: no line
  std::vector<double> dashes;
  std::string marker;
  double markersize = 0;
  bool patch = false;      // a filled box (hist, fill_between, rectangle)
  Color edge{0, 0, 0, 0};  // transparent: no edge
};

class Axes {
 public:
  Axes();
  void plot(const Vec& x, const Vec& y, const LineOpts& o = {});
  void plot(const Vec& x, const Vec& y, const char* fmt, LineOpts o = {});  // fmt like "o-", "r--", "s"
  void plot(const Vec& y, const LineOpts& o = {});                          // x = 0, 1, 2, ...
  Mappable scatter(const Vec& x, const Vec& y, const ScatterOpts& o = {});
  void stem(const Vec& x, const Vec& y, const StemOpts& o = {});
  void hist(const Vec& data, const HistOpts& o = {});
  void axhline(double y, const LineOpts& o = {});
  void axvline(double x, const LineOpts& o = {});
  void fill_between(const Vec& x, const Vec& y1, const Vec& y2, const FillOpts& o = {});
  void fill_between(const Vec& x, const Vec& y1, double y2 = 0, const FillOpts& o = {});
  void text(double x, double y, const std::string& s, const TextOpts& o = {});
  void rectangle(double x, double y, double width, double height, const PatchOpts& o = {});
  void quiver(const Vec& x, const Vec& y, const Vec& u, const Vec& v, const QuiverOpts& o = {});
  void contour(const Vec& x, const Vec& y, const Vec& z, const ContourOpts& o = {});
  Mappable contourf(const Vec& x, const Vec& y, const Vec& z, const ContourOpts& o = {});
  Mappable imshow(const Vec& z, int rows, int cols, const ImshowOpts& o = {});
  Mappable streamplot(const Vec& x, const Vec& y, const Vec& u, const Vec& v, const StreamOpts& o = {});

  void legend(const LegendOpts& o = {});
  void set_title(const std::string& s) { title_ = s; }
  void set_xlabel(const std::string& s) { xlabel_ = s; }
  void set_ylabel(const std::string& s) { ylabel_ = s; }
  void set_xlim(double lo, double hi);
  void set_ylim(double lo, double hi);
  void set_xscale(const std::string& scale);  // "linear" or "log"
  void set_yscale(const std::string& scale);
  void grid(bool on = true) { grid_ = on; }
  /// "equal": one data unit is as long on x as on y, by shrinking the box (matplotlib's default).
  void set_aspect(const std::string& aspect);
  /// axis("equal"): equal units by widening the data limits instead (matplotlib's plt.axis('equal'));
  /// axis("off"): no spines, ticks, tick labels or axis labels (the title stays), as networkx draws graphs.
  void axis(const std::string& mode);
  /// A colorbar for m beside this axes (matplotlib's fig.colorbar(m, ax=ax, label=...)).
  void colorbar(const Mappable& m, const std::string& label = "");

 private:
  friend class Figure;
  friend struct AxesRenderer;
  struct Artist {
    int zorder;
    std::function<void(Canvas&, const View&)> draw;
  };
  struct Extent {  // data extent along one axis
    double lo = 1e300, hi = -1e300, lo_pos = 1e300;
    void add(double v);
  };
  void add_artist(int zorder, std::function<void(Canvas&, const View&)> draw) {
    artists_.push_back({zorder, std::move(draw)});
  }
  void extend(const Vec& x, const Vec& y);
  Color next_color();

  // What a "best" legend must keep off, in data coordinates: lines, markers,
  // arrows, bars, patches, fills and texts (matplotlib's _auto_legend_data,
  // extended to fills and stems). Fields that cover the whole axes (images,
  // contours, streamlines) are left out, as matplotlib leaves them out.
  // AxesRenderer::legend_badness weighs what a box would hide.
  struct Footprint {
    std::vector<std::pair<Vec, Vec>> lines;
    std::vector<std::pair<double, double>> points;
    std::vector<std::array<double, 4>> boxes;  // x0, y0, x1, y1
    std::vector<double> hlines, vlines;        // axhline, axvline
    std::vector<std::function<Box(const View&)>> texts;
  };

  std::vector<Artist> artists_;
  std::vector<LegendEntry> entries_;
  Footprint footprint_;
  Extent xext_, yext_;
  std::vector<double> xsticky_, ysticky_;  // limits that margins do not cross (bars, images)
  std::optional<std::pair<double, double>> xlim_, ylim_;
  bool xlog_ = false, ylog_ = false, grid_ = false, axis_off_ = false;
  bool xinverted_ = false, yinverted_ = false;  // an imshow extent runs backwards (origin "upper": row 0 on top)
  enum class Aspect { automatic, box, datalim } aspect_ = Aspect::automatic;
  std::string title_, xlabel_, ylabel_;
  std::optional<LegendOpts> legend_;
  std::optional<std::pair<Mappable, std::string>> colorbar_;
  int color_index_ = 0;
};

}  // namespace fluxion::plot
