// SPDX-License-Identifier: MIT
// The learning-rate schedules of lr_scheduler.h, each a closed form in the
// epoch (PyTorch's _get_closed_form_lr), so that chaining and resuming are exact.
#include "optim/lr_scheduler.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace fluxion::optim {

LRScheduler::LRScheduler(Optimizer& optimizer) : optimizer_(optimizer) {
  for (size_t g = 0; g < optimizer.num_param_groups(); ++g) base_lrs_.push_back(optimizer.initial_lr(g));
}

void LRScheduler::apply(int64_t epoch) {
  for (size_t g = 0; g < base_lrs_.size(); ++g) optimizer_.set_lr(g, lr_at(g, epoch));
}

void LRScheduler::step() { apply(++last_epoch_); }

std::vector<double> LRScheduler::get_last_lr() const {
  std::vector<double> out;
  for (size_t g = 0; g < base_lrs_.size(); ++g) out.push_back(optimizer_.lr(g));
  return out;
}

// The named entry of a scheduler's state dict, which must be there.
static const Tensor& entry(const nn::StateDict& sd, const std::string& name, const char* who) {
  for (const auto& [n, t] : sd)
    if (n == name) return t;
  fail(who, ".load_state_dict: entry '", name, "' is missing (was the state saved from this scheduler?)");
}

nn::StateDict LRScheduler::state_dict() const {
  return {{"last_epoch", scalar(double(last_epoch_), Float64)},
          {"base_lrs", tensor(base_lrs_, {(int64_t)base_lrs_.size()}, Float64)}};
}

void LRScheduler::load_state_dict(const nn::StateDict& sd) {
  const Tensor& base = entry(sd, "base_lrs", "LRScheduler");
  check(base.numel() == (int64_t)base_lrs_.size(), "LRScheduler.load_state_dict: the state has ", base.numel(),
        " parameter groups, the optimizer ", base_lrs_.size());
  base_lrs_ = base.to_vector<double>();
  last_epoch_ = (int64_t)entry(sd, "last_epoch", "LRScheduler").item();
  apply(last_epoch_);
}

StepLR::StepLR(Optimizer& optimizer, StepLROptions opts) : LRScheduler(optimizer), opts(opts) {
  check(opts.step_size > 0, "StepLR: step_size must be positive, got ", opts.step_size);
  apply(0);
}
double StepLR::lr_at(size_t g, int64_t epoch) const {
  return base_lrs_[g] * std::pow(opts.gamma, double(epoch / opts.step_size));
}

MultiStepLR::MultiStepLR(Optimizer& optimizer, MultiStepLROptions opts) : LRScheduler(optimizer), opts(opts) {
  check(std::is_sorted(opts.milestones.begin(), opts.milestones.end()), "MultiStepLR: milestones must be increasing");
  apply(0);
}
double MultiStepLR::lr_at(size_t g, int64_t epoch) const {
  auto passed = std::upper_bound(opts.milestones.begin(), opts.milestones.end(), epoch) - opts.milestones.begin();
  return base_lrs_[g] * std::pow(opts.gamma, double(passed));
}

ExponentialLR::ExponentialLR(Optimizer& optimizer, double gamma) : LRScheduler(optimizer), gamma(gamma) { apply(0); }
double ExponentialLR::lr_at(size_t g, int64_t epoch) const { return base_lrs_[g] * std::pow(gamma, double(epoch)); }

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, CosineAnnealingLROptions opts)
    : LRScheduler(optimizer), opts(opts) {
  check(opts.T_max > 0, "CosineAnnealingLR: T_max must be positive, got ", opts.T_max);
  apply(0);
}
double CosineAnnealingLR::lr_at(size_t g, int64_t epoch) const {
  double c = std::cos(std::numbers::pi * double(epoch) / double(opts.T_max));
  return opts.eta_min + (base_lrs_[g] - opts.eta_min) * (1 + c) / 2;
}

LinearLR::LinearLR(Optimizer& optimizer, LinearLROptions opts) : LRScheduler(optimizer), opts(opts) {
  check(opts.start_factor > 0 && opts.start_factor <= 1, "LinearLR: start_factor must be in (0, 1], got ",
        opts.start_factor);
  check(opts.end_factor >= 0 && opts.end_factor <= 1, "LinearLR: end_factor must be in [0, 1], got ", opts.end_factor);
  check(opts.total_iters > 0, "LinearLR: total_iters must be positive, got ", opts.total_iters);
  apply(0);
}
double LinearLR::lr_at(size_t g, int64_t epoch) const {
  double frac = double(std::min(epoch, opts.total_iters)) / double(opts.total_iters);
  return base_lrs_[g] * (opts.start_factor + (opts.end_factor - opts.start_factor) * frac);
}

SequentialLR::SequentialLR(Optimizer& optimizer, std::vector<std::shared_ptr<LRScheduler>> schedulers,
                           std::vector<int64_t> milestones)
    : LRScheduler(optimizer), schedulers_(std::move(schedulers)), milestones_(std::move(milestones)) {
  check(!schedulers_.empty() && milestones_.size() + 1 == schedulers_.size(), "SequentialLR: got ", schedulers_.size(),
        " schedulers and ", milestones_.size(), " milestones; need one milestone fewer");
  check(std::is_sorted(milestones_.begin(), milestones_.end()), "SequentialLR: milestones must be increasing");
  for (const auto& s : schedulers_) check(s != nullptr, "SequentialLR: a scheduler is null");
  apply(0);
}
double SequentialLR::lr_at(size_t g, int64_t epoch) const {
  size_t i = std::upper_bound(milestones_.begin(), milestones_.end(), epoch) - milestones_.begin();
  return schedulers_[i]->lr_at(g, i == 0 ? epoch : epoch - milestones_[i - 1]);
}

ReduceLROnPlateau::ReduceLROnPlateau(Optimizer& optimizer, ReduceLROnPlateauOptions opts)
    : optimizer_(optimizer), opts_(opts) {
  check(opts.factor < 1 && opts.factor >= 0, "ReduceLROnPlateau: factor must be in [0, 1), got ", opts.factor);
  check(opts.patience >= 0 && opts.cooldown >= 0, "ReduceLROnPlateau: patience and cooldown must be non-negative");
  double inf = std::numeric_limits<double>::infinity();
  best_ = opts.mode == PlateauMode::min ? inf : -inf;
}

bool ReduceLROnPlateau::is_better(double a) const {
  bool rel = opts_.threshold_mode == ThresholdMode::rel;
  if (opts_.mode == PlateauMode::min) return a < (rel ? best_ * (1 - opts_.threshold) : best_ - opts_.threshold);
  return a > (rel ? best_ * (1 + opts_.threshold) : best_ + opts_.threshold);
}

void ReduceLROnPlateau::step(double metric) {
  if (is_better(metric)) {
    best_ = metric;
    num_bad_epochs_ = 0;
  } else {
    ++num_bad_epochs_;
  }
  if (cooldown_counter_ > 0) {
    --cooldown_counter_;
    num_bad_epochs_ = 0;  // bad epochs in cooldown do not count
  }
  if (num_bad_epochs_ > opts_.patience) {
    for (size_t g = 0; g < optimizer_.num_param_groups(); ++g) {
      double old_lr = optimizer_.lr(g), new_lr = std::max(old_lr * opts_.factor, opts_.min_lr);
      if (old_lr - new_lr > opts_.eps) optimizer_.set_lr(g, new_lr);
    }
    cooldown_counter_ = opts_.cooldown;
    num_bad_epochs_ = 0;
  }
}

std::vector<double> ReduceLROnPlateau::get_last_lr() const {
  std::vector<double> out;
  for (size_t g = 0; g < optimizer_.num_param_groups(); ++g) out.push_back(optimizer_.lr(g));
  return out;
}

nn::StateDict ReduceLROnPlateau::state_dict() const {
  return {{"best", scalar(best_, Float64)},
          {"num_bad_epochs", scalar(double(num_bad_epochs_), Float64)},
          {"cooldown_counter", scalar(double(cooldown_counter_), Float64)}};
}

void ReduceLROnPlateau::load_state_dict(const nn::StateDict& sd) {
  best_ = entry(sd, "best", "ReduceLROnPlateau").item();
  num_bad_epochs_ = (int64_t)entry(sd, "num_bad_epochs", "ReduceLROnPlateau").item();
  cooldown_counter_ = (int64_t)entry(sd, "cooldown_counter", "ReduceLROnPlateau").item();
}

}  // namespace fluxion::optim
