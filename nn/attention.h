// SPDX-License-Identifier: MIT
// Attention as PyTorch has it: functional::scaled_dot_product_attention and
// the MultiheadAttention layer (in_proj_weight / out_proj names, batch_first,
// key padding and attention masks, averaged or per-head weights).
//
//   fx::nn::MultiheadAttention mha(64, 8, {.batch_first = true});
//   auto [out, weights] = mha.forward(x, x, x, {.key_padding_mask = pad});   // x: (N, L, 64)
#pragma once
#include <optional>
#include <tuple>

#include "nn/layers.h"

namespace fluxion::nn {

namespace functional {

struct SDPAOptions {
  Tensor attn_mask;  // Bool: true = may attend; float: added to the scores. Broadcasts to (..., L, S).
  double dropout_p = 0;
  bool is_causal = false;       // query i attends to keys j <= i (no attn_mask with it)
  std::optional<double> scale;  // default 1 / sqrt(E)
};

/// softmax(q k^T * scale + mask) v.   q (..., L, E), k (..., S, E), v (..., S, Ev) -> (..., L, Ev).
[[nodiscard]] Tensor scaled_dot_product_attention(const Tensor& query, const Tensor& key, const Tensor& value,
                                                  const SDPAOptions& opts = {});

}  // namespace functional

struct MultiheadAttentionOptions {
  double dropout = 0;  // on the attention weights, in training
  bool bias = true;
  bool batch_first = false;  // (N, L, E) instead of (L, N, E)
  std::optional<DType> dtype;
};

struct MultiheadAttentionForwardOptions {
  Tensor key_padding_mask;  // (N, S) or (S): Bool true = ignore that key; float: added
  bool need_weights = true;
  Tensor attn_mask;  // (L, S) or (N*num_heads, L, S): Bool true = may NOT attend; float: added
  bool average_attn_weights = true;
  bool is_causal = false;  // without attn_mask: query i attends to keys j <= i
};

/// Each head h: softmax(Q_h K_h^T / sqrt(E / num_heads)) V_h on its slice of
/// the projections Q = q W_q^T + b_q, K, V; the heads are joined and projected
/// by out_proj. W_q, W_k, W_v are the three row blocks of in_proj_weight (3E, E),
/// xavier_uniform_ as in PyTorch; in_proj_bias and out_proj.bias start at zero.
class MultiheadAttention : public Cloneable<MultiheadAttention> {
 public:
  MultiheadAttention(int64_t embed_dim, int64_t num_heads, MultiheadAttentionOptions opts = {});
  /// query (L, N, E), key and value (S, N, E), or batch_first / unbatched forms.
  /// Returns (output like query, weights (N, L, S) averaged over heads, (N, num_heads, L, S)
  /// without averaging, undefined without need_weights).
  std::tuple<Tensor, Tensor> forward(const Tensor& query, const Tensor& key, const Tensor& value,
                                     const MultiheadAttentionForwardOptions& opts = {}) const;
  std::tuple<Tensor, Tensor> operator()(const Tensor& query, const Tensor& key, const Tensor& value,
                                        const MultiheadAttentionForwardOptions& opts = {}) const {
    return forward(query, key, value, opts);
  }

  int64_t embed_dim, num_heads, head_dim;
  double dropout;
  bool batch_first;
  Tensor in_proj_weight, in_proj_bias;
  std::shared_ptr<Linear> out_proj;

 protected:
  void rebind(const CloneMap& map) override { map(in_proj_weight, in_proj_bias, out_proj); }
};

}  // namespace fluxion::nn
