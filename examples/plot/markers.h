// SPDX-License-Identifier: MIT
// Marker shapes (o s ^ v D * . + x) as masks on a canvas, sized like
// matplotlib's: `size` is the marker's nominal diameter in pixels.
#pragma once
#include <string_view>

#include "examples/plot/canvas.h"

namespace fluxion::plot {

/// Adds marker `m` centred on p to the canvas mask (composite() paints it).
void mask_marker(Canvas& canvas, Point p, std::string_view m, double size, double line_px);
/// Paints one marker; a visible `edge` colour outlines it with a line_px edge (scatter's edgecolors).
void draw_marker(Canvas& canvas, Point p, std::string_view m, double size, Color c, double line_px,
                 Color edge = {0, 0, 0, 0});

}  // namespace fluxion::plot
