// SPDX-License-Identifier: MIT
// The loss of a small tanh MLP as a function of one flat Float64 parameter
// vector, as in ../shared/bench/peers/torch_bench.py (flat_mlp_loss): the
// model of hvp_mlp (2-64-64-1) and hessian_small (2-8-8-1). Written from raw
// tensors: W_i and b_i are slices of p, MSE over a batch of 256.
#pragma once
#include <algorithm>
#include <cmath>
#include <vector>

#include "fluxion.h"

namespace fluxion::bench {

struct FlatMlp {
  std::vector<int64_t> sizes;
  Tensor x, y;  // [256, sizes.front()], [256, sizes.back()]
  Tensor p0;    // all weights and biases, layer by layer (W_i row-major, then b_i)

  explicit FlatMlp(std::vector<int64_t> layer_sizes) : sizes(std::move(layer_sizes)) {
    manual_seed(0);
    x = randn({256, sizes.front()}, Float64);
    y = randn({256, sizes.back()}, Float64);
    std::vector<Tensor> parts;
    for (size_t i = 0; i + 1 < sizes.size(); ++i) {  // nn.Linear's init: U(-1/sqrt(fan_in), 1/sqrt(fan_in))
      double bound = 1 / std::sqrt(double(sizes[i]));
      parts.push_back(uniform({sizes[i + 1] * sizes[i] + sizes[i + 1]}, -bound, bound, Float64));
    }
    p0 = cat(parts);
  }

  Tensor loss(const Tensor& p) const {
    Tensor h = x;
    int64_t off = 0;
    for (size_t i = 0; i + 1 < sizes.size(); ++i) {
      int64_t in = sizes[i], out = sizes[i + 1];
      Tensor W = p.slice(0, off, off + out * in).view({out, in});
      off += out * in;
      Tensor b = p.slice(0, off, off + out);
      off += out;
      h = linear(h, W, b);  // as the peer's F.linear
      if (i + 2 < sizes.size()) h = h.tanh();
    }
    Tensor d = h - y;
    return (d * d).mean();
  }
};

/// max |a - b| over all elements, as a plain double.
inline double max_abs_diff(const Tensor& a, const Tensor& b) {
  double m = 0;
  for (double d : (a - b).to_vector<double>()) m = std::max(m, std::abs(d));
  return m;
}

}  // namespace fluxion::bench
