// SPDX-License-Identifier: MIT
// Internal to the figure library: how Figure asks an Axes for its limits,
// ticks and the room its decorations need, and how an Axes draws itself.
#pragma once
#include "examples/plot/axes.h"
#include "examples/plot/ticks.h"

namespace fluxion::plot {

struct Decor {
  double left = 0, right = 0, top = 0, bottom = 0;  // pixels around the axes box
};

struct AxesRenderer {
  /// Data limits (margins, stickiness, explicit xlim/ylim, log scales) into v.x0..v.y1.
  static void limits(const Axes& ax, View& v);
  /// Equal aspect: widens one data range so a data unit has the same length on both axes.
  static void aspect(const Axes& ax, View& v);
  static Ticks xticks(const Axes& ax, const View& v);
  static Ticks yticks(const Axes& ax, const View& v);
  /// Room needed around the box by ticks, labels, title and colorbar.
  static Decor decorations(const Axes& ax, const View& v, bool xlabels, bool ylabels);
  static void draw(const Axes& ax, Canvas& cv, const View& v, bool xlabels, bool ylabels);
  /// The legend box at its spot: loc, or the least bad one for "best".
  static void legend(const Axes& ax, Canvas& cv, const View& v);
  /// Top-left corner of a w x h legend box: at its loc, or the least bad spot for "best".
  static Point legend_spot(const Axes& ax, const View& v, double w, double h);
  /// How much of the axes' artists a legend box at `box` would hide (0: nothing).
  static double legend_badness(const Axes& ax, const View& v, const Box& box);
  /// A colorbar in the box [x0, x1] x [y0, y1] with ticks and label to its right.
  static void colorbar(const Mappable& m, const std::string& label, Canvas& cv, double x0, double y0, double x1,
                       double y1, double pt);
  /// Width a colorbar's ticks, tick labels and label take to the right of its bar.
  static double colorbar_room(const Mappable& m, const std::string& label, double pt);
};

}  // namespace fluxion::plot
