// SPDX-License-Identifier: MIT
// Pooling, grouped / "same" convolution and normalisation layers against
// PyTorch: forward values and input gradients of sum(u * f(x)) on the inputs
// of tests/nn/torch_reference.py (values in torch_reference.h), then
// gradcheck, jvpcheck and gradgradcheck of each in Float64, running
// statistics, modes, and the errors.
#include <gtest/gtest.h>

#include <cmath>

#include "autograd/gradcheck.h"
#include "fluxion.h"
#include "nn/reference.h"
#include "nn/torch_reference.h"

namespace fx = fluxion;
namespace nn = fluxion::nn;
namespace F = fluxion::nn::functional;

using namespace nn_ref;

TEST(Pooling, MaxPool2dMatchesTorch) {
  expect_like_torch(
      [](const fx::Tensor& x) { return F::max_pool2d(x, 3, {.stride = 2, .padding = 1, .ceil_mode = true}); },
      {1, 2, 6, 5}, torch_ref::mp_y, torch_ref::mp_g, "max_pool2d k3 s2 p1 ceil");
  expect_like_torch([](const fx::Tensor& x) { return F::max_pool2d(x, 2, {.stride = 1, .dilation = 2}); }, {2, 1, 5, 5},
                    torch_ref::mpd_y, torch_ref::mpd_g, "max_pool2d dilation 2");
  EXPECT_EQ(nn::MaxPool2d(2).forward(fx::zeros({3, 7, 9})).shape(), (fx::Shape{3, 3, 4}));  // unbatched, floor
}

TEST(Pooling, MaxPoolGradientGoesToTheFirstMaxOfATie) {
  fx::Tensor x = fx::ones({1, 1, 2, 2}, fx::Float64).requires_grad_();
  F::max_pool2d(x, 2).sum().backward();
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{1, 0, 0, 0}));
}

TEST(Pooling, AvgPool2dMatchesTorch) {
  expect_like_torch(
      [](const fx::Tensor& x) { return F::avg_pool2d(x, 3, {.stride = 2, .padding = 1, .ceil_mode = true}); },
      {1, 2, 6, 5}, torch_ref::ap_y, torch_ref::ap_g, "avg_pool2d count_include_pad");
  expect_like_torch(
      [](const fx::Tensor& x) {
        return F::avg_pool2d(x, 3, {.stride = 2, .padding = 1, .ceil_mode = true, .count_include_pad = false});
      },
      {1, 2, 6, 5}, torch_ref::apn_y, torch_ref::apn_g, "avg_pool2d exclude pad");
  fx::Tensor x = X({1, 1, 4, 4});
  EXPECT_NEAR(F::avg_pool2d(x, 2, {.divisor_override = 1}).sum().item(), x.sum().item(), 1e-12);
}

TEST(Pooling, OneDimensionalPoolsMatchTorch) {
  expect_like_torch([](const fx::Tensor& x) { return nn::MaxPool1d(2).forward(x); }, {2, 2, 7}, torch_ref::mp1_y,
                    torch_ref::mp1_g, "max_pool1d");
  expect_like_torch([](const fx::Tensor& x) { return nn::AvgPool1d(3, {.stride = 2, .padding = 1}).forward(x); },
                    {2, 2, 7}, torch_ref::ap1_y, torch_ref::ap1_g, "avg_pool1d");
}

TEST(Pooling, AdaptivePoolsMatchTorch) {
  expect_like_torch(
      [](const fx::Tensor& x) {
        return nn::AdaptiveAvgPool2d({3, 2}).forward(x);
      },
      {1, 2, 7, 5}, torch_ref::aap_y, torch_ref::aap_g, "adaptive_avg_pool2d");
  expect_like_torch(
      [](const fx::Tensor& x) {
        return nn::AdaptiveMaxPool2d({3, 2}).forward(x);
      },
      {1, 2, 7, 5}, torch_ref::amp_y, torch_ref::amp_g, "adaptive_max_pool2d");
  // output 1x1 is global pooling
  fx::Tensor x = X({2, 3, 4, 5});
  EXPECT_NEAR(F::adaptive_avg_pool2d(x, 1).sum().item(), x.mean({2, 3}).sum().item(), 1e-12);
}

TEST(Pooling, Errors) {
  EXPECT_THROW((void)F::max_pool2d(fx::zeros({1, 1, 4, 4}), 2, {.padding = 2}), fx::Error);  // pad > k / 2
  EXPECT_THROW((void)F::max_pool2d(fx::zeros({1, 1, 1, 1}), 3), fx::Error);                  // too small
  EXPECT_THROW((void)F::avg_pool2d(fx::zeros({4, 4}), 2), fx::Error);                        // 2-d input
  EXPECT_THROW((void)F::max_pool1d(fx::zeros({1, 1, 2, 4}), 2), fx::Error);
  EXPECT_THROW((void)F::adaptive_avg_pool2d(fx::zeros({1, 1, 4, 4}), 0), fx::Error);
}

TEST(Conv, GroupsAndSamePaddingMatchTorch) {
  nn::Conv2d depth(2, 4, 3, {.padding = "same", .groups = 2, .bias = false, .dtype = fx::Float64});
  EXPECT_EQ(depth.weight.shape(), (fx::Shape{4, 1, 3, 3}));
  {
    fx::NoGradGuard no_grad;
    depth.weight.copy_(seq({4, 1, 3, 3}, 0.5, 0, true));
  }
  expect_like_torch([&](const fx::Tensor& x) { return depth.forward(x); }, {1, 2, 5, 4}, torch_ref::cg_y,
                    torch_ref::cg_g, "conv2d groups 2 same");
  fx::Tensor w2 = seq({2, 2, 2, 2}, 0.5, 0, true);
  expect_like_torch([&](const fx::Tensor& x) { return F::conv2d(x, w2, {}, {.padding = "same"}); }, {1, 2, 4, 5},
                    torch_ref::cs_y, torch_ref::cs_g, "conv2d same, even kernel");
  EXPECT_EQ(F::conv2d(fx::zeros({1, 2, 6, 6}), fx::zeros({3, 2, 3, 3}), {}, {.padding = "valid"}).shape(),
            (fx::Shape{1, 3, 4, 4}));
  EXPECT_THROW(nn::Conv2d(3, 4, 3, {.groups = 2}), fx::Error);
  EXPECT_THROW((void)F::conv2d(fx::zeros({1, 2, 6, 6}), fx::zeros({3, 2, 3, 3}), {}, {.stride = 2, .padding = "same"}),
               fx::Error);
}

TEST(Conv, Conv1dIsConv2dOverARow) {
  fx::manual_seed(1);
  nn::Conv1d c(2, 3, 3, {.padding = 1, .dtype = fx::Float64});
  EXPECT_EQ(c.weight.shape(), (fx::Shape{3, 2, 3}));
  fx::Tensor x = X({2, 2, 6});
  fx::Tensor y = c.forward(x);
  ASSERT_EQ(y.shape(), (fx::Shape{2, 3, 6}));
  // y[n, o, l] = b[o] + sum_{c, k} w[o, c, k] x[n, c, l + k - 1]
  double want = c.bias.at({1});
  for (int64_t ch = 0; ch < 2; ++ch)
    for (int64_t k = 0; k < 3; ++k) want += c.weight.at({1, ch, k}) * x.at({1, ch, 2 + k - 1});
  EXPECT_NEAR(y.at({1, 1, 2}), want, 1e-12);
}

TEST(BatchNorm, TrainingStepsMatchTorchIncludingRunningStatistics) {
  nn::BatchNorm2d bn(3, {.dtype = fx::Float64});
  EXPECT_EQ(bn.state_dict().size(), 5u);  // weight, bias, running_mean, running_var, num_batches_tracked
  EXPECT_EQ(bn.parameters().size(), 2u);
  fx::Tensor x = X({2, 3, 2, 2}).requires_grad_();
  fx::Tensor y = bn.forward(x);
  (y * U(y.shape())).sum().backward();
  expect_values(y, torch_ref::bn_y, "batch norm y");
  expect_values(x.grad(), torch_ref::bn_g, "batch norm dx");
  (void)bn.forward(X({2, 3, 2, 2}) * 2.0 + 1.0);
  expect_values(bn.running_mean, torch_ref::bn_rm, "running_mean");
  expect_values(bn.running_var, torch_ref::bn_rv, "running_var (unbiased)");
  EXPECT_EQ(bn.num_batches_tracked.item(), 2);
  bn.eval();
  expect_values(bn.forward(X({1, 3, 2, 2})), torch_ref::bn_eval, "eval uses running statistics");
  EXPECT_EQ(bn.num_batches_tracked.item(), 2);  // eval does not count
}

TEST(BatchNorm, DerivativesOptionsAndErrors) {
  nn::BatchNorm1d bn(3, {.dtype = fx::Float64});
  fx::autograd::TensorFunction f = [&](const std::vector<fx::Tensor>& xs) { return bn.forward(xs[0]); };
  fx::Tensor x = X({4, 3}).requires_grad_();
  EXPECT_TRUE(fx::autograd::gradcheck(f, {x}));
  EXPECT_TRUE(fx::autograd::jvpcheck(f, {x}));
  EXPECT_TRUE(fx::autograd::gradgradcheck(f, {x}));
  // momentum nullopt: the cumulative average of the batch means
  nn::BatchNorm1d cma(2, {.momentum = std::nullopt, .affine = false, .dtype = fx::Float64});
  EXPECT_TRUE(cma.parameters().empty());
  (void)cma.forward(fx::tensor({{1.0, 2.0}, {3.0, 4.0}}, fx::Float64));
  (void)cma.forward(fx::tensor({{5.0, 6.0}, {7.0, 8.0}}, fx::Float64));
  EXPECT_EQ(cma.running_mean.to_vector<double>(), (std::vector<double>{4, 5}));
  // without running statistics, eval still normalises by the batch
  nn::BatchNorm1d none(2, {.track_running_stats = false, .dtype = fx::Float64});
  EXPECT_TRUE(none.buffers().empty());
  none.eval();
  EXPECT_NEAR(none.forward(fx::tensor({{1.0, 2.0}, {3.0, 6.0}}, fx::Float64)).at({1, 1}), 1.0, 1e-4);
  EXPECT_THROW((void)bn.forward(fx::zeros({1, 3}, fx::Float64)), fx::Error);  // one value per channel
  EXPECT_THROW((void)bn.forward(fx::zeros({4, 2}, fx::Float64)), fx::Error);  // channels
  EXPECT_THROW((void)nn::BatchNorm2d(3).forward(fx::zeros({4, 3})), fx::Error);
}

TEST(GroupNorm, MatchesTorchAndInstanceNorm) {
  expect_like_torch([](const fx::Tensor& x) { return nn::GroupNorm(2, 4, {.dtype = fx::Float64}).forward(x); },
                    {2, 4, 3}, torch_ref::gn_y, torch_ref::gn_g, "group_norm");
  expect_like_torch([](const fx::Tensor& x) { return nn::InstanceNorm2d(2).forward(x); }, {2, 2, 3, 2}, torch_ref::in_y,
                    torch_ref::in_g, "instance_norm");
  EXPECT_THROW(nn::GroupNorm(3, 4), fx::Error);
}

TEST(Layers, IdentityUnflattenDropout2d) {
  fx::Tensor x = X({2, 12});
  EXPECT_EQ(nn::Identity().forward(x).impl(), x.impl());
  EXPECT_EQ(nn::Unflatten(1, {3, 2, 2}).forward(x).shape(), (fx::Shape{2, 3, 2, 2}));
  EXPECT_EQ(nn::Unflatten(-1, {4, 3}).forward(x).shape(), (fx::Shape{2, 4, 3}));
  EXPECT_THROW((void)nn::Unflatten(1, {5, 2}).forward(x), fx::Error);
  fx::manual_seed(0);
  nn::Dropout2d drop(0.5);
  fx::Tensor y = drop.forward(fx::ones({4, 8, 3, 3}, fx::Float64));
  // every channel plane is all 0 or all 2
  fx::Tensor per_plane = y.amax({2, 3}) - y.amin({2, 3});
  EXPECT_EQ(per_plane.abs().sum().item(), 0.0);
  double kept = (y.amax({2, 3}) > 0.0).sum().item();
  EXPECT_GT(kept, 4.0);
  EXPECT_LT(kept, 28.0);
  drop.eval();
  fx::Tensor x4 = x.reshape({2, 3, 2, 2});
  EXPECT_EQ(drop.forward(x4).impl(), x4.impl());
}

TEST(Pooling, MaxPoolPropagatesNaNAndWorksInFloat32) {
  fx::Tensor x = fx::tensor(std::vector<double>{1.0, NAN, 3.0, 2.0}, {1, 1, 2, 2});
  EXPECT_TRUE(std::isnan(F::max_pool2d(x, 2).item()));
  fx::Tensor y = F::max_pool2d(X({2, 3, 6, 6}).to(fx::Float32), 2);
  EXPECT_EQ(y.dtype(), fx::Float32);
  EXPECT_NEAR(y.sum().item(), F::max_pool2d(X({2, 3, 6, 6}), 2).sum().item(), 1e-5);
}

// Two poolings of x by different paths: equal values (NaN where the other has NaN)
// and the same routing of the gradient to x.
static void expect_same_pooling(const fx::Tensor& a, const fx::Tensor& b, const fx::Tensor& x) {
  ASSERT_EQ(a.shape(), b.shape());
  auto av = a.detach().to_vector<double>(), bv = b.detach().to_vector<double>();
  for (size_t i = 0; i < av.size(); ++i)
    if (std::isnan(av[i]))
      EXPECT_TRUE(std::isnan(bv[i])) << i;
    else
      EXPECT_EQ(av[i], bv[i]) << i;
  fx::Tensor u = fx::arange(0, a.numel(), 1, a.dtype()).reshape(a.shape());
  fx::Tensor ga = fx::autograd::grad({(a * u).sum()}, {x})[0], gb = fx::autograd::grad({(b * u).sum()}, {x})[0];
  EXPECT_EQ((ga - gb).abs().max().item(), 0.0);
}

// Windows inside the plane take a branch-free path, 16 windows of a row at a time;
// the padded path checks bounds. On an input padded by hand with -inf, the first
// must give what the second gives on the unpadded one: values (NaN included) and
// the gradient, whose routing follows the chosen indices (first max of a tie).
TEST(Pooling, MaxPoolInsideWindowsAgreeWithThePaddedPath) {
  std::vector<double> v(2 * 3 * 9 * 40);
  for (size_t i = 0; i < v.size(); ++i) v[i] = double((i * 7919) % 13);  // many ties
  v[100] = NAN;
  for (fx::DType dt : {fx::Float64, fx::Float32}) {
    fx::Tensor x = fx::tensor(v, {2, 3, 9, 40}).to(dt).requires_grad_();
    fx::Tensor a = F::max_pool2d(x, 3, {.stride = 2, .padding = 1});
    fx::Tensor xp = fx::pad(x, {1, 1, 1, 1}, -INFINITY);
    fx::Tensor b = F::max_pool2d(xp, 3, {.stride = 2});
    expect_same_pooling(a, b, x);
  }
}

// MaxPool2d(2) (2x2 windows, stride 2, all inside the plane) has a path of its
// own (on AVX-512, whole rows of windows as vectors, short rows masked); with
// ceil_mode on an odd-sized plane the last windows hang over the edge and the
// whole plane takes the bounds-checked path. Over the windows both have, values
// (NaN, ties, -inf) and the routing of the gradient must agree exactly, for rows
// of every length around the vector widths (8 and 16 windows) and odd widths.
TEST(Pooling, MaxPool2x2PathAgreesWithTheCheckedPath) {
  for (int64_t w : {2, 3, 8, 15, 16, 17, 24, 25, 33, 40, 66}) {
    std::vector<double> v(size_t(2 * 3 * 9 * w));
    for (size_t i = 0; i < v.size(); ++i) v[i] = double((i * 7919) % 5);  // many ties
    v[1] = NAN, v[v.size() / 2] = NAN, v[v.size() / 2 + 1] = NAN, v[v.size() - 3] = -INFINITY;
    for (fx::DType dt : {fx::Float64, fx::Float32}) {
      fx::Tensor x = fx::tensor(v, {2, 3, 9, w}).to(dt).requires_grad_();
      fx::Tensor a = F::max_pool2d(x, 2);  // 2x2 path: the last row (and column, w odd) unused
      // an odd width for ceil_mode to hang over: -inf, outside every window of a
      fx::Tensor xp = w % 2 ? x : fx::pad(x, {0, 1, 0, 0}, -INFINITY);
      fx::Tensor b = F::max_pool2d(xp, 2, {.ceil_mode = true}).slice(2, 0, 4).slice(3, 0, w / 2);  // checked path
      SCOPED_TRACE("width " + std::to_string(w) + " " + fx::dtype_name(dt));
      expect_same_pooling(a, b, x);
    }
  }
}
