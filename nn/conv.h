// SPDX-License-Identifier: MIT
// nn::Conv2d — a 2-D convolution layer over fluxion::conv2d (groups = 1).
// x: (N, C_in, H, W) -> (N, C_out, H_out, W_out),
// H_out = floor((H + 2 padding - dilation (k - 1) - 1) / stride) + 1.
// Weights (C_out, C_in, kh, kw) and bias (C_out) start U(-1/sqrt(fan_in),
// 1/sqrt(fan_in)), fan_in = C_in kh kw, as in PyTorch.
#pragma once
#include <optional>

#include "autograd/ops.h"
#include "nn/module.h"

namespace fluxion::nn {

struct Conv2dOptions {
  Int2 stride = 1;
  Int2 padding = 0;
  Int2 dilation = 1;
  bool bias = true;
  std::optional<DType> dtype;
};

class Conv2d : public Module {
 public:
  Conv2d(int64_t in_channels, int64_t out_channels, Int2 kernel_size, Conv2dOptions opts = {});
  Tensor forward(const Tensor& x) const;
  void reset_parameters();

  int64_t in_channels, out_channels;
  Int2 kernel_size;
  Conv2dOptions opts;
  Tensor weight, bias;  // bias undefined when opts.bias is false
};

}  // namespace fluxion::nn
