// SPDX-License-Identifier: MIT
// Option structs for every plotting call, with matplotlib's keyword names and
// defaults, meant for designated initialisers:
//   ax.plot(x, y, {.color = "k", .linestyle = "--", .label = "exact"});
// Sizes are in points (1/72 inch) as in matplotlib; an empty colour means
// "next colour of the cycle".
#pragma once
#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace fluxion::plot {

inline constexpr double kAuto = std::numeric_limits<double>::quiet_NaN();

struct LineOpts {
  std::string color;
  double linewidth = 1.5;
  std::string linestyle = "-";  // "-", "--", ":", "-.", "none"
  std::string marker;           // "", "o", "s", "^", "v", ".", "*", "+", "x", "D"
  double markersize = 6;
  double alpha = 1;
  std::string label;
  int zorder = 2;
};

struct ScatterOpts {
  double s = 36;          // marker area in points^2
  std::string color;      // one colour for all points...
  std::vector<double> c;  // ...or one value per point, mapped through cmap
  std::string cmap = "viridis";
  double vmin = kAuto, vmax = kAuto;
  double alpha = 1;
  std::string marker = "o";
  std::string edgecolors;  // a 1 pt marker edge in this colour; "" = none (the face colour)
  std::string label;
  int zorder = 2;
};

struct StemOpts {
  std::string color;
  double bottom = 0;
  std::string label;
};

struct HistOpts {
  int bins = 10;
  double range_lo = kAuto, range_hi = kAuto;
  bool density = false;
  std::string color;
  double alpha = 1;
  std::string edgecolor;  // "" = no edge
  std::string label;
};

struct FillOpts {
  std::string color;
  double alpha = 1;
  std::string label;
};

struct TextOpts {
  double fontsize = 10;
  std::string color = "k";
  std::string ha = "left";      // "left", "center", "right"
  std::string va = "baseline";  // "top", "center", "baseline", "bottom"
  bool axes_coords = false;     // x, y in [0, 1] of the axes box (transform=ax.transAxes)
};

struct QuiverOpts {
  double scale = kAuto;       // data per arrow length unit; auto when NaN
  std::string scale_units;    // "xy": scale is in data units per arrow length
  std::string angles = "uv";  // "xy": arrows point from (x, y) to (x + u, y + v) in data space
  std::string color = "k";
  double width =
      kAuto;  // shaft width as a fraction of the axes width (auto: 0.06 / clip(sqrt(N), 8, 25), matplotlib's)
  double alpha = 1;
  std::string label;
};

struct ContourOpts {
  int levels = 7;              // number of levels chosen by nice ticks...
  std::vector<double> values;  // ...or these explicit levels
  std::string colors;          // one colour for every line, or "" for the colormap
  std::string cmap = "viridis";
  double linewidth = 1.5;
  std::string linestyle = "-";
  double alpha = 1;
  bool labels = false;  // clabel: write each level's value on its lines
  double fontsize = 8;
};

struct ImshowOpts {
  std::string cmap = "viridis";
  double vmin = kAuto, vmax = kAuto;
  std::vector<double> extent;  // {left, right, bottom, top}; empty: pixel indices
  std::string origin = "upper";
  bool equal_aspect = true;
  std::string interpolation = "nearest";  // "nearest" or "bilinear" (values blended between pixel centres)
  double alpha = 1;
};

struct StreamOpts {
  double density = 1;
  std::string color;                // one colour...
  bool color_by_magnitude = false;  // ...or colour each line by |(u, v)| through cmap
  std::string cmap = "viridis";
  double linewidth = 1;
  double arrowsize = 1;
};

struct PatchOpts {
  std::string edgecolor = "k";
  std::string facecolor;  // "" = not filled
  double linewidth = 1;
  std::string linestyle = "-";
  double alpha = 1;
  std::string label;
};

struct LegendOpts {
  std::string loc = "best";  // "best", "upper right", "upper left", "lower left", "lower right"
  double fontsize = 10;
};

}  // namespace fluxion::plot
