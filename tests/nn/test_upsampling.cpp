// SPDX-License-Identifier: MIT
// ConvTranspose2d, interpolate / Upsample and pixel_shuffle against PyTorch
// (tests/nn/torch_reference_upsampling.py, same inputs and parameters): values
// and the input gradient of sum(u * y); the transposed convolution as the
// adjoint of conv2d; derivative checks in Float64; and the errors.
#include <gtest/gtest.h>

#include <cmath>

#include "autograd/gradcheck.h"
#include "fluxion.h"
#include "nn/reference.h"
#include "nn/torch_reference_upsampling.h"

namespace fx = fluxion;
namespace nn = fluxion::nn;
namespace F = fluxion::nn::functional;

using namespace nn_ref;

TEST(Upsampling, ConvTranspose2dMatchesTorch) {
  nn::ConvTranspose2d ct(4, 6, {3, 2},
                         {.stride = {2, 3},
                          .padding = {1, 0},
                          .output_padding = {1, 2},
                          .groups = 2,
                          .dilation = {1, 2},
                          .dtype = fx::Float64});
  EXPECT_EQ(ct.weight.shape(), (fx::Shape{4, 3, 3, 2}));
  set_params(ct);
  expect_like_torch([&](const fx::Tensor& x) { return ct.forward(x); }, {2, 4, 3, 3}, torch_up::ct_y, torch_up::ct_dx,
                    "conv_transpose2d");
  ct.zero_grad();
  fx::Tensor y = ct.forward(seq({2, 4, 3, 3}, 0.7, 0.3));
  (seq(y.shape(), 0.3, 0, true) * y).sum().backward();
  expect_values(ct.weight.grad(), torch_up::ct_dw, "conv_transpose2d dw");
}

TEST(Upsampling, ConvTransposeIsTheAdjointOfConv) {
  // <conv2d(x, w), g> = <x, conv_transpose2d(g, w)> for the same stride, padding and dilation
  const fx::Tensor x = seq({2, 3, 7, 6}, 0.7, 0.3), w = seq({5, 3, 3, 2}, 0.4, 0.1);
  const fx::Tensor y = F::conv2d(x, w, {}, {.stride = 2, .padding = 1, .dilation = {1, 2}});
  const fx::Tensor g = seq(y.shape(), 0.3, 0.2);
  const fx::Tensor back =
      F::conv_transpose2d(g, w, {}, {.stride = 2, .padding = 1, .output_padding = {0, 1}, .dilation = {1, 2}});
  ASSERT_EQ(back.shape(), x.shape());
  EXPECT_NEAR((y * g).sum().item(), (x * back).sum().item(), 1e-10);
}

TEST(Upsampling, InterpolateMatchesTorch) {
  expect_like_torch(
      [](const fx::Tensor& x) {
        return F::interpolate(x, {.size = {5, 7}});
      },
      {1, 2, 3, 4}, torch_up::nearest_y, torch_up::nearest_dx, "nearest size");
  expect_like_torch([](const fx::Tensor& x) { return F::interpolate(x, {.scale_factor = 2.5}); }, {1, 1, 3, 2},
                    torch_up::nearest_sf_y, torch_up::nearest_sf_dx, "nearest scale_factor");
  expect_like_torch(
      [](const fx::Tensor& x) {
        return F::interpolate(x, {.size = {5, 7}, .mode = "bilinear", .align_corners = false});
      },
      {1, 2, 3, 4}, torch_up::bilinear_y, torch_up::bilinear_dx, "bilinear");
  nn::Upsample up({.scale_factor = 2.0, .mode = "bilinear", .align_corners = true});
  expect_like_torch([&](const fx::Tensor& x) { return up.forward(x); }, {1, 2, 3, 4}, torch_up::bilinear_ac_y,
                    torch_up::bilinear_ac_dx, "bilinear align_corners");
  expect_like_torch([](const fx::Tensor& x) { return F::interpolate(x, {.scale_factor = 1.5, .mode = "linear"}); },
                    {2, 1, 4}, torch_up::linear_y, torch_up::linear_dx, "linear");
}

TEST(Upsampling, PixelShuffleMatchesTorchAndInverts) {
  expect_like_torch([](const fx::Tensor& x) { return nn::PixelShuffle(2).forward(x); }, {1, 8, 2, 3},
                    torch_up::shuffle_y, torch_up::shuffle_dx, "pixel_shuffle");
  const fx::Tensor x = seq({2, 3, 18, 4, 5}, 0.7, 0.3);  // extra leading dims pass through
  const fx::Tensor y = F::pixel_shuffle(x, 3);
  EXPECT_EQ(y.shape(), (fx::Shape{2, 3, 2, 12, 15}));
  EXPECT_EQ((nn::PixelUnshuffle(3).forward(y) - x).abs().max().item(), 0.0);
}

TEST(Upsampling, Errors) {
  const fx::Tensor x = fx::zeros({1, 2, 3, 4});
  EXPECT_NE(error_message([&] { (void)F::interpolate(x, {}); }).find("either size or scale_factor"), std::string::npos);
  EXPECT_NE(error_message([&] { (void)F::interpolate(x, {.scale_factor = 2.0, .mode = "linear"}); }).find("3-D"),
            std::string::npos);
  EXPECT_NE(error_message([&] {
              (void)F::interpolate(x, {.scale_factor = 2.0, .align_corners = true});
            }).find("align_corners"),
            std::string::npos);
  EXPECT_NE(error_message([&] { (void)F::pixel_shuffle(x, 2); }).find("pixel_shuffle"), std::string::npos);
  EXPECT_NE(error_message([] {
              (void)F::conv_transpose2d(fx::zeros({1, 2, 3, 3}), fx::zeros({2, 1, 3, 3}), {},
                                        {.stride = 2, .output_padding = 2});
            }).find("output_padding"),
            std::string::npos);
  EXPECT_NE(error_message([] { nn::ConvTranspose2d(4, 6, 3, {.groups = 4}); }).find("divisible by groups"),
            std::string::npos);
}
