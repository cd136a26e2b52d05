// SPDX-License-Identifier: MIT
// scaled_dot_product_attention, MultiheadAttention and the transformer encoder:
// values and gradients against PyTorch (tests/nn/torch_reference_attention.py,
// same parameters and inputs), SDPA against its formula written out, the causal
// flag against an explicit mask, derivative checks in Float64, and the errors.
#include <gtest/gtest.h>

#include <cmath>

#include "autograd/gradcheck.h"
#include "fluxion.h"
#include "nn/reference.h"
#include "nn/torch_reference_attention.h"

namespace fx = fluxion;
namespace nn = fluxion::nn;
namespace F = fluxion::nn::functional;

using namespace nn_ref;

TEST(Attention, SDPAIsTheFormula) {
  const fx::Tensor q = seq({2, 3, 4}, 0.7, 0.3), k = seq({2, 5, 4}, 0.45, 0.1), v = seq({2, 5, 2}, 0.8, 0.5);
  // by hand: for each batch b, query i: sum_j softmax_j(q_i . k_j / 2) v_j
  std::vector<double> want;
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t i = 0; i < 3; ++i) {
      std::vector<double> s(5);
      double total = 0;
      for (int64_t j = 0; j < 5; ++j) {
        double dot = 0;
        for (int64_t e = 0; e < 4; ++e) dot += q.at({b, i, e}) * k.at({b, j, e});
        total += s[j] = std::exp(dot / 2);
      }
      for (int64_t c = 0; c < 2; ++c) {
        double acc = 0;
        for (int64_t j = 0; j < 5; ++j) acc += s[j] / total * v.at({b, j, c});
        want.push_back(acc);
      }
    }
  expect_values(F::scaled_dot_product_attention(q, k, v), want, "sdpa");
  // scale, a Bool mask (true = may attend) and is_causal against their float-mask equivalents
  const fx::Tensor scaled = F::scaled_dot_product_attention(q, k, v, {.scale = 0.25});
  expect_values(scaled, F::scaled_dot_product_attention(q * 0.5, k, v).to_vector<double>(), "scale");
  const fx::Tensor keep = seq({3, 5}, 1.3, 0.2) > -0.5;
  const fx::Tensor additive = fx::where(keep, 0.0, fx::full({3, 5}, -INFINITY, fx::Float64));
  expect_values(F::scaled_dot_product_attention(q, k, v, {.attn_mask = keep}),
                F::scaled_dot_product_attention(q, k, v, {.attn_mask = additive}).to_vector<double>(), "bool mask");
  const fx::Tensor q5 = seq({2, 5, 4}, 0.6, 0.3);
  const fx::Tensor tri =
      fx::where(fx::tril(fx::ones({5, 5}, fx::Float64)) > 0.5, 0.0, fx::full({5, 5}, -INFINITY, fx::Float64));
  expect_values(F::scaled_dot_product_attention(q5, k, v, {.is_causal = true}),
                F::scaled_dot_product_attention(q5, k, v, {.attn_mask = tri}).to_vector<double>(), "causal");
}

TEST(Attention, MultiheadAttentionMatchesTorch) {
  nn::MultiheadAttention mha(4, 2, {.batch_first = true, .dtype = fx::Float64});
  set_params(mha);
  fx::Tensor q = seq({2, 3, 4}, 0.7, 0.3).requires_grad_(), kv = seq({2, 5, 4}, 0.45, 0.1).requires_grad_();
  fx::Tensor pad = fx::tensor({0.0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, {2, 5}, fx::Float64) > 0.5;
  auto [y, w] = mha.forward(q, kv, kv, {.key_padding_mask = pad, .attn_mask = seq({3, 5}, 0.9, 0.2) * 0.5});
  EXPECT_EQ(w.shape(), (fx::Shape{2, 3, 5}));
  ((seq(y.shape(), 0.3, 0, true) * y).sum() + (w * seq(w.shape(), 0.2, 0.4)).sum()).backward();
  expect_values(y, torch_attn::mha_y, "output");
  expect_values(w, torch_attn::mha_w, "weights");
  expect_values(q.grad(), torch_attn::mha_dq, "d query");
  expect_values(kv.grad(), torch_attn::mha_dkv, "d key/value");
  expect_values(mha.in_proj_weight.grad(), torch_attn::mha_dinw, "d in_proj_weight");
  EXPECT_EQ(w.at({1, 0, 4}), 0.0);  // the padded key gets no weight
}

TEST(Attention, CausalSelfAttentionPerHeadMatchesTorch) {
  nn::MultiheadAttention mha(4, 2, {.dtype = fx::Float64});
  set_params(mha);
  const fx::Tensor x = seq({3, 2, 4}, 0.7, 0.3);
  auto [y, w] = mha.forward(x, x, x, {.average_attn_weights = false, .is_causal = true});
  EXPECT_EQ(w.shape(), (fx::Shape{2, 2, 3, 3}));
  expect_values(y, torch_attn::causal_y, "output");
  expect_values(w, torch_attn::causal_w, "per-head weights");
  // unbatched input gives batch 0 of the batched result
  auto [y0, w0] = mha.forward(x.select(1, 0), x.select(1, 0), x.select(1, 0), {.is_causal = true});
  expect_values(y0, y.select(1, 0).to_vector<double>(), "unbatched");
}

TEST(Attention, EncoderLayersMatchTorch) {
  for (bool norm_first : {false, true}) {
    nn::TransformerEncoderLayer layer(4, 2,
                                      {.dim_feedforward = 6,
                                       .dropout = 0,
                                       .activation = norm_first ? "gelu" : "relu",
                                       .batch_first = true,
                                       .norm_first = norm_first,
                                       .dtype = fx::Float64});
    set_params(layer);
    fx::Tensor x = seq({2, 3, 4}, 0.7, 0.3).requires_grad_();
    fx::Tensor y = layer.forward(x);
    (seq(y.shape(), 0.3, 0, true) * y).sum().backward();
    expect_values(y, norm_first ? torch_attn::pre_y : torch_attn::post_y, norm_first ? "pre-norm" : "post-norm");
    expect_values(x.grad(), norm_first ? torch_attn::pre_dx : torch_attn::post_dx, "dx");
  }
  nn::TransformerEncoderLayer layer(4, 2, {.dim_feedforward = 6, .dropout = 0, .dtype = fx::Float64});
  set_params(layer);
  nn::TransformerEncoder encoder(
      layer, 2, std::make_shared<nn::LayerNorm>(fx::Shape{4}, nn::LayerNormOptions{.dtype = fx::Float64}));
  EXPECT_EQ(encoder.named_parameters().size(), 2 * 12 + 2u);
  EXPECT_EQ(encoder.named_parameters()[0].first, "layers.0.self_attn.in_proj_weight");
  fx::Tensor x = seq({3, 2, 4}, 0.7, 0.3).requires_grad_();
  fx::Tensor y = encoder.forward(x, {.is_causal = true});
  (seq(y.shape(), 0.3, 0, true) * y).sum().backward();
  expect_values(y, torch_attn::enc_y, "encoder");
  expect_values(x.grad(), torch_attn::enc_dx, "encoder dx");
}

TEST(Attention, DerivativesOfEveryOrderAndMode) {
  nn::MultiheadAttention mha(4, 2, {.dtype = fx::Float64});
  fx::autograd::TensorFunction f = [&](const std::vector<fx::Tensor>& xs) {
    auto [y, w] = mha.forward(xs[0], xs[1], xs[1], {.is_causal = true});
    return y.sum(std::vector<int64_t>{2}) + w.sum();
  };
  std::vector<fx::Tensor> in = {seq({3, 1, 4}, 0.7, 0.3).requires_grad_(), seq({3, 1, 4}, 0.4, 0.1).requires_grad_()};
  EXPECT_TRUE(fx::autograd::gradcheck(f, in));
  EXPECT_TRUE(fx::autograd::jvpcheck(f, in));
  EXPECT_TRUE(fx::autograd::gradgradcheck(f, in));
  nn::TransformerEncoderLayer layer(4, 2,
                                    {.dim_feedforward = 5, .dropout = 0, .norm_first = true, .dtype = fx::Float64});
  fx::autograd::TensorFunction g = [&](const std::vector<fx::Tensor>& xs) { return layer.forward(xs[0]); };
  std::vector<fx::Tensor> x = {seq({2, 1, 4}, 0.7, 0.3).requires_grad_()};
  EXPECT_TRUE(fx::autograd::gradcheck(g, x));
  EXPECT_TRUE(fx::autograd::jvpcheck(g, x));
}

TEST(Attention, DropoutOnlyInTrainingAndErrors) {
  nn::TransformerEncoderLayer layer(4, 2, {.dim_feedforward = 6, .dropout = 0.5, .dtype = fx::Float64});
  const fx::Tensor x = seq({3, 2, 4}, 0.7, 0.3);
  fx::manual_seed(3);
  const fx::Tensor a = layer.forward(x);
  EXPECT_GT((a - layer.forward(x)).abs().max().item(), 1e-3);
  layer.eval();
  EXPECT_EQ((layer.forward(x) - layer.forward(x)).abs().max().item(), 0.0);

  EXPECT_NE(error_message([] { nn::MultiheadAttention(6, 4); }).find("multiple of num_heads"), std::string::npos);
  nn::MultiheadAttention mha(4, 2);
  EXPECT_NE(error_message([&] {
              (void)mha.forward(fx::zeros({3, 2, 4}), fx::zeros({5, 2, 4}), fx::zeros({5, 2, 4}),
                                {.attn_mask = fx::zeros({3, 3})});
            }).find("attn_mask must be (3, 5)"),
            std::string::npos);
  EXPECT_NE(error_message([&] {
              (void)mha.forward(fx::zeros({3, 2, 5}), fx::zeros({3, 2, 5}), fx::zeros({3, 2, 5}));
            }).find("MultiheadAttention"),
            std::string::npos);
  EXPECT_NE(error_message([] {
              (void)F::scaled_dot_product_attention(fx::zeros({2, 3}), fx::zeros({2, 4}), fx::zeros({2, 4}));
            }).find("scaled_dot_product_attention"),
            std::string::npos);
  EXPECT_NE(error_message([] { nn::TransformerEncoderLayer(4, 2, {.activation = "tanh"}); }).find("activation"),
            std::string::npos);
}
