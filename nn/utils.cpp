// SPDX-License-Identifier: MIT
// nn::utils: clip_grad_norm_, clip_grad_value_, summary, parameters_to_vector,
// vector_to_parameters.
#include "nn/utils.h"

#include <algorithm>
#include <cstdio>

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
  check(vec.dim() == 1, "vector_to_parameters: vec must be 1-d, got shape ", vec.shape());
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

void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value) {
  check(clip_value >= 0, "clip_grad_value_: clip_value must be non-negative, got ", clip_value);
  NoGradGuard no_grad;
  for (const Tensor& p : parameters)
    if (p.grad().defined()) p.grad().copy_(p.grad().clamp(-clip_value, clip_value));
}

namespace {

/// 1234567 -> "1,234,567"
std::string grouped(int64_t n) {
  const std::string digits = std::to_string(n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string row(const std::string& layer, const std::string& shape, const std::string& params) {
  char line[160];
  std::snprintf(line, sizeof line, "%-36s %-22s %12s\n", layer.c_str(), shape.c_str(), params.c_str());
  return line;
}

int64_t own_parameters(Module& m) {
  int64_t n = 0;
  for (const auto& [name, p] : m.named_parameters(false)) n += p.numel();
  return n;
}

std::string totals(Module& m) {
  int64_t all = 0, trainable = 0;
  for (const auto& [name, p] : m.named_parameters()) {
    all += p.numel();
    if (p.requires_grad()) trainable += p.numel();
  }
  return "Total params: " + grouped(all) + "\nTrainable params: " + grouped(trainable) + "\n";
}

}  // namespace

std::string summary(Module& m) {
  std::string out = row("Layer (type)", "", "Param #");
  for (auto& [name, sub] : m.named_modules())
    out += row((name.empty() ? "(root)" : name) + " (" + class_name(*sub) + ")", "", grouped(own_parameters(*sub)));
  return out + totals(m);
}

std::string summary(Sequential& net, const Tensor& example) {
  NoGradGuard no_grad;
  const std::vector<Tensor> outputs = net.forward_each(example);
  std::string out = row("Layer (type)", "Output shape", "Param #") + row("input", to_string(example.shape()), "");
  for (size_t i = 0; i < net.size(); ++i) {
    Module& step = *net[i];
    int64_t params = 0;
    for (const auto& [name, p] : step.named_parameters()) params += p.numel();
    out += row(std::to_string(i) + " (" + class_name(step) + ")", to_string(outputs[i].shape()), grouped(params));
  }
  return out + totals(net);
}

}  // namespace fluxion::nn::utils
