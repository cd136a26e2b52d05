// SPDX-License-Identifier: MIT
// Learning-rate schedules: the lr after each epoch against the sequences
// torch.optim.lr_scheduler (1.13) produces for the same settings (base lr 0.5).
#include <gtest/gtest.h>

#include <memory>

#include "fluxion.h"

namespace fx = fluxion;
namespace optim = fluxion::optim;

namespace {

// lr before the first step, then after each of expected.size() - 1 steps.
template <class Scheduler>
void expect_lrs(optim::SGD& opt, Scheduler& s, const std::vector<double>& expected) {
  EXPECT_NEAR(opt.lr(0), expected[0], 1e-15);
  for (size_t i = 1; i < expected.size(); ++i) {
    s.step();
    EXPECT_NEAR(opt.lr(0), expected[i], 1e-15) << "after step " << i;
  }
}

struct Schedules : testing::Test {
  fx::Tensor p = fx::zeros({1}).requires_grad_();
  optim::SGD opt{{p}, {.lr = 0.5}};
};

}  // namespace

TEST_F(Schedules, StepLR) {
  optim::StepLR s(opt, {.step_size = 3, .gamma = 0.5});
  expect_lrs(opt, s, {0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125, 0.125, 0.125, 0.0625});
}

TEST_F(Schedules, MultiStepLR) {
  optim::MultiStepLR s(opt, {.milestones = {2, 5, 6}, .gamma = 0.1});
  expect_lrs(opt, s, {0.5, 0.5, 0.05, 0.05, 0.05, 0.005, 0.0005, 0.0005});
}

TEST_F(Schedules, ExponentialLR) {
  optim::ExponentialLR s(opt, 0.9);
  expect_lrs(opt, s, {0.5, 0.45, 0.405, 0.3645, 0.32805, 0.295245});
}

TEST_F(Schedules, CosineAnnealingLR) {
  optim::CosineAnnealingLR s(opt, {.T_max = 10, .eta_min = 0.01});
  expect_lrs(opt, s,
             {0.5, 0.48800884649231263, 0.4532091636218621, 0.39900738681165593, 0.33070916362186215, 0.255,
              0.17929083637813792, 0.11099261318834411, 0.05679083637813791, 0.021991153507687385, 0.01,
              0.021991153507687385});
  EXPECT_EQ(s.last_epoch(), 11);
}

TEST_F(Schedules, LinearWarmUp) {
  optim::LinearLR s(opt, {.start_factor = 0.25, .total_iters = 4});
  expect_lrs(opt, s, {0.125, 0.21875, 0.3125, 0.40625, 0.5, 0.5, 0.5});
}

TEST_F(Schedules, WarmUpThenCosine) {
  auto warm = std::make_shared<optim::LinearLR>(opt, optim::LinearLROptions{.start_factor = 0.25, .total_iters = 4});
  auto cosine = std::make_shared<optim::CosineAnnealingLR>(opt, optim::CosineAnnealingLROptions{.T_max = 8});
  optim::SequentialLR s(opt, {warm, cosine}, {4});
  expect_lrs(opt, s,
             {0.125, 0.21875, 0.3125, 0.40625, 0.5, 0.4809698831278217, 0.42677669529663687, 0.34567085809127246,
              0.25, 0.15432914190872757, 0.07322330470336313, 0.01903011687217832, 0.0});
}

TEST_F(Schedules, ReduceLROnPlateau) {
  optim::ReduceLROnPlateau s(opt, {.factor = 0.5, .patience = 2, .cooldown = 1});
  std::vector<double> metric{1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.8, 0.85, 0.85, 0.85, 0.85, 0.85};
  std::vector<double> lr{0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.25, 0.125, 0.125, 0.125};
  for (size_t i = 0; i < metric.size(); ++i) {
    s.step(metric[i]);
    EXPECT_DOUBLE_EQ(opt.lr(0), lr[i]) << "after step " << i + 1;
  }
  EXPECT_DOUBLE_EQ(s.best(), 0.8);
}

TEST_F(Schedules, BadOptionsAreErrors) {
  EXPECT_THROW(optim::StepLR(opt, {.step_size = 0}), fx::Error);
  EXPECT_THROW(optim::CosineAnnealingLR(opt, {.T_max = 0}), fx::Error);
  EXPECT_THROW(optim::MultiStepLR(opt, {.milestones = {5, 2}}), fx::Error);
  EXPECT_THROW(optim::LinearLR(opt, {.start_factor = 0}), fx::Error);
  EXPECT_THROW(optim::ReduceLROnPlateau(opt, {.factor = 1.5}), fx::Error);
  auto warm = std::make_shared<optim::LinearLR>(opt);
  EXPECT_THROW(optim::SequentialLR(opt, {warm}, {3}), fx::Error);
}
