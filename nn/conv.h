// SPDX-License-Identifier: MIT
// nn::Conv2d, Conv1d and ConvTranspose2d — convolution layers over fluxion::conv2d, with
// groups (depthwise when groups = in_channels) and padding given as sizes or
// as "same" / "valid" (as torch.nn.Conv2d's padding argument).
// x: (N, C_in, H, W) -> (N, C_out, H_out, W_out),
// H_out = floor((H + 2 padding - dilation (k - 1) - 1) / stride) + 1.
// Weights (C_out, C_in / groups, kh, kw) and bias (C_out) start
// U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = C_in / groups kh kw, as in PyTorch.
#pragma once
#include <optional>

#include "autograd/ops.h"
#include "nn/module.h"

namespace fluxion::nn {

// One options struct for the functions and the layers: fluxion::Conv2dOptions (autograd/ops.h).
using fluxion::Conv2dOptions;
using fluxion::Padding;

namespace functional {
/// torch.nn.functional.conv2d: x (N, C, H, W) or (C, H, W), w (O, C / groups, kh, kw), bias (O) or undefined.
using fluxion::conv2d;
/// x (N, C, L) or (C, L), w (O, C / groups, k): conv2d over a (1, k) kernel.
[[nodiscard]] Tensor conv1d(const Tensor& x, const Tensor& w, const Tensor& bias = {}, const Conv2dOptions& opts = {});
}  // namespace functional

class Conv2d : public Cloneable<Conv2d> {
 public:
  Conv2d(int64_t in_channels, int64_t out_channels, Int2 kernel_size, Conv2dOptions opts = {});
  Tensor forward(const Tensor& x) const;
  Tensor operator()(const Tensor& x) const { return forward(x); }
  void reset_parameters();

  int64_t in_channels, out_channels;
  Int2 kernel_size;
  Conv2dOptions opts;
  Tensor weight, bias;  // bias undefined when opts.bias is false

 protected:
  void rebind(const CloneMap& map) override { map(weight, bias); }
};

/// x: (N, C_in, L) -> (N, C_out, L_out); weight (C_out, C_in / groups, k). Options as Conv2d's
/// (the w of each Int2 is used).
class Conv1d : public Cloneable<Conv1d> {
 public:
  Conv1d(int64_t in_channels, int64_t out_channels, int64_t kernel_size, Conv2dOptions opts = {});
  Tensor forward(const Tensor& x) const;
  Tensor operator()(const Tensor& x) const { return forward(x); }
  void reset_parameters();

  int64_t in_channels, out_channels, kernel_size;
  Conv2dOptions opts;
  Tensor weight, bias;

 protected:
  void rebind(const CloneMap& map) override { map(weight, bias); }
};

struct ConvTranspose2dOptions {
  Int2 stride = 1;
  Int2 padding = 0;         // removed from each side of the full output
  Int2 output_padding = 0;  // added to one side, to pick among the sizes a strided conv2d maps to one size
  int64_t groups = 1;
  bool bias = true;
  Int2 dilation = 1;
  std::optional<DType> dtype;
};

namespace functional {
/// torch.nn.functional.conv_transpose2d, the adjoint of conv2d: x (N, C_in, H, W) or (C_in, H, W),
/// w (C_in, C_out / groups, kh, kw) -> (N, C_out, H_out, W_out),
/// H_out = (H - 1) stride - 2 padding + dilation (kh - 1) + output_padding + 1.
[[nodiscard]] Tensor conv_transpose2d(const Tensor& x, const Tensor& w, const Tensor& bias = {},
                                      const ConvTranspose2dOptions& opts = {});
}  // namespace functional

/// Weight (C_in, C_out / groups, kh, kw) and bias (C_out), initialised as Conv2d's
/// with fan_in = C_out / groups kh kw (PyTorch reads fan_in from the weight's dim 1).
class ConvTranspose2d : public Cloneable<ConvTranspose2d> {
 public:
  ConvTranspose2d(int64_t in_channels, int64_t out_channels, Int2 kernel_size, ConvTranspose2dOptions opts = {});
  Tensor forward(const Tensor& x) const;
  Tensor operator()(const Tensor& x) const { return forward(x); }
  void reset_parameters();

  int64_t in_channels, out_channels;
  Int2 kernel_size;
  ConvTranspose2dOptions opts;
  Tensor weight, bias;

 protected:
  void rebind(const CloneMap& map) override { map(weight, bias); }
};

}  // namespace fluxion::nn
