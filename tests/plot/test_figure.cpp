// SPDX-License-Identifier: MIT
// Pixel tests on rendered figures: lines, markers, filled contours, images,
// quiver and streamplot land where their data say; bad arguments throw.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "examples/plot/plot.h"

namespace plot = fluxion::plot;
using plot::Vec;

namespace {

Vec linspace(double a, double b, int n) {
  Vec v(n);
  for (int i = 0; i < n; ++i) v[i] = a + (b - a) * i / (n - 1);
  return v;
}

bool near(plot::Color a, plot::Color b, double tol = 3 / 255.0) {
  return std::abs(a.r - b.r) <= tol && std::abs(a.g - b.g) <= tol && std::abs(a.b - b.b) <= tol;
}

// Pixels in column x (or row y) of the image close to colour c.
int count_in_column(const plot::Image& img, int x, plot::Color c, double tol = 0.1) {
  int n = 0;
  for (int y = 0; y < img.height; ++y) n += near(img.pixel(x, y), c, tol);
  return n;
}

std::filesystem::path tmp(const std::string& name) {
  return std::filesystem::temp_directory_path() / "fluxion_plot_test" / name;
}

}  // namespace

TEST(Figure, LineIsDrawnWhereTheDataSay) {
  plot::Figure fig(4, 3, 100);
  auto& ax = fig.ax();
  ax.plot({0, 1}, {0.25, 0.25}, {.color = "red", .linewidth = 2});
  ax.set_xlim(0, 1);
  ax.set_ylim(0, 1);
  const plot::Image img = fig.render();
  const plot::View v = fig.view(0);
  const int x = static_cast<int>((v.left + v.right) / 2), y = static_cast<int>(std::floor(v.fy(0.25)));
  const plot::Color red{1, 0, 0, 1};
  EXPECT_TRUE(near(img.pixel(x, y), red, 0.25)) << "row " << y;
  // 2 pt at 100 dpi is ~2.8 px, snapped to 3 rows: one full, two at 0.89 coverage.
  EXPECT_GE(count_in_column(img, x, red, 0.15), 2);
  EXPECT_LE(count_in_column(img, x, red, 0.15), 4);
  EXPECT_TRUE(near(img.pixel(x, static_cast<int>(v.fy(0.75))), {1, 1, 1, 1}));
}

TEST(Figure, HugeValuesAreClippedNotWalked) {
  // A blown-up solution (lesson 13, C = 1.2) has values near 1e48: segments
  // are clipped to the axes instead of rasterised over their whole length.
  plot::Figure fig(4, 3, 100);
  auto& ax = fig.ax();
  ax.plot({0, 0.5, 1}, {-1e48, 1e48, -1e48}, {.color = "red", .linewidth = 2});  // crosses y = 0 at x = 0.25, 0.75
  ax.plot({0, 1}, {2e48, 3e48}, {.color = "blue"});                              // entirely above: not drawn
  ax.set_xlim(0, 1);
  ax.set_ylim(-1, 1);
  const auto start = std::chrono::steady_clock::now();
  const plot::Image img = fig.render();
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 5.0);
  const plot::View v = fig.view(0);
  const plot::Color red{1, 0, 0, 1};
  EXPECT_GE(count_in_column(img, static_cast<int>(v.fx(0.25)), red), 1);
  EXPECT_GE(count_in_column(img, static_cast<int>(v.fx(0.75)), red), 1);
  EXPECT_EQ(count_in_column(img, static_cast<int>(v.fx(0.5)), {0, 0, 1, 1}), 0);
}

TEST(Figure, NonFiniteValuesLeaveAGap) {
  plot::Figure fig(4, 3, 100);
  auto& ax = fig.ax();
  Vec x = linspace(0, 1, 101), y(101, 0.5);
  for (int i = 40; i <= 60; ++i) y[i] = std::nan("");
  y[80] = INFINITY;
  ax.plot(x, y, {.color = "blue"});
  ax.set_xlim(0, 1);
  ax.set_ylim(0, 1);
  const plot::Image img = fig.render();
  const plot::View v = fig.view(0);
  const plot::Color blue{0, 0, 1, 1};
  EXPECT_GE(count_in_column(img, static_cast<int>(v.fx(0.2)), blue), 1);
  EXPECT_EQ(count_in_column(img, static_cast<int>(v.fx(0.5)), blue), 0);
  EXPECT_GE(count_in_column(img, static_cast<int>(v.fx(0.7)), blue), 1);
}

TEST(Figure, LogAxesSkipNonPositiveValues) {
  plot::Figure fig(4, 3, 80);
  auto& ax = fig.ax();
  ax.plot({1, 2, 3, 4}, {1e-3, 0, -1, 10}, "o-");
  ax.set_yscale("log");
  ax.set_xscale("log");
  EXPECT_NO_THROW(fig.render());
  const plot::View v = fig.view(0);
  EXPECT_TRUE(v.ylog);
  EXPECT_LT(v.y0, 1e-3);
  EXPECT_GT(v.y1, 10);
}

TEST(Figure, ContourfColoursFollowTheColormap) {
  plot::Figure fig(4, 4, 80);
  auto& ax = fig.ax();
  const Vec x = linspace(0, 1, 11), y = linspace(0, 1, 11);
  Vec z;
  for (double yi : y)
    for (double xj : x) z.push_back(xj + 0 * yi);
  const plot::Mappable m = ax.contourf(x, y, z, {.values = {0, 0.25, 0.5, 0.75, 1}, .cmap = "viridis"});
  ax.colorbar(m);
  const plot::Image img = fig.render();
  const plot::View v = fig.view(0);
  const plot::Colormap viridis("viridis");
  // Four bands get the colormap at 0, 1/3, 2/3 and 1, as matplotlib's contourf does.
  for (int band = 0; band < 4; ++band) {
    const double dx = 0.125 + 0.25 * band;
    EXPECT_TRUE(near(img.pixel(static_cast<int>(v.fx(dx)), static_cast<int>(v.fy(0.5))), viridis(band / 3.0))) << band;
  }
}

TEST(Figure, ImshowOriginAndExtent) {
  for (const std::string origin : {"upper", "lower"}) {
    plot::Figure fig(4, 4, 80);
    auto& ax = fig.ax();
    // Row 0 = {0, 1}, row 1 = {2, 3}; gray with vmin 0, vmax 3.
    ax.imshow({0, 1, 2, 3}, 2, 2, {.cmap = "gray", .vmin = 0, .vmax = 3, .extent = {0, 2, 0, 2}, .origin = origin});
    const plot::Image img = fig.render();
    const plot::View v = fig.view(0);
    const plot::Color top_left = img.pixel(static_cast<int>(v.fx(0.5)), static_cast<int>(v.fy(1.5)));
    const double want = origin == "upper" ? 0.0 : 2.0 / 3.0;  // upper: row 0 at the top
    EXPECT_TRUE(near(top_left, {want, want, want, 1})) << origin;
  }
}

TEST(Figure, ImshowWithoutExtentPutsRowZeroOnTop) {
  // matplotlib: origin "upper" without an extent inverts the y axis, row 0 at the top next to tick 0;
  // origin "lower" keeps it upright with row 0 at the bottom. Also through shared axes.
  for (const std::string origin : {"upper", "lower"}) {
    plot::Figure fig(6, 3, 80);
    fig.subplots(1, 2, {.sharex = true, .sharey = true});
    for (int k = 0; k < 2; ++k)
      fig.axes(k).imshow({0, 1, 2, 3}, 2, 2, {.cmap = "gray", .vmin = 0, .vmax = 3, .origin = origin});
    const plot::Image img = fig.render();
    for (int k = 0; k < 2; ++k) {
      const plot::View v = fig.view(k);
      EXPECT_EQ(v.y0 > v.y1, origin == "upper") << origin;
      const plot::Color top_left = img.pixel(static_cast<int>(v.fx(0)), static_cast<int>(std::min(v.fy(0), v.fy(1))));
      const double want = origin == "upper" ? 0.0 : 2.0 / 3.0;  // the value in row 0 / row 1, column 0
      EXPECT_TRUE(near(top_left, {want, want, want, 1})) << origin << " axes " << k;
    }
  }
}

TEST(Figure, ImshowOfAConstantGetsARangeAroundIt) {
  // matplotlib widens an empty colour range: 0 -> [-0.1, 0.1], drawn in the colormap's middle.
  plot::Figure fig(4, 4, 80);
  const plot::Mappable m = fig.ax().imshow(Vec(16, 0.0), 4, 4, {.cmap = "bwr"});
  EXPECT_DOUBLE_EQ(m.vmin, -0.1);
  EXPECT_DOUBLE_EQ(m.vmax, 0.1);
  const plot::Mappable m2 = fig.ax().imshow(Vec(16, -2.0), 4, 4, {.cmap = "bwr"});
  EXPECT_DOUBLE_EQ(m2.vmin, -2.2);
  EXPECT_DOUBLE_EQ(m2.vmax, -1.8);
  const plot::Image img = fig.render();
  const plot::View v = fig.view(0);
  EXPECT_TRUE(near(img.pixel(static_cast<int>(v.fx(1.5)), static_cast<int>(v.fy(1.5))), {1, 1, 1, 1}, 0.02));
}

TEST(Figure, QuiverArrowsEndWhereScaleUnitsXySay) {
  plot::Figure fig(4, 4, 100);
  auto& ax = fig.ax();
  ax.quiver({0.2}, {0.5}, {1.2}, {0}, {.scale = 2, .scale_units = "xy", .angles = "xy", .color = "red", .width = 0.01});
  ax.set_xlim(0, 1);
  ax.set_ylim(0, 1);
  const plot::Image img = fig.render();
  const plot::View v = fig.view(0);
  const plot::Color red{1, 0, 0, 1};
  const int row = static_cast<int>(v.fy(0.5));
  auto red_at = [&](double x) { return near(img.pixel(static_cast<int>(v.fx(x)), row), red, 0.3); };
  EXPECT_TRUE(red_at(0.25));
  EXPECT_TRUE(red_at(0.7));
  EXPECT_FALSE(red_at(0.85));  // the arrow spans u / scale = 0.6 in data units: it ends at 0.8
}

TEST(Figure, AxisOffHidesFrameAndTicksButKeepsTitleAndData) {
  auto render = [](bool off) {
    plot::Figure fig(4, 3, 100);
    auto& ax = fig.ax();
    ax.plot({0, 1}, {0.5, 0.5}, {.color = "red"});
    ax.set_xlim(0, 1);
    ax.set_ylim(0, 1);
    ax.set_xlabel("x");
    ax.set_title("graph");
    if (off) ax.axis("off");
    return std::pair{fig.render(), fig.view(0)};
  };
  const auto [framed, vf] = render(false);
  const auto [bare, vb] = render(true);
  const plot::Color white{1, 1, 1, 1}, red{1, 0, 0, 1};
  auto dark_near = [](const plot::Image& img, double x, double y) {  // a dark pixel within 1 px of (x, y)
    bool dark = false;
    for (int dy = -1; dy <= 1; ++dy)
      for (int dx = -1; dx <= 1; ++dx) {
        const plot::Color c = img.pixel(static_cast<int>(x) + dx, static_cast<int>(y) + dy);
        dark |= c.r + c.g + c.b < 1.5;
      }
    return dark;
  };
  EXPECT_TRUE(dark_near(framed, (vf.left + vf.right) / 2, vf.bottom));  // the bottom spine
  EXPECT_TRUE(dark_near(framed, vf.left, vf.fy(0.25)));                 // the left spine
  EXPECT_GT(vb.bottom, vf.bottom);  // no tick labels or xlabel: the box grows to the figure's edge
  EXPECT_FALSE(dark_near(bare, (vb.left + vb.right) / 2, vb.bottom));
  EXPECT_FALSE(dark_near(bare, vb.left, vb.fy(0.25)));
  const int bare_x = static_cast<int>((vb.left + vb.right) / 2);
  EXPECT_TRUE(near(bare.pixel(bare_x, static_cast<int>(vb.fy(0.5))), red, 0.3));  // the data are drawn
  int title_ink = 0;                                                              // the title stays above the box
  for (int y = 0; y < static_cast<int>(vb.top); ++y)
    for (int x = 0; x < bare.width; ++x) title_ink += !near(bare.pixel(x, y), white, 0.2);
  EXPECT_GT(title_ink, 20);
  EXPECT_THROW(plot::Figure().ax().axis("tight"), fluxion::Error);
}

TEST(Figure, ScatterTenThousandPointsAndColourByValue) {
  plot::Figure fig(4, 4, 80);
  Vec x, y, c;
  for (int i = 0; i < 10000; ++i) x.push_back(std::sin(i * 0.37)), y.push_back(std::cos(i * 0.11)), c.push_back(i);
  const plot::Mappable m = fig.ax().scatter(x, y, {.s = 4, .c = c, .cmap = "hot", .alpha = 0.5});
  EXPECT_EQ(m.vmin, 0);
  EXPECT_EQ(m.vmax, 9999);
  EXPECT_NO_THROW(fig.render());
}

TEST(Figure, ScatterEdgecolorsOutlineTheFace) {
  // One big red marker at the centre, with and without a black edge: the edge
  // darkens a ring at its rim and leaves the face red.
  auto dark_in_row = [](const std::string& edge) {
    plot::Figure fig(3, 3, 100);
    auto& ax = fig.ax();
    ax.scatter({0.5}, {0.5}, {.s = 400, .color = "red", .edgecolors = edge});
    ax.set_xlim(0, 1);
    ax.set_ylim(0, 1);
    const plot::Image img = fig.render();
    const plot::View v = fig.view(0);
    const int cx = static_cast<int>(v.fx(0.5)), cy = static_cast<int>(v.fy(0.5));
    EXPECT_TRUE(near(img.pixel(cx, cy), {1, 0, 0, 1}, 0.05)) << "the face stays red";
    int dark = 0;  // pixels of the centre row within 30 px that are nearly black
    for (int x = cx - 30; x <= cx + 30; ++x) dark += near(img.pixel(x, cy), {0, 0, 0, 1}, 0.25);
    return dark;
  };
  EXPECT_EQ(dark_in_row(""), 0);
  EXPECT_GE(dark_in_row("k"), 2);  // left and right rim
}

TEST(Figure, StreamplotDrawsInItsColour) {
  plot::Figure fig(4, 4, 80);
  const Vec g = linspace(-1, 1, 20);
  Vec u, v;
  for (double yi : g)
    for (double xj : g) u.push_back(-yi), v.push_back(xj);
  fig.ax().streamplot(g, g, u, v, {.color = "green"});
  const plot::Image img = fig.render();
  int green = 0;
  for (int yy = 0; yy < img.height; ++yy)
    for (int xx = 0; xx < img.width; ++xx) green += near(img.pixel(xx, yy), plot::parse_color("green"), 0.1);
  EXPECT_GT(green, 500);
}

TEST(Figure, EveryKindRendersInASubplotGrid) {
  plot::Figure fig(8, 5, 60);
  fig.subplots(2, 3, {.sharex = true});
  const Vec x = linspace(0, 1, 30);
  fig.ax(0, 0).stem(x, x);
  fig.ax(0, 1).hist(x, {.bins = 5, .density = true});
  fig.ax(0, 2).fill_between(x, x, 0.0, {.alpha = 0.3});
  fig.ax(0, 2).axhline(0.5);
  fig.ax(0, 2).axvline(0.5);
  fig.ax(1, 0).text(0.5, 0.5, "∇f ∂ ∫ λ ε δ", {.ha = "center"});
  fig.ax(1, 1).rectangle(0.1, 0.1, 0.5, 0.5, {.facecolor = "C2", .label = "box"});
  fig.ax(1, 1).legend();
  Vec z;
  for (double a : x)
    for (double b : x) z.push_back(std::sin(6 * a) * std::cos(4 * b));
  fig.ax(1, 2).contour(x, x, z, {.levels = 5, .colors = "k", .labels = true});
  fig.ax(1, 2).axis("equal");
  fig.suptitle("grid");
  EXPECT_NO_THROW(fig.render());
}

TEST(Figure, SavefigCreatesDirectoriesAndWritesPng) {
  const auto path = tmp("nested/dir/fig.png");
  std::filesystem::remove_all(tmp("nested"));
  plot::Figure fig(2, 2, 50);
  fig.ax().plot({0, 1}, {1, 0});
  fig.savefig(path.string());
  std::ifstream in(path, std::ios::binary);
  char sig[8] = {};
  in.read(sig, 8);
  EXPECT_EQ(std::string(sig + 1, 3), "PNG");
}

TEST(Figure, BadArgumentsThrow) {
  plot::Figure fig(3, 3, 50);
  auto& ax = fig.ax();
  EXPECT_THROW(ax.plot({1, 2, 3}, {1, 2}), fluxion::Error);
  EXPECT_THROW(ax.scatter({1, 2}, {1, 2}, {.c = {1}}), fluxion::Error);
  EXPECT_THROW(ax.contour({}, {}, {}), fluxion::Error);
  EXPECT_THROW(ax.contourf({0, 1}, {0, 1}, {1, 2, 3}), fluxion::Error);
  EXPECT_THROW(ax.quiver({0}, {0}, {1, 2}, {1}), fluxion::Error);
  EXPECT_THROW(ax.imshow({1, 2, 3}, 2, 2), fluxion::Error);
  EXPECT_THROW(ax.plot({0, 1}, {0, 1}, {.color = "nocolour"}), fluxion::Error);
  EXPECT_THROW(ax.set_xscale("symlog"), fluxion::Error);
  EXPECT_THROW(ax.set_xlim(1, 1), fluxion::Error);
  EXPECT_THROW(fig.ax(1, 0), fluxion::Error);
  EXPECT_THROW(plot::Figure(0, 3, 50), fluxion::Error);
  // A path below a regular file cannot be created.
  const auto file = tmp("plain_file");
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << "x";
  EXPECT_THROW(fig.savefig((file / "fig.png").string()), fluxion::Error);
}

TEST(Text, TrueTypeGreekAndBuiltinFallback) {
  ASSERT_TRUE(plot::truetype_font()) << "DejaVu Sans not found (Debian: fonts-dejavu-core)";
  const plot::TextSize greek = plot::measure_text("ε δ λ ∇ ∂ ∫", 20);
  EXPECT_GT(greek.width, 60);
  auto ink = [] {
    plot::Canvas cv(60, 30, {1, 1, 1, 1});
    plot::draw_text(cv, "∇∂∫", 5, 22, 20, {0, 0, 0, 1});
    double s = 0;
    for (int y = 0; y < 30; ++y)
      for (int x = 0; x < 60; ++x) s += 1 - cv.at(x, y).r;
    return s;
  };
  EXPECT_GT(ink(), 20);
  plot::set_font("");  // stb_easy_font
  EXPECT_FALSE(plot::truetype_font());
  EXPECT_GT(plot::measure_text("abc", 20).width, 10);
  EXPECT_GT(ink(), 5);
  // The bitmap font is ASCII: Greek and maths symbols are spelt out, the rest is '?'.
  EXPECT_DOUBLE_EQ(plot::measure_text("α−β ≤ x²", 20).width, plot::measure_text("alpha-beta <= x^2", 20).width);
  EXPECT_DOUBLE_EQ(plot::measure_text("€", 20).width, plot::measure_text("?", 20).width);
  EXPECT_THROW(plot::set_font("/no/such/font.ttf"), fluxion::Error);
  plot::set_font("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
  EXPECT_TRUE(plot::truetype_font());
}

TEST(Figure, ColorbarFollowsTheMappablesAlpha) {
  plot::Figure fig(4, 3, 100);
  auto& ax = fig.ax();
  const Vec x = linspace(0, 1, 5), y = linspace(0, 1, 5);
  Vec z(25, 0.5);
  const plot::Mappable m = ax.contourf(x, y, z, {.alpha = 0.5});
  ax.colorbar(m);
  EXPECT_DOUBLE_EQ(m.at(0.5).a, 0.5);
  const plot::Image img = fig.render();
  const plot::View v = fig.view(0);
  // The field's colour inside the axes and the bar's colour are one blend of the band colour over white.
  const plot::Color field =
      img.pixel(static_cast<int>((v.left + v.right) / 2), static_cast<int>((v.top + v.bottom) / 2));
  const plot::Color solid = m.at(0.5);
  EXPECT_NEAR(field.g, 0.5 * solid.g + 0.5, 2 / 255.0);
  int matches = 0;  // bar pixels right of the axes with the same blended colour
  for (int px = static_cast<int>(v.right) + 5; px < img.width; ++px)
    matches += near(img.pixel(px, static_cast<int>((v.top + v.bottom) / 2)), field, 3 / 255.0);
  EXPECT_GE(matches, 5);
}

TEST(Figure, ImshowBilinearBlendsBetweenPixelCentres) {
  plot::Figure fig(4, 4, 50);
  auto& ax = fig.ax();
  ax.imshow({0, 1}, 1, 2, {.cmap = "gray", .vmin = 0, .vmax = 1, .interpolation = "bilinear"});
  ax.axis("off");
  const plot::Image img = fig.render();
  const plot::View v = fig.view(0);
  const int y = static_cast<int>((v.top + v.bottom) / 2);
  const double mid = img.pixel(static_cast<int>((v.left + v.right) / 2), y).r;
  EXPECT_NEAR(mid, 0.5, 0.05);                                    // nearest would give 0 or 1 here
  EXPECT_LT(img.pixel(static_cast<int>(v.left) + 2, y).r, 0.05);  // clamped at the edges
  EXPECT_GT(img.pixel(static_cast<int>(v.right) - 3, y).r, 0.95);
  EXPECT_THROW(ax.imshow({0, 1}, 1, 2, {.interpolation = "bicubic"}), fluxion::Error);
}

TEST(Figure, QuiverDefaultShaftWidthIsMatplotlibs) {
  // One arrow: sqrt(N) = 1 clips to 8, so the shaft is 0.06 / 8 of the axes width (3 px of 400).
  plot::Figure fig(6, 6, 100);
  auto& ax = fig.ax();
  ax.quiver({0.1}, {0.5}, {1}, {0}, {.scale = 1.5, .scale_units = "xy", .color = "red"});
  ax.set_xlim(0, 1);
  ax.set_ylim(0, 1);
  const plot::Image img = fig.render();
  const plot::View v = fig.view(0);
  const int col = static_cast<int>(v.fx(0.3));
  const double want = 0.06 / 8 * (v.right - v.left);
  double ink = 0;  // red coverage summed down the column: the shaft's width in pixels
  for (int y = static_cast<int>(v.top) + 3; y < static_cast<int>(v.bottom) - 3; ++y) ink += 1 - img.pixel(col, y).g;
  EXPECT_NEAR(ink, want, 0.5);
}
