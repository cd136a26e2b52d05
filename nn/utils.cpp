// SPDX-License-Identifier: MIT
// nn::utils: clip_grad_norm_, parameters_to_vector, vector_to_parameters.
#include "nn/utils.h"

#include <algorithm>

#include "autograd/grad_mode.h"
#include "autograd/ops.h"

namespace fluxion::nn::utils {

double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm, double norm_type,
                       bool error_if_nonfinite) {
  bool inf = std::isinf(norm_type);
  check(inf || norm_type > 0, "clip_grad_norm_: norm_type must be positive or INFINITY, got ", norm_type);
  NoGradGuard no_grad;
  std::vector<Tensor> grads;
  for (const Tensor& p : parameters)
    if (p.grad().defined()) grads.push_back(p.grad());
  // total = || (||g_1||, ||g_2||, ...) ||_p, accumulated in double
  double total = 0;
  for (const Tensor& g : grads) {
    double n = g.to(Float64).norm(norm_type).item();
    total = inf ? std::max(total, n) : total + std::pow(n, norm_type);
  }
  if (!inf) total = std::pow(total, 1.0 / norm_type);
  check(!error_if_nonfinite || std::isfinite(total), "clip_grad_norm_: the total gradient norm is ", total,
        "; pass error_if_nonfinite = false to clip anyway");
  double coef = max_norm / (total + 1e-6);  // PyTorch's epsilon, so a zero gradient stays zero
  if (coef < 1)
    for (Tensor g : grads) g.mul_(coef);
  return total;
}

Tensor parameters_to_vector(const std::vector<Tensor>& parameters) {
  check(!parameters.empty(), "parameters_to_vector: no parameters given");
  std::vector<Tensor> flat;
  for (const Tensor& p : parameters) flat.push_back(p.reshape({-1}));
  return cat(flat, 0);
}

void vector_to_parameters(const Tensor& vec, const std::vector<Tensor>& parameters) {
  check(vec.dim() == 1, "vector_to_parameters: vec must be 1-d, got shape ", to_string(vec.shape()));
  int64_t total = 0;
  for (const Tensor& p : parameters) total += p.numel();
  check(vec.numel() == total, "vector_to_parameters: vec has ", vec.numel(), " elements but the parameters have ",
        total);
  NoGradGuard no_grad;
  int64_t offset = 0;
  for (Tensor p : parameters) {
    p.copy_(vec.narrow(0, offset, p.numel()).reshape(p.shape()));
    offset += p.numel();
  }
}

}  // namespace fluxion::nn::utils
