// SPDX-License-Identifier: MIT
// Linear, Flatten, Dropout, LayerNorm, Embedding: constructors (PyTorch's
// default initialisations) and forwards, each a composite of tensor ops.
#include "nn/layers.h"

#include <cmath>

#include "autograd/ops.h"
#include "nn/functional.h"
#include "nn/init.h"

namespace fluxion::nn {

Linear::Linear(int64_t in_features, int64_t out_features, LinearOptions opts)
    : in_features(in_features), out_features(out_features) {
  check(in_features >= 0 && out_features >= 0, "Linear: sizes must be non-negative, got in_features = ", in_features,
        ", out_features = ", out_features);
  DType dtype = opts.dtype.value_or(default_dtype());
  weight = register_parameter("weight", empty({out_features, in_features}, dtype));
  if (opts.bias) bias = register_parameter("bias", empty({out_features}, dtype));
  reset_parameters();
}

void Linear::reset_parameters() {
  // PyTorch: kaiming_uniform_(a = sqrt(5)) gives U(-1/sqrt(in), 1/sqrt(in)); the bias uses the same bound.
  init::kaiming_uniform_(weight, {.a = std::sqrt(5.0)});
  if (bias.defined()) {
    double bound = in_features > 0 ? 1.0 / std::sqrt(double(in_features)) : 0.0;
    init::uniform_(bias, -bound, bound);
  }
}

std::string Linear::extra_repr() const {
  return "in_features=" + std::to_string(in_features) + ", out_features=" + std::to_string(out_features) +
         ", bias=" + (bias.defined() ? "True" : "False");
}

Tensor Linear::forward(const Tensor& x) const {
  check(x.dim() >= 1 && x.size(-1) == in_features, "Linear: input of shape ", x.shape(),
        " must end in in_features = ", in_features);
  return fluxion::linear(x, weight, bias);  // (*, in) (in, out) + (out) -> (*, out)
}

Tensor Flatten::forward(const Tensor& x) const { return x.flatten(start_dim, end_dim); }

Tensor Unflatten::forward(const Tensor& x) const {
  check(x.dim() > 0, "Unflatten: input must have at least one dim");
  int64_t d = dim < 0 ? dim + x.dim() : dim;
  check(d >= 0 && d < x.dim(), "Unflatten: dim ", dim, " is out of range for input ", x.shape());
  int64_t n = 1;
  for (int64_t s : sizes) n *= s;
  check(n == x.size(d), "Unflatten: sizes ", sizes, " do not multiply to ", x.size(d), ", the size of dim ",
        dim, " of input ", x.shape());
  Shape out(x.shape().begin(), x.shape().begin() + d);
  out.insert(out.end(), sizes.begin(), sizes.end());
  out.insert(out.end(), x.shape().begin() + d + 1, x.shape().end());
  return x.reshape(out);
}

Dropout::Dropout(double p) : p(p) { check(p >= 0 && p <= 1, "Dropout: p must be in [0, 1], got ", p); }

Tensor Dropout::forward(const Tensor& x) const { return functional::dropout(x, p, is_training()); }

Dropout2d::Dropout2d(double p) : p(p) { check(p >= 0 && p <= 1, "Dropout2d: p must be in [0, 1], got ", p); }

Tensor Dropout2d::forward(const Tensor& x) const {
  check(x.dim() == 3 || x.dim() == 4, "Dropout2d: input must be (N, C, H, W) or (C, H, W), got ", x.shape());
  if (!is_training() || p == 0) return x;
  if (p == 1) return x * 0.0;
  // one keep decision per channel plane, broadcast over (H, W)
  Shape s = x.shape();
  s[s.size() - 1] = s[s.size() - 2] = 1;
  Tensor keep = (rand(s, x.dtype()) >= p).to(x.dtype()) * (1.0 / (1.0 - p));
  return x * keep;
}

LayerNorm::LayerNorm(Shape normalized_shape, LayerNormOptions opts)
    : normalized_shape(std::move(normalized_shape)), eps(opts.eps) {
  check(!this->normalized_shape.empty(), "LayerNorm: normalized_shape must have at least one dim");
  DType dtype = opts.dtype.value_or(default_dtype());
  if (opts.elementwise_affine) {
    weight = register_parameter("weight", ones(this->normalized_shape, dtype));
    if (opts.bias) bias = register_parameter("bias", zeros(this->normalized_shape, dtype));
  }
}

Tensor LayerNorm::forward(const Tensor& x) const {
  int64_t k = (int64_t)normalized_shape.size();
  bool ok = x.dim() >= k && Shape(x.shape().end() - k, x.shape().end()) == normalized_shape;
  check(ok, "LayerNorm: input of shape ", x.shape(), " must end in normalized_shape ",
        normalized_shape);
  std::vector<int64_t> dims;
  for (int64_t d = -k; d < 0; ++d) dims.push_back(d);
  Tensor xc = x - x.mean(dims, true);
  Tensor var = (xc * xc).mean(dims, true);  // biased, as in PyTorch's layer_norm
  Tensor y = xc * (var + eps).rsqrt();
  if (weight.defined()) y = y * weight;
  if (bias.defined()) y = y + bias;
  return y;
}

Embedding::Embedding(int64_t num_embeddings, int64_t embedding_dim, EmbeddingOptions opts)
    : num_embeddings(num_embeddings), embedding_dim(embedding_dim) {
  check(num_embeddings > 0 && embedding_dim > 0, "Embedding: sizes must be positive, got ", num_embeddings, " and ",
        embedding_dim);
  weight = register_parameter("weight", empty({num_embeddings, embedding_dim}, opts.dtype.value_or(default_dtype())));
  init::normal_(weight);
}

Tensor Embedding::forward(const Tensor& indices) const {
  check(indices.dtype() == Int64, "Embedding: indices must be Int64, got ", dtype_name(indices.dtype()));
  for (int64_t i : indices.to_vector<int64_t>())
    check(i >= 0 && i < num_embeddings, "Embedding: index ", i, " is out of range for ", num_embeddings, " embeddings");
  Shape out = indices.shape();
  out.push_back(embedding_dim);
  return weight.index_select(0, indices.reshape({-1})).reshape(out);  // (*) -> (*, dim)
}

}  // namespace fluxion::nn
