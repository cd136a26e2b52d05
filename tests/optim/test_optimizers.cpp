// SPDX-License-Identifier: MIT
// First-order optimizers: three steps of each against PyTorch's update
// (numbers from torch.optim 1.13 in Float64, same parameters and gradients),
// convergence on a quadratic, parameter groups, closures, state save/load.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <functional>

#include "autograd/fused_optim.h"
#include "fluxion.h"

namespace fx = fluxion;
namespace optim = fluxion::optim;

namespace {

// p0 (2, 3); step k uses gradient g0 * scales[k].
fx::Tensor p0() { return fx::tensor({{0.5, -1.2, 2.0}, {0.3, 0.0, -0.7}}, fx::Float64); }
fx::Tensor g0() { return fx::tensor({{0.1, -0.4, 0.25}, {-0.3, 0.05, 0.9}}, fx::Float64); }

template <class Opt, class Options>
void expect_three_steps(Options opts, std::vector<double> expected) {
  fx::Tensor p = p0().requires_grad_();
  Opt opt({p}, opts);
  for (double s : {1.0, 0.3, 1.5}) {
    p.set_grad(g0() * s);
    opt.step();
  }
  auto got = p.to_vector<double>();
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], expected[i], 1e-12) << "element " << i;
}

}  // namespace

TEST(SGD, MatchesTorchPlain) {
  expect_three_steps<optim::SGD>(optim::SGDOptions{.lr = 0.1}, {0.472, -1.088, 1.93, 0.384, -0.014, -0.952});
}

TEST(SGD, MatchesTorchMomentumDampeningWeightDecay) {
  expect_three_steps<optim::SGD>(
      optim::SGDOptions{.lr = 0.1, .momentum = 0.9, .dampening = 0.1, .weight_decay = 0.01},
      {0.451648736495, -1.010847562628, 1.87513501313, 0.435485403057, -0.02284668905, -1.107519363333});
}

TEST(SGD, MatchesTorchNesterov) {
  expect_three_steps<optim::SGD>(
      optim::SGDOptions{.lr = 0.1, .momentum = 0.9, .weight_decay = 0.01, .nesterov = true},
      {0.4250761919805, -0.9067328470092, 1.806664155807, 0.5103082461123, -0.035453129295, -1.3325317581087});
}

TEST(Adam, MatchesTorch) {
  expect_three_steps<optim::Adam>(optim::AdamOptions{.lr = 0.01},
                                  {0.47242199379863836, -1.172421991538033, 1.9724219919901542, 0.3275780082107886,
                                   -0.02757800318722191, -0.7275780088805975});
}

TEST(Adam, MatchesTorchAmsgradWeightDecay) {
  expect_three_steps<optim::Adam>(
      optim::AdamOptions{.lr = 0.01, .betas = {0.8, 0.9}, .weight_decay = 0.1, .amsgrad = true},
      {0.47103942201252047, -1.171397895707123, 1.9706897005291497, 0.3266428003445051, -0.027302966835309972,
       -0.7268614246600824});
}

TEST(AdamW, MatchesTorchAmsgrad) {
  expect_three_steps<optim::AdamW>(optim::AdamWOptions{.lr = 0.01, .weight_decay = 0.1, .amsgrad = true},
                                   {0.4709520402673101, -1.1688541373090733, 1.966456536960721, 0.32665036094001126,
                                    -0.027549456221708506, -0.7254515612091184});
}

// The Adam rule of optim/adam.h written as separate ops: p after one step per gradient.
fx::Tensor adam_as_ops(fx::Tensor p, const std::vector<fx::Tensor>& grads, const optim::AdamWOptions& o,
                       bool decoupled) {
  fx::Tensor m = fx::zeros_like(p), v = fx::zeros_like(p), vmax = fx::zeros_like(p);
  auto [b1, b2] = o.betas;
  for (size_t k = 0; k < grads.size(); ++k) {
    double t = double(k + 1);
    fx::Tensor g = o.maximize ? -grads[k] : grads[k];
    if (decoupled)
      p = p * (1 - o.lr * o.weight_decay);
    else
      g = g + o.weight_decay * p;
    m = m * b1 + g * (1 - b1);
    v = v * b2 + g * g * (1 - b2);
    vmax = fx::maximum(vmax, v);
    fx::Tensor denom = (o.amsgrad ? vmax : v).sqrt() / std::sqrt(1 - std::pow(b2, t)) + o.eps;
    p = p - (o.lr / (1 - std::pow(b1, t))) * (m / denom);
  }
  return p;
}

// Adam's step runs as one fused pass over the elements (kernels::adam_): it
// equals the rule as ops for every option, in Float32 on 100,003 elements
// (blocks for two threads, vector tails).
TEST(Adam, FusedStepEqualsTheRuleAsOps) {
  fx::manual_seed(3);
  fx::Tensor start = fx::randn({100003});
  std::vector<fx::Tensor> grads = {fx::randn({100003}), fx::randn({100003}) * 0.1, fx::randn({100003}) * 3.0};
  for (bool decoupled : {false, true})
    for (bool amsgrad : {false, true})
      for (bool maximize : {false, true}) {
        optim::AdamWOptions o{.lr = 0.01,
                              .betas = {0.8, 0.95},
                              .eps = 1e-6,
                              .weight_decay = 0.1,
                              .amsgrad = amsgrad,
                              .maximize = maximize};
        fx::Tensor p = start.clone().requires_grad_();
        auto run = [&](optim::Optimizer& opt) {
          for (const fx::Tensor& g : grads) {
            p.set_grad(g);
            opt.step();
          }
        };
        if (decoupled) {
          optim::AdamW opt({p}, o);
          run(opt);
        } else {
          optim::Adam opt({p}, {.lr = o.lr,
                                .betas = o.betas,
                                .eps = o.eps,
                                .weight_decay = o.weight_decay,
                                .amsgrad = amsgrad,
                                .maximize = maximize});
          run(opt);
        }
        fx::Tensor expected = adam_as_ops(start, grads, o, decoupled);
        double err = ((p.detach() - expected).abs() / (expected.abs() + 1)).max().item();
        EXPECT_LT(err, 1e-6) << "decoupled " << decoupled << " amsgrad " << amsgrad << " maximize " << maximize;
      }
}

// A parameter that is a strided view is updated in its own memory, as a contiguous one would be.
TEST(Adam, StridedParameterIsUpdatedInPlace) {
  fx::Tensor base = p0(), p = base.t().requires_grad_(), q = p0().t().contiguous().requires_grad_();
  ASSERT_FALSE(p.is_contiguous());
  optim::Adam a({p}, {.lr = 0.01, .amsgrad = true}), b({q}, {.lr = 0.01, .amsgrad = true});
  for (double s : {1.0, 0.3, 1.5}) {
    p.set_grad(g0().t() * s), q.set_grad(g0().t() * s);
    a.step(), b.step();
  }
  auto got = base.t().to_vector<double>(), want = q.to_vector<double>();
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], want[i]) << "element " << i;
  EXPECT_NE(got[0], 0.5);  // it moved
}

// The fused step writes the parameter in place, so autograd must not be tracking it.
TEST(Adam, FusedStepOutsideNoGradGuardIsAnError) {
  fx::Tensor p = fx::ones({3}).requires_grad_(), m = fx::zeros({3}), v = fx::zeros({3});
  fx::kernels::AdamStep step{.lr = 0.1,
                             .beta1 = 0.9,
                             .beta2 = 0.999,
                             .eps = 1e-8,
                             .weight_decay = 0,
                             .decoupled = false,
                             .maximize = false,
                             .step = 1};
  EXPECT_THROW(fx::fused_adam_(p, fx::ones({3}), m, v, {}, step), fx::Error);
  fx::NoGradGuard no_grad;
  fx::fused_adam_(p, fx::ones({3}), m, v, {}, step);
  EXPECT_NEAR(p.at({0}), 0.9, 1e-6);  // the first step moves by lr
}

TEST(RMSprop, MatchesTorch) {
  expect_three_steps<optim::RMSprop>(optim::RMSpropOptions{.lr = 0.01},
                                     {0.2887995442674095, -0.9887994145405087, 1.7887994404859027, 0.5112005710453826,
                                      -0.21120028276365493, -0.91120060948301});
}

TEST(RMSprop, MatchesTorchCenteredMomentum) {
  expect_three_steps<optim::RMSprop>(
      optim::RMSpropOptions{.lr = 0.01, .alpha = 0.9, .weight_decay = 0.01, .momentum = 0.9, .centered = true},
      {0.35827571985654755, -1.0588263080456721, 1.8571314932082417, 0.43959290541104595, -0.13959954461159135,
       -0.8397379625220915});
}

TEST(Adagrad, MatchesTorch) {
  expect_three_steps<optim::Adagrad>(
      optim::AdagradOptions{.lr = 0.1, .lr_decay = 0.01, .weight_decay = 0.01, .initial_accumulator_value = 0.1},
      {0.41716029924937464, -1.0227055328036054, 1.8466098294769053, 0.457399469004084, -0.042484516351573756,
       -0.8997506805569948});
}

// f(x) = sum((x - c)^2 * w) has its minimum at c.
template <class Opt, class Options>
void expect_minimizes_quadratic(Options opts, int steps) {
  fx::Tensor c = fx::tensor({1.0, -2.0, 0.5}, fx::Float64), w = fx::tensor({1.0, 3.0, 0.5}, fx::Float64);
  fx::Tensor x = fx::zeros({3}, fx::Float64).requires_grad_();
  Opt opt({x}, opts);
  for (int i = 0; i < steps; ++i) {
    opt.zero_grad();
    ((x - c).square() * w).sum().backward();
    opt.step();
  }
  auto got = x.to_vector<double>();
  EXPECT_NEAR(got[0], 1.0, 1e-3);
  EXPECT_NEAR(got[1], -2.0, 1e-3);
  EXPECT_NEAR(got[2], 0.5, 1e-3);
}

TEST(Optimizers, MinimizeAQuadratic) {
  expect_minimizes_quadratic<optim::SGD>(optim::SGDOptions{.lr = 0.1, .momentum = 0.5}, 300);
  expect_minimizes_quadratic<optim::Adam>(optim::AdamOptions{.lr = 0.05}, 800);
  expect_minimizes_quadratic<optim::AdamW>(optim::AdamWOptions{.lr = 0.05, .weight_decay = 0}, 800);
  expect_minimizes_quadratic<optim::RMSprop>(optim::RMSpropOptions{.lr = 0.01, .centered = true}, 800);
  expect_minimizes_quadratic<optim::Adagrad>(optim::AdagradOptions{.lr = 0.5}, 800);
}

TEST(Optimizer, ParamGroupsHaveTheirOwnLr) {
  fx::Tensor a = fx::ones({2}, fx::Float64).requires_grad_(), b = fx::ones({2}, fx::Float64).requires_grad_();
  optim::SGD opt(std::vector<optim::ParamGroup<optim::SGDOptions>>{{{a}, {.lr = 0.1}}, {{b}, {.lr = 1.0}}});
  a.set_grad(fx::ones({2}, fx::Float64));
  b.set_grad(fx::ones({2}, fx::Float64));
  opt.step();
  EXPECT_DOUBLE_EQ(a.at({0}), 0.9);
  EXPECT_DOUBLE_EQ(b.at({0}), 0.0);
  EXPECT_EQ(opt.num_param_groups(), 2u);
  opt.set_lr(1, 0.5);
  EXPECT_DOUBLE_EQ(opt.lr(1), 0.5);
  EXPECT_THROW(opt.lr(2), fx::Error);
  EXPECT_THROW(opt.add_param_group({{a}, {}}), fx::Error);  // a is already optimized
}

TEST(Optimizer, StepWithClosureReturnsItsLoss) {
  fx::Tensor x = fx::tensor({3.0}, fx::Float64).requires_grad_();
  optim::SGD opt({x}, {.lr = 0.25});
  int calls = 0;
  fx::Tensor loss = opt.step([&] {
    ++calls;
    opt.zero_grad();
    fx::Tensor l = (x * x).sum();
    l.backward();
    return l;
  });
  EXPECT_EQ(calls, 1);
  EXPECT_DOUBLE_EQ(loss.item(), 9.0);
  EXPECT_DOUBLE_EQ(x.item(), 3.0 - 0.25 * 6.0);
}

TEST(Optimizer, SkipsParametersWithoutGradient) {
  fx::Tensor a = fx::ones({2}, fx::Float64).requires_grad_(), b = fx::ones({2}, fx::Float64).requires_grad_();
  optim::Adam opt({a, b}, {.lr = 0.1});
  a.set_grad(fx::ones({2}, fx::Float64));
  opt.step();
  EXPECT_LT(a.at({0}), 1.0);
  EXPECT_DOUBLE_EQ(b.at({0}), 1.0);
  EXPECT_FALSE(opt.has_state(b));
  opt.zero_grad();
  EXPECT_FALSE(a.grad().defined());
}

TEST(Optimizer, BadArgumentsAreErrors) {
  fx::Tensor x = fx::ones({2}, fx::Float64).requires_grad_();
  EXPECT_THROW(optim::SGD({x}, {.lr = -1}), fx::Error);
  EXPECT_THROW(optim::SGD({x}, {.lr = 0.1, .nesterov = true}), fx::Error);
  EXPECT_THROW(optim::Adam({x}, {.betas = {1.0, 0.9}}), fx::Error);
  EXPECT_THROW(optim::SGD(std::vector<fx::Tensor>{}), fx::Error);
  EXPECT_THROW(optim::SGD({x, x}), fx::Error);
  fx::Tensor y = x * 2.0;
  EXPECT_THROW(optim::SGD({y}), fx::Error);  // not a leaf
}

// Resuming from saved state continues exactly as if training had not stopped.
TEST(Optimizer, StateDictRoundTripResumesExactly) {
  auto run = [](optim::Optimizer& opt, fx::Tensor p, double scale) {
    p.set_grad(g0() * scale);
    opt.step();
  };
  fx::Tensor p = p0().requires_grad_();
  optim::Adam opt({p}, {.lr = 0.01, .amsgrad = true});
  run(opt, p, 1.0);
  std::string path = testing::TempDir() + "fluxion_adam_state.flx";
  optim::save(opt, path);
  fx::Tensor q = p.detach().clone().requires_grad_();
  optim::Adam resumed({q}, {.lr = 0.5});
  optim::load(resumed, path);
  EXPECT_DOUBLE_EQ(resumed.lr(0), 0.01);
  run(opt, p, 0.3);
  run(resumed, q, 0.3);
  auto a = p.to_vector<double>(), b = q.to_vector<double>();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i], b[i]);
  std::remove(path.c_str());
}

TEST(Optimizer, LoadStateIntoADifferentOptimizerIsAnError) {
  fx::Tensor p = p0().requires_grad_();
  optim::SGD opt({p}, {.lr = 0.1, .momentum = 0.9});
  p.set_grad(g0());
  opt.step();
  fx::nn::StateDict sd = opt.state_dict();
  fx::Tensor a = fx::ones({2}).requires_grad_(), b = fx::ones({2}).requires_grad_();
  optim::SGD two({a, b});
  EXPECT_THROW(two.load_state_dict(sd), fx::Error);  // 1 parameter saved, 2 in the group
  fx::nn::StateDict bad = sd;
  bad.emplace_back("state.x.tensor.m", fx::ones({1}));
  EXPECT_THROW(opt.load_state_dict(bad), fx::Error);
  bad = sd;
  bad.emplace_back("state.7.tensor.m", fx::ones({1}));
  EXPECT_THROW(opt.load_state_dict(bad), fx::Error);
}
