// SPDX-License-Identifier: MIT
// RNN, LSTM, GRU and their cells: one step rule for all four kinds of cell,
// and the walk over time, directions and layers. Everything is a composite of
// differentiable ops, so every order and both modes of autodiff come for free.
#include "nn/recurrent.h"

#include <cmath>

#include "autograd/ops.h"
#include "nn/functional.h"
#include "nn/init.h"

namespace fluxion::nn {

namespace {

using Mode = RNNBase::Mode;

int64_t gates(Mode m) { return m == Mode::lstm ? 4 : m == Mode::gru ? 3 : 1; }

Mode rnn_mode(const std::string& nonlinearity, const char* name) {
  check(nonlinearity == "tanh" || nonlinearity == "relu", name, ": nonlinearity must be \"tanh\" or \"relu\", got \"",
        nonlinearity, "\"");
  return nonlinearity == "tanh" ? Mode::rnn_tanh : Mode::rnn_relu;
}

/// One time step. gi = x W_ih^T + b_ih (N, G*H), computed for all steps at
/// once by the caller; h, c (N, H). Returns (h', c'), c' only for the LSTM.
std::pair<Tensor, Tensor> step(Mode m, const Tensor& gi, const Tensor& h, const Tensor& c, const Tensor& w_hh,
                               const Tensor& b_hh) {
  Tensor gh = linear(h, w_hh, b_hh);  // (N, G*H)
  switch (m) {
    case Mode::rnn_tanh:
      return {tanh(gi + gh), {}};
    case Mode::rnn_relu:
      return {relu(gi + gh), {}};
    case Mode::lstm: {
      std::vector<Tensor> g = chunk(gi + gh, 4, 1);  // i, f, g, o
      Tensor c2 = sigmoid(g[1]) * c + sigmoid(g[0]) * tanh(g[2]);
      return {sigmoid(g[3]) * tanh(c2), c2};
    }
    case Mode::gru: {
      std::vector<Tensor> a = chunk(gi, 3, 1), b = chunk(gh, 3, 1);  // r, z, n
      Tensor r = sigmoid(a[0] + b[0]), z = sigmoid(a[1] + b[1]);
      Tensor n = tanh(a[2] + r * b[2]);  // r gates the hidden part only, b_hn included
      return {(1.0 - z) * n + z * h, {}};
    }
  }
  throw Error("recurrent step: unknown mode");
}

/// A user's initial state: (S, N, H) for batched input, (S, H) for unbatched; as (S, N, H).
Tensor initial_state(const Tensor& s, const char* what, const char* name, Shape want, bool batched, DType dtype) {
  if (!s.defined()) return zeros(want, dtype);
  Shape given = batched ? want : Shape{want[0], want[2]};
  check(s.shape() == given, name, ": ", what, " must have shape ", given, ", got ", s.shape());
  return batched ? s : s.unsqueeze(1);
}

}  // namespace

RNNBase::RNNBase(Mode mode, int64_t input_size, int64_t hidden_size, const LSTMOptions& o, const char* name)
    : input_size(input_size),
      hidden_size(hidden_size),
      num_layers(o.num_layers),
      bias(o.bias),
      batch_first(o.batch_first),
      bidirectional(o.bidirectional),
      dropout(o.dropout),
      mode_(mode),
      name_(name) {
  check(input_size > 0 && hidden_size > 0, name, ": input_size and hidden_size must be positive, got ", input_size,
        " and ", hidden_size);
  check(num_layers >= 1, name, ": num_layers must be at least 1, got ", num_layers);
  check(dropout >= 0 && dropout <= 1, name, ": dropout must be in [0, 1], got ", dropout);
  const DType dtype = o.dtype.value_or(default_dtype());
  const int64_t D = bidirectional ? 2 : 1, G = gates(mode);
  const double k = 1.0 / std::sqrt(double(hidden_size));  // every parameter starts U(-k, k), as in PyTorch
  for (int64_t layer = 0; layer < num_layers; ++layer) {
    for (int64_t d = 0; d < D; ++d) {
      const std::string s = "_l" + std::to_string(layer) + (d ? "_reverse" : "");
      const int64_t in = layer == 0 ? input_size : hidden_size * D;
      Weights w;
      w.w_ih = register_parameter("weight_ih" + s, init::uniform_(empty({G * hidden_size, in}, dtype), -k, k));
      w.w_hh = register_parameter("weight_hh" + s, init::uniform_(empty({G * hidden_size, hidden_size}, dtype), -k, k));
      if (bias) {
        w.b_ih = register_parameter("bias_ih" + s, init::uniform_(empty({G * hidden_size}, dtype), -k, k));
        w.b_hh = register_parameter("bias_hh" + s, init::uniform_(empty({G * hidden_size}, dtype), -k, k));
      }
      weights_.push_back(w);
    }
  }
}

std::tuple<Tensor, Tensor, Tensor> RNNBase::run(const Tensor& input, const Tensor& h0, const Tensor& c0) const {
  check(input.dim() == 2 || input.dim() == 3, name_, ": input must be (L, N, H_in), (N, L, H_in) with batch_first, ",
        "or unbatched (L, H_in); got ", input.shape());
  const bool batched = input.dim() == 3;
  Tensor x = !batched ? input.unsqueeze(1) : batch_first ? input.transpose(0, 1) : input;  // (L, N, H_in)
  check(x.size(2) == input_size, name_, ": input of shape ", input.shape(),
        " must end in input_size = ", input_size);
  check(x.size(0) > 0, name_, ": the sequence is empty (input ", input.shape(), ")");
  const int64_t L = x.size(0), N = x.size(1), D = bidirectional ? 2 : 1;
  const Shape state{num_layers * D, N, hidden_size};
  Tensor h = initial_state(h0, "h0", name_, state, batched, x.dtype());
  Tensor c = mode_ == Mode::lstm ? initial_state(c0, "c0", name_, state, batched, x.dtype()) : Tensor();

  std::vector<Tensor> h_n, c_n;
  for (int64_t layer = 0; layer < num_layers; ++layer) {
    std::vector<Tensor> outs;
    for (int64_t d = 0; d < D; ++d) {
      const Weights& w = weights_[layer * D + d];
      const Tensor gi = linear(x, w.w_ih, w.b_ih);  // (L, N, G*H): the input part of every step in one product
      Tensor ht = h.select(0, layer * D + d), ct = c.defined() ? c.select(0, layer * D + d) : Tensor();
      std::vector<Tensor> ys(L);
      for (int64_t i = 0; i < L; ++i) {
        const int64_t t = d == 0 ? i : L - 1 - i;  // the reverse direction reads the sequence backwards
        std::tie(ht, ct) = step(mode_, gi.select(0, t), ht, ct, w.w_hh, w.b_hh);
        ys[t] = ht;
      }
      outs.push_back(stack(ys, 0));  // (L, N, H)
      h_n.push_back(ht);
      if (ct.defined()) c_n.push_back(ct);
    }
    x = D == 2 ? cat(outs, 2) : outs[0];  // (L, N, D*H): both directions side by side
    if (layer + 1 < num_layers) x = functional::dropout(x, dropout, is_training());
  }
  Tensor hn = stack(h_n, 0), cn = c_n.empty() ? Tensor() : stack(c_n, 0);  // (num_layers*D, N, H)
  if (!batched) return {x.squeeze(1), hn.squeeze(1), cn.defined() ? cn.squeeze(1) : cn};
  return {batch_first ? x.transpose(0, 1) : x, hn, cn};
}

static LSTMOptions without_nonlinearity(const RNNOptions& o) {
  return {.num_layers = o.num_layers,
          .bias = o.bias,
          .batch_first = o.batch_first,
          .dropout = o.dropout,
          .bidirectional = o.bidirectional,
          .dtype = o.dtype};
}

RNN::RNN(int64_t input_size, int64_t hidden_size, RNNOptions opts)
    : Cloneable(rnn_mode(opts.nonlinearity, "RNN"), input_size, hidden_size, without_nonlinearity(opts), "RNN") {}

std::tuple<Tensor, Tensor> RNN::forward(const Tensor& input, const Tensor& h0) const {
  auto [out, h, c] = run(input, h0, {});
  return {out, h};
}

LSTM::LSTM(int64_t input_size, int64_t hidden_size, LSTMOptions opts)
    : Cloneable(Mode::lstm, input_size, hidden_size, opts, "LSTM") {}

std::tuple<Tensor, std::tuple<Tensor, Tensor>> LSTM::forward(
    const Tensor& input, const std::optional<std::tuple<Tensor, Tensor>>& hx) const {
  auto [h0, c0] = hx.value_or(std::tuple<Tensor, Tensor>{});
  auto [out, h, c] = run(input, h0, c0);
  return {out, {h, c}};
}

GRU::GRU(int64_t input_size, int64_t hidden_size, GRUOptions opts)
    : Cloneable(Mode::gru, input_size, hidden_size, opts, "GRU") {}

std::tuple<Tensor, Tensor> GRU::forward(const Tensor& input, const Tensor& h0) const {
  auto [out, h, c] = run(input, h0, {});
  return {out, h};
}

// ---- cells ------------------------------------------------------------------------

RNNCellBase::RNNCellBase(int64_t input_size, int64_t hidden_size, int64_t gates, bool bias,
                         std::optional<DType> dtype_opt, const char* name)
    : input_size(input_size), hidden_size(hidden_size), name_(name) {
  check(input_size > 0 && hidden_size > 0, name, ": input_size and hidden_size must be positive, got ", input_size,
        " and ", hidden_size);
  const DType dtype = dtype_opt.value_or(default_dtype());
  const double k = 1.0 / std::sqrt(double(hidden_size));
  weight_ih = register_parameter("weight_ih", init::uniform_(empty({gates * hidden_size, input_size}, dtype), -k, k));
  weight_hh = register_parameter("weight_hh", init::uniform_(empty({gates * hidden_size, hidden_size}, dtype), -k, k));
  if (bias) {
    bias_ih = register_parameter("bias_ih", init::uniform_(empty({gates * hidden_size}, dtype), -k, k));
    bias_hh = register_parameter("bias_hh", init::uniform_(empty({gates * hidden_size}, dtype), -k, k));
  }
}

std::pair<Tensor, Tensor> RNNCellBase::batched(const Tensor& x, const Tensor& h) const {
  check((x.dim() == 1 || x.dim() == 2) && x.size(-1) == input_size, name_, ": input must be (N, ", input_size, ") or (",
        input_size, "), got ", x.shape());
  Tensor xb = x.dim() == 1 ? x.unsqueeze(0) : x;
  const Shape want{xb.size(0), hidden_size};
  if (!h.defined()) return {xb, zeros(want, x.dtype())};
  Tensor hb = x.dim() == 1 && h.dim() == 1 ? h.unsqueeze(0) : h;
  check(hb.shape() == want, name_, ": the state must have shape ", x.dim() == 1 ? Shape{hidden_size} : want,
        " for input ", x.shape(), ", got ", h.shape());
  return {xb, hb};
}

RNNCell::RNNCell(int64_t input_size, int64_t hidden_size, RNNCellOptions opts)
    : Cloneable(input_size, hidden_size, 1, opts.bias, opts.dtype, "RNNCell"), nonlinearity(opts.nonlinearity) {
  rnn_mode(nonlinearity, "RNNCell");
}

Tensor RNNCell::forward(const Tensor& x, const Tensor& h) const {
  auto [xb, hb] = batched(x, h);
  Tensor out = step(rnn_mode(nonlinearity, name_), linear(xb, weight_ih, bias_ih), hb, {}, weight_hh, bias_hh).first;
  return x.dim() == 1 ? out.squeeze(0) : out;
}

LSTMCell::LSTMCell(int64_t input_size, int64_t hidden_size, LSTMCellOptions opts)
    : Cloneable(input_size, hidden_size, 4, opts.bias, opts.dtype, "LSTMCell") {}

std::tuple<Tensor, Tensor> LSTMCell::forward(const Tensor& x,
                                             const std::optional<std::tuple<Tensor, Tensor>>& hx) const {
  auto [h0, c0] = hx.value_or(std::tuple<Tensor, Tensor>{});
  auto [xb, hb] = batched(x, h0);
  Tensor cb = batched(x, c0).second;
  auto [h, c] = step(Mode::lstm, linear(xb, weight_ih, bias_ih), hb, cb, weight_hh, bias_hh);
  if (x.dim() == 1) return {h.squeeze(0), c.squeeze(0)};
  return {h, c};
}

GRUCell::GRUCell(int64_t input_size, int64_t hidden_size, GRUCellOptions opts)
    : Cloneable(input_size, hidden_size, 3, opts.bias, opts.dtype, "GRUCell") {}

Tensor GRUCell::forward(const Tensor& x, const Tensor& h) const {
  auto [xb, hb] = batched(x, h);
  Tensor out = step(Mode::gru, linear(xb, weight_ih, bias_ih), hb, {}, weight_hh, bias_hh).first;
  return x.dim() == 1 ? out.squeeze(0) : out;
}

}  // namespace fluxion::nn
