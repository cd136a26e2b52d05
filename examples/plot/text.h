// SPDX-License-Identifier: MIT
// Text: anti-aliased TrueType through stb_truetype (DejaVu Sans from the
// system), or stb_easy_font's bitmap font when no font file is found (ASCII
// only: Greek and maths symbols are then spelt out, α as "alpha"). UTF-8
// in, so Greek and maths symbols (ε δ λ ∇ ∂ ∫ −) render; "^{..}" and "_{..}"
// raise or lower a part (tick labels like 10^{-3}).
#pragma once
#include <string>
#include <string_view>

#include "examples/plot/canvas.h"

namespace fluxion::plot {

/// Uses the TrueType font at `path`, or stb's built-in bitmap font when path is
/// empty. Throws fluxion::Error when the file cannot be read as a font.
void set_font(const std::string& path);
/// True when a TrueType font is in use (false: the built-in bitmap fallback).
bool truetype_font();

struct TextSize {
  double width = 0, ascent = 0, descent = 0;  // pixels; descent is positive below the baseline
  double height() const { return ascent + descent; }
};
TextSize measure_text(std::string_view utf8, double size_px);

enum class HAlign { left, center, right };
enum class VAlign { top, center, baseline, bottom };

/// Draws text anchored at (x, y); rotated = 90 degrees anticlockwise (y labels).
void draw_text(Canvas& canvas, std::string_view utf8, double x, double y, double size_px, Color color,
               HAlign ha = HAlign::left, VAlign va = VAlign::baseline, bool rotated = false);

}  // namespace fluxion::plot
