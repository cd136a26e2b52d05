// SPDX-License-Identifier: MIT
// Pure parts of the figure library: tick selection and labels, colours, colormaps.
#include <gtest/gtest.h>

#include <cmath>

#include "examples/plot/plot.h"

namespace plot = fluxion::plot;

namespace {
void expect_near_all(const std::vector<double>& got, const std::vector<double>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-12) << i;
}
void expect_color(plot::Color c, double r, double g, double b, double tol = 1e-6) {
  EXPECT_NEAR(c.r, r, tol);
  EXPECT_NEAR(c.g, g, tol);
  EXPECT_NEAR(c.b, b, tol);
}
}  // namespace

TEST(Ticks, OneTwoFiveSteps) {
  expect_near_all(plot::nice_ticks(0, 1, 5), {0, 0.2, 0.4, 0.6, 0.8, 1.0});
  expect_near_all(plot::nice_ticks(-3.3, 3.3, 9), {-3, -2, -1, 0, 1, 2, 3});
  expect_near_all(plot::nice_ticks(-1.1, 1.1, 9), {-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1});
  expect_near_all(plot::nice_ticks(0, 100, 4), {0, 25, 50, 75, 100});
  expect_near_all(plot::nice_ticks(3, 47, 5), {10, 20, 30, 40});
}

TEST(Ticks, StepIsTheSmallestNiceStepAtLeastRangeOverBins) {
  // MaxNLocator: range 2.65 over 9 bins needs a step >= 0.29, so 0.5 (5 ticks), not 0.25 (10 ticks).
  expect_near_all(plot::nice_ticks(-0.85, 1.8, 9), {-0.5, 0, 0.5, 1, 1.5});
  expect_near_all(plot::nice_ticks(0, 2.2, 4), {0, 1, 2});
  // A short axis: when step 1 leaves no tick inside, smaller steps until two fit.
  expect_near_all(plot::nice_ticks(0.1, 0.9, 1), {0.25, 0.5, 0.75});
}

TEST(Ticks, OffsetWhenTicksShareLeadingDigits) {
  const plot::Ticks t = plot::linear_ticks(1000.02, 1000.48, 5);
  expect_near_all(t.values, {1000.1, 1000.2, 1000.3, 1000.4});
  EXPECT_EQ(t.labels.front(), "0.1");
  EXPECT_EQ(t.labels.back(), "0.4");
  EXPECT_EQ(t.multiplier, "+1e3");
  const plot::Ticks neg = plot::linear_ticks(-2000.4, -2000.1, 3);
  EXPECT_EQ(neg.multiplier, "\u22122e3");
  EXPECT_TRUE(plot::linear_ticks(10, 20, 5).multiplier.empty());  // no shared digits worth an offset
}

TEST(Ticks, LabelsShareDecimalsAndUseTrueMinus) {
  const plot::Ticks t = plot::linear_ticks(-1.1, 1.1, 9);
  ASSERT_EQ(t.labels.size(), 9u);
  EXPECT_EQ(t.labels[0], "\u22121.00");
  EXPECT_EQ(t.labels[4], "0.00");
  EXPECT_EQ(t.labels[5], "0.25");
  EXPECT_TRUE(t.multiplier.empty());
  EXPECT_EQ(plot::linear_ticks(0, 10, 5).labels[1], "2");
  EXPECT_EQ(plot::format_number(-0.0001, 2), "0.00");
}

TEST(Ticks, ScientificMultiplierForTinyAndHugeValues) {
  const plot::Ticks small = plot::linear_ticks(-1.05e-5, 1.05e-5, 8);
  EXPECT_EQ(small.multiplier, "1e\u22125");
  EXPECT_EQ(small.labels.front(), "\u22121.0");  // step 5e-6: one decimal
  const plot::Ticks big = plot::linear_ticks(0, 3e7, 6);
  EXPECT_EQ(big.multiplier, "1e7");
  EXPECT_EQ(big.labels.back(), "3.0");
  EXPECT_TRUE(plot::linear_ticks(0, 1e-4, 5).multiplier.empty());  // 1e-4 is still written out
}

TEST(Ticks, LogTicksAtPowersOfTen) {
  const plot::Ticks t = plot::log_ticks(3e-9, 0.02, 9);
  expect_near_all(t.values, {1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2});
  EXPECT_EQ(t.labels.front(), "10^{\u22128}");
  EXPECT_EQ(t.labels.back(), "10^{\u22122}");
  EXPECT_FALSE(t.minor.empty());
  for (double m : t.minor) EXPECT_TRUE(m >= 3e-9 && m <= 0.02);
  // Many decades: every other power of ten.
  const plot::Ticks wide = plot::log_ticks(1e-16, 1e2, 9);
  EXPECT_LE(wide.values.size(), 10u);
  EXPECT_TRUE(wide.minor.empty());
}

TEST(Ticks, LogTicksWithOnePowerOfTen) {
  // Just over a decade around 10^3: one labelled power, minor ticks 2..9 x 10^2 and 2 x 10^3.
  const plot::Ticks t = plot::log_ticks(180, 2200, 9);
  expect_near_all(t.values, {1e3});
  EXPECT_EQ(t.labels.front(), "10^{3}");
  expect_near_all(t.minor, {200, 300, 400, 500, 600, 700, 800, 900, 2000});
  // Shorter than a decade: nice linear ticks instead.
  const plot::Ticks narrow = plot::log_ticks(0.5, 3, 9);
  EXPECT_GE(narrow.values.size(), 3u);
}

TEST(Colors, NamesCycleAndFormats) {
  expect_color(plot::parse_color("C0"), 0x1f / 255.0, 0x77 / 255.0, 0xb4 / 255.0);
  expect_color(plot::cycle_color(1), 1.0, 0x7f / 255.0, 0x0e / 255.0);
  expect_color(plot::parse_color("red"), 1, 0, 0);
  expect_color(plot::parse_color("k"), 0, 0, 0);
  expect_color(plot::parse_color("0.25"), 0.25, 0.25, 0.25);
  expect_color(plot::parse_color("#00ff80"), 0, 1, 128 / 255.0);
  EXPECT_THROW(plot::parse_color("reddish"), fluxion::Error);
  const plot::Format f = plot::parse_format("ro--");
  EXPECT_EQ(f.color, "r");
  EXPECT_EQ(f.marker, "o");
  EXPECT_EQ(f.linestyle, "--");
  EXPECT_EQ(plot::parse_format("s").linestyle, "none");
  EXPECT_THROW(plot::parse_format("q-"), fluxion::Error);
}

TEST(Colormap, MatchesMatplotlibAtKnownPoints) {
  const plot::Colormap viridis("viridis");
  expect_color(viridis(0), 0.267004, 0.004874, 0.329415);
  expect_color(viridis(1), 0.993248, 0.906157, 0.143936);
  expect_color(viridis(128 / 255.0), 0.127568, 0.566949, 0.550556);
  expect_color(plot::Colormap("gray")(0.5), 0.5, 0.5, 0.5);
  expect_color(plot::Colormap("bwr")(0.5), 1, 1, 1);
  expect_color(plot::Colormap("seismic")(0), 0, 0, 0.3);
  expect_color(plot::Colormap("hot")(1), 1, 1, 1);
  expect_color(plot::Colormap("coolwarm")(0.5), 221 / 255.0, 221 / 255.0, 221 / 255.0);
  expect_color(plot::Colormap("Spectral")(0), 0x9e / 255.0, 0x01 / 255.0, 0x42 / 255.0);
  expect_color(plot::Colormap("RdGy")(0.5), 1, 1, 1);
  expect_color(plot::Colormap("Greens")(1), 0, 0x44 / 255.0, 0x1b / 255.0);
  expect_color(plot::Colormap("viridis_r")(1), 0.267004, 0.004874, 0.329415);
  EXPECT_EQ(plot::Colormap("viridis")(std::nan("")).a, 0);
  expect_color(viridis(-3), 0.267004, 0.004874, 0.329415);  // clamped
  for (const std::string& name : plot::colormap_names()) EXPECT_NO_THROW(plot::Colormap{name});
  EXPECT_THROW(plot::Colormap("jet"), fluxion::Error);
}
