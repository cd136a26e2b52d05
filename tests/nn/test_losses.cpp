// SPDX-License-Identifier: MIT
// The losses against PyTorch's values (printed by tests/nn/torch_reference.py,
// pasted below), every reduction, gradchecks and errors.
#include <gtest/gtest.h>

#include <cmath>

#include "autograd/gradcheck.h"
#include "fluxion.h"

namespace fx = fluxion;
namespace nn = fluxion::nn;
namespace F = fluxion::nn::functional;

namespace {

fx::Tensor labels(std::vector<int64_t> v, fx::Shape s) { return fx::tensor(v, s); }
fx::Tensor logits() {
  return fx::tensor({{1.0, 2.0, 0.5}, {0.1, -1.0, 2.0}, {0.3, 0.2, 0.1}, {2.0, 1.0, -1.0}}, fx::Float64);
}
fx::Tensor targets() { return labels({0, 2, 1, -100}, {4}); }
fx::Tensor class_weight() { return fx::tensor({0.2, 1.0, 3.0}, fx::Float64); }

void expect_vec(const fx::Tensor& t, const std::vector<double>& want) {
  std::vector<double> got = t.to_vector<double>();
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-12) << i;
}

}  // namespace

TEST(Losses, CrossEntropyWeightsIgnoreIndexSmoothingMatchTorch) {
  F::CrossEntropyOptions o{.weight = class_weight(), .label_smoothing = 0.2};
  EXPECT_NEAR(F::cross_entropy(logits(), targets(), o).item(), 0.6187943561445802, 1e-12);
  o.reduction = F::Reduction::sum;
  EXPECT_NEAR(F::cross_entropy(logits(), targets(), o).item(), 2.598936295807237, 1e-12);
  o.reduction = F::Reduction::none;
  expect_vec(F::cross_entropy(logits(), targets(), o), {0.6776555983408291, 0.7125157547121572, 1.2087649427542506, 0});
  nn::CrossEntropyLoss unweighted({.label_smoothing = 0.2});
  EXPECT_NEAR(unweighted.forward(logits(), targets()).item(), 1.0138098170865455, 1e-12);
  EXPECT_NEAR(F::cross_entropy(logits(), targets(), {.reduction = F::Reduction::sum, .label_smoothing = 0.2}).item(),
              3.0414294512596363, 1e-12);
  // (N, C, d) inputs
  std::vector<double> v;
  for (int i = 0; i < 12; ++i) v.push_back(std::sin(0.7 * i + 0.3));
  fx::Tensor x3 = fx::tensor(v, {2, 3, 2}, fx::Float64);
  expect_vec(F::cross_entropy(x3, labels({0, 2, 1, 1}, {2, 2}), {.reduction = F::Reduction::none}),
             {1.3301848924305757, 2.186095898764174, 1.5991126765407975, 1.18548649639319});
  fx::Tensor x = logits().requires_grad_();
  EXPECT_TRUE(fx::autograd::gradcheck(
      [&](const std::vector<fx::Tensor>& xs) {
        return F::cross_entropy(xs[0], targets(), {.weight = class_weight(), .label_smoothing = 0.2});
      },
      {x}));
  EXPECT_TRUE(fx::autograd::gradgradcheck(
      [&](const std::vector<fx::Tensor>& xs) { return F::cross_entropy(xs[0], targets()); }, {x}));
}

TEST(Losses, NLLLossMatchesTorch) {
  nn::NLLLoss mean({.weight = class_weight()});
  EXPECT_NEAR(mean.forward(logits(), targets()).item(), -1.5238095238095237, 1e-12);
  EXPECT_NEAR(F::nll_loss(logits(), targets(), {.weight = class_weight(), .reduction = F::Reduction::sum}).item(), -6.4,
              1e-12);
  expect_vec(F::nll_loss(logits(), targets(), {.weight = class_weight(), .reduction = F::Reduction::none}),
             {-0.2, -6.0, -0.2, 0.0});
  EXPECT_THROW((void)F::nll_loss(logits(), labels({0, 1, 2, 3}, {4})), fx::Error);  // class 3 of 3
  EXPECT_THROW((void)F::nll_loss(logits(), targets(), {.weight = fx::ones({2}, fx::Float64)}), fx::Error);
}

TEST(Losses, BinaryKLSmoothL1MarginCosineMatchTorch) {
  fx::Tensor p = fx::tensor({0.2, 0.9, 0.5, 0.01}, fx::Float64), t = fx::tensor({0.0, 1.0, 0.3, 1.0}, fx::Float64);
  EXPECT_NEAR(nn::BCELoss().forward(p, t).item(), 1.406705358380018, 1e-12);
  EXPECT_NEAR(F::binary_cross_entropy(p, t, {.weight = t + 1.0, .reduction = F::Reduction::sum}).item(),
              10.545296289333972, 1e-12);
  EXPECT_THROW((void)F::binary_cross_entropy(p * 2.0, t), fx::Error);  // not probabilities
  EXPECT_TRUE(std::isfinite(F::binary_cross_entropy(fx::tensor({0.0, 1.0}), fx::tensor({1.0, 0.0})).item()));
  // probabilities of exactly 0 and 1: the loss is PyTorch's (each log clamped at -100), the gradient finite
  fx::Tensor edge = fx::tensor({0.0, 1.0, 0.0, 1.0}, fx::Float64).requires_grad_();
  fx::Tensor bce =
      F::binary_cross_entropy(edge, fx::tensor({1.0, 0.0, 0.0, 1.0}, fx::Float64), {.reduction = F::Reduction::sum});
  EXPECT_NEAR(bce.item(), 200.0, 1e-9);
  bce.backward();
  for (double g : edge.grad().to_vector<double>()) EXPECT_TRUE(std::isfinite(g)) << g;

  fx::Tensor lp = F::log_softmax(logits(), 1);
  fx::Tensor q = F::softmax(logits().flip({0}), 1);
  q.data<double>()[1] = 0;  // a zero target probability contributes 0
  EXPECT_NEAR(nn::KLDivLoss({.batchmean = true}).forward(lp, q).item(), 0.6602047961834647, 1e-12);
  EXPECT_NEAR(F::kl_div(lp, q).item(), 0.22006826539448823, 1e-12);
  EXPECT_NEAR(F::kl_div(lp, lp.flip({0}), {.reduction = F::Reduction::sum, .log_target = true}).item(),
              2.411257345293359, 1e-12);

  fx::Tensor a = fx::tensor({0.3, -1.0, 2.0, 0.0}, fx::Float64), b = fx::tensor({0.5, 0.5, 1.0, 3.0}, fx::Float64);
  EXPECT_NEAR(nn::SmoothL1Loss().forward(a, b).item(), 1.005, 1e-12);
  EXPECT_NEAR(F::smooth_l1_loss(a, b, {.reduction = F::Reduction::sum, .beta = 0.5}).item(), 4.79, 1e-12);
  EXPECT_NEAR(F::smooth_l1_loss(a, b, {.beta = 0}).item(), F::l1_loss(a, b).item(), 1e-15);

  fx::Tensor s = fx::tensor({1.0, -1.0, 1.0, -1.0}, fx::Float64);
  EXPECT_NEAR(nn::MarginRankingLoss({.margin = 0.5}).forward(a, b, s).item(), 0.175, 1e-12);
  expect_vec(nn::CosineEmbeddingLoss({.margin = 0.1, .reduction = F::Reduction::none})
                 .forward(logits(), logits().flip({1}), s),
             {0.04761904761922908, 0.17944111776441526, 0.28571428571938784, 0.0});
  fx::Tensor x1 = logits().requires_grad_();
  EXPECT_TRUE(fx::autograd::gradcheck(
      [&](const std::vector<fx::Tensor>& xs) {
        return F::cosine_embedding_loss(xs[0], logits().flip({1}), s, {.margin = 0.1}) +
               F::kl_div(F::log_softmax(xs[0], 1), q, {.batchmean = true}) + F::smooth_l1_loss(xs[0], logits() * 0.5);
      },
      {x1}));
}
