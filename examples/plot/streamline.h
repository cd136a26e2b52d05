// SPDX-License-Identifier: MIT
// Streamlines for streamplot, after matplotlib's algorithm: the domain is
// covered by a 30*density square mask; seeds are taken from the border
// inwards; each line is integrated forwards and backwards (midpoint rule,
// unit speed in mask cells) until it leaves the grid, stalls, or enters a
// cell another line already passes through.
#pragma once
#include <vector>

#include "examples/plot/canvas.h"

namespace fluxion::plot {

/// Streamlines of (u, v) on the grid x (nx, increasing) by y (ny, increasing),
/// fields row-major (ny * nx). Each line is a list of points in data coordinates.
std::vector<std::vector<Point>> streamlines(const std::vector<double>& x, const std::vector<double>& y,
                                            const std::vector<double>& u, const std::vector<double>& v, double density);

}  // namespace fluxion::plot
