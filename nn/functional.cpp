// SPDX-License-Identifier: MIT
// nn::functional: activations composed from differentiable ops (losses: loss.cpp).
// The numerically delicate ones say why they are written the way they are.
#include "nn/functional.h"

#include <cmath>
#include <numbers>

#include "autograd/ops.h"
#include "autograd/ops_math.h"

namespace fluxion::nn::functional {

Tensor relu(const Tensor& x) { return fluxion::relu(x); }

Tensor leaky_relu(const Tensor& x, double negative_slope) { return where(x > 0.0, x, x * negative_slope); }

Tensor tanh(const Tensor& x) { return fluxion::tanh(x); }

Tensor sigmoid(const Tensor& x) { return fluxion::sigmoid(x); }

Tensor gelu(const Tensor& x, GeluApproximate approximate) {
  if (approximate == GeluApproximate::tanh) {
    // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    const double k = std::sqrt(2.0 / std::numbers::pi);
    return 0.5 * x * (1.0 + fluxion::tanh(k * (x + 0.044715 * x * x * x)));
  }
  return 0.5 * x * (1.0 + erf(x * (1.0 / std::numbers::sqrt2)));  // x Phi(x)
}

Tensor silu(const Tensor& x) { return x * fluxion::sigmoid(x); }

Tensor softplus(const Tensor& x, double beta, double threshold) { return fluxion::softplus(x, beta, threshold); }

Tensor softmax(const Tensor& x, int64_t dim) { return fluxion::softmax(x, dim); }

Tensor log_softmax(const Tensor& x, int64_t dim) { return fluxion::log_softmax(x, dim); }

Tensor one_hot(const Tensor& x, int64_t num_classes) {
  check(x.dtype() == Int64, "one_hot: expects Int64 class labels, got ", dtype_name(x.dtype()),
        "; convert them with .to(Int64)");
  if (num_classes < 0) num_classes = x.numel() == 0 ? 0 : x.max().item_int64() + 1;
  check(x.numel() == 0 || (x.min().item_int64() >= 0 && x.max().item_int64() < num_classes),
        "one_hot: labels must lie in [0, ", num_classes, "), got values in [", x.numel() ? x.min().item_int64() : 0,
        ", ", x.numel() ? x.max().item_int64() : 0, "]");
  Shape shape = x.shape();
  shape.push_back(num_classes);
  return zeros(shape, Int64).scatter(-1, x.unsqueeze(-1), 1.0);  // out[..., x[...]] = 1
}

Tensor dropout(const Tensor& x, double p, bool training) {
  check(p >= 0 && p <= 1, "dropout: p must be in [0, 1], got ", p);
  if (!training || p == 0) return x;
  if (p == 1) return x * 0.0;
  // keep mask: 1 / (1 - p) with probability 1 - p, else 0 (a constant of the graph)
  Tensor keep = (rand_like(x) >= p).to(x.dtype()) * (1.0 / (1.0 - p));
  return x * keep;
}

}  // namespace fluxion::nn::functional
