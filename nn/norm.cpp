// SPDX-License-Identifier: MIT
// BatchNorm, GroupNorm, InstanceNorm2d: statistics over the right dims, the
// normalisation as differentiable ops, running statistics updated without grad.
#include "nn/norm.h"

#include "autograd/grad_mode.h"
#include "autograd/ops.h"

namespace fluxion::nn {

namespace {

// (C) -> (1, C, 1, ...) for an input of `dim` dims, to broadcast over dim 1
Tensor per_channel(const Tensor& t, int64_t dim) {
  Shape s(dim, 1);
  s[1] = -1;
  return t.reshape(s);
}

Tensor affine(Tensor y, const Tensor& weight, const Tensor& bias) {
  if (weight.defined()) y = y * per_channel(weight, y.dim());
  if (bias.defined()) y = y + per_channel(bias, y.dim());
  return y;
}

// every dim but the channels: {0, 2, 3, ...}
std::vector<int64_t> non_channel_dims(int64_t dim) {
  std::vector<int64_t> dims{0};
  for (int64_t d = 2; d < dim; ++d) dims.push_back(d);
  return dims;
}

// running = (1 - factor) running + factor value, in place and outside the graph
void blend_(const Tensor& running, const Tensor& value, double factor) {
  NoGradGuard no_grad;
  Tensor(running).copy_(running * (1.0 - factor) + value.detach().to(running.dtype()) * factor);
}

}  // namespace

namespace functional {

Tensor batch_norm(const Tensor& x, const Tensor& running_mean, const Tensor& running_var, const Tensor& weight,
                  const Tensor& bias, bool training, double momentum, double eps) {
  check(x.dim() >= 2, "batch_norm: input must be (N, C, *), got ", x.shape());
  int64_t c = x.size(1);
  for (const Tensor* t : {&running_mean, &running_var, &weight, &bias})
    if (t->defined())
      check(t->shape() == Shape{c}, "batch_norm: input ", x.shape(), " has ", c,
            " channels but a statistic or affine parameter has shape ", t->shape());
  check(training || (running_mean.defined() && running_var.defined()),
        "batch_norm: evaluation without training needs running_mean and running_var");
  if (!training) {
    Tensor y = (x - per_channel(running_mean, x.dim())) * per_channel((running_var + eps).rsqrt(), x.dim());
    return affine(y, weight, bias);
  }
  std::vector<int64_t> dims = non_channel_dims(x.dim());
  int64_t n = x.numel() / std::max<int64_t>(c, 1);
  check(n > 1, "batch_norm: expected more than 1 value per channel when training, got input of shape ",
        x.shape(), " (use a larger batch or eval())");
  Tensor mean = x.mean(dims, true);
  Tensor xc = x - mean;
  Tensor var = (xc * xc).mean(dims, true);  // biased: normalisation divides by n
  Tensor y = xc * (var + eps).rsqrt();
  if (running_mean.defined()) blend_(running_mean, mean.reshape({c}), momentum);
  if (running_var.defined()) blend_(running_var, var.reshape({c}) * (double(n) / double(n - 1)), momentum);
  return affine(y, weight, bias);
}

Tensor group_norm(const Tensor& x, int64_t num_groups, const Tensor& weight, const Tensor& bias, double eps) {
  check(x.dim() >= 2 && num_groups > 0 && x.size(1) % num_groups == 0, "group_norm: input ", x.shape(),
        " must be (N, C, *) with C divisible by num_groups = ", num_groups);
  Shape s = x.shape();
  Tensor g = x.reshape({s[0], num_groups, -1});  // (N, G, C/G * prod(*))
  Tensor gc = g - g.mean({-1}, true);
  Tensor y = (gc * ((gc * gc).mean({-1}, true) + eps).rsqrt()).reshape(s);
  return affine(y, weight, bias);
}

}  // namespace functional

BatchNormBase::BatchNormBase(int64_t num_features, BatchNormOptions opts, const char* name,
                             std::vector<int64_t> input_dims)
    : num_features(num_features), opts(opts), name_(name), input_dims_(std::move(input_dims)) {
  check(num_features > 0, name, ": num_features must be positive, got ", num_features);
  check(!opts.momentum || (*opts.momentum >= 0 && *opts.momentum <= 1), name, ": momentum must be in [0, 1], got ",
        opts.momentum.value_or(0));  // the message's arguments are evaluated even when the check passes
  DType dtype = opts.dtype.value_or(default_dtype());
  if (opts.affine) {
    weight = register_parameter("weight", ones({num_features}, dtype));
    bias = register_parameter("bias", zeros({num_features}, dtype));
  }
  if (opts.track_running_stats) {
    running_mean = register_buffer("running_mean", zeros({num_features}, dtype));
    running_var = register_buffer("running_var", ones({num_features}, dtype));
    num_batches_tracked = register_buffer("num_batches_tracked", zeros({}, Int64));
  }
}

void BatchNormBase::reset_running_stats() {
  if (!opts.track_running_stats) return;
  NoGradGuard no_grad;
  running_mean.copy_(zeros_like(running_mean));
  running_var.copy_(ones_like(running_var));
  num_batches_tracked.copy_(zeros_like(num_batches_tracked));
}

Tensor BatchNormBase::forward(const Tensor& x) const {
  bool ok = false;
  for (int64_t d : input_dims_) ok = ok || x.dim() == d;
  check(ok, name_, ": got input of shape ", x.shape(), ", expected ",
        input_dims_.size() == 1 ? "(N, C, H, W)" : "(N, C) or (N, C, L)");
  check(x.size(1) == num_features, name_, ": input ", x.shape(), " has ", x.size(1),
        " channels, expected num_features = ", num_features);
  // Batch statistics in training, and also in eval when no running statistics are kept.
  bool use_batch = is_training() || !opts.track_running_stats;
  double factor = opts.momentum.value_or(0.0);
  if (is_training() && opts.track_running_stats) {
    NoGradGuard no_grad;
    Tensor(num_batches_tracked).copy_(num_batches_tracked + 1.0);
    if (!opts.momentum) factor = 1.0 / double(num_batches_tracked.item());  // cumulative moving average
  }
  Tensor rm = is_training() || !use_batch ? running_mean : Tensor{};
  Tensor rv = is_training() || !use_batch ? running_var : Tensor{};
  return functional::batch_norm(x, rm, rv, weight, bias, use_batch, factor, opts.eps);
}

GroupNorm::GroupNorm(int64_t num_groups, int64_t num_channels, GroupNormOptions opts)
    : num_groups(num_groups), num_channels(num_channels), eps(opts.eps) {
  check(num_groups > 0 && num_channels % num_groups == 0, "GroupNorm: num_channels = ", num_channels,
        " must be divisible by num_groups = ", num_groups);
  DType dtype = opts.dtype.value_or(default_dtype());
  if (opts.affine) {
    weight = register_parameter("weight", ones({num_channels}, dtype));
    bias = register_parameter("bias", zeros({num_channels}, dtype));
  }
}

Tensor GroupNorm::forward(const Tensor& x) const {
  check(x.dim() >= 2 && x.size(1) == num_channels, "GroupNorm: input ", x.shape(), " must be (N, ",
        num_channels, ", *)");
  return functional::group_norm(x, num_groups, weight, bias, eps);
}

InstanceNorm2d::InstanceNorm2d(int64_t num_features, InstanceNormOptions opts)
    : num_features(num_features), opts(opts) {
  check(num_features > 0, "InstanceNorm2d: num_features must be positive, got ", num_features);
  DType dtype = opts.dtype.value_or(default_dtype());
  if (opts.affine) {
    weight = register_parameter("weight", ones({num_features}, dtype));
    bias = register_parameter("bias", zeros({num_features}, dtype));
  }
  if (opts.track_running_stats) {
    running_mean = register_buffer("running_mean", zeros({num_features}, dtype));
    running_var = register_buffer("running_var", ones({num_features}, dtype));
    register_buffer("num_batches_tracked", zeros({}, Int64));
  }
}

Tensor InstanceNorm2d::forward(const Tensor& x) const {
  check(x.dim() == 3 || x.dim() == 4, "InstanceNorm2d: input must be (N, C, H, W) or (C, H, W), got ",
        x.shape());
  if (x.dim() == 3) return forward(x.unsqueeze(0)).squeeze(0);
  check(x.size(1) == num_features, "InstanceNorm2d: input ", x.shape(), " has ", x.size(1),
        " channels, expected ", num_features);
  if (!is_training() && opts.track_running_stats) {
    return functional::batch_norm(x, running_mean, running_var, weight, bias, false, 0.0, opts.eps);
  }
  // each (n, c) plane is its own group: batch norm of a (1, N C, H, W) view
  int64_t n = x.size(0);
  Tensor rm = running_mean.defined() ? zeros({n * num_features}, x.dtype()) : Tensor{};
  Tensor rv = running_var.defined() ? zeros({n * num_features}, x.dtype()) : Tensor{};
  Tensor y = functional::batch_norm(x.reshape({1, n * num_features, x.size(2), x.size(3)}), rm, rv, {}, {}, true, 1.0,
                                    opts.eps)
                 .reshape(x.shape());
  if (running_mean.defined()) {
    // PyTorch averages the per-instance statistics (unbiased variance) over the batch
    blend_(running_mean, rm.reshape({n, num_features}).mean({0}), opts.momentum);
    blend_(running_var, rv.reshape({n, num_features}).mean({0}), opts.momentum);
  }
  return affine(y, weight, bias);
}

}  // namespace fluxion::nn
