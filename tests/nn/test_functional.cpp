// SPDX-License-Identifier: MIT
// nn::functional: activations and losses against values computed by hand,
// their stability at extreme inputs, reductions, gradients and errors.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "autograd/gradcheck.h"
#include "fluxion.h"

namespace fx = fluxion;
namespace F = fluxion::nn::functional;

namespace {

fx::Tensor labels(std::vector<int64_t> v) {
  int64_t n = (int64_t)v.size();
  return fx::tensor(v, {n});
}

bool gradcheck(const std::function<fx::Tensor(const fx::Tensor&)>& f, fx::Tensor x) {
  x.requires_grad_();
  return fx::autograd::gradcheck([&](const std::vector<fx::Tensor>& xs) { return f(xs[0]); }, {x});
}

}  // namespace

TEST(Functional, Activations) {
  fx::Tensor x = fx::tensor({-2.0, 0.5}, fx::Float64);
  EXPECT_DOUBLE_EQ(F::leaky_relu(x, 0.1).at({0}), -0.2);
  EXPECT_DOUBLE_EQ(F::relu(x).at({0}), 0.0);
  EXPECT_NEAR(F::silu(x).at({1}), 0.5 / (1 + std::exp(-0.5)), 1e-15);
  EXPECT_NEAR(F::gelu(x).at({1}), 0.5 * 0.5 * (1 + std::erf(0.5 / std::sqrt(2.0))), 1e-15);
  EXPECT_NEAR(F::gelu(x, F::GeluApproximate::tanh).at({0}),
              0.5 * -2.0 * (1 + std::tanh(std::sqrt(2 / std::numbers::pi) * (-2.0 + 0.044715 * -8.0))), 1e-15);
  EXPECT_NEAR(F::softplus(x).at({1}), std::log1p(std::exp(0.5)), 1e-15);
}

TEST(Functional, SoftmaxIsStableAndNormalised) {
  fx::Tensor x = fx::tensor({{1000.0, 1001.0, 1002.0}, {-1000.0, 0.0, 1000.0}}, fx::Float64);
  fx::Tensor p = F::softmax(x, 1);
  double e1 = std::exp(-1.0), e2 = std::exp(-2.0), z = 1 + e1 + e2;
  EXPECT_NEAR(p.at({0, 2}), 1 / z, 1e-15);
  EXPECT_NEAR(p.at({0, 0}), e2 / z, 1e-15);
  EXPECT_NEAR(p.at({1, 2}), 1.0, 1e-15);
  fx::Tensor lp = F::log_softmax(x, 1);
  EXPECT_NEAR(lp.at({0, 0}), -2 - std::log(z), 1e-12);
  EXPECT_NEAR(lp.at({1, 0}), -2000.0, 1e-9);  // finite, where log(softmax) would be -inf
  auto sums = p.sum({1}).to_vector<double>();
  for (double s : sums) EXPECT_NEAR(s, 1.0, 1e-15);
  EXPECT_TRUE(gradcheck([](const fx::Tensor& t) { return F::softmax(t, 0); }, fx::randn({3, 2}, fx::Float64)));
}

TEST(Functional, RegressionLosses) {
  fx::Tensor a = fx::tensor({1.0, 2.0, -1.0, 4.0}, fx::Float64), b = fx::tensor({0.0, 2.5, 1.0, 0.5}, fx::Float64);
  // differences 1, -0.5, -2, 3.5
  EXPECT_DOUBLE_EQ(F::mse_loss(a, b).item(), (1 + 0.25 + 4 + 12.25) / 4);
  EXPECT_DOUBLE_EQ(F::mse_loss(a, b, {.reduction = F::Reduction::sum}).item(), 17.5);
  EXPECT_EQ(F::mse_loss(a, b, {.reduction = F::Reduction::none}).shape(), (fx::Shape{4}));
  EXPECT_DOUBLE_EQ(F::l1_loss(a, b).item(), (1 + 0.5 + 2 + 3.5) / 4);
  // huber, delta 1: 0.5 (|d| < 1 ? ... ) -> d=1: 1 * (1 - 0.5) = 0.5; d=-0.5: 0.125; d=-2: 1.5; d=3.5: 3
  EXPECT_DOUBLE_EQ(F::huber_loss(a, b).item(), (0.5 + 0.125 + 1.5 + 3.0) / 4);
  // delta 2: d=1: 0.5, -0.5: 0.125, -2: 2 * (2 - 1) = 2, 3.5: 2 * (3.5 - 1) = 5
  EXPECT_DOUBLE_EQ(F::huber_loss(a, b, {.reduction = F::Reduction::sum, .delta = 2}).item(), 7.625);
  EXPECT_THROW(F::mse_loss(a, fx::ones({3}, fx::Float64)), fx::Error);
  EXPECT_THROW(F::huber_loss(a, b, {.delta = 0}), fx::Error);
  EXPECT_TRUE(gradcheck([&](const fx::Tensor& t) { return F::huber_loss(t, b); }, a + 0.1));
  EXPECT_TRUE(gradcheck([&](const fx::Tensor& t) { return F::mse_loss(t, b); }, a));
}

TEST(Functional, CrossEntropyMatchesHandComputation) {
  fx::Tensor logits = fx::tensor({{2.0, 1.0, 0.1}, {0.5, 2.5, -1.0}}, fx::Float64);
  fx::Tensor y = labels({0, 2});
  auto lse = [](double a, double b, double c) { return std::log(std::exp(a) + std::exp(b) + std::exp(c)); };
  double l0 = lse(2.0, 1.0, 0.1) - 2.0, l1 = lse(0.5, 2.5, -1.0) + 1.0;
  EXPECT_NEAR(F::cross_entropy(logits, y).item(), (l0 + l1) / 2, 1e-14);
  EXPECT_NEAR(F::cross_entropy(logits, y, {.reduction = F::Reduction::sum}).item(), l0 + l1, 1e-14);
  // label smoothing 0.3: (1 - 0.3) nll + 0.3 mean_c(-log p_c)
  double u0 = lse(2.0, 1.0, 0.1) - (2.0 + 1.0 + 0.1) / 3, u1 = lse(0.5, 2.5, -1.0) - (0.5 + 2.5 - 1.0) / 3;
  EXPECT_NEAR(F::cross_entropy(logits, y, {.label_smoothing = 0.3}).item(),
              (0.7 * l0 + 0.3 * u0 + 0.7 * l1 + 0.3 * u1) / 2, 1e-14);
  // a single sample (C) with a 0-d target
  EXPECT_NEAR(F::cross_entropy(logits[0], fx::tensor(std::vector<int64_t>{0}, {})).item(), l0, 1e-14);
  // nll_loss of log_softmax is cross_entropy
  EXPECT_NEAR(F::nll_loss(F::log_softmax(logits, 1), y).item(), (l0 + l1) / 2, 1e-14);
  // huge logits stay finite
  fx::Tensor big = fx::tensor({{1e4, 0.0}}, fx::Float64);
  EXPECT_NEAR(F::cross_entropy(big, labels({1})).item(), 1e4, 1e-9);
  EXPECT_TRUE(gradcheck([&](const fx::Tensor& t) { return F::cross_entropy(t, y, {.label_smoothing = 0.1}); }, logits));
}

TEST(Functional, CrossEntropyErrors) {
  fx::Tensor logits = fx::zeros({2, 3}, fx::Float64);
  EXPECT_THROW(F::cross_entropy(logits, labels({0, 3})), fx::Error);  // class out of range
  EXPECT_THROW(F::cross_entropy(logits, labels({0, -1})), fx::Error);
  EXPECT_THROW(F::cross_entropy(logits, labels({0})), fx::Error);     // wrong batch
  EXPECT_THROW(F::cross_entropy(logits, fx::zeros({2})), fx::Error);  // float labels
  EXPECT_THROW(F::cross_entropy(logits, labels({0, 1}), {.label_smoothing = 1.5}), fx::Error);
  EXPECT_THROW(F::cross_entropy(fx::zeros({2, 3, 4}), labels({0, 1})), fx::Error);
}

TEST(Functional, BinaryCrossEntropyWithLogits) {
  fx::Tensor x = fx::tensor({0.3, -1.5, 2.0}, fx::Float64), y = fx::tensor({1.0, 0.0, 0.25}, fx::Float64);
  auto s = [](double v) { return 1 / (1 + std::exp(-v)); };
  auto bce = [&](double v, double t) { return -(t * std::log(s(v)) + (1 - t) * std::log(1 - s(v))); };
  double want = (bce(0.3, 1.0) + bce(-1.5, 0.0) + bce(2.0, 0.25)) / 3;
  EXPECT_NEAR(F::binary_cross_entropy_with_logits(x, y).item(), want, 1e-14);
  // pos_weight w multiplies the positive term: -(w t log s + (1 - t) log(1 - s))
  fx::Tensor w = fx::tensor({2.0, 2.0, 2.0}, fx::Float64);
  auto wbce = [&](double v, double t) { return -(2 * t * std::log(s(v)) + (1 - t) * std::log(1 - s(v))); };
  EXPECT_NEAR(F::binary_cross_entropy_with_logits(x, y, {.reduction = F::Reduction::sum, .pos_weight = w}).item(),
              wbce(0.3, 1.0) + wbce(-1.5, 0.0) + wbce(2.0, 0.25), 1e-14);
  // logits of +-1000 do not overflow: loss = |x| where the label disagrees
  fx::Tensor ext = fx::tensor({1000.0, -1000.0}, fx::Float64), lab = fx::tensor({0.0, 1.0}, fx::Float64);
  EXPECT_NEAR(F::binary_cross_entropy_with_logits(ext, lab, {.reduction = F::Reduction::sum}).item(), 2000.0, 1e-9);
  EXPECT_TRUE(gradcheck([&](const fx::Tensor& t) { return F::binary_cross_entropy_with_logits(t, y); }, x));
}
