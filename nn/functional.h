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

// ---- losses -------------------------------------------------------------------
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

struct CrossEntropyOptions {
  Reduction reduction = Reduction::mean;
  double label_smoothing = 0.0;  // in [0, 1]: target = (1 - s) one_hot + s / C
};
/// input: (N, C) logits or (C); target: (N) or () Int64 class indices.
/// -(1 - s) log_softmax(input)[target] - s/C sum_c log_softmax(input)_c
[[nodiscard]] Tensor cross_entropy(const Tensor& input, const Tensor& target, CrossEntropyOptions opts = {});
/// input: (N, C) or (C) log-probabilities; target: Int64 class indices. -input[target]
[[nodiscard]] Tensor nll_loss(const Tensor& input, const Tensor& target, LossOptions opts = {});

struct BCEWithLogitsOptions {
  Reduction reduction = Reduction::mean;
  std::optional<Tensor> pos_weight;  // weight of positive examples, broadcast over the last dim
};
/// -[y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))], computed without overflow
[[nodiscard]] Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                                      BCEWithLogitsOptions opts = {});

}  // namespace fluxion::nn::functional
