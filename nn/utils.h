// SPDX-License-Identifier: MIT
// nn::utils — gradient clipping, model summaries, and the flat-vector view of
// parameters that second-order optimizers, line searches and the lessons use.
//
//   double norm = fx::nn::utils::clip_grad_norm_(net->parameters(), 1.0);
//   fx::Tensor theta = fx::nn::utils::parameters_to_vector(net->parameters());  // (P)
//   fx::nn::utils::vector_to_parameters(theta - 0.1 * g, net->parameters());
#pragma once
#include <cmath>
#include <string>
#include <vector>

#include "autograd/tensor.h"
#include "nn/container.h"

namespace fluxion::nn::utils {

/// Scales all gradients together so that their joint p-norm is at most
/// max_norm (p = 2, 1 or INFINITY); returns the norm before clipping.
/// Parameters without a gradient are skipped. A non-finite norm is an Error
/// when error_if_nonfinite.
double clip_grad_norm_(const std::vector<Tensor>& parameters, double max_norm, double norm_type = 2,
                       bool error_if_nonfinite = false);

/// Clamps every gradient into [-clip_value, clip_value], in place (torch.nn.utils.clip_grad_value_).
void clip_grad_value_(const std::vector<Tensor>& parameters, double clip_value);

/// A table of every module under m (dotted name, type, its own parameter count),
/// then the total and trainable parameter counts.
[[nodiscard]] std::string summary(Module& m);
/// The same for a Sequential run on `example` (without recording a graph), with
/// each step's output shape, as torchinfo's summary(model, input_size) prints.
[[nodiscard]] std::string summary(Sequential& net, const Tensor& example);

/// Every parameter flattened and concatenated, in order: (sum of numels).
/// Differentiable (views + cat), like torch.nn.utils.parameters_to_vector.
[[nodiscard]] Tensor parameters_to_vector(const std::vector<Tensor>& parameters);

/// Copies consecutive slices of `vec` into the parameters' values in place
/// (no graph). vec must have exactly as many elements as the parameters.
void vector_to_parameters(const Tensor& vec, const std::vector<Tensor>& parameters);

}  // namespace fluxion::nn::utils
