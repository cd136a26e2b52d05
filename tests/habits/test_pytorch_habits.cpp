// SPDX-License-Identifier: MIT
// A program written as a PyTorch / libtorch user writes it, from habit: integer
// dims, comparison operators, clamp_min, sizes(), callable modules (model(x) on
// a user module too), clone() as copy.deepcopy, printing a module, named_modules /
// modules / apply, loss modules, one_hot, option fields in PyTorch's keyword order,
// and generic lambdas with every func:: transform. Each habit compiles and means what it
// means in PyTorch.
#include <fluxion.h>
#include <gtest/gtest.h>

#include <sstream>

namespace fx = fluxion;
namespace nn = fluxion::nn;
namespace F = fluxion::nn::functional;

namespace {

fx::Tensor m23() { return fx::tensor({{1.0, -2.0, 3.0}, {4.0, 5.0, -6.0}}, fx::Float64); }

TEST(Habits, IntegerDims) {
  fx::Tensor x = m23();
  EXPECT_EQ(x.sum(1).to_vector<double>(), (std::vector<double>{2, 3}));
  EXPECT_EQ(x.sum(0, true).sizes(), (fx::Shape{1, 3}));
  EXPECT_EQ(x.mean(-1).to_vector<double>(), (std::vector<double>{2.0 / 3, 1}));
  EXPECT_EQ(x.amax(1).to_vector<double>(), (std::vector<double>{3, 5}));
  EXPECT_EQ(x.amin(0).to_vector<double>(), (std::vector<double>{1, -2, -6}));
  EXPECT_NEAR(x.var(1).at({0}), 19.0 / 3, 1e-12);  // 1, -2, 3: mean 2/3, sum of squares 114/9, / (3 - 1)
  EXPECT_NEAR(x.logsumexp(1).at({1}), std::log(std::exp(4.0) + std::exp(5.0) + std::exp(-6.0)), 1e-12);
  // the braced forms keep their meaning: {} is every dim, {1} is dim 1
  EXPECT_EQ(x.sum({}).item(), 5.0);
  EXPECT_EQ(x.sum({1}).to_vector<double>(), x.sum(1).to_vector<double>());
  EXPECT_TRUE((x > 0.0).any(1).all().item<bool>());
}

TEST(Habits, SoftmaxAndClamp) {
  fx::Tensor x = m23();
  fx::Tensor p = x.softmax(1);
  EXPECT_NEAR((p.sum(1) - 1.0).abs().max().item(), 0.0, 1e-15);
  EXPECT_NEAR((x.log_softmax(-1).exp() - p).abs().max().item(), 0.0, 1e-15);
  EXPECT_EQ(x.clamp_min(0).to_vector<double>(), (std::vector<double>{1, 0, 3, 4, 5, 0}));
  EXPECT_EQ(x.clamp_max(2).to_vector<double>(), (std::vector<double>{1, -2, 2, 2, 2, -6}));
  EXPECT_EQ(x.sizes(), x.shape());
}

TEST(Habits, ComparisonsGiveBoolMasks) {
  fx::Tensor a = fx::tensor({1.0, 2.0, 3.0});
  fx::Tensor b = fx::tensor({1.0, 0.0, 3.0});
  fx::Tensor eq = a == b;
  EXPECT_EQ(eq.dtype(), fx::Bool);
  EXPECT_EQ(eq.sum().item(), 2.0);
  EXPECT_EQ((a > b).sum().item(), 1.0);
}

struct Net : nn::Module {
  std::shared_ptr<nn::Linear> fc1, fc2;
  Net()
      : fc1(register_module("fc1", std::make_shared<nn::Linear>(2, 4))),
        fc2(register_module("fc2", std::make_shared<nn::Linear>(4, 3, nn::LinearOptions{.bias = false}))) {}
  fx::Tensor forward(const fx::Tensor& x) const { return (*fc2)(F::relu((*fc1)(x))); }
};

TEST(Habits, ModulesCallPrintAndWalk) {
  fx::manual_seed(0);
  auto net = std::make_shared<Net>();
  nn::Sequential seq(nn::Linear(2, 4), nn::ReLU(), nn::Linear(4, 3));
  fx::Tensor x = fx::randn({5, 2});
  EXPECT_EQ(seq(x).sizes(), (fx::Shape{5, 3}));
  EXPECT_EQ(net->forward(x).sizes(), (fx::Shape{5, 3}));

  std::ostringstream os;
  os << net;
  EXPECT_EQ(os.str(),
            "Net(\n"
            "  (fc1): Linear(in_features=2, out_features=4, bias=True)\n"
            "  (fc2): Linear(in_features=4, out_features=3, bias=False)\n"
            ")");
  std::ostringstream os2;
  os2 << seq;
  EXPECT_EQ(os2.str(),
            "Sequential(\n  (0): Linear(in_features=2, out_features=4, bias=True)\n  (1): ReLU()\n"
            "  (2): Linear(in_features=4, out_features=3, bias=True)\n)");

  EXPECT_EQ(net->modules().size(), 3u);
  std::vector<std::string> names;
  for (auto& [name, m] : net->named_modules()) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"", "fc1", "fc2"}));
  int visited = 0;
  net->apply([&](nn::Module&) { ++visited; });
  EXPECT_EQ(visited, 3);
}

TEST(Habits, CopyingAModuleSharesItsParameters) {
  nn::Linear a(2, 2);
  nn::Linear b = a;  // as a Python reference: the same tensors
  {
    fx::NoGradGuard no_grad;
    b.weight.fill_(7.0);
  }
  EXPECT_EQ(a.weight.sum().item(), 28.0);
  auto c = a.clone();  // copy.deepcopy: new tensors with the same values
  EXPECT_EQ(c->weight.sum().item(), 28.0);
  {
    fx::NoGradGuard no_grad;
    c->weight.fill_(1.0);
  }
  EXPECT_EQ(a.weight.sum().item(), 28.0);
}

// A user module as libtorch users write one: NetImpl plus a holder, called as model(x).
struct ClassifierImpl : nn::Cloneable<ClassifierImpl> {
  std::shared_ptr<nn::Linear> fc1, fc2;
  ClassifierImpl(int64_t in, int64_t classes)
      : fc1(register_module("fc1", std::make_shared<nn::Linear>(in, 8))),
        fc2(register_module("fc2", std::make_shared<nn::Linear>(8, classes))) {}
  fx::Tensor forward(const fx::Tensor& x) const { return (*fc2)((*fc1)(x).relu()); }
  void rebind(const nn::CloneMap& map) override { map(fc1, fc2); }
};
FLUXION_MODULE(Classifier);

TEST(Habits, UserModulesAreCallableAndClone) {
  fx::manual_seed(1);
  Classifier model(2, 3);
  fx::Tensor x = fx::randn({6, 2});
  fx::Tensor labels = fx::tensor(std::vector<int64_t>{0, 1, 2, 0, 1, 2}, {6});
  fx::Tensor before = model(x);
  EXPECT_EQ(before.sizes(), (fx::Shape{6, 3}));

  Classifier deep = model.clone();  // copy.deepcopy(model)
  EXPECT_EQ((deep(x) - before).abs().max().item(), 0.0);
  nn::CrossEntropyLoss criterion({.weight = fx::ones({3}), .ignore_index = -1, .label_smoothing = 0.1});
  fx::optim::Adam opt(deep->parameters(), {.lr = 1e-2, .betas = {0.9, 0.99}, .eps = 1e-8, .amsgrad = true});
  for (int i = 0; i < 3; ++i) {
    opt.zero_grad();
    criterion(deep(x), labels).backward();
    opt.step();
  }
  EXPECT_GT((deep(x) - before).abs().max().item(), 0.0);   // the copy trained
  EXPECT_EQ((model(x) - before).abs().max().item(), 0.0);  // the original did not
  EXPECT_NE(deep->fc1.get(), model->fc1.get());

  std::ostringstream os;
  os << model;
  EXPECT_EQ(os.str(),
            "ClassifierImpl(\n  (fc1): Linear(in_features=2, out_features=8, bias=True)\n"
            "  (fc2): Linear(in_features=8, out_features=3, bias=True)\n)");
}

TEST(Habits, LossModulesAndOneHot) {
  fx::Tensor logits = fx::tensor({{2.0, 0.0, 0.0}, {0.0, 0.0, 3.0}}, fx::Float64);
  fx::Tensor labels = fx::tensor(std::vector<int64_t>{0, 2}, {2});
  nn::CrossEntropyLoss criterion;
  double ce = criterion(logits, labels).item();
  fx::Tensor onehot = F::one_hot(labels, 3);
  EXPECT_EQ(onehot.dtype(), fx::Int64);
  EXPECT_EQ(onehot.to_vector<int64_t>(), (std::vector<int64_t>{1, 0, 0, 0, 0, 1}));
  // cross entropy == -sum(one_hot * log_softmax) / N
  double by_hand = -(onehot.to(fx::Float64) * logits.log_softmax(1)).sum().item() / 2;
  EXPECT_NEAR(ce, by_hand, 1e-14);
  EXPECT_EQ(F::one_hot(labels).sizes(), (fx::Shape{2, 3}));  // num_classes = max + 1
  nn::MSELoss mse;
  EXPECT_EQ(mse(fx::ones({3}), fx::zeros({3})).item(), 1.0);
  EXPECT_THROW((void)F::one_hot(labels, 2), fx::Error);
}

TEST(Habits, GenericLambdasWithEveryTransform) {
  auto f = [](const auto& x) { return (x * x * x).sum(); };  // f = sum x^3
  fx::Tensor x = fx::tensor({1.0, 2.0}, fx::Float64);
  fx::Tensor v = fx::tensor({1.0, 0.0}, fx::Float64);
  EXPECT_EQ(fx::func::grad(f)(x).to_vector<double>(), (std::vector<double>{3, 12}));  // 3 x^2
  EXPECT_EQ(fx::func::value_and_grad(f)(x).first.item(), 9.0);
  EXPECT_EQ(fx::func::hessian(f, x).to_vector<double>(), (std::vector<double>{6, 0, 0, 12}));  // diag(6 x)
  EXPECT_EQ(fx::func::hvp(f, x, v).to_vector<double>(), (std::vector<double>{6, 0}));
  EXPECT_EQ(fx::func::jvp(f, x, v).second.item(), 3.0);
  EXPECT_EQ(fx::func::jacobian(f, x).to_vector<double>(), (std::vector<double>{3, 12}));
  auto [y, pullback] = fx::func::vjp(f, x);
  EXPECT_EQ(pullback(fx::scalar(1.0, fx::Float64))[0].to_vector<double>(), (std::vector<double>{3, 12}));
}

}  // namespace
