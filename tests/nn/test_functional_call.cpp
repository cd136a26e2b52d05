// SPDX-License-Identifier: MIT
// func::functional_call: a module's forward with given weights, untouched module,
// gradients to the given tensors, per-sample gradients of a module under vmap,
// buffers, errors.
#include <gtest/gtest.h>

#include "fluxion.h"

namespace fx = fluxion;
namespace nn = fluxion::nn;
using fx::Tensor;
using Many = std::vector<Tensor>;

namespace {

void expect_close(const Tensor& a, const Tensor& b, double tol = 1e-12) {
  ASSERT_EQ(a.shape(), b.shape());
  auto x = a.detach().contiguous().to_vector<double>(), y = b.detach().contiguous().to_vector<double>();
  for (size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(x[i], y[i], tol) << "at flat index " << i;
}

std::shared_ptr<nn::Sequential> mlp() {
  auto net = std::make_shared<nn::Sequential>(nn::Linear(5, 4), nn::Tanh(), nn::Linear(4, 3));
  net->to(fx::Float64);
  return net;
}

// Fresh weights of the shapes of net's parameters, by name.
nn::StateDict fresh_weights(const nn::Module& net) {
  nn::StateDict w;
  for (const auto& [name, p] : net.named_parameters()) w.push_back({name, fx::randn(p.shape(), fx::Float64)});
  return w;
}

// The values of every state entry, to check that a call left the module as it was.
std::vector<std::vector<double>> values_of(const nn::Module& net) {
  std::vector<std::vector<double>> v;
  for (const auto& [name, t] : net.state_dict()) v.push_back(t.detach().contiguous().to_vector<double>());
  return v;
}

}  // namespace

TEST(FunctionalCall, RunsForwardWithTheGivenWeightsAndLeavesTheModuleAsItWas) {
  fx::manual_seed(3);
  auto net = mlp();
  Tensor x = fx::randn({7, 5}, fx::Float64);
  auto before = values_of(*net);
  // its own weights: the plain forward
  expect_close(fx::func::functional_call(net, net->named_parameters(), x), net->forward(x), 0);
  // other weights: the forward of a copy that holds them
  nn::StateDict w = fresh_weights(*net);
  auto copy = net->clone();
  copy->load_state_dict(w);
  expect_close(fx::func::functional_call(net, w, x), copy->forward(x), 0);
  EXPECT_EQ(values_of(*net), before);
  // only some names: the rest are the module's own
  nn::StateDict first{w[0], w[1]};
  auto half = net->clone();
  nn::StateDict own = net->named_parameters();
  half->load_state_dict({w[0], w[1], own[2], own[3]});
  expect_close(fx::func::functional_call(net, first, x), half->forward(x), 0);
}

TEST(FunctionalCall, GradientsFlowToTheGivenTensorsNotTheModule) {
  fx::manual_seed(4);
  auto net = mlp();
  Tensor x = fx::randn({6, 5}, fx::Float64), y = fx::randn({6, 3}, fx::Float64);
  nn::StateDict w = fresh_weights(*net);
  auto names = w;
  auto loss = [&](const Many& a) {
    nn::StateDict given;
    for (size_t i = 0; i < a.size(); ++i) given.push_back({names[i].first, a[i]});
    return (fx::func::functional_call(net, given, x) - y).square().mean();
  };
  Many args;
  for (const auto& [name, t] : w) args.push_back(t);
  Many g = fx::func::grad(loss)(args);
  // the same gradients by backward on a copy holding w
  auto copy = net->clone();
  copy->load_state_dict(w);
  (copy->forward(x) - y).square().mean().backward();
  nn::StateDict want = copy->named_parameters();
  ASSERT_EQ(g.size(), want.size());
  for (size_t i = 0; i < g.size(); ++i) expect_close(g[i], want[i].second.grad());
  for (const auto& [name, p] : net->named_parameters()) EXPECT_FALSE(p.grad().defined()) << name;
}

TEST(FunctionalCall, PerSampleGradientsOfAModuleUnderVmap) {
  fx::manual_seed(5);
  auto net = mlp();
  Tensor xs = fx::randn({4, 5}, fx::Float64), ys = fx::randn({4, 3}, fx::Float64);
  nn::StateDict own = net->named_parameters();
  // loss of one example; a[0..3] the weights, a[4] x, a[5] y
  auto loss = [&](const Many& a) {
    nn::StateDict given;
    for (size_t i = 0; i < own.size(); ++i) given.push_back({own[i].first, a[i]});
    return (fx::func::functional_call(net, given, a[4]) - a[5]).square().sum();
  };
  auto grads = [&](const Many& a) {
    Tensor x = a[4], y = a[5];
    return fx::func::grad([&](const Many& q) { return loss({q[0], q[1], q[2], q[3], x, y}); })(
        Many(a.begin(), a.begin() + 4));
  };
  Many args;
  for (const auto& [name, p] : own) args.push_back(p.detach());
  args.push_back(xs);
  args.push_back(ys);
  Many g = fx::func::vmap(grads, {std::nullopt, std::nullopt, std::nullopt, std::nullopt, 0, 0})(args);
  ASSERT_EQ(g.size(), 4u);
  for (int64_t b = 0; b < 4; ++b) {
    net->zero_grad();
    (net->forward(xs[b]) - ys[b]).square().sum().backward();
    for (size_t k = 0; k < 4; ++k) expect_close(g[k][b], own[k].second.grad());
  }
}

TEST(FunctionalCall, BuffersCanBeGivenToo) {
  fx::manual_seed(6);
  auto bn = std::make_shared<nn::BatchNorm1d>(3);
  bn->to(fx::Float64);
  bn->eval();
  Tensor x = fx::randn({5, 3}, fx::Float64);
  Tensor mean = fx::tensor(std::vector<double>{1.0, -2.0, 0.5}, {3}, fx::Float64);
  Tensor var = fx::tensor(std::vector<double>{4.0, 1.0, 0.25}, {3}, fx::Float64);
  Tensor y = fx::func::functional_call(bn, {{"running_mean", mean}, {"running_var", var}}, x);
  expect_close(y, (x - mean) / (var + 1e-5).sqrt(), 1e-12);  // weight 1, bias 0 at construction
  expect_close(bn->named_buffers()[0].second, fx::zeros({3}, fx::Float64), 0);  // the module's own: untouched
}

TEST(FunctionalCall, ErrorsNameTheEntryAndTheFix) {
  auto net = mlp();
  Tensor x = fx::randn({2, 5}, fx::Float64);
  auto message = [&](const nn::StateDict& w) {
    try {
      fx::func::functional_call(net, w, x);
    } catch (const fx::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  std::string unknown = message({{"0.wieght", fx::randn({4, 5}, fx::Float64)}});
  EXPECT_NE(unknown.find("'0.wieght'"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("named_parameters()"), std::string::npos) << unknown;
  std::string shape = message({{"0.weight", fx::randn({5, 4}, fx::Float64)}});
  EXPECT_NE(shape.find("[4, 5]"), std::string::npos) << shape;
  EXPECT_NE(shape.find("[5, 4]"), std::string::npos) << shape;
  // a user module that is not cloneable cannot be copied with the weights swapped
  struct Plain : nn::Module {
    Tensor w = register_parameter("w", fx::ones({2}));
    Tensor forward(const Tensor& v) { return v * w; }
  };
  auto plain = std::make_shared<Plain>();
  try {
    fx::func::functional_call(plain, {{"w", fx::zeros({2})}}, fx::ones({2}));
    ADD_FAILURE() << "a module that is not cloneable was accepted";
  } catch (const fx::Error& e) {
    EXPECT_NE(std::string(e.what()).find("nn::Cloneable"), std::string::npos) << e.what();
  }
}

TEST(FunctionalCall, PerSampleCrossEntropyGradientsWithClassIndices) {
  // The torch.func recipe: cross_entropy of one example's logits and Int64
  // label under vmap(grad), with class weights, ignore_index and smoothing.
  fx::manual_seed(7);
  auto net = mlp();
  Tensor xs = fx::randn({5, 5}, fx::Float64);
  Tensor labels = fx::tensor(std::vector<int64_t>{2, 0, 1, 1, 2}, {5});
  Tensor one_ignored = fx::tensor(std::vector<int64_t>{2, 0, -100, 1, 2}, {5});  // its mean would be 0/0: sum
  Tensor w = fx::tensor(std::vector<double>{0.5, 2.0, 1.0}, {3});
  nn::StateDict own = net->named_parameters();
  using fx::nn::functional::CrossEntropyOptions;
  std::vector<std::pair<CrossEntropyOptions, Tensor>> cases = {
      {{}, labels},
      {{.weight = w, .label_smoothing = 0.1}, labels},
      {{.weight = w, .reduction = fx::nn::functional::Reduction::sum}, one_ignored},
      {{.reduction = fx::nn::functional::Reduction::sum, .label_smoothing = 0.2}, one_ignored}};
  for (size_t c = 0; c < cases.size(); ++c) {
    SCOPED_TRACE(c);
    const auto& [opts, ys] = cases[c];
    auto loss = [&](const Many& q, const Tensor& x, const Tensor& y) {
      nn::StateDict given;
      for (size_t i = 0; i < own.size(); ++i) given.push_back({own[i].first, q[i]});
      return fx::nn::functional::cross_entropy(fx::func::functional_call(net, given, x.unsqueeze(0)), y.unsqueeze(0),
                                               opts);
    };
    auto grads = [&](const Many& a) {
      return fx::func::grad([&](const Many& q) { return loss(q, a[4], a[5]); })(Many(a.begin(), a.begin() + 4));
    };
    Many args;
    for (const auto& [name, p] : own) args.push_back(p.detach());
    args.push_back(xs);
    args.push_back(ys);
    Many g = fx::func::vmap(grads, {std::nullopt, std::nullopt, std::nullopt, std::nullopt, 0, 0})(args);
    for (int64_t b = 0; b < 5; ++b) {
      Many want = grads({args[0], args[1], args[2], args[3], xs[b], ys[b]});
      for (size_t k = 0; k < 4; ++k) expect_close(g[k][b], want[k]);
    }
  }
  // a label out of range is found in the batch's values, as outside vmap
  Tensor bad = fx::tensor(std::vector<int64_t>{0, 3, 1, 1, 0}, {5});
  auto f = [](const Many& a) { return fx::nn::functional::cross_entropy(a[0].unsqueeze(0), a[1].unsqueeze(0)); };
  try {
    (void)fx::func::vmap(f)(Many{fx::randn({5, 3}, fx::Float64), bad});
    ADD_FAILURE() << "a label out of range was accepted";
  } catch (const fx::Error& e) {
    EXPECT_NE(std::string(e.what()).find("target class 3 is out of range for 3 classes"), std::string::npos)
        << e.what();
  }
}
