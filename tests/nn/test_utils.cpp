// SPDX-License-Identifier: MIT
// nn::utils: gradient clipping by norm (2, 1, inf) and by value against the
// definitions, the flat parameter vector both ways, and summary's table.
#include <gtest/gtest.h>

#include <cmath>

#include "fluxion.h"

namespace fx = fluxion;
namespace nn = fluxion::nn;
namespace utils = fluxion::nn::utils;

namespace {

// Two parameters with gradients (3, -4) and (12), and one without a gradient.
std::vector<fx::Tensor> with_grads() {
  fx::Tensor a = fx::zeros({2}, fx::Float64).requires_grad_(), b = fx::zeros({1}, fx::Float64).requires_grad_();
  fx::Tensor c = fx::zeros({3}, fx::Float64).requires_grad_();
  ((a * fx::tensor({3.0, -4.0}, fx::Float64)).sum() + b.sum() * 12.0).backward();
  return {a, b, c};
}

}  // namespace

TEST(Utils, ClipGradNormEveryNorm) {
  auto ps = with_grads();
  EXPECT_DOUBLE_EQ(utils::clip_grad_norm_(ps, 6.5), 13.0);  // sqrt(9 + 16 + 144)
  EXPECT_NEAR(ps[0].grad().at({0}), 1.5, 1e-5);             // scaled by 6.5 / 13 (PyTorch adds 1e-6 to the norm)
  EXPECT_NEAR(ps[1].grad().at({0}), 6.0, 1e-5);
  EXPECT_FALSE(ps[2].grad().defined());
  ps = with_grads();
  EXPECT_DOUBLE_EQ(utils::clip_grad_norm_(ps, 100.0, 1), 19.0);  // below max_norm: unchanged
  EXPECT_EQ(ps[1].grad().at({0}), 12.0);
  ps = with_grads();
  EXPECT_DOUBLE_EQ(utils::clip_grad_norm_(ps, 6.0, INFINITY), 12.0);
  EXPECT_NEAR(ps[1].grad().at({0}), 6.0, 1e-5);
  ps = with_grads();
  ps[0].grad().fill_(NAN);
  EXPECT_THROW(utils::clip_grad_norm_(ps, 1.0, 2, true), fx::Error);
}

TEST(Utils, ClipGradValue) {
  auto ps = with_grads();
  utils::clip_grad_value_(ps, 3.5);
  EXPECT_EQ(ps[0].grad().to_vector<double>(), (std::vector<double>{3.0, -3.5}));
  EXPECT_EQ(ps[1].grad().at({0}), 3.5);
  EXPECT_THROW(utils::clip_grad_value_(ps, -1), fx::Error);
}

TEST(Utils, ParametersToVectorAndBack) {
  nn::Linear lin(3, 2, {.dtype = fx::Float64});
  fx::Tensor v = utils::parameters_to_vector(lin.parameters());
  ASSERT_EQ(v.numel(), 8);
  EXPECT_EQ(v.narrow(0, 0, 6).to_vector<double>(), lin.weight.flatten().to_vector<double>());
  utils::vector_to_parameters(fx::arange(8.0, fx::Float64), lin.parameters());
  EXPECT_EQ(lin.bias.to_vector<double>(), (std::vector<double>{6, 7}));
  EXPECT_EQ(lin.weight.at({1, 0}), 3.0);
  EXPECT_THROW(utils::vector_to_parameters(fx::zeros({7}, fx::Float64), lin.parameters()), fx::Error);
}

TEST(Utils, SummaryListsLayersShapesAndCounts) {
  nn::Sequential net(nn::Conv2d(1, 4, 3), nn::ReLU(), nn::MaxPool2d(2), nn::Flatten(), nn::Linear(4 * 3 * 3, 10));
  net.ptr<nn::Linear>(4)->bias.requires_grad_(false);
  const std::string s = utils::summary(net, fx::zeros({2, 1, 8, 8}));
  EXPECT_NE(s.find("0 (Conv2d)"), std::string::npos) << s;
  EXPECT_NE(s.find("[2, 4, 6, 6]"), std::string::npos) << s;  // after the convolution
  EXPECT_NE(s.find("2 (MaxPool2d)"), std::string::npos) << s;
  EXPECT_NE(s.find("[2, 36]"), std::string::npos) << s;            // after Flatten
  EXPECT_NE(s.find("370"), std::string::npos) << s;                // the Linear: 36 * 10 + 10
  EXPECT_NE(s.find("Total params: 410"), std::string::npos) << s;  // + 4 * 9 + 4
  EXPECT_NE(s.find("Trainable params: 400"), std::string::npos) << s;
  const std::string tree = utils::summary(net);
  EXPECT_NE(tree.find("(root) (Sequential)"), std::string::npos) << tree;
  EXPECT_NE(tree.find("4 (Linear)"), std::string::npos) << tree;
}
