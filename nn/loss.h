// SPDX-License-Identifier: MIT
// Loss modules: torch.nn's loss classes, each holding its options and calling
// the function of the same name in nn::functional (nn/functional.h).
//
//   fx::nn::CrossEntropyLoss criterion({.label_smoothing = 0.1});
//   fx::Tensor loss = criterion(logits, labels);   // (N, C), (N) -> ()
#pragma once
#include "nn/functional.h"
#include "nn/module.h"

namespace fluxion::nn {

/// A module around a two-argument loss function with options O.
template <class O, Tensor (*F)(const Tensor&, const Tensor&, O)>
class Loss2 : public Cloneable<Loss2<O, F>> {
 public:
  explicit Loss2(O opts = {}) : opts(std::move(opts)) {}
  Tensor forward(const Tensor& input, const Tensor& target) const { return F(input, target, opts); }
  Tensor operator()(const Tensor& input, const Tensor& target) const { return forward(input, target); }
  O opts;
};

/// A module around a three-argument loss (x1, x2, y).
template <class O, Tensor (*F)(const Tensor&, const Tensor&, const Tensor&, O)>
class Loss3 : public Cloneable<Loss3<O, F>> {
 public:
  explicit Loss3(O opts = {}) : opts(std::move(opts)) {}
  Tensor forward(const Tensor& x1, const Tensor& x2, const Tensor& y) const { return F(x1, x2, y, opts); }
  Tensor operator()(const Tensor& x1, const Tensor& x2, const Tensor& y) const { return forward(x1, x2, y); }
  O opts;
};

using MSELoss = Loss2<functional::LossOptions, functional::mse_loss>;
using L1Loss = Loss2<functional::LossOptions, functional::l1_loss>;
using HuberLoss = Loss2<functional::HuberOptions, functional::huber_loss>;
using SmoothL1Loss = Loss2<functional::SmoothL1Options, functional::smooth_l1_loss>;
using CrossEntropyLoss = Loss2<functional::CrossEntropyOptions, functional::cross_entropy>;
using NLLLoss = Loss2<functional::NLLLossOptions, functional::nll_loss>;
using BCELoss = Loss2<functional::BCEOptions, functional::binary_cross_entropy>;
using BCEWithLogitsLoss = Loss2<functional::BCEWithLogitsOptions, functional::binary_cross_entropy_with_logits>;
using KLDivLoss = Loss2<functional::KLDivOptions, functional::kl_div>;
using MarginRankingLoss = Loss3<functional::MarginOptions, functional::margin_ranking_loss>;
using CosineEmbeddingLoss = Loss3<functional::MarginOptions, functional::cosine_embedding_loss>;

}  // namespace fluxion::nn
