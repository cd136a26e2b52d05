// SPDX-License-Identifier: MIT
// nn::functional: activations composed from differentiable ops (losses: loss.cpp).
// The numerically delicate ones say why they are written the way they are.
#include "nn/functional.h"

#include <cmath>
#include <numbers>

#include "autograd/ops.h"

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

// Both shift x by its max along dim first, so every exponent is <= 0 (no
// overflow) and the largest term is exactly 1 (no 0/0). The shift cancels
// in the result, so its derivative is zero: it is detached, not differentiated.
// softmax and log_softmax check their input themselves, so that an error
// names them and not the amax or exp they are made of.
static void check_softmax_input(const Tensor& x, int64_t dim, const char* op) {
  check(x.is_floating_point(), op, ": expects a floating tensor, got ", dtype_name(x.dtype()),
        "; convert it with .to(Float32) or .to(Float64)");
  int64_t d = wrap_dim(dim, x.dim(), op);
  check(x.dim() == 0 || x.size(d) > 0, op, ": dim ", dim, " of shape ", to_string(x.shape()),
        " is empty; there is nothing to normalise over");
}

Tensor softmax(const Tensor& x, int64_t dim) {
  check_softmax_input(x, dim, "softmax");
  Tensor e = exp(x - x.amax({dim}, true).detach());
  return e / e.sum({dim}, true);
}

Tensor log_softmax(const Tensor& x, int64_t dim) {
  check_softmax_input(x, dim, "log_softmax");
  Tensor s = x - x.amax({dim}, true).detach();
  return s - s.exp().sum({dim}, true).log();
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
