// SPDX-License-Identifier: MIT
// 2-D convolution (cross-correlation, as torch.nn.functional.conv2d) by
// im2col + gemm, and its two adjoints, which are what the autograd op's VJP runs:
//   forward       y[n]  = W · cols(x[n]) + b          W: [O, C·kh·kw], cols: [C·kh·kw, Ho·Wo]
//   w.r.t. input  dx[n] = col2im(W^T · g[n])
//   w.r.t. weight dW    = sum_n g[n] · cols(x[n])^T
// Shapes: x [N, C, H, W], w [O, C / groups, kh, kw], b [O], y and g [N, O, Ho, Wo],
// Ho = (H + 2 pad - dil (kh - 1) - 1) / stride + 1 (and likewise Wo). With
// groups G, each of the G channel groups is its own convolution: input
// channels [j C/G, (j+1) C/G) meet output channels [j O/G, (j+1) O/G), the
// three products above taken per group on that group's rows of W, cols and g.
#pragma once
#include <array>

#include "tensor/tensor_data.h"

namespace fluxion::kernels {

struct Conv2dParams {
  std::array<int64_t, 2> stride{1, 1}, padding{0, 0}, dilation{1, 1};  // (h, w)
  int64_t groups = 1;
};

/// y = conv2d(x, w) + b; `b` may be undefined (no bias).
TensorData conv2d(const TensorData& x, const TensorData& w, const TensorData& b, const Conv2dParams& p);
/// The adjoint w.r.t. the input: g [N, O, Ho, Wo], w -> dx [N, C, h, w_] (the input's size, which stride hides).
TensorData conv2d_input_grad(const TensorData& g, const TensorData& w, int64_t h, int64_t w_, const Conv2dParams& p);
/// The adjoint w.r.t. the weight: x, g [N, O, Ho, Wo] -> dw [O, C / groups, kh, kw].
TensorData conv2d_weight_grad(const TensorData& x, const TensorData& g, int64_t kh, int64_t kw, const Conv2dParams& p);

/// The seven nested loops of the definition, kept as the reference the fast path is tested against.
TensorData conv2d_naive(const TensorData& x, const TensorData& w, const TensorData& b, const Conv2dParams& p);

/// The output shape [N, O, Ho, Wo], or an error naming the shapes and options.
Shape conv2d_shape(const Shape& x, const Shape& w, const Conv2dParams& p);

}  // namespace fluxion::kernels
