// SPDX-License-Identifier: MIT
// Pooling: max and average pooling over 1-d and 2-d windows, and the adaptive
// pools that pick their windows from the output size (torch.nn.MaxPool2d ...).
// Every rule is made of differentiable ops, so gradients of any order and
// forward-mode tangents work through them.
//
//   x: (N, C, H, W) or (C, H, W) -> (N, C, H_out, W_out),
//   H_out = floor((H + 2 padding - dilation (k - 1) - 1) / stride) + 1   (ceil with ceil_mode,
//           dropping a last window that would start inside the right padding)
//
//   auto pool = fx::nn::MaxPool2d(2);                   // stride defaults to the kernel size
//   fx::Tensor y = fx::nn::functional::avg_pool2d(x, 3, {.stride = 2, .padding = 1});
#pragma once
#include <optional>

#include "autograd/ops.h"
#include "nn/module.h"

namespace fluxion::nn {

struct MaxPool2dOptions {
  std::optional<Int2> stride;  // default: the kernel size
  Int2 padding = 0;            // implicit -inf padding, at most half the kernel
  Int2 dilation = 1;
  bool ceil_mode = false;
};

struct AvgPool2dOptions {
  std::optional<Int2> stride;  // default: the kernel size
  Int2 padding = 0;            // implicit zero padding, at most half the kernel
  bool ceil_mode = false;
  bool count_include_pad = true;            // divide by the window size including padding
  std::optional<int64_t> divisor_override;  // divide by this instead
};

namespace functional {
/// Largest value of each window; the gradient goes to the first largest (as PyTorch's indices).
[[nodiscard]] Tensor max_pool2d(const Tensor& x, Int2 kernel_size, const MaxPool2dOptions& opts = {});
/// (N, C, L) or (C, L): max_pool2d over a (1, k) window.
[[nodiscard]] Tensor max_pool1d(const Tensor& x, int64_t kernel_size, const MaxPool2dOptions& opts = {});
/// Mean of each window (see AvgPool2dOptions for the divisor).
[[nodiscard]] Tensor avg_pool2d(const Tensor& x, Int2 kernel_size, const AvgPool2dOptions& opts = {});
[[nodiscard]] Tensor avg_pool1d(const Tensor& x, int64_t kernel_size, const AvgPool2dOptions& opts = {});
/// Output (H_out, W_out); window i spans [floor(i H / H_out), ceil((i + 1) H / H_out)).
[[nodiscard]] Tensor adaptive_avg_pool2d(const Tensor& x, Int2 output_size);
[[nodiscard]] Tensor adaptive_max_pool2d(const Tensor& x, Int2 output_size);
}  // namespace functional

class MaxPool2d : public Cloneable<MaxPool2d> {
 public:
  explicit MaxPool2d(Int2 kernel_size, MaxPool2dOptions opts = {}) : kernel_size(kernel_size), opts(opts) {}
  Tensor forward(const Tensor& x) const { return functional::max_pool2d(x, kernel_size, opts); }
  Tensor operator()(const Tensor& x) const { return forward(x); }
  Int2 kernel_size;
  MaxPool2dOptions opts;
};

class MaxPool1d : public Cloneable<MaxPool1d> {
 public:
  explicit MaxPool1d(int64_t kernel_size, MaxPool2dOptions opts = {}) : kernel_size(kernel_size), opts(opts) {}
  Tensor forward(const Tensor& x) const { return functional::max_pool1d(x, kernel_size, opts); }
  Tensor operator()(const Tensor& x) const { return forward(x); }
  int64_t kernel_size;
  MaxPool2dOptions opts;
};

class AvgPool2d : public Cloneable<AvgPool2d> {
 public:
  explicit AvgPool2d(Int2 kernel_size, AvgPool2dOptions opts = {}) : kernel_size(kernel_size), opts(opts) {}
  Tensor forward(const Tensor& x) const { return functional::avg_pool2d(x, kernel_size, opts); }
  Tensor operator()(const Tensor& x) const { return forward(x); }
  Int2 kernel_size;
  AvgPool2dOptions opts;
};

class AvgPool1d : public Cloneable<AvgPool1d> {
 public:
  explicit AvgPool1d(int64_t kernel_size, AvgPool2dOptions opts = {}) : kernel_size(kernel_size), opts(opts) {}
  Tensor forward(const Tensor& x) const { return functional::avg_pool1d(x, kernel_size, opts); }
  Tensor operator()(const Tensor& x) const { return forward(x); }
  int64_t kernel_size;
  AvgPool2dOptions opts;
};

class AdaptiveAvgPool2d : public Cloneable<AdaptiveAvgPool2d> {
 public:
  explicit AdaptiveAvgPool2d(Int2 output_size) : output_size(output_size) {}
  Tensor forward(const Tensor& x) const { return functional::adaptive_avg_pool2d(x, output_size); }
  Tensor operator()(const Tensor& x) const { return forward(x); }
  Int2 output_size;
};

class AdaptiveMaxPool2d : public Cloneable<AdaptiveMaxPool2d> {
 public:
  explicit AdaptiveMaxPool2d(Int2 output_size) : output_size(output_size) {}
  Tensor forward(const Tensor& x) const { return functional::adaptive_max_pool2d(x, output_size); }
  Tensor operator()(const Tensor& x) const { return forward(x); }
  Int2 output_size;
};

}  // namespace fluxion::nn
