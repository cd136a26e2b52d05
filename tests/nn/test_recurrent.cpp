// SPDX-License-Identifier: MIT
// RNN, LSTM, GRU and their cells against PyTorch (values from
// tests/nn/torch_reference_rnn.py, same parameters and inputs): outputs,
// final states, and the gradients of sum(u * output) + sum(states) with
// respect to the input and weight_hh_l0; then gradcheck, jvpcheck and
// gradgradcheck in Float64, parameter names, dropout, and the errors.
#include <gtest/gtest.h>

#include <cmath>

#include "autograd/gradcheck.h"
#include "fluxion.h"
#include "nn/reference.h"
#include "nn/torch_reference_rnn.h"

namespace fx = fluxion;
namespace nn = fluxion::nn;

using namespace nn_ref;

namespace {

fx::Tensor param(nn::Module& m, const std::string& name) {
  for (auto& [n, t] : m.named_parameters())
    if (n == name) return t;
  ADD_FAILURE() << "no parameter " << name;
  return {};
}

}  // namespace

TEST(Recurrent, RNNMatchesTorch) {
  nn::RNN rnn(3, 4, {.num_layers = 2, .batch_first = true, .bidirectional = true, .dtype = fx::Float64});
  set_params(rnn);
  fx::Tensor x = seq({2, 5, 3}, 0.7, 0.3).requires_grad_();
  auto [y, h] = rnn.forward(x, seq({4, 2, 4}, 0.5, 0.2));
  EXPECT_EQ(y.shape(), (fx::Shape{2, 5, 8}));
  ((seq(y.shape(), 0.3, 0, true) * y).sum() + h.sum()).backward();
  expect_values(y, torch_rnn::rnn_y, "output");
  expect_values(h, torch_rnn::rnn_h, "h_n");
  expect_values(x.grad(), torch_rnn::rnn_dx, "dx");
  expect_values(param(rnn, "weight_hh_l0").grad(), torch_rnn::rnn_dwhh, "d weight_hh_l0");
}

TEST(Recurrent, UnbatchedReluRNNMatchesTorch) {
  nn::RNN rnn(3, 4, {.nonlinearity = "relu", .dtype = fx::Float64});
  set_params(rnn);
  fx::Tensor x = seq({4, 3}, 0.7, 0.3).requires_grad_();
  auto [y, h] = rnn.forward(x);
  EXPECT_EQ(h.shape(), (fx::Shape{1, 4}));
  ((seq(y.shape(), 0.3, 0, true) * y).sum() + h.sum()).backward();
  expect_values(y, torch_rnn::rnn_relu_y, "output");
  expect_values(h, torch_rnn::rnn_relu_h, "h_n");
  expect_values(x.grad(), torch_rnn::rnn_relu_dx, "dx");
  expect_values(param(rnn, "weight_hh_l0").grad(), torch_rnn::rnn_relu_dwhh, "d weight_hh_l0");
}

TEST(Recurrent, LSTMMatchesTorch) {
  nn::LSTM lstm(3, 4, {.num_layers = 2, .bidirectional = true, .dtype = fx::Float64});
  set_params(lstm);
  fx::Tensor x = seq({5, 2, 3}, 0.7, 0.3).requires_grad_();
  auto [y, state] = lstm.forward(x);
  auto [h, c] = state;
  EXPECT_EQ(c.shape(), (fx::Shape{4, 2, 4}));
  ((seq(y.shape(), 0.3, 0, true) * y).sum() + h.sum() + c.sum()).backward();
  expect_values(y, torch_rnn::lstm_y, "output");
  expect_values(h, torch_rnn::lstm_h, "h_n");
  expect_values(c, torch_rnn::lstm_c, "c_n");
  expect_values(x.grad(), torch_rnn::lstm_dx, "dx");
  expect_values(param(lstm, "weight_hh_l0").grad(), torch_rnn::lstm_dwhh, "d weight_hh_l0");
}

TEST(Recurrent, GRUMatchesTorch) {
  nn::GRU gru(3, 4, {.batch_first = true, .dtype = fx::Float64});
  set_params(gru);
  fx::Tensor x = seq({2, 5, 3}, 0.7, 0.3).requires_grad_();
  auto [y, h] = gru.forward(x, seq({1, 2, 4}, 0.5, 0.2));
  ((seq(y.shape(), 0.3, 0, true) * y).sum() + h.sum()).backward();
  expect_values(y, torch_rnn::gru_y, "output");
  expect_values(h, torch_rnn::gru_h, "h_n");
  expect_values(x.grad(), torch_rnn::gru_dx, "dx");
  expect_values(param(gru, "weight_hh_l0").grad(), torch_rnn::gru_dwhh, "d weight_hh_l0");
}

TEST(Recurrent, CellsMatchTorch) {
  const fx::Tensor u = seq({2, 4}, 0.3, 0, true), h0 = seq({2, 4}, 0.5, 0.2), c0 = seq({2, 4}, 0.9, 0.1);
  {
    nn::RNNCell cell(3, 4, {.dtype = fx::Float64});
    set_params(cell);
    fx::Tensor x = seq({2, 3}, 0.7, 0.3).requires_grad_();
    fx::Tensor h = cell.forward(x, h0);
    (u * h).sum().backward();
    expect_values(h, torch_rnn::rnncell_h, "RNNCell h");
    expect_values(x.grad(), torch_rnn::rnncell_dx, "RNNCell dx");
  }
  {
    nn::LSTMCell cell(3, 4, {.dtype = fx::Float64});
    set_params(cell);
    fx::Tensor x = seq({2, 3}, 0.7, 0.3).requires_grad_();
    auto [h, c] = cell.forward(x, std::tuple{h0, c0});
    ((u * h).sum() + c.sum()).backward();
    expect_values(h, torch_rnn::lstmcell_h, "LSTMCell h");
    expect_values(c, torch_rnn::lstmcell_c, "LSTMCell c");
    expect_values(x.grad(), torch_rnn::lstmcell_dx, "LSTMCell dx");
  }
  {
    nn::GRUCell cell(3, 4, {.dtype = fx::Float64});
    set_params(cell);
    fx::Tensor x = seq({2, 3}, 0.7, 0.3).requires_grad_();
    fx::Tensor h = cell.forward(x, h0);
    (u * h).sum().backward();
    expect_values(h, torch_rnn::grucell_h, "GRUCell h");
    expect_values(x.grad(), torch_rnn::grucell_dx, "GRUCell dx");
    // unbatched input gives the first row of the batched result
    fx::NoGradGuard no_grad;
    expect_values(cell.forward(seq({2, 3}, 0.7, 0.3)[0], h0[0]),
                  std::vector<double>(torch_rnn::grucell_h.begin(), torch_rnn::grucell_h.begin() + 4),
                  "GRUCell unbatched");
  }
}

TEST(Recurrent, DerivativesOfEveryOrderAndMode) {
  // input and initial state both differentiated; small sizes keep gradgradcheck quick
  nn::LSTM lstm(2, 3, {.bidirectional = true, .dtype = fx::Float64});
  fx::autograd::TensorFunction f = [&](const std::vector<fx::Tensor>& xs) {
    auto [y, state] = lstm.forward(xs[0], std::tuple{xs[1], xs[2]});
    return y.sum(std::vector<int64_t>{0}) + std::get<1>(state).sum();
  };
  std::vector<fx::Tensor> in = {seq({3, 1, 2}, 0.7, 0.3).requires_grad_(), seq({2, 1, 3}, 0.5, 0.2).requires_grad_(),
                                seq({2, 1, 3}, 0.9, 0.1).requires_grad_()};
  EXPECT_TRUE(fx::autograd::gradcheck(f, in));
  EXPECT_TRUE(fx::autograd::jvpcheck(f, in));
  EXPECT_TRUE(fx::autograd::gradgradcheck(f, in));

  nn::GRU gru(2, 3, {.num_layers = 2, .dtype = fx::Float64});
  nn::RNN rnn(2, 3, {.batch_first = true, .dtype = fx::Float64});
  fx::autograd::TensorFunction g = [&](const std::vector<fx::Tensor>& xs) {
    return std::get<0>(gru.forward(xs[0])) * 2 + std::get<0>(rnn.forward(xs[0].transpose(0, 1))).transpose(0, 1);
  };
  std::vector<fx::Tensor> x = {seq({3, 2, 2}, 0.7, 0.3).requires_grad_()};
  EXPECT_TRUE(fx::autograd::gradcheck(g, x));
  EXPECT_TRUE(fx::autograd::jvpcheck(g, x));
  EXPECT_TRUE(fx::autograd::gradgradcheck(g, x));
}

TEST(Recurrent, ParameterNamesShapesAndInit) {
  nn::LSTM lstm(3, 5, {.num_layers = 2, .bidirectional = true});
  std::vector<std::string> names;
  for (auto& [n, t] : lstm.named_parameters()) names.push_back(n);
  const std::vector<std::string> want = {
      "weight_ih_l0",         "weight_hh_l0",         "bias_ih_l0",         "bias_hh_l0",
      "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
      "weight_ih_l1",         "weight_hh_l1",         "bias_ih_l1",         "bias_hh_l1",
      "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse"};
  EXPECT_EQ(names, want);
  EXPECT_EQ(param(lstm, "weight_ih_l1").shape(), (fx::Shape{20, 10}));  // 4 gates; input is both directions
  const double k = 1 / std::sqrt(5.0);
  for (auto& [n, t] : lstm.named_parameters()) {
    EXPECT_LE(t.abs().max().item(), k) << n;
    EXPECT_GT(t.abs().max().item(), 0.8 * k) << n;  // U(-k, k) fills the range
  }
  EXPECT_EQ(nn::GRU(3, 5, {.bias = false}).named_parameters().size(), 2u);
}

TEST(Recurrent, DropoutBetweenLayersOnlyInTraining) {
  nn::GRU gru(3, 4, {.num_layers = 2, .dropout = 0.5, .dtype = fx::Float64});
  const fx::Tensor x = seq({4, 2, 3}, 0.7, 0.3);
  fx::manual_seed(1);
  fx::Tensor a = std::get<0>(gru.forward(x));
  fx::manual_seed(2);
  fx::Tensor b = std::get<0>(gru.forward(x));
  EXPECT_GT((a - b).abs().max().item(), 1e-3);  // different masks
  gru.eval();
  EXPECT_EQ((std::get<0>(gru.forward(x)) - std::get<0>(gru.forward(x))).abs().max().item(), 0.0);
}

TEST(Recurrent, ErrorsNameTheLayerAndShapes) {
  nn::LSTM lstm(3, 4);
  EXPECT_NE(error_message([&] {
              (void)lstm.forward(fx::zeros({5, 2, 7}));
            }).find("LSTM: input of shape [5, 2, 7]"),
            std::string::npos);
  EXPECT_NE(error_message([&] {
              (void)lstm.forward(fx::zeros({5, 2, 3}), std::tuple{fx::zeros({1, 3, 4}), fx::Tensor()});
            }).find("h0 must have shape [1, 2, 4]"),
            std::string::npos);
  EXPECT_NE(error_message([&] {
              (void)lstm.forward(fx::zeros({0, 2, 3}));
            }).find("sequence is empty"),
            std::string::npos);
  EXPECT_NE(error_message([] { nn::RNN(3, 4, {.nonlinearity = "sigmoid"}); }).find("nonlinearity"), std::string::npos);
  EXPECT_NE(error_message([] {
              nn::GRUCell(3, 4).forward(fx::zeros({2, 3}), fx::zeros({3, 4}));
            }).find("GRUCell"),
            std::string::npos);
}
