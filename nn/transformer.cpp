// SPDX-License-Identifier: MIT
// TransformerEncoderLayer and TransformerEncoder: the residual blocks of
// transformer.h assembled from MultiheadAttention, Linear, Dropout and LayerNorm.
#include "nn/transformer.h"

#include "autograd/ops.h"
#include "nn/container.h"
#include "nn/functional.h"

namespace fluxion::nn {

TransformerEncoderLayer::TransformerEncoderLayer(int64_t d_model, int64_t nhead, TransformerEncoderLayerOptions opts)
    : d_model(d_model), nhead(nhead), options(opts) {
  check(opts.activation == "relu" || opts.activation == "gelu",
        "TransformerEncoderLayer: activation must be \"relu\" or \"gelu\", got \"", opts.activation, "\"");
  check(opts.dim_feedforward > 0, "TransformerEncoderLayer: dim_feedforward must be positive, got ",
        opts.dim_feedforward);
  const DType dtype = opts.dtype.value_or(default_dtype());
  const LinearOptions lin{.bias = opts.bias, .dtype = dtype};
  const LayerNormOptions ln{.eps = opts.layer_norm_eps, .bias = opts.bias, .dtype = dtype};
  // registered in PyTorch's order, so named_parameters and state_dict line up with it
  self_attn = register_module(
      "self_attn",
      std::make_shared<MultiheadAttention>(
          d_model, nhead,
          MultiheadAttentionOptions{
              .dropout = opts.dropout, .bias = opts.bias, .batch_first = opts.batch_first, .dtype = dtype}));
  linear1 = register_module("linear1", std::make_shared<Linear>(d_model, opts.dim_feedforward, lin));
  dropout = register_module("dropout", std::make_shared<Dropout>(opts.dropout));
  linear2 = register_module("linear2", std::make_shared<Linear>(opts.dim_feedforward, d_model, lin));
  norm1 = register_module("norm1", std::make_shared<LayerNorm>(Shape{d_model}, ln));
  norm2 = register_module("norm2", std::make_shared<LayerNorm>(Shape{d_model}, ln));
  dropout1 = register_module("dropout1", std::make_shared<Dropout>(opts.dropout));
  dropout2 = register_module("dropout2", std::make_shared<Dropout>(opts.dropout));
}

Tensor TransformerEncoderLayer::self_attention(const Tensor& x, const TransformerForwardOptions& o) const {
  auto [out, weights] = self_attn->forward(x, x, x,
                                           {.key_padding_mask = o.src_key_padding_mask,
                                            .need_weights = false,
                                            .attn_mask = o.mask,
                                            .is_causal = o.is_causal});
  return dropout1->forward(out);
}

Tensor TransformerEncoderLayer::feed_forward(const Tensor& x) const {
  Tensor h = linear1->forward(x);
  h = options.activation == "relu" ? relu(h) : functional::gelu(h);
  return dropout2->forward(linear2->forward(dropout->forward(h)));
}

Tensor TransformerEncoderLayer::forward(const Tensor& src, const TransformerForwardOptions& o) const {
  Tensor x = src;
  if (options.norm_first) {
    x = x + self_attention(norm1->forward(x), o);
    return x + feed_forward(norm2->forward(x));
  }
  x = norm1->forward(x + self_attention(x, o));
  return norm2->forward(x + feed_forward(x));
}

TransformerEncoder::TransformerEncoder(const TransformerEncoderLayer& encoder_layer, int64_t num_layers,
                                       std::shared_ptr<LayerNorm> norm_layer) {
  check(num_layers >= 1, "TransformerEncoder: num_layers must be at least 1, got ", num_layers);
  auto list = register_module("layers", std::make_shared<ModuleList>());
  for (int64_t i = 0; i < num_layers; ++i) {
    auto layer = encoder_layer.clone();  // PyTorch's deepcopy
    list->push_back(layer);
    layers.push_back(layer);
  }
  if (norm_layer) norm = register_module("norm", std::move(norm_layer));
}

Tensor TransformerEncoder::forward(const Tensor& src, const TransformerForwardOptions& o) const {
  Tensor x = src;
  for (const auto& layer : layers) x = layer->forward(x, o);
  return norm ? norm->forward(x) : x;
}

}  // namespace fluxion::nn
