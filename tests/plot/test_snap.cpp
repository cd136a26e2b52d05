// SPDX-License-Identifier: MIT
// Pixel snapping: axis-aligned lines and rectangles land on whole pixels (as
// Agg's snapping does), so a figure's 0.8 pt frame at 100 dpi is one dark pixel.
#include <gtest/gtest.h>

#include "examples/plot/plot.h"

namespace plot = fluxion::plot;

namespace {
double grey(const plot::Image& img, int x, int y) {
  const plot::Color c = img.pixel(x, y);
  return 255 * (c.r + c.g + c.b) / 3;
}
}  // namespace

TEST(Snap, RectilinearPathsMoveToPixelCentresOrCorners) {
  const std::vector<plot::Point> frame{{10, 10}, {20.3, 10}, {20.3, 30.6}, {10, 30.6}, {10, 10}};
  const auto odd = plot::snap_rectilinear(frame, 1.11);  // rounds to 1 px: pixel centres
  EXPECT_DOUBLE_EQ(odd[0].x, 10.5);
  EXPECT_DOUBLE_EQ(odd[1].x, 20.5);
  EXPECT_DOUBLE_EQ(odd[2].y, 31.5);
  const auto even = plot::snap_rectilinear(frame, 2.2);  // rounds to 2 px: pixel corners
  EXPECT_DOUBLE_EQ(even[1].x, 20);
  EXPECT_DOUBLE_EQ(even[2].y, 31);
  const std::vector<plot::Point> diagonal{{0.3, 0.3}, {5.7, 9.1}};
  EXPECT_DOUBLE_EQ(plot::snap_rectilinear(diagonal, 1)[1].x, 5.7);  // not rectilinear: unchanged
}

TEST(Snap, OnePixelLineIsOneDarkPixelWide) {
  plot::Canvas cv(40, 40, {1, 1, 1, 1});
  cv.polyline({{20, 5}, {20, 35}}, {0, 0, 0, 1}, 100.0 / 72 * 0.8);  // on a pixel edge before snapping
  const plot::Image img = cv.to_image();
  EXPECT_LT(grey(img, 20, 20), 30);
  EXPECT_GT(grey(img, 19, 20), 225);
  EXPECT_GT(grey(img, 21, 20), 225);
}

TEST(Snap, FilledRectangleHasSharpEdges) {
  plot::Canvas cv(40, 40, {1, 1, 1, 1});
  cv.fill_rect(10.4, 10.4, 20.4, 20.6, {0, 0, 0, 1});
  const plot::Image img = cv.to_image();
  EXPECT_EQ(grey(img, 10, 15), 0);
  EXPECT_EQ(grey(img, 9, 15), 255);
  EXPECT_EQ(grey(img, 19, 20), 0);  // 20.6 snaps to 21
  EXPECT_EQ(grey(img, 20, 15), 255);
}

TEST(Snap, FigureFrameIsOneNearBlackPixel) {
  plot::Figure fig(4, 3, 100);
  fig.ax().plot(plot::Vec{0, 1}, plot::Vec{0, 1});
  const plot::Image img = fig.render();
  const plot::View v = fig.view(0);
  const int x = static_cast<int>(std::floor(v.left)), y = static_cast<int>((v.top + v.bottom) / 2);
  EXPECT_LT(grey(img, x, y), 40);  // matplotlib's frame: 27
  EXPECT_GT(grey(img, x - 1, y), 225);
  EXPECT_GT(grey(img, x + 1, y), 225);
}
