// SPDX-License-Identifier: MIT
// Legend placement and contour labels: segment clipping cuts lines exactly at
// a box's edges; a "best" legend goes where it hides the least of the
// artists; clabel puts a label on the straightest stretch inside the axes,
// clear of other labels.
#include <gtest/gtest.h>

#include <cmath>

#include "examples/plot/axes_render.h"
#include "examples/plot/geometry.h"
#include "examples/plot/plot.h"

namespace plot = fluxion::plot;
using plot::Box;
using plot::Point;

TEST(Geometry, ClipSegmentFindsWhereALineEntersAndLeaves) {
  const Box box{0, 0, 10, 10};
  double t0, t1;
  ASSERT_TRUE(plot::clip_segment({-10, 5}, {20, 5}, box, t0, t1));
  EXPECT_NEAR(t0, 1.0 / 3, 1e-12);
  EXPECT_NEAR(t1, 2.0 / 3, 1e-12);
  EXPECT_FALSE(plot::clip_segment({-10, 15}, {20, 15}, box, t0, t1));          // passes above
  EXPECT_FALSE(plot::clip_segment({-5, 0}, {0, -5}, box, t0, t1) && t1 > t0);  // touches a corner only
}

TEST(Geometry, OutsidePiecesCutALineAtTheBoxEdges) {
  const auto pieces = plot::outside_pieces({{0, 5}, {4, 5}, {16, 5}, {20, 5}}, {5, 0, 15, 10});
  ASSERT_EQ(pieces.size(), 2u);
  EXPECT_DOUBLE_EQ(pieces[0].back().x, 5);  // ends exactly on the left edge
  EXPECT_DOUBLE_EQ(pieces[1].front().x, 15);
  EXPECT_DOUBLE_EQ(pieces[1].back().x, 20);
  // A line that never meets the box comes back whole; one inside it vanishes.
  EXPECT_EQ(plot::outside_pieces({{0, 50}, {20, 50}}, {5, 0, 15, 10}).size(), 1u);
  EXPECT_TRUE(plot::outside_pieces({{6, 5}, {14, 5}}, {5, 0, 15, 10}).empty());
}

TEST(Clabel, LabelSitsOnTheStraightStretchInsideTheAxes) {
  // A zigzag from x = 0 to 100, then a straight run from 100 to 200.
  std::vector<Point> line;
  for (int x = 0; x <= 100; x += 5) line.push_back({double(x), x % 10 ? 40.0 : 60.0});
  for (int x = 105; x <= 200; x += 5) line.push_back({double(x), 60});
  const Box axes{0, 0, 300, 100};
  const auto box = plot::label_box(line, 30, 10, axes, {});
  ASSERT_TRUE(box);
  EXPECT_GE(box->x0, 100);  // on the straight run
  EXPECT_NEAR((box->y0 + box->y1) / 2, 60, 1e-9);
  EXPECT_TRUE(box->inside(axes));
  // With that stretch taken, the label moves off it; a line shorter than 1.5 labels gets none.
  const auto other = plot::label_box(line, 30, 10, axes, {{95, 0, 205, 100}});
  ASSERT_TRUE(other);
  EXPECT_LT(other->x1, 95);
  EXPECT_FALSE(plot::label_box({{0, 0}, {20, 0}, {40, 0}}, 30, 10, axes, {}));
  // Outside the axes (the straight run is above the top): no room on it.
  const auto clipped = plot::label_box(line, 30, 10, {0, 0, 300, 55}, {});
  EXPECT_FALSE(clipped && clipped->x0 >= 100);
}

namespace {
// The legend's top-left corner for a small box in axes 0 of fig, and the axes' centre.
std::pair<Point, Point> legend_at(plot::Figure& fig) {
  const plot::View v = fig.view(0);
  return {plot::AxesRenderer::legend_spot(fig.ax(), v, 60, 30), {(v.left + v.right) / 2, (v.top + v.bottom) / 2}};
}
}  // namespace

TEST(Legend, BestAvoidsLinesMarkersAndText) {
  plot::Figure fig;
  fig.ax().plot({0, 1}, {1, 1}, {.label = "along the top"});  // covers both upper corners
  fig.ax().plot({0, 1}, {0, 1}, {.label = "filler"});         // the diagonal: lower left
  fig.ax().legend();
  auto [at, mid] = legend_at(fig);
  EXPECT_GT(at.x, mid.x);  // lower right: the only corner both lines leave free
  EXPECT_GT(at.y, mid.y);

  plot::Figure markers;
  std::vector<double> x, y;
  for (int i = 0; i <= 10; ++i) x.push_back(0.7 + 0.03 * i), y.push_back(0.05 + 0.02 * i);
  markers.ax().scatter(x, y, {.label = "cluster"});  // lower right
  markers.ax().plot({0, 0.4}, {1, 1}, {.label = "top left"});
  markers.ax().text(0.98, 0.98, "note", {.ha = "right", .va = "top", .axes_coords = true});  // upper right
  markers.ax().text(0.02, 0.02, "note", {.axes_coords = true});                              // lower left
  markers.ax().legend();
  std::tie(at, mid) = legend_at(markers);
  const plot::View v = markers.view(0);
  EXPECT_GT(plot::AxesRenderer::legend_badness(markers.ax(), v, {v.right - 60, v.top, v.right, v.top + 30}), 0);
  EXPECT_DOUBLE_EQ(plot::AxesRenderer::legend_badness(markers.ax(), v, {at.x, at.y, at.x + 60, at.y + 30}), 0);
}

TEST(Legend, NamedLocationsAndBadNames) {
  plot::Figure fig;
  fig.ax().plot({0, 1}, {0, 1}, {.label = "a"});
  fig.ax().legend({.loc = "lower left"});
  auto [at, mid] = legend_at(fig);
  EXPECT_LT(at.x, mid.x);
  EXPECT_GT(at.y, mid.y);
  EXPECT_THROW(fig.ax().legend({.loc = "top right"}), fluxion::Error);
}
