// SPDX-License-Identifier: MIT
// nn::Conv2d: parameters, PyTorch's default initialisation, forward.
#include "nn/conv.h"

#include <cmath>

#include "nn/init.h"

namespace fluxion::nn {

Conv2d::Conv2d(int64_t in_channels, int64_t out_channels, Int2 kernel_size, Conv2dOptions opts)
    : in_channels(in_channels), out_channels(out_channels), kernel_size(kernel_size), opts(opts) {
  check(in_channels > 0 && out_channels > 0 && kernel_size.h > 0 && kernel_size.w > 0,
        "Conv2d: channels and kernel size must be positive, got in_channels = ", in_channels,
        ", out_channels = ", out_channels, ", kernel ", kernel_size.h, "x", kernel_size.w);
  DType dtype = opts.dtype.value_or(default_dtype());
  weight = register_parameter("weight", empty({out_channels, in_channels, kernel_size.h, kernel_size.w}, dtype));
  if (opts.bias) bias = register_parameter("bias", empty({out_channels}, dtype));
  reset_parameters();
}

void Conv2d::reset_parameters() {
  // as Linear: kaiming_uniform_(a = sqrt(5)) = U(-1/sqrt(fan_in), 1/sqrt(fan_in)), the bias likewise
  init::kaiming_uniform_(weight, {.a = std::sqrt(5.0)});
  if (bias.defined()) {
    double bound = 1.0 / std::sqrt(double(in_channels * kernel_size.h * kernel_size.w));
    init::uniform_(bias, -bound, bound);
  }
}

Tensor Conv2d::forward(const Tensor& x) const {
  return conv2d(x, weight, bias, {.stride = opts.stride, .padding = opts.padding, .dilation = opts.dilation});
}

}  // namespace fluxion::nn
