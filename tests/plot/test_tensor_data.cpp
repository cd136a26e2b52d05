// SPDX-License-Identifier: MIT
// Tensors go straight into plotting calls (flattened row-major through
// to_vector<double>), with no tensor header in the figure library itself.
#include <gtest/gtest.h>

#include "autograd/ops.h"
#include "examples/plot/plot.h"

namespace plot = fluxion::plot;

TEST(TensorData, TensorsConvertToPlotData) {
  const fluxion::Tensor x = fluxion::linspace(0, 1, 5);
  const plot::Vec v = x;
  EXPECT_EQ(v, (std::vector<double>{0, 0.25, 0.5, 0.75, 1}));
  plot::Figure fig(3, 3, 50);
  auto& ax = fig.ax();
  ax.plot(x, x, {.label = "tensor"});
  // A (ny, nx) tensor is a field on the grid: z[i, j] at (x[j], y[i]).
  const fluxion::Tensor z = fluxion::tensor({{0, 1, 2, 3, 4}, {1, 2, 3, 4, 5}, {2, 3, 4, 5, 6}});
  const fluxion::Tensor y = fluxion::linspace(0, 1, 3);
  EXPECT_NO_THROW(ax.contourf(x, y, z));
  EXPECT_THROW(ax.contourf(x, x, z), fluxion::Error);  // a 5 x 5 grid needs 25 values, not 15
  EXPECT_NO_THROW(fig.render());
}
