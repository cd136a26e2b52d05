// SPDX-License-Identifier: MIT
// Colour names, the tab10 cycle, dash patterns and format strings, with
// matplotlib's values (dash lengths are in line widths, as in rcParams).
#include "examples/plot/style.h"

#include <cstdlib>
#include <utility>

#include "tensor/error.h"

namespace fluxion::plot {

namespace {
Color hex(const char* s) {
  const unsigned long v = std::strtoul(s, nullptr, 16);
  return {((v >> 16) & 255) / 255.0, ((v >> 8) & 255) / 255.0, (v & 255) / 255.0, 1};
}
constexpr const char* kTab10[] = {"1f77b4", "ff7f0e", "2ca02c", "d62728", "9467bd",
                                  "8c564b", "e377c2", "7f7f7f", "bcbd22", "17becf"};
constexpr std::pair<const char*, const char*> kNamed[] = {
    {"blue", "0000ff"},       {"red", "ff0000"},        {"green", "008000"},     {"black", "000000"},
    {"white", "ffffff"},      {"gray", "808080"},       {"grey", "808080"},      {"orange", "ffa500"},
    {"purple", "800080"},     {"brown", "a52a2a"},      {"pink", "ffc0cb"},      {"cyan", "00ffff"},
    {"magenta", "ff00ff"},    {"yellow", "ffff00"},     {"navy", "000080"},      {"teal", "008080"},
    {"gold", "ffd700"},       {"lightgray", "d3d3d3"},  {"darkgray", "a9a9a9"},  {"darkred", "8b0000"},
    {"darkblue", "00008b"},   {"darkgreen", "006400"},  {"crimson", "dc143c"},   {"lime", "00ff00"},
    {"b", "0000ff"},          {"g", "008000"},          {"r", "ff0000"},         {"c", "00bfbf"},
    {"m", "bf00bf"},          {"y", "bfbf00"},          {"k", "000000"},         {"w", "ffffff"},
    {"tab:blue", "1f77b4"},   {"tab:orange", "ff7f0e"}, {"tab:green", "2ca02c"}, {"tab:red", "d62728"},
    {"tab:purple", "9467bd"}, {"tab:brown", "8c564b"},  {"tab:pink", "e377c2"},  {"tab:gray", "7f7f7f"},
    {"tab:olive", "bcbd22"},  {"tab:cyan", "17becf"}};
}  // namespace

Color cycle_color(int i) { return hex(kTab10[((i % 10) + 10) % 10]); }

Color parse_color(std::string_view spec) {
  const std::string s(spec);
  if (s.size() == 2 && s[0] == 'C' && s[1] >= '0' && s[1] <= '9') return cycle_color(s[1] - '0');
  if (s.size() == 7 && s[0] == '#') return hex(s.c_str() + 1);
  for (const auto& [name, value] : kNamed)
    if (s == name) return hex(value);
  char* end = nullptr;
  const double grey = std::strtod(s.c_str(), &end);
  if (!s.empty() && end == s.c_str() + s.size() && grey >= 0 && grey <= 1) return {grey, grey, grey, 1};
  fail("plot: unknown colour '", s,
       "'; use a name (\"red\", \"tab:blue\"), \"C0\"..\"C9\", \"#rrggbb\" or a grey level \"0.5\"");
}

std::vector<double> dash_pattern(std::string_view ls) {
  if (ls == "-" || ls == "solid") return {};
  if (ls == "--" || ls == "dashed") return {3.7, 1.6};
  if (ls == ":" || ls == "dotted") return {1, 1.65};
  if (ls == "-." || ls == "dashdot") return {6.4, 1.6, 1, 1.6};
  fail("plot: unknown line style '", std::string(ls), "'; use \"-\", \"--\", \":\", \"-.\" or \"none\"");
}

bool is_marker(std::string_view s) {
  return s == "o" || s == "s" || s == "^" || s == "v" || s == "." || s == "*" || s == "+" || s == "x" || s == "D";
}

Format parse_format(std::string_view fmt) {
  Format f;
  size_t i = 0;
  while (i < fmt.size()) {
    const std::string_view rest = fmt.substr(i);
    if (rest.starts_with("--") || rest.starts_with("-.")) {
      f.linestyle = std::string(rest.substr(0, 2)), i += 2;
    } else if (rest[0] == '-' || rest[0] == ':') {
      f.linestyle = std::string(1, rest[0]), ++i;
    } else if (is_marker(rest.substr(0, 1))) {
      f.marker = std::string(1, rest[0]), ++i;
    } else if (rest.size() >= 2 && rest[0] == 'C' && rest[1] >= '0' && rest[1] <= '9') {
      f.color = std::string(rest.substr(0, 2)), i += 2;
    } else if (std::string_view("bgrcmykw").find(rest[0]) != std::string_view::npos) {
      f.color = std::string(1, rest[0]), ++i;
    } else {
      fail("plot: cannot read format string '", std::string(fmt), "' at '", std::string(rest),
           "'; expected a colour letter, a marker (o s ^ . *) and a line style (- -- : -.)");
    }
  }
  // A marker with no line style draws markers only, as in matplotlib.
  if (f.linestyle.empty()) f.linestyle = f.marker.empty() ? "-" : "none";
  return f;
}

}  // namespace fluxion::plot
