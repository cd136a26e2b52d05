// SPDX-License-Identifier: MIT
// fluxion::plot — figures as PNG, SVG, PDF and animated GIF, with
// matplotlib's look and names. Include this one header:
//   plot::Figure fig(6, 4);
//   auto& ax = fig.ax();
//   ax.plot(x, y, {.label = "sin"});
//   ax.legend();
//   fig.savefig("out/sin.png");          // .svg and .pdf choose the vector back ends
// Data are std::vector<double>, braced lists, or fluxion Tensors passed
// directly (plot::Vec takes anything with to_vector<double>()).
#pragma once
#include "examples/plot/axes.h"
#include "examples/plot/colormap.h"
#include "examples/plot/figure.h"
#include "examples/plot/gif.h"
#include "examples/plot/options.h"
#include "examples/plot/style.h"
#include "examples/plot/text.h"
#include "examples/plot/ticks.h"
#include "tensor/error.h"  // fluxion::Error, thrown on bad arguments
