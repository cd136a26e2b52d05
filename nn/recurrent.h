// SPDX-License-Identifier: MIT
// Recurrent layers as PyTorch has them: RNN, LSTM, GRU (multi-layer,
// batch_first, bidirectional, dropout between layers) and their one-step
// cells. Parameters carry PyTorch's names (weight_ih_l0, bias_hh_l1_reverse,
// ...) and gate order, so a state_dict moves between the two.
//
//   fx::nn::LSTM lstm(8, 16, {.num_layers = 2, .batch_first = true});
//   auto [out, state] = lstm.forward(x);   // x: (N, L, 8) -> out: (N, L, 16)
//   auto [h_n, c_n] = state;               // each (2, N, 16)
#pragma once
#include <optional>
#include <string>
#include <tuple>

#include "nn/module.h"

namespace fluxion::nn {

struct RNNOptions {
  int64_t num_layers = 1;
  std::string nonlinearity = "tanh";  // or "relu"
  bool bias = true;
  bool batch_first = false;  // input (N, L, H_in) instead of (L, N, H_in)
  double dropout = 0;        // on each layer's output but the last, in training
  bool bidirectional = false;
  std::optional<DType> dtype;  // default: fluxion::default_dtype()
};

/// LSTM and GRU take RNN's options without the nonlinearity.
struct LSTMOptions {
  int64_t num_layers = 1;
  bool bias = true;
  bool batch_first = false;
  double dropout = 0;
  bool bidirectional = false;
  std::optional<DType> dtype;
};
using GRUOptions = LSTMOptions;

/// What all three layers share: the parameters of every layer and direction,
/// the walk over time and layers, and the shape checks.
class RNNBase : public Module {
 public:
  enum class Mode { rnn_tanh, rnn_relu, lstm, gru };
  int64_t input_size, hidden_size, num_layers;
  bool bias, batch_first, bidirectional;
  double dropout;

 protected:
  RNNBase(Mode mode, int64_t input_size, int64_t hidden_size, const LSTMOptions& o, const char* name);
  /// output (L, N, D*H) or its batch_first / unbatched form; h_n and c_n (num_layers*D, N, H).
  std::tuple<Tensor, Tensor, Tensor> run(const Tensor& input, const Tensor& h0, const Tensor& c0) const;

 private:
  struct Weights {
    Tensor w_ih, w_hh, b_ih, b_hh;  // (G*H, in), (G*H, H), (G*H), (G*H); G gates
  };
  Mode mode_;
  const char* name_;
  std::vector<Weights> weights_;  // layer-major: [layer * D + direction]

 protected:
  void rebind(const CloneMap& map) override {
    for (Weights& w : weights_) map(w.w_ih, w.w_hh, w.b_ih, w.b_hh);
  }
};

/// h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)   (relu with nonlinearity = "relu")
class RNN : public Cloneable<RNN, RNNBase> {
 public:
  RNN(int64_t input_size, int64_t hidden_size, RNNOptions opts = {});
  /// input (L, N, H_in), (N, L, H_in) with batch_first, or unbatched (L, H_in);
  /// h0 (num_layers*D, N, H) or (num_layers*D, H), zeros when undefined. Returns (output, h_n).
  std::tuple<Tensor, Tensor> forward(const Tensor& input, const Tensor& h0 = {}) const;
  std::tuple<Tensor, Tensor> operator()(const Tensor& input, const Tensor& h0 = {}) const { return forward(input, h0); }
};

/// Gates i, f, g, o = chunks of x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh (in that order);
/// c_t = sigmoid(f) c_{t-1} + sigmoid(i) tanh(g),  h_t = sigmoid(o) tanh(c_t).
class LSTM : public Cloneable<LSTM, RNNBase> {
 public:
  LSTM(int64_t input_size, int64_t hidden_size, LSTMOptions opts = {});
  /// Returns (output, (h_n, c_n)); hx = (h0, c0), zeros when absent.
  std::tuple<Tensor, std::tuple<Tensor, Tensor>> forward(
      const Tensor& input, const std::optional<std::tuple<Tensor, Tensor>>& hx = std::nullopt) const;
  std::tuple<Tensor, std::tuple<Tensor, Tensor>> operator()(
      const Tensor& input, const std::optional<std::tuple<Tensor, Tensor>>& hx = std::nullopt) const {
    return forward(input, hx);
  }
};

/// r, z = sigmoid of the first two chunks of x W_ih^T + b_ih + h W_hh^T + b_hh;
/// n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn));  h_t = (1 - z) n + z h_{t-1}.
class GRU : public Cloneable<GRU, RNNBase> {
 public:
  GRU(int64_t input_size, int64_t hidden_size, GRUOptions opts = {});
  std::tuple<Tensor, Tensor> forward(const Tensor& input, const Tensor& h0 = {}) const;
  std::tuple<Tensor, Tensor> operator()(const Tensor& input, const Tensor& h0 = {}) const { return forward(input, h0); }
};

// ---- cells: one time step, input (N, H_in) or (H_in) ------------------------------

struct RNNCellOptions {
  bool bias = true;
  std::string nonlinearity = "tanh";
  std::optional<DType> dtype;
};
struct LSTMCellOptions {
  bool bias = true;
  std::optional<DType> dtype;
};
using GRUCellOptions = LSTMCellOptions;

/// Parameters weight_ih (G*H, H_in), weight_hh (G*H, H), bias_ih, bias_hh, all
/// U(-1/sqrt(H), 1/sqrt(H)) as in PyTorch.
class RNNCellBase : public Module {
 public:
  int64_t input_size, hidden_size;
  Tensor weight_ih, weight_hh, bias_ih, bias_hh;

 protected:
  RNNCellBase(int64_t input_size, int64_t hidden_size, int64_t gates, bool bias, std::optional<DType> dtype,
              const char* name);
  /// x as (N, H_in) (unbatched input gets N = 1) and a state of (N, H), zeros when undefined.
  std::pair<Tensor, Tensor> batched(const Tensor& x, const Tensor& h) const;
  void rebind(const CloneMap& map) override { map(weight_ih, weight_hh, bias_ih, bias_hh); }
  const char* name_;
};

class RNNCell : public Cloneable<RNNCell, RNNCellBase> {
 public:
  RNNCell(int64_t input_size, int64_t hidden_size, RNNCellOptions opts = {});
  Tensor forward(const Tensor& x, const Tensor& h = {}) const;
  Tensor operator()(const Tensor& x, const Tensor& h = {}) const { return forward(x, h); }
  std::string nonlinearity;
};

class LSTMCell : public Cloneable<LSTMCell, RNNCellBase> {
 public:
  LSTMCell(int64_t input_size, int64_t hidden_size, LSTMCellOptions opts = {});
  /// Returns (h', c').
  std::tuple<Tensor, Tensor> forward(const Tensor& x,
                                     const std::optional<std::tuple<Tensor, Tensor>>& hx = std::nullopt) const;
  std::tuple<Tensor, Tensor> operator()(const Tensor& x,
                                        const std::optional<std::tuple<Tensor, Tensor>>& hx = std::nullopt) const {
    return forward(x, hx);
  }
};

class GRUCell : public Cloneable<GRUCell, RNNCellBase> {
 public:
  GRUCell(int64_t input_size, int64_t hidden_size, GRUCellOptions opts = {});
  Tensor forward(const Tensor& x, const Tensor& h = {}) const;
  Tensor operator()(const Tensor& x, const Tensor& h = {}) const { return forward(x, h); }
};

}  // namespace fluxion::nn
