// SPDX-License-Identifier: MIT
// <fluxion/plot.h>: the figure library (target fluxion::plot), for your own
// programs. PNG, SVG, PDF and animated GIF with matplotlib's names:
//
//   #include <fluxion/plot.h>
//   namespace plot = fluxion::plot;
//   plot::Figure fig(6, 4);
//   fig.ax().plot(x, y, {.label = "sin"});   // x, y: std::vector<double> or Tensors
//   fig.savefig("sin.png");
//
// Link it with target_link_libraries(app PRIVATE fluxion::fluxion fluxion::plot).
#pragma once
#include "examples/plot/plot.h"
