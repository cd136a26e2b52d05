// SPDX-License-Identifier: MIT
// TransformerEncoderLayer and TransformerEncoder as in PyTorch: self-attention
// and a two-layer feed-forward block, each with a residual connection and a
// LayerNorm, after (post-norm, the default) or before (norm_first) the block.
//
//   fx::nn::TransformerEncoderLayer layer(64, 4, {.dim_feedforward = 256, .batch_first = true});
//   fx::nn::TransformerEncoder encoder(layer, 3);   // three copies of `layer`
//   fx::Tensor y = encoder.forward(x, {.is_causal = true});   // x: (N, L, 64)
#pragma once
#include <string>

#include "nn/attention.h"

namespace fluxion::nn {

struct TransformerEncoderLayerOptions {
  int64_t dim_feedforward = 2048;
  double dropout = 0.1;
  std::string activation = "relu";  // or "gelu"
  double layer_norm_eps = 1e-5;
  bool batch_first = false;
  bool norm_first = false;
  bool bias = true;
  std::optional<DType> dtype;
};

struct TransformerForwardOptions {
  Tensor mask;                  // attn_mask of the self-attention: (L, L) or (N*nhead, L, L)
  Tensor src_key_padding_mask;  // (N, L): true = padding
  bool is_causal = false;       // without mask: position i attends to positions <= i
};

/// post-norm: x = norm1(x + sa(x)); x = norm2(x + ff(x))
/// norm_first: x = x + sa(norm1(x)); x = x + ff(norm2(x))
/// with sa(x) = dropout1(self_attn(x, x, x)) and ff(x) = dropout2(linear2(dropout(act(linear1(x))))).
class TransformerEncoderLayer : public Cloneable<TransformerEncoderLayer> {
 public:
  TransformerEncoderLayer(int64_t d_model, int64_t nhead, TransformerEncoderLayerOptions opts = {});
  /// src (L, N, d_model), (N, L, d_model) with batch_first, or unbatched (L, d_model).
  Tensor forward(const Tensor& src, const TransformerForwardOptions& o = {}) const;
  Tensor operator()(const Tensor& src, const TransformerForwardOptions& o = {}) const { return forward(src, o); }

  int64_t d_model, nhead;
  TransformerEncoderLayerOptions options;
  std::shared_ptr<MultiheadAttention> self_attn;
  std::shared_ptr<Linear> linear1, linear2;
  std::shared_ptr<Dropout> dropout, dropout1, dropout2;
  std::shared_ptr<LayerNorm> norm1, norm2;

 protected:
  void rebind(const CloneMap& map) override {
    map(self_attn, linear1, linear2, dropout, dropout1, dropout2, norm1, norm2);
  }

 private:
  Tensor self_attention(const Tensor& x, const TransformerForwardOptions& o) const;
  Tensor feed_forward(const Tensor& x) const;
};

/// num_layers copies of encoder_layer (same options, same starting parameters,
/// as PyTorch's deep copies), applied in turn, then `norm` if given.
class TransformerEncoder : public Cloneable<TransformerEncoder> {
 public:
  TransformerEncoder(const TransformerEncoderLayer& encoder_layer, int64_t num_layers,
                     std::shared_ptr<LayerNorm> norm = nullptr);
  Tensor forward(const Tensor& src, const TransformerForwardOptions& o = {}) const;
  Tensor operator()(const Tensor& src, const TransformerForwardOptions& o = {}) const { return forward(src, o); }

  std::vector<std::shared_ptr<TransformerEncoderLayer>> layers;
  std::shared_ptr<LayerNorm> norm;

 protected:
  void rebind(const CloneMap& map) override { map(layers, norm); }
};

}  // namespace fluxion::nn
