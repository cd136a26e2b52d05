// SPDX-License-Identifier: MIT
// nn::Conv2d / Conv1d / ConvTranspose2d, conv1d and conv_transpose2d (conv2d itself,
// with groups and "same" padding, is fluxion::conv2d), their parameters and
// PyTorch's default initialisation.
#include "nn/conv.h"

#include <cmath>
#include <string>

#include "nn/init.h"

namespace fluxion::nn {

namespace functional {

Tensor conv1d(const Tensor& x, const Tensor& w, const Tensor& bias, const Conv2dOptions& opts) {
  check((x.dim() == 2 || x.dim() == 3) && w.dim() == 3, "conv1d: input ", x.shape(), " and weight ",
        w.shape(), " must be (N, C, L) or (C, L) and (O, C / groups, k)");
  Conv2dOptions o = opts;
  o.stride = Int2(1, opts.stride.w);
  o.dilation = Int2(1, opts.dilation.w);
  if (o.padding.mode == Padding::Mode::sizes) o.padding = Int2(0, opts.padding.sizes.w);
  return conv2d(x.unsqueeze(-2), w.unsqueeze(2), bias, o).squeeze(-2);
}

Tensor conv_transpose2d(const Tensor& x, const Tensor& w, const Tensor& bias, const ConvTranspose2dOptions& opts) {
  if (x.dim() == 3) return conv_transpose2d(x.unsqueeze(0), w, bias, opts).squeeze(0);  // unbatched (C, H, W)
  const int64_t g = opts.groups;
  check(x.dim() == 4 && w.dim() == 4 && g >= 1 && x.size(1) == w.size(0) && w.size(0) % g == 0,
        "conv_transpose2d: input ", x.shape(), " and weight ", w.shape(),
        " must be (N, C_in, H, W) and (C_in, C_out / groups, kh, kw) with C_in divisible by groups = ", g);
  const Int2 s = opts.stride, p = opts.padding, op = opts.output_padding, d = opts.dilation;
  check((op.h < s.h || op.h < d.h) && (op.w < s.w || op.w < d.w) && op.h >= 0 && op.w >= 0,
        "conv_transpose2d: output_padding (", op.h, ", ", op.w, ") must be smaller than stride (", s.h, ", ", s.w,
        ") or dilation (", d.h, ", ", d.w, ")");
  const int64_t ho = (x.size(2) - 1) * s.h - 2 * p.h + d.h * (w.size(2) - 1) + op.h + 1;
  const int64_t wo = (x.size(3) - 1) * s.w - 2 * p.w + d.w * (w.size(3) - 1) + op.w + 1;
  check(ho > 0 && wo > 0, "conv_transpose2d: the output would be ", ho, "x", wo, " for input ", x.shape(),
        "; lower padding or raise output_padding");
  // The adjoint of a grouped conv2d whose weight is w read as (O = C_in, C = C_out / g, kh, kw).
  const fluxion::Conv2dOptions o{.stride = s, .padding = p, .dilation = d, .groups = g};
  Tensor y = conv2d_input_grad(x, w, {x.size(0), w.size(1) * g, ho, wo}, o);
  return bias.defined() ? y + bias.reshape({1, -1, 1, 1}) : y;
}

}  // namespace functional

static void check_conv_sizes(const char* op, int64_t in, int64_t out, int64_t kh, int64_t kw, int64_t groups) {
  check(in > 0 && out > 0 && kh > 0 && kw > 0, op,
        ": channels and kernel size must be positive, got in_channels = ", in, ", out_channels = ", out, ", kernel ",
        kh, "x", kw);
  check(groups >= 1 && in % groups == 0 && out % groups == 0, op, ": in_channels = ", in, " and out_channels = ", out,
        " must be divisible by groups = ", groups);
}

// as Linear: kaiming_uniform_(a = sqrt(5)) = U(-1/sqrt(fan_in), 1/sqrt(fan_in)), the bias likewise
static void reset_conv(Tensor& weight, Tensor& bias) {
  init::kaiming_uniform_(weight, {.a = std::sqrt(5.0)});
  if (bias.defined()) {
    double bound = 1.0 / std::sqrt(double(init::calculate_fan_in_and_fan_out(weight).first));
    init::uniform_(bias, -bound, bound);
  }
}

Conv2d::Conv2d(int64_t in_channels, int64_t out_channels, Int2 kernel_size, Conv2dOptions opts)
    : in_channels(in_channels), out_channels(out_channels), kernel_size(kernel_size), opts(opts) {
  check_conv_sizes("Conv2d", in_channels, out_channels, kernel_size.h, kernel_size.w, opts.groups);
  DType dtype = opts.dtype.value_or(default_dtype());
  weight = register_parameter("weight",
                              empty({out_channels, in_channels / opts.groups, kernel_size.h, kernel_size.w}, dtype));
  if (opts.bias) bias = register_parameter("bias", empty({out_channels}, dtype));
  reset_parameters();
}

void Conv2d::reset_parameters() { reset_conv(weight, bias); }

Tensor Conv2d::forward(const Tensor& x) const {
  check((x.dim() == 3 || x.dim() == 4) && x.size(-3) == in_channels, "Conv2d: input of shape ", x.shape(),
        " must be (N, ", in_channels, ", H, W) or (", in_channels, ", H, W)");
  return functional::conv2d(x, weight, bias, opts);
}

Conv1d::Conv1d(int64_t in_channels, int64_t out_channels, int64_t kernel_size, Conv2dOptions opts)
    : in_channels(in_channels), out_channels(out_channels), kernel_size(kernel_size), opts(opts) {
  check_conv_sizes("Conv1d", in_channels, out_channels, 1, kernel_size, opts.groups);
  DType dtype = opts.dtype.value_or(default_dtype());
  weight = register_parameter("weight", empty({out_channels, in_channels / opts.groups, kernel_size}, dtype));
  if (opts.bias) bias = register_parameter("bias", empty({out_channels}, dtype));
  reset_parameters();
}

void Conv1d::reset_parameters() { reset_conv(weight, bias); }

Tensor Conv1d::forward(const Tensor& x) const {
  check((x.dim() == 2 || x.dim() == 3) && x.size(-2) == in_channels, "Conv1d: input of shape ", x.shape(),
        " must be (N, ", in_channels, ", L) or (", in_channels, ", L)");
  return functional::conv1d(x, weight, bias, opts);
}

ConvTranspose2d::ConvTranspose2d(int64_t in_channels, int64_t out_channels, Int2 kernel_size,
                                 ConvTranspose2dOptions opts)
    : in_channels(in_channels), out_channels(out_channels), kernel_size(kernel_size), opts(opts) {
  check_conv_sizes("ConvTranspose2d", in_channels, out_channels, kernel_size.h, kernel_size.w, opts.groups);
  DType dtype = opts.dtype.value_or(default_dtype());
  weight = register_parameter("weight",
                              empty({in_channels, out_channels / opts.groups, kernel_size.h, kernel_size.w}, dtype));
  if (opts.bias) bias = register_parameter("bias", empty({out_channels}, dtype));
  reset_parameters();
}

void ConvTranspose2d::reset_parameters() { reset_conv(weight, bias); }

Tensor ConvTranspose2d::forward(const Tensor& x) const {
  check((x.dim() == 3 || x.dim() == 4) && x.size(-3) == in_channels, "ConvTranspose2d: input of shape ",
        x.shape(), " must be (N, ", in_channels, ", H, W) or (", in_channels, ", H, W)");
  return functional::conv_transpose2d(x, weight, bias, opts);
}

}  // namespace fluxion::nn
