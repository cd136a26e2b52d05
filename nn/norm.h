// SPDX-License-Identifier: MIT
// Normalisation layers over channels (dim 1): BatchNorm1d/2d with running
// statistics kept as buffers, GroupNorm and InstanceNorm2d. LayerNorm is in
// layers.h. Every forward is a composite of differentiable ops.
//
//   BatchNorm, training:  y = (x - mean_B) / sqrt(var_B + eps) * weight + bias,
//     mean_B, var_B (biased) over every dim but the channels; then, without grad,
//     running_mean = (1 - momentum) running_mean + momentum mean_B,
//     running_var  = (1 - momentum) running_var  + momentum var_B n / (n - 1)   (unbiased)
//   BatchNorm, eval (or training without tracked statistics in eval): the running statistics.
#pragma once
#include <optional>

#include "nn/module.h"

namespace fluxion::nn {

namespace functional {
/// x: (N, C, *). When training, normalises with the batch statistics and, if
/// running_mean / running_var (C) are defined, blends them in place with factor momentum;
/// otherwise normalises with the running statistics.
[[nodiscard]] Tensor batch_norm(const Tensor& x, const Tensor& running_mean, const Tensor& running_var,
                                const Tensor& weight, const Tensor& bias, bool training, double momentum = 0.1,
                                double eps = 1e-5);
/// x: (N, C, *) normalised over each group of C / num_groups channels and all of *.
[[nodiscard]] Tensor group_norm(const Tensor& x, int64_t num_groups, const Tensor& weight = {}, const Tensor& bias = {},
                                double eps = 1e-5);
}  // namespace functional

struct BatchNormOptions {
  double eps = 1e-5;
  std::optional<double> momentum = 0.1;  // nullopt: cumulative moving average
  bool affine = true;
  bool track_running_stats = true;
  std::optional<DType> dtype;
};

/// The shared body of BatchNorm1d/2d; `input_dims` lists the ranks the subclass accepts.
class BatchNormBase : public Module {
 public:
  BatchNormBase(int64_t num_features, BatchNormOptions opts, const char* name, std::vector<int64_t> input_dims);
  Tensor forward(const Tensor& x) const;
  Tensor operator()(const Tensor& x) const { return forward(x); }
  /// running_mean = 0, running_var = 1, num_batches_tracked = 0
  void reset_running_stats();

  int64_t num_features;
  BatchNormOptions opts;
  Tensor weight, bias;                                    // ones, zeros (undefined without affine)
  Tensor running_mean, running_var, num_batches_tracked;  // buffers (undefined without tracking)

 protected:
  void rebind(const CloneMap& map) override { map(weight, bias, running_mean, running_var, num_batches_tracked); }

 private:
  const char* name_;
  std::vector<int64_t> input_dims_;
};

/// x: (N, C) or (N, C, L)
class BatchNorm1d : public Cloneable<BatchNorm1d, BatchNormBase> {
 public:
  explicit BatchNorm1d(int64_t num_features, BatchNormOptions opts = {})
      : Cloneable(num_features, opts, "BatchNorm1d", {2, 3}) {}
};

/// x: (N, C, H, W)
class BatchNorm2d : public Cloneable<BatchNorm2d, BatchNormBase> {
 public:
  explicit BatchNorm2d(int64_t num_features, BatchNormOptions opts = {})
      : Cloneable(num_features, opts, "BatchNorm2d", {4}) {}
};

struct GroupNormOptions {
  double eps = 1e-5;
  bool affine = true;
  std::optional<DType> dtype;
};

/// x: (N, C, *), C divisible by num_groups; per-channel weight (ones) and bias (zeros).
class GroupNorm : public Cloneable<GroupNorm> {
 public:
  GroupNorm(int64_t num_groups, int64_t num_channels, GroupNormOptions opts = {});
  Tensor forward(const Tensor& x) const;
  Tensor operator()(const Tensor& x) const { return forward(x); }
  int64_t num_groups, num_channels;
  double eps;
  Tensor weight, bias;

 protected:
  void rebind(const CloneMap& map) override { map(weight, bias); }
};

struct InstanceNormOptions {
  double eps = 1e-5;
  double momentum = 0.1;
  bool affine = false;
  bool track_running_stats = false;
  std::optional<DType> dtype;
};

/// x: (N, C, H, W) or (C, H, W): each (sample, channel) plane normalised on its own.
class InstanceNorm2d : public Cloneable<InstanceNorm2d> {
 public:
  explicit InstanceNorm2d(int64_t num_features, InstanceNormOptions opts = {});
  Tensor forward(const Tensor& x) const;
  Tensor operator()(const Tensor& x) const { return forward(x); }
  int64_t num_features;
  InstanceNormOptions opts;
  Tensor weight, bias, running_mean, running_var;

 protected:
  void rebind(const CloneMap& map) override { map(weight, bias, running_mean, running_var); }
};

}  // namespace fluxion::nn
