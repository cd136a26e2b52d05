// SPDX-License-Identifier: MIT
// Learning-rate schedules (torch.optim.lr_scheduler). Each sets the lr of
// every parameter group of an optimizer from the group's initial lr and the
// epoch count, in closed form; call step() once per epoch (after opt.step()).
//
//   fx::optim::CosineAnnealingLR sched(opt, {.T_max = 200});
//   for (int epoch = 0; epoch < 200; ++epoch) { train(); sched.step(); }
//
// Warm-up then cosine: SequentialLR over a LinearLR and a CosineAnnealingLR.
#pragma once
#include <limits>
#include <memory>
#include <vector>

#include "optim/optimizer.h"

namespace fluxion::optim {

class LRScheduler {
 public:
  explicit LRScheduler(Optimizer& optimizer);
  virtual ~LRScheduler() = default;
  /// Advances one epoch and sets each group's lr.
  void step();
  int64_t last_epoch() const { return last_epoch_; }
  /// The lr of each group as last set.
  std::vector<double> get_last_lr() const;
  /// The lr of `group` at `epoch` (the closed form).
  virtual double lr_at(size_t group, int64_t epoch) const = 0;
  /// {"last_epoch", "base_lrs"}: a schedule is a closed form in the epoch, so these resume it.
  nn::StateDict state_dict() const;
  /// Restores state_dict() output and sets every group's lr for the restored epoch.
  void load_state_dict(const nn::StateDict& sd);

 protected:
  void apply(int64_t epoch);  // sets every group's lr to lr_at(g, epoch); derived constructors call apply(0)
  Optimizer& optimizer_;
  std::vector<double> base_lrs_;

 private:
  int64_t last_epoch_ = 0;
};

struct StepLROptions {
  int64_t step_size = 1;
  double gamma = 0.1;
};
/// lr = base gamma^floor(epoch / step_size)
class StepLR : public LRScheduler {
 public:
  StepLR(Optimizer& optimizer, StepLROptions opts);
  double lr_at(size_t group, int64_t epoch) const override;
  StepLROptions opts;
};

struct MultiStepLROptions {
  std::vector<int64_t> milestones;
  double gamma = 0.1;
};
/// lr = base gamma^(number of milestones <= epoch)
class MultiStepLR : public LRScheduler {
 public:
  MultiStepLR(Optimizer& optimizer, MultiStepLROptions opts);
  double lr_at(size_t group, int64_t epoch) const override;
  MultiStepLROptions opts;
};

/// lr = base gamma^epoch
class ExponentialLR : public LRScheduler {
 public:
  ExponentialLR(Optimizer& optimizer, double gamma);
  double lr_at(size_t group, int64_t epoch) const override;
  double gamma;
};

struct CosineAnnealingLROptions {
  int64_t T_max = 1;
  double eta_min = 0;
};
/// lr = eta_min + (base - eta_min) (1 + cos(pi epoch / T_max)) / 2
class CosineAnnealingLR : public LRScheduler {
 public:
  CosineAnnealingLR(Optimizer& optimizer, CosineAnnealingLROptions opts);
  double lr_at(size_t group, int64_t epoch) const override;
  CosineAnnealingLROptions opts;
};

struct LinearLROptions {
  double start_factor = 1.0 / 3;
  double end_factor = 1.0;
  int64_t total_iters = 5;
};
/// Linear warm-up: lr = base (start + (end - start) min(epoch, total_iters) / total_iters)
class LinearLR : public LRScheduler {
 public:
  LinearLR(Optimizer& optimizer, LinearLROptions opts = {});
  double lr_at(size_t group, int64_t epoch) const override;
  LinearLROptions opts;
};

/// schedulers[i] runs from milestones[i-1] (its epoch 0) to milestones[i].
class SequentialLR : public LRScheduler {
 public:
  SequentialLR(Optimizer& optimizer, std::vector<std::shared_ptr<LRScheduler>> schedulers,
               std::vector<int64_t> milestones);
  double lr_at(size_t group, int64_t epoch) const override;

 private:
  std::vector<std::shared_ptr<LRScheduler>> schedulers_;
  std::vector<int64_t> milestones_;
};

enum class PlateauMode { min, max };
enum class ThresholdMode { rel, abs };
struct ReduceLROnPlateauOptions {
  PlateauMode mode = PlateauMode::min;
  double factor = 0.1;
  int64_t patience = 10;
  double threshold = 1e-4;
  ThresholdMode threshold_mode = ThresholdMode::rel;
  int64_t cooldown = 0;
  double min_lr = 0;
  double eps = 1e-8;  // changes smaller than this are skipped
};
/// Multiplies the lr by `factor` when the metric has not improved for more
/// than `patience` epochs; waits `cooldown` epochs after each cut.
class ReduceLROnPlateau {
 public:
  ReduceLROnPlateau(Optimizer& optimizer, ReduceLROnPlateauOptions opts = {});
  void step(double metric);
  std::vector<double> get_last_lr() const;
  double best() const { return best_; }
  int64_t num_bad_epochs() const { return num_bad_epochs_; }
  /// {"best", "num_bad_epochs", "cooldown_counter"} (the lrs live in the optimizer's state)
  nn::StateDict state_dict() const;
  void load_state_dict(const nn::StateDict& sd);

 private:
  bool is_better(double a) const;
  Optimizer& optimizer_;
  ReduceLROnPlateauOptions opts_;
  double best_;
  int64_t num_bad_epochs_ = 0, cooldown_counter_ = 0;
};

}  // namespace fluxion::optim
