// SPDX-License-Identifier: MIT
// Math text: $..$ spans lay out italic variables, upright functions and
// digits, TeX-named Greek and symbols, nested and stacked scripts, \mathbf,
// \frac and \sqrt; plain text outside $..$ is unchanged.
#include <gtest/gtest.h>

#include "examples/plot/mathtext.h"
#include "examples/plot/plot.h"

namespace plot = fluxion::plot;
using plot::Style;

namespace {
double fixed_advance(char32_t, double size, Style) { return 0.6 * size; }
plot::MathLayout lay(const char* s) { return plot::layout_math(s, 10, fixed_advance); }
const plot::PlacedRun* find(const plot::MathLayout& m, const std::u32string& text) {
  for (const auto& r : m.runs)
    if (r.text == text) return &r;
  return nullptr;
}
}  // namespace

TEST(MathText, VariablesItalicFunctionsAndDigitsUpright) {
  const auto m = lay("$\\sin x + 2$");
  ASSERT_NE(find(m, U"sin"), nullptr);
  EXPECT_EQ(find(m, U"sin")->style, Style::regular);
  ASSERT_NE(find(m, U"x"), nullptr);
  EXPECT_EQ(find(m, U"x")->style, Style::italic);
  ASSERT_NE(find(m, U"2"), nullptr);
  EXPECT_EQ(find(m, U"2")->style, Style::regular);
  // A thin space between \sin and its argument, none before a bracket.
  const auto spaced = lay("$\\sin y$"), bracket = lay("$\\sin(y)$");
  ASSERT_TRUE(find(spaced, U"y") && find(bracket, U"y"));
  EXPECT_NEAR(find(spaced, U"y")->x, 3 * 6 + 1.7, 1e-9);
  EXPECT_NEAR(find(bracket, U"y")->x, 4 * 6, 1e-9);  // "sin(" then y
  // Binary minus is spaced, a sign after "(" is not.
  const auto signs = lay("$(-x - y)$");
  ASSERT_TRUE(find(signs, U"x") && find(signs, U"y"));
  EXPECT_NEAR(find(signs, U"x")->x, 2 * 6, 1e-9);
  EXPECT_NEAR(find(signs, U"y")->x, 4 * 6 + 2 * 2.2, 1e-9);
  const auto plain = lay("sin x");  // outside $..$: one upright run, spaces kept
  ASSERT_EQ(plain.runs.size(), 1u);
  EXPECT_EQ(plain.runs[0].text, U"sin x");
  EXPECT_EQ(plain.runs[0].style, Style::regular);
}

TEST(MathText, GreekAndSymbolsFromTexNames) {
  const auto m = lay("$\\alpha \\nabla \\partial \\int \\sum \\infty \\cdot \\times \\le$");
  std::u32string all;
  for (const auto& r : m.runs) all += r.text;
  EXPECT_EQ(all, U"α∇∂∫∑∞·×≤");
  EXPECT_EQ(find(m, U"α")->style, Style::italic);  // lowercase Greek is a variable
}

TEST(MathText, ScriptsNestAndStack) {
  const auto m = lay("$x_i^{2^n}$");
  const auto *i = find(m, U"i"), *two = find(m, U"2"), *n = find(m, U"n");
  ASSERT_TRUE(i && two && n);
  EXPECT_DOUBLE_EQ(i->x, two->x);  // stacked: sub and sup start at one x
  EXPECT_LT(i->rise, 0);
  EXPECT_GT(two->rise, 0);
  EXPECT_GT(n->rise, two->rise);  // nested: higher again
  EXPECT_DOUBLE_EQ(two->size, 7);
  EXPECT_NEAR(n->size, 4.9, 1e-12);
  // Plain text keeps the tick-label form 10^{-3}.
  const auto tick = lay("10^{\u22123}");
  ASSERT_EQ(tick.runs.size(), 2u);
  EXPECT_GT(tick.runs[1].rise, 0);
}

TEST(MathText, BoldFractionAndRoot) {
  const auto m = lay("$\\mathbf{F} = \\frac{a}{b} \\sqrt{y}$");
  EXPECT_EQ(find(m, U"F")->style, Style::bold);
  const auto *a = find(m, U"a"), *b = find(m, U"b");
  ASSERT_TRUE(a && b);
  EXPECT_GT(a->rise, 0);  // numerator above the bar, denominator below
  EXPECT_LT(b->rise, 0);
  ASSERT_EQ(m.rules.size(), 2u);  // the fraction bar and the root's top
  EXPECT_GT(m.rules[1].x1 - m.rules[1].x0, 5.0);
  ASSERT_NE(find(m, U"√"), nullptr);
}

TEST(MathText, DrawnTitleUsesTheItalicFace) {
  if (!plot::truetype_font()) GTEST_SKIP() << "no TrueType font on this machine";
  const plot::TextSize upright = plot::measure_text("f", 20), italic = plot::measure_text("$f$", 20);
  EXPECT_GT(upright.width, 0);
  EXPECT_GT(italic.width, 0);
  plot::Canvas cv(80, 40, {1, 1, 1, 1});
  plot::draw_text(cv, "$\\frac{1}{2}$", 10, 20, 20, {0, 0, 0, 1}, plot::HAlign::left, plot::VAlign::center);
  int dark_rows = 0;
  for (int y = 0; y < 40; ++y) dark_rows += cv.at(14, y).r < 0.5;
  EXPECT_GE(dark_rows, 1);  // the bar crosses column 14
}
