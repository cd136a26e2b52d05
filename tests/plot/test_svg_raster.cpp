// SPDX-License-Identifier: MIT
// The SVG back end drawn by a real renderer: headless Chromium rasterises the
// SVG of a figure, and the picture must match the PNG fluxion draws itself.
// Skipped when Chromium is not installed (run.sh installs it for the tests).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "examples/plot/plot.h"

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#include <stb_image.h>

namespace fs = std::filesystem;
namespace plot = fluxion::plot;

namespace {

std::string chromium() {
  if (const char* env = std::getenv("FLUXION_CHROMIUM")) return env;
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"})
    if (fs::exists(p)) return p;
  return "";
}

// A figure with what a lesson draws: lines, a fill, markers, text, ticks, a legend.
plot::Figure sample() {
  plot::Figure fig(5, 4, 96);  // at 96 dpi one SVG point is 4/3 CSS px, so CSS px = figure px
  std::vector<double> x, s, c;
  for (int i = 0; i <= 60; ++i) x.push_back(i / 10.0), s.push_back(std::sin(i / 10.0)), c.push_back(std::cos(i / 10.0));
  auto& ax = fig.ax();
  ax.fill_between(x, s, c, {.alpha = 0.3});
  ax.plot(x, s, {.label = "sin"});
  ax.plot(x, c, "o--", {.label = "cos"});
  ax.set_title("sin and cos");
  ax.set_xlabel("x");
  ax.grid();
  ax.legend();
  return fig;
}

}  // namespace

TEST(SvgRaster, ChromiumDrawsTheSvgAsFluxionDrawsThePng) {
  const std::string browser = chromium();
  if (browser.empty()) GTEST_SKIP() << "Chromium not found (install Debian's chromium, or set FLUXION_CHROMIUM)";
  const fs::path dir = fs::temp_directory_path() / ("fluxion_svg_raster_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const plot::Figure fig = sample();
  fig.savefig((dir / "fig.svg").string());
  const plot::Image ours = fig.render();
  const std::string cmd = browser + " --headless=new --no-sandbox --disable-gpu --hide-scrollbars" +
                          " --force-device-scale-factor=1 --user-data-dir=" + (dir / "profile").string() +
                          " --window-size=" + std::to_string(ours.width) + "," + std::to_string(ours.height) +
                          " --screenshot=" + (dir / "shot.png").string() + " file://" + (dir / "fig.svg").string() +
                          " >" + (dir / "log.txt").string() + " 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  int w = 0, h = 0, n = 0;
  stbi_uc* shot = stbi_load((dir / "shot.png").string().c_str(), &w, &h, &n, 3);
  ASSERT_NE(shot, nullptr) << "Chromium wrote no screenshot: see " << (dir / "log.txt");
  ASSERT_EQ(w, ours.width);
  ASSERT_EQ(h, ours.height);
  // Anti-aliasing and font hinting differ between the two rasterisers, so compare
  // in tolerance: small mean difference, and few pixels that differ a lot (a
  // missing or shifted artist would change thousands).
  double sum = 0;
  size_t far = 0;
  for (size_t i = 0; i < size_t(w) * h; ++i) {
    int d = 0;
    for (int k = 0; k < 3; ++k) d = std::max(d, std::abs(int(shot[3 * i + k]) - int(ours.rgb[3 * i + k])));
    sum += d;
    far += d > 96;
  }
  stbi_image_free(shot);
  const double mean = sum / (double(w) * h), far_share = double(far) / (double(w) * h);
  RecordProperty("mean_difference", std::to_string(mean));
  RecordProperty("far_share", std::to_string(far_share));
  std::printf("SvgRaster: mean difference %.3f, far share %.5f\n", mean, far_share);
  EXPECT_LT(mean, 2.5) << "mean difference in 0..255";
  EXPECT_LT(far_share, 0.01) << "share of pixels that differ by more than 96 levels";
  fs::remove_all(dir);
}
