// SPDX-License-Identifier: MIT
// nn::functional losses, composed from differentiable ops: regression losses,
// the class-index losses (nll_loss, cross_entropy with weights, ignore_index
// and label smoothing), binary cross-entropy, KL divergence, margin losses.
#include <cmath>

#include "autograd/batched.h"
#include "autograd/ops.h"
#include "autograd/ops_math.h"
#include "nn/functional.h"

namespace fluxion::nn::functional {

namespace {

Tensor reduce(const Tensor& loss, Reduction r) {
  switch (r) {
    case Reduction::mean:
      return loss.mean();
    case Reduction::sum:
      return loss.sum();
    default:
      return loss;
  }
}

void check_same_shape(const Tensor& input, const Tensor& target, const char* op) {
  check(input.shape() == target.shape(), op, ": input has shape ", input.shape(), " but target has shape ",
        target.shape(), "; they must match (reshape or squeeze one of them)");
}

// The losses over class indices. input (N, C), (C) or (N, C, d1, ...): log-probabilities,
// or logits when from_logits; target: input's shape without the class dim, Int64.
Tensor class_loss(const char* op, const Tensor& input, const Tensor& target, bool from_logits, double smoothing,
                  const Tensor& weight, int64_t ignore_index, Reduction reduction) {
  check(input.is_floating_point(), op, ": input must be floating, got ", dtype_name(input.dtype()));
  check(target.dtype() == Int64, op, ": target must hold Int64 class indices, got ", dtype_name(target.dtype()),
        "; build labels with fluxion::tensor(std::vector<int64_t>{...}, shape)");
  check(input.dim() >= 1, op, ": input must be (N, C), (C) or (N, C, d1, ...), got a 0-d tensor");
  int64_t cdim = input.dim() == 1 ? 0 : 1, c = input.size(cdim);
  Shape want = input.shape();
  want.erase(want.begin() + cdim);
  check(target.shape() == want, op, ": input ", input.shape(), " needs target of shape ", want,
        ", got ", target.shape());
  check(smoothing >= 0 && smoothing <= 1, op, ": label_smoothing must be in [0, 1], got ", smoothing);
  if (weight.defined())
    check(weight.shape() == Shape{c} && weight.is_floating_point(), op, ": weight must be a floating (", c,
          ") tensor for ", c, " classes, got ", weight.shape());
  // (M, C) rows, one per sample: move the class dim last for (N, C, d1, ...)
  Tensor x = input;
  if (input.dim() == 1) x = input.unsqueeze(0);
  if (input.dim() > 2) {
    std::vector<int64_t> perm{0};
    for (int64_t d = 2; d < input.dim(); ++d) perm.push_back(d);
    perm.push_back(1);
    x = input.permute(perm).reshape({-1, c});
  }
  // Every class index is checked on the host; under vmap, on the whole
  // batch's values (one example's cannot be read). plain: no weight and
  // nothing ignored anywhere, so mean is a plain mean.
  bool plain = !weight.defined();
  for (int64_t t : batching::all_examples(target).to_vector<int64_t>()) {
    if (t == ignore_index) {
      plain = false;
      continue;
    }
    check(t >= 0 && t < c, op, ": target class ", t, " is out of range for ", c, " classes");
  }
  // -log p[y] and w[y] picked by a one-hot mask (0 where ignored), built
  // with elementwise ops so that each example picks its own class under vmap
  // (where a gather's index would differ by example); where() keeps a -inf
  // log-probability of another class out of the sum.
  Tensor y = target.reshape({-1, 1});
  Tensor onehot = logical_and(eq(y, arange(c, Int64).unsqueeze(0)), ne(y, double(ignore_index)));  // (M, C)
  Tensor logp = from_logits ? x.log_softmax(1) : x;
  Tensor loss = -where(onehot, logp, 0.0).sum({1});  // (M): -log p[y]
  Tensor kept = onehot.any(1);  // (M): false where ignored
  Tensor wyt = weight.defined() ? where(onehot, weight.to(x.dtype()), 0.0).sum({1}) : kept.to(x.dtype());
  if (!plain) loss = loss * wyt;
  if (smoothing > 0) {
    // the uniform part of the smoothed target: -s/C sum_c w[c] log p_c, zero where ignored
    Tensor smooth = weight.defined() ? -(logp * weight.to(x.dtype())).sum({1}) : -logp.sum({1});
    if (!plain) smooth = smooth * kept;
    loss = (1.0 - smoothing) * loss + (smoothing / double(c)) * smooth;
  }
  switch (reduction) {
    case Reduction::none:
      return loss.reshape(want);
    case Reduction::sum:
      return loss.sum();
    default:
      return plain ? loss.mean() : loss.sum() / wyt.sum();
  }
}

}  // namespace

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

Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, SmoothL1Options opts) {
  check_same_shape(input, target, "smooth_l1_loss");
  check(opts.beta >= 0, "smooth_l1_loss: beta must be non-negative, got ", opts.beta);
  Tensor d = input - target, a = abs(d);
  if (opts.beta == 0) return reduce(a, opts.reduction);
  // huber_loss / beta: the two pieces meet at |d| = beta with slope 1
  return reduce(where(a < opts.beta, (0.5 / opts.beta) * d * d, a - 0.5 * opts.beta), opts.reduction);
}

Tensor nll_loss(const Tensor& input, const Tensor& target, NLLLossOptions opts) {
  return class_loss("nll_loss", input, target, false, 0.0, opts.weight, opts.ignore_index, opts.reduction);
}

Tensor cross_entropy(const Tensor& input, const Tensor& target, CrossEntropyOptions opts) {
  return class_loss("cross_entropy", input, target, true, opts.label_smoothing, opts.weight, opts.ignore_index,
                    opts.reduction);
}

Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, BCEOptions opts) {
  check_same_shape(input, target, "binary_cross_entropy");
  Tensor outside = any((input < 0.0) + (input > 1.0));
  check(outside.item() == 0,
        "binary_cross_entropy: all elements of input must be probabilities in [0, 1]; "
        "for logits use binary_cross_entropy_with_logits");
  // PyTorch clamps each log at -100 so that x = 0 or 1 gives a finite loss. log(max(x, e^-100))
  // is the same value, and its gradient is 0 rather than NaN (0 * 1/0) where a log saturates;
  // PyTorch's hand-written backward gives (x - y) / 1e-12 there instead.
  const double min_prob = std::exp(-100.0);
  Tensor loss = -(target * log(clamp_min(input, min_prob)) + (1.0 - target) * log(clamp_min(1.0 - input, min_prob)));
  if (opts.weight.defined()) loss = loss * opts.weight;
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

Tensor kl_div(const Tensor& input, const Tensor& target, KLDivOptions opts) {
  check_same_shape(input, target, "kl_div");
  Tensor loss;
  if (opts.log_target) {
    loss = exp(target) * (target - input);
  } else {
    // t (log t - input) with 0 log 0 = 0: log of 1 where t = 0 keeps the log (and its gradient) finite
    loss = target * (log(where(target > 0.0, target, 1.0)) - input);
  }
  if (opts.batchmean && opts.reduction == Reduction::mean)
    return loss.sum() / double(input.dim() > 0 ? input.size(0) : 1);
  return reduce(loss, opts.reduction);
}

Tensor margin_ranking_loss(const Tensor& x1, const Tensor& x2, const Tensor& y, MarginOptions opts) {
  check(x1.shape() == x2.shape() && x1.shape() == y.shape(), "margin_ranking_loss: x1 ", x1.shape(), ", x2 ",
        x2.shape(), " and y ", y.shape(), " must have the same shape");
  return reduce(fluxion::relu(-y * (x1 - x2) + opts.margin), opts.reduction);
}

Tensor cosine_embedding_loss(const Tensor& x1, const Tensor& x2, const Tensor& y, MarginOptions opts) {
  check(x1.shape() == x2.shape() && (x1.dim() == 1 || x1.dim() == 2), "cosine_embedding_loss: x1 ",
        x1.shape(), " and x2 ", x2.shape(), " must both be (N, D) or (D)");
  Shape want(x1.shape().begin(), x1.shape().end() - 1);
  check(y.shape() == want, "cosine_embedding_loss: y must have shape ", want, ", got ",
        y.shape());
  const double eps = 1e-12;  // PyTorch's, added to each squared magnitude
  Tensor dot = (x1 * x2).sum({-1});
  Tensor cos = dot / sqrt(((x1 * x1).sum({-1}) + eps) * ((x2 * x2).sum({-1}) + eps));
  Tensor yf = y.to(cos.dtype());
  Tensor loss = where(eq(yf, 1.0), 1.0 - cos, 0.0) + where(eq(yf, -1.0), fluxion::relu(cos - opts.margin), 0.0);
  return reduce(loss, opts.reduction);
}

}  // namespace fluxion::nn::functional
