// SPDX-License-Identifier: MIT
// The layers with parameters or state: Linear, Flatten, Dropout, LayerNorm,
// Embedding. Shapes follow PyTorch, and so do the default initialisations
// (so a fluxion model and a PyTorch model start from the same distribution).
#pragma once
#include <optional>

#include "nn/module.h"

namespace fluxion::nn {

struct LinearOptions {
  bool bias = true;
  std::optional<DType> dtype;  // default: fluxion::default_dtype()
};

/// y = x w^T + b.  x: (*, in), w: (out, in), b: (out) -> y: (*, out).
/// w and b start U(-1/sqrt(in), 1/sqrt(in)): kaiming_uniform_(a = sqrt(5)) as in PyTorch.
class Linear : public Cloneable<Linear> {
 public:
  Linear(int64_t in_features, int64_t out_features, LinearOptions opts = {});
  Tensor forward(const Tensor& x) const;
  std::string extra_repr() const override;
  Tensor operator()(const Tensor& x) const { return forward(x); }
  void reset_parameters();

  int64_t in_features, out_features;
  Tensor weight, bias;  // bias undefined when opts.bias is false

 protected:
  void rebind(const CloneMap& map) override { map(weight, bias); }
};

/// Flattens dims start_dim..end_dim into one: (N, C, H, W) -> (N, C*H*W).
class Flatten : public Cloneable<Flatten> {
 public:
  explicit Flatten(int64_t start_dim = 1, int64_t end_dim = -1) : start_dim(start_dim), end_dim(end_dim) {}
  Tensor forward(const Tensor& x) const;
  Tensor operator()(const Tensor& x) const { return forward(x); }
  int64_t start_dim, end_dim;
};

/// nn.Identity: returns its input unchanged (keeps a Sequential's layout when a layer is switched off).
class Identity : public Cloneable<Identity> {
 public:
  Tensor forward(const Tensor& x) const { return x; }
  Tensor operator()(const Tensor& x) const { return forward(x); }
};

/// Splits dim into `sizes`: Unflatten(1, {C, H, W}) turns (N, C*H*W) into (N, C, H, W).
class Unflatten : public Cloneable<Unflatten> {
 public:
  Unflatten(int64_t dim, Shape sizes) : dim(dim), sizes(std::move(sizes)) {}
  Tensor forward(const Tensor& x) const;
  Tensor operator()(const Tensor& x) const { return forward(x); }
  int64_t dim;
  Shape sizes;
};

/// In training, zeroes each element with probability p and scales the rest
/// by 1 / (1 - p) (so the expectation is unchanged); the identity in eval().
class Dropout : public Cloneable<Dropout> {
 public:
  explicit Dropout(double p = 0.5);
  Tensor forward(const Tensor& x) const;
  Tensor operator()(const Tensor& x) const { return forward(x); }
  double p;
};

/// In training, zeroes whole channels: each (n, c) plane of (N, C, H, W) (or each c of
/// (C, H, W)) with probability p, scaling the rest by 1 / (1 - p); the identity in eval().
class Dropout2d : public Cloneable<Dropout2d> {
 public:
  explicit Dropout2d(double p = 0.5);
  Tensor forward(const Tensor& x) const;
  Tensor operator()(const Tensor& x) const { return forward(x); }
  double p;
};

struct LayerNormOptions {
  double eps = 1e-5;
  bool elementwise_affine = true;
  bool bias = true;
  std::optional<DType> dtype;
};

/// Normalises over the trailing dims given by normalized_shape:
/// y = (x - mean) / sqrt(var + eps) * weight + bias, var biased (divide by n).
class LayerNorm : public Cloneable<LayerNorm> {
 public:
  explicit LayerNorm(Shape normalized_shape, LayerNormOptions opts = {});
  Tensor forward(const Tensor& x) const;
  Tensor operator()(const Tensor& x) const { return forward(x); }

  Shape normalized_shape;
  double eps;
  Tensor weight, bias;  // ones and zeros; undefined without elementwise_affine

 protected:
  void rebind(const CloneMap& map) override { map(weight, bias); }
};

struct EmbeddingOptions {
  std::optional<DType> dtype;
};

/// A lookup table: indices (*) Int64 -> rows of weight (num_embeddings, dim), output (*, dim).
/// weight starts N(0, 1) as in PyTorch.
class Embedding : public Cloneable<Embedding> {
 public:
  Embedding(int64_t num_embeddings, int64_t embedding_dim, EmbeddingOptions opts = {});
  Tensor forward(const Tensor& indices) const;
  Tensor operator()(const Tensor& indices) const { return forward(indices); }

  int64_t num_embeddings, embedding_dim;
  Tensor weight;

 protected:
  void rebind(const CloneMap& map) override { map(weight); }
};

}  // namespace fluxion::nn
