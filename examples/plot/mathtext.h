// SPDX-License-Identifier: MIT
// Internal to the figure library: the layout of a label into placed glyph runs
// and rules. Plain text is upright (with "^{..}" and "_{..}" raised and
// lowered); between $..$ it is math as matplotlib's mathtext sets it: italic
// variables, upright digits and functions (\sin, \exp), Greek and symbols
// from TeX names (\alpha, \nabla, \partial, \int, \sum, \infty, \cdot,
// \times, \le), nested and stacked ^ and _, \mathbf, \mathrm, \frac, \sqrt.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace fluxion::plot {

enum class Style { regular, italic, bold };

/// Glyphs of one style and size at (x, rise): x along the text, rise above the baseline.
struct PlacedRun {
  std::u32string text;
  double x = 0, rise = 0, size = 0;
  Style style = Style::regular;
};
/// A horizontal bar (fraction line, square-root top) from x0 to x1, centred `rise` above the baseline.
struct Rule {
  double x0 = 0, x1 = 0, rise = 0, thickness = 0;
};
struct MathLayout {
  std::vector<PlacedRun> runs;
  std::vector<Rule> rules;
  double width = 0, ascent = 0, descent = 0;  // pixels; descent positive below the baseline
};

/// Lays out utf8 at size px; advance(cp, size, style) gives a glyph's advance in pixels.
MathLayout layout_math(std::string_view utf8, double size, double (*advance)(char32_t, double, Style));

}  // namespace fluxion::plot
