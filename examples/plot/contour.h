// SPDX-License-Identifier: MIT
// Marching squares on a rectilinear grid: the lines where z = level, joined
// into polylines in data coordinates, and matplotlib's choice of levels.
#pragma once
#include <vector>

#include "examples/plot/canvas.h"

namespace fluxion::plot {

/// Iso-lines of z (row-major, z[i * x.size() + j] at (x[j], y[i])) at `level`.
/// Cells with a non-finite corner are skipped; saddles are split by the cell mean.
std::vector<std::vector<Point>> contour_lines(const std::vector<double>& x, const std::vector<double>& y,
                                              const std::vector<double>& z, double level);

/// About n nice levels over [zmin, zmax]; `filled` extends them to cover the whole range.
std::vector<double> contour_levels(double zmin, double zmax, int n, bool filled);

/// Bilinear interpolation of z at (px, py); NaN outside the grid. x and y increase.
double interpolate(const std::vector<double>& x, const std::vector<double>& y, const std::vector<double>& z, double px,
                   double py);

}  // namespace fluxion::plot
