// SPDX-License-Identifier: MIT
// Colormaps with matplotlib's names and colours: viridis, plasma, gray, hot,
// coolwarm, bwr, seismic, Spectral, RdGy, Greens, Blues, Reds (append "_r" to
// reverse). Each is piecewise linear between knots sampled from matplotlib.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "examples/plot/style.h"

namespace fluxion::plot {

class Colormap {
 public:
  /// Looks a colormap up by name; throws fluxion::Error listing the known names.
  explicit Colormap(std::string_view name = "viridis");
  /// Colour at t in [0, 1] (clamped); NaN gives a transparent colour.
  Color operator()(double t) const;
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::vector<std::pair<double, Color>> knots_;
};

/// The colormap names this library knows.
std::vector<std::string> colormap_names();

}  // namespace fluxion::plot
