// SPDX-License-Identifier: MIT
// Colormap tables. viridis: every 16th entry of matplotlib's 256-entry table;
// plasma: 9 samples; the ColorBrewer maps (Spectral, RdGy, Greens, Blues,
// Reds) use their published classes; coolwarm is Moreland's diverging map;
// hot, bwr, seismic, gray are matplotlib's linear segments.
#include "examples/plot/colormap.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>

#include "tensor/error.h"

namespace fluxion::plot {

namespace {

using Knots = std::vector<std::pair<double, Color>>;

Knots even(const std::vector<Color>& colors) {
  Knots k;
  for (size_t i = 0; i < colors.size(); ++i) k.push_back({static_cast<double>(i) / (colors.size() - 1), colors[i]});
  return k;
}

Knots hexes(std::initializer_list<const char*> hs) {
  std::vector<Color> c;
  for (const char* h : hs) c.push_back(parse_color(std::string("#") + h));
  return even(c);
}

Knots bytes(std::initializer_list<std::array<int, 3>> rgb) {
  std::vector<Color> c;
  for (const auto& v : rgb) c.push_back({v[0] / 255.0, v[1] / 255.0, v[2] / 255.0, 1});
  return even(c);
}

Knots lookup(std::string_view name) {
  if (name == "viridis") {
    const Knots k = even({{0.267004, 0.004874, 0.329415},
                          {0.282327, 0.094955, 0.417331},
                          {0.278826, 0.175490, 0.483397},
                          {0.258965, 0.251537, 0.524736},
                          {0.229739, 0.322361, 0.545706},
                          {0.199430, 0.387607, 0.554642},
                          {0.172719, 0.448791, 0.557885},
                          {0.149039, 0.508051, 0.557250},
                          {0.127568, 0.566949, 0.550556},
                          {0.120638, 0.625828, 0.533488},
                          {0.157851, 0.683765, 0.501686},
                          {0.246070, 0.738910, 0.452024},
                          {0.369214, 0.788888, 0.382914},
                          {0.515992, 0.831158, 0.294279},
                          {0.678489, 0.863742, 0.189503},
                          {0.845561, 0.887322, 0.099702},
                          {0.993248, 0.906157, 0.143936}});
    Knots exact;  // the samples are entries 0, 16, ..., 240 and 255 of 256
    for (size_t i = 0; i < k.size(); ++i) exact.push_back({i + 1 == k.size() ? 1.0 : 16.0 * i / 255.0, k[i].second});
    return exact;
  }
  if (name == "plasma")
    return even({{0.050383, 0.029803, 0.527975},
                 {0.287076, 0.010855, 0.627295},
                 {0.494877, 0.011990, 0.657865},
                 {0.665129, 0.138566, 0.585582},
                 {0.798216, 0.280197, 0.469538},
                 {0.902323, 0.427397, 0.359952},
                 {0.973416, 0.585761, 0.251540},
                 {0.993814, 0.761012, 0.160391},
                 {0.940015, 0.975158, 0.131326}});
  if (name == "gray") return even({{0, 0, 0}, {1, 1, 1}});
  if (name == "hot") return {{0, {0.0416, 0, 0}}, {0.365079, {1, 0, 0}}, {0.746032, {1, 1, 0}}, {1, {1, 1, 1}}};
  if (name == "bwr") return even({{0, 0, 1}, {1, 1, 1}, {1, 0, 0}});
  if (name == "seismic") return even({{0, 0, 0.3}, {0, 0, 1}, {1, 1, 1}, {1, 0, 0}, {0.5, 0, 0}});
  if (name == "coolwarm")
    return bytes({{59, 76, 192},
                  {77, 104, 215},
                  {98, 130, 234},
                  {119, 154, 247},
                  {141, 176, 254},
                  {163, 194, 255},
                  {184, 208, 249},
                  {204, 217, 238},
                  {221, 221, 221},
                  {236, 211, 197},
                  {245, 196, 173},
                  {247, 177, 148},
                  {244, 154, 123},
                  {236, 127, 99},
                  {222, 96, 77},
                  {203, 62, 56},
                  {180, 4, 38}});
  if (name == "Spectral")
    return hexes(
        {"9e0142", "d53e4f", "f46d43", "fdae61", "fee08b", "ffffbf", "e6f598", "abdda4", "66c2a5", "3288bd", "5e4fa2"});
  if (name == "RdGy")
    return hexes(
        {"67001f", "b2182b", "d6604d", "f4a582", "fddbc7", "ffffff", "e0e0e0", "bababa", "878787", "4d4d4d", "1a1a1a"});
  if (name == "Greens")
    return hexes({"f7fcf5", "e5f5e0", "c7e9c0", "a1d99b", "74c476", "41ab5d", "238b45", "006d2c", "00441b"});
  if (name == "Blues")
    return hexes({"f7fbff", "deebf7", "c6dbef", "9ecae1", "6baed6", "4292c6", "2171b5", "08519c", "08306b"});
  if (name == "Reds")
    return hexes({"fff5f0", "fee0d2", "fcbba1", "fc9272", "fb6a4a", "ef3b2c", "cb181d", "a50f15", "67000d"});
  return {};
}

}  // namespace

std::vector<std::string> colormap_names() {
  return {"viridis", "plasma",   "gray", "hot",    "coolwarm", "bwr",
          "seismic", "Spectral", "RdGy", "Greens", "Blues",    "Reds"};
}

Colormap::Colormap(std::string_view name) : name_(name) {
  const bool reversed = name.ends_with("_r");
  knots_ = lookup(reversed ? name.substr(0, name.size() - 2) : name);
  if (knots_.empty()) {
    std::string known;
    for (const std::string& n : colormap_names()) known += " " + n;
    fail("Colormap: unknown colormap '", std::string(name), "'; known:", known, " (add _r to reverse)");
  }
  if (reversed) {
    std::reverse(knots_.begin(), knots_.end());
    for (auto& [t, c] : knots_) t = 1 - t;
  }
}

Color Colormap::operator()(double t) const {
  if (std::isnan(t)) return {0, 0, 0, 0};
  t = std::clamp(t, 0.0, 1.0);
  size_t i = 1;
  while (i + 1 < knots_.size() && knots_[i].first < t) ++i;
  const auto& [t0, c0] = knots_[i - 1];
  const auto& [t1, c1] = knots_[i];
  const double f = t1 > t0 ? (t - t0) / (t1 - t0) : 0;
  return {c0.r + (c1.r - c0.r) * f, c0.g + (c1.g - c0.g) * f, c0.b + (c1.b - c0.b) * f, 1};
}

}  // namespace fluxion::plot
