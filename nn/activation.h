// SPDX-License-Identifier: MIT
// Activation modules: parameter-free wrappers of nn::functional, so that
// activations can sit in a Sequential. Shapes are unchanged: (*) -> (*).
#pragma once
#include "nn/functional.h"
#include "nn/module.h"

namespace fluxion::nn {

struct ReLU : Cloneable<ReLU> {
  Tensor forward(const Tensor& x) const { return functional::relu(x); }
  Tensor operator()(const Tensor& x) const { return forward(x); }
};

struct LeakyReLU : Cloneable<LeakyReLU> {
  explicit LeakyReLU(double negative_slope = 0.01) : negative_slope(negative_slope) {}
  Tensor forward(const Tensor& x) const { return functional::leaky_relu(x, negative_slope); }
  Tensor operator()(const Tensor& x) const { return forward(x); }
  double negative_slope;
};

struct Tanh : Cloneable<Tanh> {
  Tensor forward(const Tensor& x) const { return functional::tanh(x); }
  Tensor operator()(const Tensor& x) const { return forward(x); }
};

struct Sigmoid : Cloneable<Sigmoid> {
  Tensor forward(const Tensor& x) const { return functional::sigmoid(x); }
  Tensor operator()(const Tensor& x) const { return forward(x); }
};

struct GELU : Cloneable<GELU> {
  explicit GELU(functional::GeluApproximate approximate = functional::GeluApproximate::none)
      : approximate(approximate) {}
  Tensor forward(const Tensor& x) const { return functional::gelu(x, approximate); }
  Tensor operator()(const Tensor& x) const { return forward(x); }
  functional::GeluApproximate approximate;
};

struct SiLU : Cloneable<SiLU> {
  Tensor forward(const Tensor& x) const { return functional::silu(x); }
  Tensor operator()(const Tensor& x) const { return forward(x); }
};

struct Softplus : Cloneable<Softplus> {
  explicit Softplus(double beta = 1, double threshold = 20) : beta(beta), threshold(threshold) {}
  Tensor forward(const Tensor& x) const { return functional::softplus(x, beta, threshold); }
  Tensor operator()(const Tensor& x) const { return forward(x); }
  double beta, threshold;
};

/// softmax along `dim` (PyTorch requires the dim; so does fluxion)
struct Softmax : Cloneable<Softmax> {
  explicit Softmax(int64_t dim) : dim(dim) {}
  Tensor forward(const Tensor& x) const { return functional::softmax(x, dim); }
  Tensor operator()(const Tensor& x) const { return forward(x); }
  int64_t dim;
};

struct LogSoftmax : Cloneable<LogSoftmax> {
  explicit LogSoftmax(int64_t dim) : dim(dim) {}
  Tensor forward(const Tensor& x) const { return functional::log_softmax(x, dim); }
  Tensor operator()(const Tensor& x) const { return forward(x); }
  int64_t dim;
};

}  // namespace fluxion::nn
