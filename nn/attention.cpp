// SPDX-License-Identifier: MIT
// scaled_dot_product_attention and MultiheadAttention, composites of
// matmul, softmax and masked_fill (so both modes and every order come from
// the ops). Masked scores become -inf before the softmax: a key that no query
// may see gets weight exactly 0.
#include "nn/attention.h"

#include <cmath>
#include <limits>

#include "autograd/ops.h"
#include "nn/functional.h"
#include "nn/init.h"

namespace fluxion::nn {

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

/// scores + mask for a float mask; a Bool mask sets the scores where it is `hide` to -inf.
Tensor apply_mask(const Tensor& scores, const Tensor& mask, bool hide) {
  if (!mask.defined()) return scores;
  if (mask.dtype() == Bool) return scores.masked_fill(hide ? mask : logical_not(mask), kNegInf);
  return scores + mask;
}

/// (L, S) Bool, true above the diagonal: the keys a causal query must not see.
Tensor future(int64_t L, int64_t S) { return arange(double(S)).unsqueeze(0) > arange(double(L)).unsqueeze(1); }

}  // namespace

Tensor functional::scaled_dot_product_attention(const Tensor& q, const Tensor& k, const Tensor& v,
                                                const SDPAOptions& opts) {
  check(q.dim() >= 2 && k.dim() >= 2 && v.dim() >= 2 && q.size(-1) == k.size(-1) && k.size(-2) == v.size(-2),
        "scaled_dot_product_attention: expected query (..., L, E), key (..., S, E), value (..., S, Ev); got ",
        q.shape(), ", ", k.shape(), ", ", v.shape());
  check(!(opts.is_causal && opts.attn_mask.defined()),
        "scaled_dot_product_attention: pass either attn_mask or is_causal, not both");
  const double scale = opts.scale.value_or(1.0 / std::sqrt(double(q.size(-1))));
  Tensor scores = matmul(q, k.transpose(-2, -1)) * scale;  // (..., L, S)
  if (opts.is_causal) scores = apply_mask(scores, future(q.size(-2), k.size(-2)), true);
  scores = apply_mask(scores, opts.attn_mask, false);
  Tensor attn = dropout(scores.softmax(-1), opts.dropout_p, opts.dropout_p > 0);
  return matmul(attn, v);
}

MultiheadAttention::MultiheadAttention(int64_t embed_dim, int64_t num_heads, MultiheadAttentionOptions opts)
    : embed_dim(embed_dim),
      num_heads(num_heads),
      head_dim(num_heads > 0 ? embed_dim / num_heads : 0),
      dropout(opts.dropout),
      batch_first(opts.batch_first) {
  check(embed_dim > 0 && num_heads > 0 && embed_dim % num_heads == 0, "MultiheadAttention: embed_dim (", embed_dim,
        ") must be a positive multiple of num_heads (", num_heads, ")");
  check(dropout >= 0 && dropout <= 1, "MultiheadAttention: dropout must be in [0, 1], got ", dropout);
  const DType dtype = opts.dtype.value_or(default_dtype());
  in_proj_weight =
      register_parameter("in_proj_weight", init::xavier_uniform_(empty({3 * embed_dim, embed_dim}, dtype)));
  if (opts.bias) in_proj_bias = register_parameter("in_proj_bias", zeros({3 * embed_dim}, dtype));
  out_proj = register_module(
      "out_proj", std::make_shared<Linear>(embed_dim, embed_dim, LinearOptions{.bias = opts.bias, .dtype = dtype}));
  if (opts.bias) init::zeros_(out_proj->bias);
}

std::tuple<Tensor, Tensor> MultiheadAttention::forward(const Tensor& query, const Tensor& key, const Tensor& value,
                                                       const MultiheadAttentionForwardOptions& o) const {
  const bool batched = query.dim() == 3;
  check((query.dim() == 2 || batched) && key.dim() == query.dim() && value.dim() == query.dim() &&
            query.size(-1) == embed_dim && key.size(-1) == embed_dim && value.size(-1) == embed_dim,
        "MultiheadAttention: query, key and value must all be (L, N, ", embed_dim, "), (N, L, ", embed_dim,
        ") with batch_first, or unbatched (L, ", embed_dim, "); got ", query.shape(), ", ",
        key.shape(), ", ", value.shape());
  // everything as (N, L, E)
  auto nle = [&](const Tensor& t) { return !batched ? t.unsqueeze(0) : batch_first ? t : t.transpose(0, 1); };
  const Tensor q = nle(query), k = nle(key), v = nle(value);
  const int64_t N = q.size(0), L = q.size(1), S = k.size(1);
  check(k.size(0) == N && v.size(0) == N && v.size(1) == S, "MultiheadAttention: key ", key.shape(),
        " and value ", value.shape(), " must share the batch and sequence sizes, matching query ",
        query.shape());

  const std::vector<Tensor> w = chunk(in_proj_weight, 3, 0);  // W_q, W_k, W_v: (E, E) each
  const std::vector<Tensor> b = in_proj_bias.defined() ? chunk(in_proj_bias, 3, 0) : std::vector<Tensor>(3);
  auto heads = [&](const Tensor& x, int i) {  // (N, T, E) -> (N, num_heads, T, head_dim)
    return linear(x, w[i], b[i]).reshape({N, x.size(1), num_heads, head_dim}).transpose(1, 2);
  };
  Tensor scores = matmul(heads(q, 0), heads(k, 1).transpose(-2, -1)) * (1.0 / std::sqrt(double(head_dim)));

  Tensor mask = o.attn_mask;  // (L, S) or (N*num_heads, L, S)
  if (!mask.defined() && o.is_causal) mask = future(L, S);
  if (mask.defined()) {
    const bool shared = mask.dim() == 2;
    check(mask.shape() == (shared ? Shape{L, S} : Shape{N * num_heads, L, S}),
          "MultiheadAttention: attn_mask must be (", L, ", ", S, ") or (", N * num_heads, ", ", L, ", ", S, "), got ",
          mask.shape());
    scores = apply_mask(scores, shared ? mask : mask.reshape({N, num_heads, L, S}), true);
  }
  if (o.key_padding_mask.defined()) {
    const Tensor& p = o.key_padding_mask;
    check(p.shape() == (batched ? Shape{N, S} : Shape{S}), "MultiheadAttention: key_padding_mask must be (",
          batched ? std::to_string(N) + ", " : "", S, "), got ", p.shape());
    scores = apply_mask(scores, p.reshape({N, 1, 1, S}), true);
  }
  Tensor attn = functional::dropout(scores.softmax(-1), dropout, is_training());      // (N, h, L, S)
  Tensor out = matmul(attn, heads(v, 2)).transpose(1, 2).reshape({N, L, embed_dim});  // heads side by side
  out = out_proj->forward(out);

  Tensor weights;
  if (o.need_weights) weights = o.average_attn_weights ? attn.mean({1}) : attn;
  if (!batched) return {out.squeeze(0), weights.defined() ? weights.squeeze(0) : weights};
  return {batch_first ? out : out.transpose(0, 1), weights};
}

}  // namespace fluxion::nn
