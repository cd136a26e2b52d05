// SPDX-License-Identifier: MIT
// Colours and the small vocabulary shared by every artist: matplotlib's colour
// names ("C0".."C9", "tab:blue", "red", "k", "#1f77b4", "0.5" for grey),
// line styles ("-", "--", ":", "-.") and markers ("o", "s", "^", ".", "*").
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace fluxion::plot {

struct Color {
  double r = 0, g = 0, b = 0, a = 1;
  Color with_alpha(double alpha) const { return {r, g, b, a * alpha}; }
  bool operator==(const Color&) const = default;
};

/// Parses a matplotlib colour spec; throws fluxion::Error on an unknown name.
Color parse_color(std::string_view spec);
/// Colour number i of matplotlib's default cycle (tab10).
Color cycle_color(int i);

/// Dash pattern in units of the line width for "-", "--", ":", "-." ("" = none drawn).
std::vector<double> dash_pattern(std::string_view linestyle);
/// Whether s is a marker this library draws: "o", "s", "^", "v", ".", "*", "+", "x", "D".
bool is_marker(std::string_view s);

/// Splits a format string like "ro--" or "s-" into colour, marker and line style.
struct Format {
  std::string color, marker, linestyle;
};
Format parse_format(std::string_view fmt);

}  // namespace fluxion::plot
