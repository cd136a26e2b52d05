// SPDX-License-Identifier: MIT
// nn::functional — activations and losses as plain functions of tensors
// (torch.nn.functional). Every one is a composite of differentiable ops:
// no derivative code lives here, gradients (of any order) come from the ops.
//
//   namespace F = fx::nn::functional;
//   fx::Tensor loss = F::cross_entropy(logits, labels, {.label_smoothing = 0.1});
#pragma once
#include <optional>

#include "autograd/tensor.h"

namespace fluxion::nn::functional {

// ---- activations --------------------------------------------------------------
[[nodiscard]] Tensor relu(const Tensor& x);
/// x if x > 0 else negative_slope * x
[[nodiscard]] Tensor leaky_relu(const Tensor& x, double negative_slope = 0.01);
[[nodiscard]] Tensor tanh(const Tensor& x);
[[nodiscard]] Tensor sigmoid(const Tensor& x);
enum class GeluApproximate { none, tanh };
/// x Phi(x) with Phi the normal CDF; `tanh` uses the tanh approximation.
[[nodiscard]] Tensor gelu(const Tensor& x, GeluApproximate approximate = GeluApproximate::none);
/// x sigmoid(x) (also called swish)
[[nodiscard]] Tensor silu(const Tensor& x);
/// log(1 + exp(beta x)) / beta, linear above `threshold`
[[nodiscard]] Tensor softplus(const Tensor& x, double beta = 1, double threshold = 20);
/// exp(x - logsumexp(x, dim)): never overflows
[[nodiscard]] Tensor softmax(const Tensor& x, int64_t dim);
/// x - logsumexp(x, dim)
[[nodiscard]] Tensor log_softmax(const Tensor& x, int64_t dim);
/// In training, zeroes each element with probability p and scales the rest by
/// 1 / (1 - p), so the expectation is unchanged; x itself when not training.
[[nodiscard]] Tensor dropout(const Tensor& x, double p = 0.5, bool training = true);

/// Int64 (*, num_classes): 1 at each label's position, 0 elsewhere; x: Int64 labels in
/// [0, num_classes). num_classes = -1 takes max(x) + 1, as PyTorch does.
[[nodiscard]] Tensor one_hot(const Tensor& x, int64_t num_classes = -1);

// ---- losses (loss.cpp) ----------------------------------------------------------
// Every loss takes a reduction: none (per element or sample), mean or sum.
enum class Reduction { none, mean, sum };

struct LossOptions {
  Reduction reduction = Reduction::mean;
};
/// mean((input - target)^2)
[[nodiscard]] Tensor mse_loss(const Tensor& input, const Tensor& target, LossOptions opts = {});
/// mean(|input - target|)
[[nodiscard]] Tensor l1_loss(const Tensor& input, const Tensor& target, LossOptions opts = {});

struct HuberOptions {
  Reduction reduction = Reduction::mean;
  double delta = 1.0;
};
/// 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta); d = input - target
[[nodiscard]] Tensor huber_loss(const Tensor& input, const Tensor& target, HuberOptions opts = {});

struct SmoothL1Options {
  Reduction reduction = Reduction::mean;
  double beta = 1.0;
};
/// 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (l1_loss when beta = 0)
[[nodiscard]] Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, SmoothL1Options opts = {});

// Loss options: fields in the order of the torch.nn.functional signature.
struct CrossEntropyOptions {
  Tensor weight = {};            // (C) class weights, or undefined
  int64_t ignore_index = -100;   // samples with this target add nothing (and do not count in the mean)
  Reduction reduction = Reduction::mean;
  double label_smoothing = 0.0;  // in [0, 1]: target = (1 - s) one_hot + s / C
};
/// input: (N, C), (C) or (N, C, d1, ...) logits; target: (N), () or (N, d1, ...) Int64 class indices.
/// Per sample: -w[y] ((1 - s) log_softmax(input)[y]) - s/C sum_c w[c] log_softmax(input)_c;
/// mean divides the sum by sum of w[y] over the samples not ignored (as PyTorch).
[[nodiscard]] Tensor cross_entropy(const Tensor& input, const Tensor& target, CrossEntropyOptions opts = {});

struct NLLLossOptions {
  Tensor weight = {};
  int64_t ignore_index = -100;
  Reduction reduction = Reduction::mean;
};
/// input: log-probabilities shaped as cross_entropy's. -w[y] input[y]; mean divides by sum of w[y].
[[nodiscard]] Tensor nll_loss(const Tensor& input, const Tensor& target, NLLLossOptions opts = {});

struct BCEOptions {
  Tensor weight = {};  // broadcast against the input, or undefined
  Reduction reduction = Reduction::mean;
};
/// input: probabilities in [0, 1]. -w [y log x + (1 - y) log(1 - x)], each log clamped to >= -100 as PyTorch.
[[nodiscard]] Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, BCEOptions opts = {});

struct BCEWithLogitsOptions {
  Reduction reduction = Reduction::mean;
  std::optional<Tensor> pos_weight;  // weight of positive examples, broadcast over the last dim
};
/// -[y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))], computed without overflow
[[nodiscard]] Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                                      BCEWithLogitsOptions opts = {});

struct KLDivOptions {
  Reduction reduction = Reduction::mean;
  bool batchmean = false;   // with reduction mean: divide the sum by the batch size (the true KL divergence)
  bool log_target = false;  // target given as log-probabilities
};
/// input: log-probabilities. target (log t - input) pointwise, 0 where t = 0.
[[nodiscard]] Tensor kl_div(const Tensor& input, const Tensor& target, KLDivOptions opts = {});

struct MarginOptions {
  double margin = 0.0;
  Reduction reduction = Reduction::mean;
};
/// max(0, -y (x1 - x2) + margin), y = 1 or -1
[[nodiscard]] Tensor margin_ranking_loss(const Tensor& x1, const Tensor& x2, const Tensor& y, MarginOptions opts = {});
/// x1, x2: (N, D) or (D); y: (N) or (). 1 - cos(x1, x2) where y = 1, max(0, cos(x1, x2) - margin) where y = -1
[[nodiscard]] Tensor cosine_embedding_loss(const Tensor& x1, const Tensor& x2, const Tensor& y,
                                           MarginOptions opts = {});

}  // namespace fluxion::nn::functional
