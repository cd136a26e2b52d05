// SPDX-License-Identifier: MIT
// Layers: output shapes, PyTorch's default initialisations, the forward
// against hand computation, and gradient checks in Float64 of every layer
// w.r.t. its input (autograd::gradcheck) and its parameters (central
// differences on the parameter values in place).
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <type_traits>

#include "autograd/gradcheck.h"
#include "fluxion.h"

namespace fx = fluxion;
namespace nn = fluxion::nn;

namespace {

// d loss / d p for every parameter of m, backward vs central differences,
// with loss = sum(u * forward()) for a fixed random u.
void check_parameter_gradients(nn::Module& m, const std::function<fx::Tensor()>& forward) {
  fx::Tensor u = fx::randn(forward().shape(), fx::Float64);
  auto loss = [&] { return (forward() * u).sum(); };
  m.zero_grad();
  loss().backward();
  for (auto& [name, p] : m.named_parameters()) {
    ASSERT_EQ(p.dtype(), fx::Float64);
    std::vector<double> g = p.grad().to_vector<double>();
    double* x = p.data<double>();
    for (int64_t j = 0; j < p.numel(); ++j) {
      const double eps = 1e-6, x0 = x[j];
      double plus, minus;
      {
        fx::NoGradGuard no_grad;
        x[j] = x0 + eps;
        plus = loss().item();
        x[j] = x0 - eps;
        minus = loss().item();
        x[j] = x0;
      }
      double numerical = (plus - minus) / (2 * eps);
      EXPECT_NEAR(g[(size_t)j], numerical, 1e-6 + 1e-5 * std::abs(numerical)) << name << " element " << j;
    }
  }
}

// gradcheck of the layer's forward w.r.t. a Float64 input x.
template <class M>
void check_input_gradient(const M& m, fx::Tensor x) {
  x.requires_grad_();
  EXPECT_TRUE(fx::autograd::gradcheck([&](const std::vector<fx::Tensor>& xs) { return m.forward(xs[0]); }, {x}));
}

double variance(const std::vector<double>& v) {
  double mean = 0, s = 0;
  for (double x : v) mean += x;
  mean /= double(v.size());
  for (double x : v) s += (x - mean) * (x - mean);
  return s / double(v.size());
}

}  // namespace

TEST(Linear, ShapesAndForward) {
  fx::manual_seed(0);
  nn::Linear lin(4, 3);
  EXPECT_EQ(lin.weight.shape(), (fx::Shape{3, 4}));
  EXPECT_EQ(lin.bias.shape(), (fx::Shape{3}));
  EXPECT_EQ(lin.forward(fx::ones({5, 4})).shape(), (fx::Shape{5, 3}));
  EXPECT_EQ(lin.forward(fx::ones({2, 5, 4})).shape(), (fx::Shape{2, 5, 3}));
  EXPECT_EQ(lin.forward(fx::ones({4})).shape(), (fx::Shape{3}));
  // y_i = sum_j w_ij x_j + b_i
  fx::Tensor x = fx::tensor({1.0, -2.0, 0.5, 3.0});
  fx::Tensor y = lin.forward(x);
  for (int64_t i = 0; i < 3; ++i) {
    double want = lin.bias.at({i});
    for (int64_t j = 0; j < 4; ++j) want += lin.weight.at({i, j}) * x.at({j});
    EXPECT_NEAR(y.at({i}), want, 1e-5);
  }
  nn::Linear no_bias(4, 3, {.bias = false});
  EXPECT_FALSE(no_bias.bias.defined());
  EXPECT_EQ(no_bias.parameters().size(), 1u);
  EXPECT_THROW(lin.forward(fx::ones({5, 3})), fx::Error);
}

TEST(Linear, DefaultInitIsUniformOneOverSqrtFanIn) {
  fx::manual_seed(1);
  nn::Linear lin(400, 300, {.dtype = fx::Float64});
  double bound = 1 / std::sqrt(400.0);
  auto w = lin.weight.to_vector<double>(), b = lin.bias.to_vector<double>();
  for (double v : w) ASSERT_LE(std::abs(v), bound);
  for (double v : b) ASSERT_LE(std::abs(v), bound);
  EXPECT_NEAR(variance(w), bound * bound / 3, 0.03 * bound * bound / 3);  // U(-a, a) has variance a^2 / 3
}

TEST(Linear, Gradients) {
  fx::manual_seed(2);
  nn::Linear lin(3, 2, {.dtype = fx::Float64});
  fx::Tensor x = fx::randn({4, 3}, fx::Float64);
  check_input_gradient(lin, x);
  check_parameter_gradients(lin, [&] { return lin.forward(x); });
}

TEST(Init, Statistics) {
  fx::manual_seed(3);
  namespace init = nn::init;
  fx::Tensor w = fx::empty({200, 300}, fx::Float64);
  init::xavier_uniform_(w);
  EXPECT_NEAR(variance(w.to_vector<double>()), 2.0 / 500, 0.05 * 2.0 / 500);
  init::xavier_normal_(w, 2.0);
  EXPECT_NEAR(variance(w.to_vector<double>()), 4 * 2.0 / 500, 0.05 * 8.0 / 500);
  init::kaiming_normal_(w, {.nonlinearity = init::Nonlinearity::relu});
  EXPECT_NEAR(variance(w.to_vector<double>()), 2.0 / 300, 0.05 * 2.0 / 300);
  init::kaiming_uniform_(w, {.mode = init::FanMode::fan_out, .nonlinearity = init::Nonlinearity::relu});
  EXPECT_NEAR(variance(w.to_vector<double>()), 2.0 / 200, 0.05 * 2.0 / 200);
  init::normal_(w, 1.0, 0.5);
  auto v = w.to_vector<double>();
  EXPECT_NEAR(w.mean().item(), 1.0, 0.01);
  EXPECT_NEAR(variance(v), 0.25, 0.01);
  init::uniform_(w, 2.0, 3.0);
  for (double x : w.to_vector<double>()) ASSERT_TRUE(x >= 2.0 && x < 3.0);
  init::zeros_(w);
  EXPECT_EQ(w.abs().sum().item(), 0.0);
  init::ones_(w);
  EXPECT_EQ(w.sum().item(), 60000.0);
  init::constant_(w, 0.25);
  EXPECT_EQ(w.at({7, 9}), 0.25);
}

TEST(Init, GainsAndFans) {
  namespace init = nn::init;
  EXPECT_DOUBLE_EQ(init::calculate_gain(init::Nonlinearity::relu), std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(init::calculate_gain(init::Nonlinearity::tanh), 5.0 / 3);
  EXPECT_DOUBLE_EQ(init::calculate_gain(init::Nonlinearity::leaky_relu, std::sqrt(5.0)), std::sqrt(1.0 / 3));
  EXPECT_DOUBLE_EQ(init::calculate_gain(init::Nonlinearity::sigmoid), 1.0);
  auto [fan_in, fan_out] = init::calculate_fan_in_and_fan_out(fx::empty({8, 3, 5, 5}));
  EXPECT_EQ(fan_in, 75);
  EXPECT_EQ(fan_out, 200);
  EXPECT_THROW(init::xavier_uniform_(fx::empty({5})), fx::Error);
  EXPECT_THROW(init::uniform_(fx::empty({5}), 1.0, 0.0), fx::Error);
  EXPECT_THROW(init::zeros_(fx::tensor(std::vector<int64_t>{1}, {1})), fx::Error);
}

TEST(Init, OrthogonalHasOrthonormalRowsOrColumns) {
  fx::manual_seed(12);
  for (fx::Shape shape : {fx::Shape{3, 5}, fx::Shape{5, 3}, fx::Shape{4, 2, 2}}) {
    fx::Tensor w = nn::init::orthogonal_(fx::empty(shape, fx::Float64), 2.0).reshape({shape[0], -1});
    bool wide = w.size(0) <= w.size(1);
    fx::Tensor gram = wide ? w.matmul(w.t()) : w.t().matmul(w);  // 4 I
    int64_t n = gram.size(0);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < n; ++j) EXPECT_NEAR(gram.at({i, j}), i == j ? 4.0 : 0.0, 1e-12);
  }
  EXPECT_THROW(nn::init::orthogonal_(fx::empty({4})), fx::Error);
}

TEST(Conv2d, ShapesInitAndGradients) {
  fx::manual_seed(13);
  nn::Conv2d conv(2, 3, 3, {.stride = 2, .padding = 1, .dtype = fx::Float64});
  EXPECT_EQ(conv.weight.shape(), (fx::Shape{3, 2, 3, 3}));
  EXPECT_EQ(conv.forward(fx::ones({4, 2, 7, 7}, fx::Float64)).shape(), (fx::Shape{4, 3, 4, 4}));
  double bound = 1 / std::sqrt(18.0);
  for (double v : conv.weight.to_vector<double>()) ASSERT_LE(std::abs(v), bound);
  fx::Tensor x = fx::randn({1, 2, 4, 4}, fx::Float64);
  check_input_gradient(conv, x);
  check_parameter_gradients(conv, [&] { return conv.forward(x); });
  nn::Conv2d rect(1, 1, {1, 2}, {.bias = false});
  EXPECT_EQ(rect.forward(fx::ones({1, 1, 3, 3})).shape(), (fx::Shape{1, 1, 3, 2}));
  EXPECT_THROW(nn::Conv2d(0, 1, 3), fx::Error);
}

TEST(Conv2d, OneOptionsStructForFunctionsAndLayers) {
  static_assert(std::is_same_v<nn::Conv2dOptions, fx::Conv2dOptions>);
  fx::manual_seed(3);
  fx::Tensor x = fx::randn({2, 4, 5, 5}, fx::Float64), w = fx::randn({6, 2, 2, 3}, fx::Float64);
  const fx::Conv2dOptions o{.padding = "same", .dilation = {1, 2}, .groups = 2};
  fx::Tensor y = fx::conv2d(x, w, {}, o);  // groups and "same" padding in the autograd op itself
  EXPECT_EQ(y.shape(), (fx::Shape{2, 6, 5, 5}));
  EXPECT_EQ((y - nn::functional::conv2d(x, w, {}, o)).abs().max().item(), 0.0);
  // group 1 alone: input channels 2..3 meet output channels 3..5
  fx::Tensor y1 = fx::conv2d(fx::pad(x.narrow(1, 2, 2), {2, 2, 0, 1}), w.narrow(0, 3, 3), {}, {.dilation = {1, 2}});
  EXPECT_NEAR((y.narrow(1, 3, 3) - y1).abs().max().item(), 0.0, 1e-12);
  nn::Conv2d layer(4, 6, {2, 3}, o);  // the layer takes the same struct
  EXPECT_EQ(layer(x.to(fx::Float32)).shape(), y.shape());
  // the adjoint ops take only what the kernel does: one group, padding as sizes
  const fx::Tensor g = fx::randn({2, 3, 5, 5}, fx::Float64), w1 = fx::randn({3, 4, 3, 3}, fx::Float64);
  EXPECT_EQ(fx::conv2d_input_grad(g, w1, x.shape(), {.padding = 1}).shape(), x.shape());
  EXPECT_THROW((void)fx::conv2d_input_grad(g, w1, x.shape(), {.padding = "same"}), fx::Error);
}

TEST(Flatten, Shapes) {
  nn::Flatten f;
  EXPECT_EQ(f.forward(fx::ones({2, 3, 4, 5})).shape(), (fx::Shape{2, 60}));
  EXPECT_EQ(nn::Flatten(0).forward(fx::ones({2, 3})).shape(), (fx::Shape{6}));
  EXPECT_EQ(nn::Flatten(1, 2).forward(fx::ones({2, 3, 4, 5})).shape(), (fx::Shape{2, 12, 5}));
}

TEST(Dropout, ZeroesAndRescalesInTrainingOnly) {
  fx::manual_seed(4);
  nn::Dropout drop(0.25);
  fx::Tensor x = fx::ones({100000}, fx::Float64);
  auto y = drop.forward(x).to_vector<double>();
  size_t zeros = 0;
  for (double v : y) {
    if (v == 0)
      ++zeros;
    else
      ASSERT_DOUBLE_EQ(v, 1 / 0.75);
  }
  EXPECT_NEAR(double(zeros) / double(y.size()), 0.25, 0.01);
  drop.eval();
  EXPECT_EQ(drop.forward(x).impl(), x.impl());
  EXPECT_THROW(nn::Dropout(1.5), fx::Error);
  nn::Dropout all(1.0);
  EXPECT_EQ(all.forward(x).sum().item(), 0.0);
}

TEST(LayerNorm, NormalisesTheTrailingDims) {
  fx::manual_seed(5);
  nn::LayerNorm ln({4}, {.dtype = fx::Float64});
  EXPECT_EQ(ln.weight.shape(), (fx::Shape{4}));
  fx::Tensor x = fx::tensor({{1.0, 2.0, 3.0, 6.0}, {-1.0, 0.0, 0.0, 1.0}}, fx::Float64);
  fx::Tensor y = ln.forward(x);
  // row 0: mean 3, biased variance (4 + 1 + 0 + 9) / 4 = 3.5
  EXPECT_NEAR(y.at({0, 0}), -2 / std::sqrt(3.5 + 1e-5), 1e-12);
  EXPECT_NEAR(y.at({0, 3}), 3 / std::sqrt(3.5 + 1e-5), 1e-12);
  // row 1: mean 0, variance 0.5
  EXPECT_NEAR(y.at({1, 0}), -1 / std::sqrt(0.5 + 1e-5), 1e-12);
  nn::LayerNorm ln2({3, 4}, {.dtype = fx::Float64});
  EXPECT_EQ(ln2.forward(fx::randn({2, 3, 4}, fx::Float64)).shape(), (fx::Shape{2, 3, 4}));
  EXPECT_THROW(ln.forward(fx::ones({2, 3}, fx::Float64)), fx::Error);
}

TEST(LayerNorm, Gradients) {
  fx::manual_seed(6);
  nn::LayerNorm ln({3}, {.dtype = fx::Float64});
  nn::init::normal_(ln.weight);
  nn::init::normal_(ln.bias);
  fx::Tensor x = fx::randn({2, 3}, fx::Float64);
  check_input_gradient(ln, x);
  check_parameter_gradients(ln, [&] { return ln.forward(x); });
}

TEST(Embedding, LooksUpRows) {
  fx::manual_seed(7);
  nn::Embedding emb(10, 3, {.dtype = fx::Float64});
  fx::Tensor idx = fx::tensor(std::vector<int64_t>{2, 0, 9, 2}, {2, 2});
  fx::Tensor y = emb.forward(idx);
  EXPECT_EQ(y.shape(), (fx::Shape{2, 2, 3}));
  for (int64_t k = 0; k < 3; ++k) {
    EXPECT_EQ(y.at({1, 0, k}), emb.weight.at({9, k}));
    EXPECT_EQ(y.at({1, 1, k}), emb.weight.at({2, k}));
  }
  check_parameter_gradients(emb, [&] { return emb.forward(idx); });
  EXPECT_THROW(emb.forward(fx::tensor(std::vector<int64_t>{10}, {1})), fx::Error);
  EXPECT_THROW(emb.forward(fx::ones({2})), fx::Error);
}

TEST(Activations, ModulesMatchFunctionalAndHaveGradients) {
  fx::manual_seed(8);
  fx::Tensor x = fx::randn({3, 4}, fx::Float64) * 2.0;
  check_input_gradient(nn::ReLU(), x + 0.05);  // keep clear of the kink at 0 (randn never hits it exactly)
  check_input_gradient(nn::LeakyReLU(0.1), x);
  check_input_gradient(nn::Tanh(), x);
  check_input_gradient(nn::Sigmoid(), x);
  check_input_gradient(nn::GELU(), x);
  check_input_gradient(nn::GELU(nn::functional::GeluApproximate::tanh), x);
  check_input_gradient(nn::SiLU(), x);
  check_input_gradient(nn::Softplus(2.0), x);
  check_input_gradient(nn::Softmax(1), x);
  check_input_gradient(nn::LogSoftmax(0), x);
}

TEST(Sequential, Gradients) {
  fx::manual_seed(9);
  nn::Sequential net(nn::Linear(2, 5, {.dtype = fx::Float64}), nn::Tanh(), nn::Linear(5, 1, {.dtype = fx::Float64}));
  fx::Tensor x = fx::randn({3, 2}, fx::Float64);
  check_input_gradient(net, x);
  check_parameter_gradients(net, [&] { return net.forward(x); });
}
