// SPDX-License-Identifier: MIT
// nn::functional: activations and losses composed from differentiable ops.
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

static Tensor reduce(const Tensor& loss, Reduction r) {
  switch (r) {
    case Reduction::mean: return loss.mean();
    case Reduction::sum: return loss.sum();
    default: return loss;
  }
}

static void check_same_shape(const Tensor& input, const Tensor& target, const char* op) {
  check(input.shape() == target.shape(), op, ": input has shape ", to_string(input.shape()), " but target has shape ",
        to_string(target.shape()), "; they must match (reshape or squeeze one of them)");
}

Tensor mse_loss(const Tensor& input, const Tensor& target, LossOptions opts) {
  check_same_shape(input, target, "mse_loss");
  return reduce(square(input - target), opts.reduction);
}

Tensor l1_loss(const Tensor& input, const Tensor& target, LossOptions opts) {
  check_same_shape(input, target, "l1_loss");
  return reduce(abs(input - target), opts.reduction);
}

Tensor huber_loss(const Tensor& input, const Tensor& target, HuberOptions opts) {
  check_same_shape(input, target, "huber_loss");
  check(opts.delta > 0, "huber_loss: delta must be positive, got ", opts.delta);
  Tensor d = input - target, a = abs(d);
  // quadratic near zero, linear in the tails; both pieces meet with slope delta
  return reduce(where(a < opts.delta, 0.5 * d * d, opts.delta * (a - 0.5 * opts.delta)), opts.reduction);
}

// Checks class indices against a (N, C) or (C) input; returns the class dim.
static int64_t check_class_target(const Tensor& input, const Tensor& target, const char* op) {
  check(input.is_floating_point(), op, ": input must be floating, got ", dtype_name(input.dtype()));
  check(target.dtype() == Int64, op, ": target must hold Int64 class indices, got ", dtype_name(target.dtype()),
        "; build labels with fluxion::tensor(std::vector<int64_t>{...}, shape)");
  check(input.dim() == 1 || input.dim() == 2, op, ": input must be (N, C) or (C), got ", to_string(input.shape()));
  int64_t cdim = input.dim() - 1;
  Shape want(input.shape().begin(), input.shape().end() - 1);
  check(target.shape() == want, op, ": input ", to_string(input.shape()), " needs target of shape ",
        to_string(want), ", got ", to_string(target.shape()));
  int64_t c = input.size(cdim);
  for (int64_t t : target.to_vector<int64_t>())
    check(t >= 0 && t < c, op, ": target class ", t, " is out of range for ", c, " classes");
  return cdim;
}

// -logp[target] per sample, shape (N) or ()
static Tensor pick_nll(const Tensor& logp, const Tensor& target, int64_t cdim) {
  return -logp.gather(cdim, target.unsqueeze(-1)).squeeze(-1);
}

Tensor nll_loss(const Tensor& input, const Tensor& target, LossOptions opts) {
  int64_t cdim = check_class_target(input, target, "nll_loss");
  return reduce(pick_nll(input, target, cdim), opts.reduction);
}

Tensor cross_entropy(const Tensor& input, const Tensor& target, CrossEntropyOptions opts) {
  int64_t cdim = check_class_target(input, target, "cross_entropy");
  double s = opts.label_smoothing;
  check(s >= 0 && s <= 1, "cross_entropy: label_smoothing must be in [0, 1], got ", s);
  Tensor logp = log_softmax(input, cdim);
  Tensor loss = pick_nll(logp, target, cdim);
  if (s > 0) {
    // smoothed target: (1 - s) on the label plus s / C on every class
    Tensor uniform = -logp.mean({cdim});
    loss = (1.0 - s) * loss + s * uniform;
  }
  return reduce(loss, opts.reduction);
}

Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target, BCEWithLogitsOptions opts) {
  check_same_shape(input, target, "binary_cross_entropy_with_logits");
  // -y log s(x) - (1 - y) log(1 - s(x)) = (1 - y) x + log(1 + e^-x) = (1 - y) x + softplus(-x).
  // softplus never forms e^x for large x, so neither tail overflows.
  Tensor sp = fluxion::softplus(-input);
  if (opts.pos_weight) sp = ((*opts.pos_weight - 1.0) * target + 1.0) * sp;  // weight of the positive term
  return reduce((1.0 - target) * input + sp, opts.reduction);
}

}  // namespace fluxion::nn::functional
