// SPDX-License-Identifier: MIT
// nn::init — in-place initialisers with PyTorch's names, defaults and
// formulas (torch.nn.init). Each overwrites the tensor's values without
// recording a graph, and returns the same handle.
//
//   fx::nn::init::xavier_uniform_(layer->weight);           // U(-a, a), a = gain sqrt(6 / (fan_in + fan_out))
//   fx::nn::init::kaiming_normal_(w, {.mode = fx::nn::init::FanMode::fan_out});
#pragma once
#include <utility>

#include "autograd/tensor.h"

namespace fluxion::nn::init {

enum class Nonlinearity { linear, conv, sigmoid, tanh, relu, leaky_relu, selu };
enum class FanMode { fan_in, fan_out };

/// The recommended gain for a nonlinearity (torch.nn.init.calculate_gain):
/// linear/conv/sigmoid 1, tanh 5/3, relu sqrt(2), leaky_relu sqrt(2 / (1 + param^2)), selu 3/4.
double calculate_gain(Nonlinearity nonlinearity, double param = 0.01);
/// (fan_in, fan_out) of a weight: (out, in, k...) has fan_in = in * prod(k), fan_out = out * prod(k).
std::pair<int64_t, int64_t> calculate_fan_in_and_fan_out(const Tensor& t);

Tensor uniform_(Tensor t, double a = 0, double b = 1);
Tensor normal_(Tensor t, double mean = 0, double std = 1);
Tensor constant_(Tensor t, double value);
Tensor zeros_(Tensor t);
Tensor ones_(Tensor t);

/// U(-a, a) with a = gain sqrt(6 / (fan_in + fan_out))
Tensor xavier_uniform_(Tensor t, double gain = 1);
/// N(0, std^2) with std = gain sqrt(2 / (fan_in + fan_out))
Tensor xavier_normal_(Tensor t, double gain = 1);

struct KaimingOptions {
  double a = 0;  // negative slope of the leaky_relu that follows
  FanMode mode = FanMode::fan_in;
  Nonlinearity nonlinearity = Nonlinearity::leaky_relu;
};
/// U(-b, b) with b = gain sqrt(3 / fan), gain = calculate_gain(nonlinearity, a)
Tensor kaiming_uniform_(Tensor t, KaimingOptions opts = {});
/// N(0, std^2) with std = gain / sqrt(fan)
Tensor kaiming_normal_(Tensor t, KaimingOptions opts = {});

/// A (semi-)orthogonal matrix times gain, from the QR of a Gaussian matrix:
/// t viewed as (rows, numel / rows) gets orthonormal rows or columns, whichever are fewer.
Tensor orthogonal_(Tensor t, double gain = 1);

}  // namespace fluxion::nn::init
