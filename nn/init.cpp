// SPDX-License-Identifier: MIT
// nn::init: the initialisers, each a draw from fluxion's seeded generator
// copied into the tensor under NoGradGuard (an initialiser is not part of
// the model's computation, so it must not enter the graph).
#include "nn/init.h"

#include <cmath>

#include "autograd/grad_mode.h"
#include "autograd/linalg.h"
#include "autograd/ops.h"

namespace fluxion::nn::init {

double calculate_gain(Nonlinearity nonlinearity, double param) {
  switch (nonlinearity) {
    case Nonlinearity::tanh: return 5.0 / 3.0;
    case Nonlinearity::relu: return std::sqrt(2.0);
    case Nonlinearity::leaky_relu: return std::sqrt(2.0 / (1 + param * param));
    case Nonlinearity::selu: return 3.0 / 4.0;
    default: return 1.0;  // linear, conv, sigmoid
  }
}

std::pair<int64_t, int64_t> calculate_fan_in_and_fan_out(const Tensor& t) {
  check(t.dim() >= 2, "init: fan in and fan out need a tensor with at least 2 dims, got shape ",
        t.shape());
  int64_t receptive = 1;  // prod of the kernel dims of a conv weight (out, in, k...)
  for (int64_t d = 2; d < t.dim(); ++d) receptive *= t.size(d);
  return {t.size(1) * receptive, t.size(0) * receptive};
}

// Overwrites t with `values` outside the graph.
static Tensor assign(Tensor t, const Tensor& values) {
  NoGradGuard no_grad;
  t.copy_(values);
  return t;
}

static void check_floating(const Tensor& t, const char* op) {
  check(t.defined() && t.is_floating_point(), "init.", op, ": expected a defined floating tensor");
}

Tensor uniform_(Tensor t, double a, double b) {
  check_floating(t, "uniform_");
  check(a <= b, "init.uniform_: need a <= b, got a = ", a, ", b = ", b);
  return assign(t, uniform(t.shape(), a, b, t.dtype()));
}

Tensor normal_(Tensor t, double mean, double std) {
  check_floating(t, "normal_");
  check(std >= 0, "init.normal_: std must be non-negative, got ", std);
  return assign(t, normal(t.shape(), mean, std, t.dtype()));
}

Tensor constant_(Tensor t, double value) {
  check_floating(t, "constant_");
  NoGradGuard no_grad;
  t.fill_(value);
  return t;
}

Tensor zeros_(Tensor t) { return constant_(t, 0); }
Tensor ones_(Tensor t) { return constant_(t, 1); }

Tensor xavier_uniform_(Tensor t, double gain) {
  auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(t);
  double a = gain * std::sqrt(6.0 / double(fan_in + fan_out));
  return uniform_(t, -a, a);
}

Tensor xavier_normal_(Tensor t, double gain) {
  auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(t);
  return normal_(t, 0, gain * std::sqrt(2.0 / double(fan_in + fan_out)));
}

static double kaiming_std(const Tensor& t, const KaimingOptions& opts, const char* op) {
  auto [fan_in, fan_out] = calculate_fan_in_and_fan_out(t);
  int64_t fan = opts.mode == FanMode::fan_in ? fan_in : fan_out;
  check(fan > 0, "init.", op, ": the fan of a tensor of shape ", t.shape(), " is zero");
  return calculate_gain(opts.nonlinearity, opts.a) / std::sqrt(double(fan));
}

Tensor kaiming_uniform_(Tensor t, KaimingOptions opts) {
  double bound = std::sqrt(3.0) * kaiming_std(t, opts, "kaiming_uniform_");  // U(-b, b) has std b / sqrt(3)
  return uniform_(t, -bound, bound);
}

Tensor kaiming_normal_(Tensor t, KaimingOptions opts) {
  return normal_(t, 0, kaiming_std(t, opts, "kaiming_normal_"));
}

Tensor orthogonal_(Tensor t, double gain) {
  check_floating(t, "orthogonal_");
  check(t.dim() >= 2 && t.numel() > 0, "init.orthogonal_: needs a non-empty tensor with at least 2 dims, got shape ",
        t.shape());
  int64_t rows = t.size(0), cols = t.numel() / rows;
  Tensor a = normal({rows, cols}, 0, 1, t.dtype());
  if (rows < cols) a = a.t();  // QR of the tall orientation
  auto [q, r] = linalg::qr(a);
  // Q is unique only up to column signs: fix them by sign(diag R), so Q is Haar-distributed
  q = q * r.diagonal().sign();
  if (rows < cols) q = q.t();
  return assign(t, q.reshape(t.shape()) * gain);
}

}  // namespace fluxion::nn::init
