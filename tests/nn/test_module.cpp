// SPDX-License-Identifier: MIT
// nn::Module: registration, dotted names, children, modes, zero_grad,
// to(dtype), containers, state dicts, and the errors of each.
#include <gtest/gtest.h>

#include "fluxion.h"

namespace fx = fluxion;
namespace nn = fluxion::nn;

namespace {

struct Block : nn::Module {
  std::shared_ptr<nn::Linear> fc;
  fx::Tensor scale;
  Block()
      : fc(register_module("fc", std::make_shared<nn::Linear>(3, 2))),
        scale(register_parameter("scale", fx::ones({2}))) {}
  fx::Tensor forward(const fx::Tensor& x) const { return fc->forward(x) * scale; }
};

// A module whose forward takes two arguments, like an ODE right-hand side f(t, h).
struct OdeFunc : nn::Module {
  std::shared_ptr<nn::Linear> lin = register_module("lin", std::make_shared<nn::Linear>(2, 2));
  fx::Tensor forward(const fx::Tensor& t, const fx::Tensor& h) const { return lin->forward(h).tanh() * t; }
};

struct Net : nn::Module {
  std::shared_ptr<nn::ModuleList> layers = register_module("layers", std::make_shared<nn::ModuleList>());
  std::shared_ptr<nn::Dropout> drop = register_module("drop", std::make_shared<nn::Dropout>(0.5));
  Net() {
    layers->push_back(std::make_shared<Block>());
    layers->push_back(std::make_shared<nn::Linear>(2, 1, nn::LinearOptions{.bias = false}));
  }
};

std::vector<std::string> names(const nn::StateDict& sd) {
  std::vector<std::string> out;
  for (const auto& [n, t] : sd) out.push_back(n);
  return out;
}

}  // namespace

// PyTorch's order: a module's own parameters, then each child's, depth first.
TEST(Module, NamedParametersAreDottedInPyTorchOrder) {
  Net net;
  EXPECT_EQ(names(net.named_parameters()),
            (std::vector<std::string>{"layers.0.scale", "layers.0.fc.weight", "layers.0.fc.bias", "layers.1.weight"}));
  EXPECT_EQ(net.parameters().size(), 4u);
  EXPECT_EQ(net.parameters(false).size(), 0u);
  EXPECT_EQ(net.children().size(), 2u);
  EXPECT_EQ(net.named_children()[1].first, "drop");
  for (const fx::Tensor& p : net.parameters()) EXPECT_TRUE(p.requires_grad() && p.is_leaf());
}

TEST(Module, MembersAliasRegisteredParameters) {
  Block b;
  EXPECT_EQ(b.named_parameters()[1].second.impl(), b.fc->weight.impl());
  Block copy = b;  // a copy shares parameters, like a Python reference
  EXPECT_EQ(copy.fc->weight.impl(), b.fc->weight.impl());
}

TEST(Module, SharedParametersAppearOnce) {
  nn::ModuleList list;
  auto lin = std::make_shared<nn::Linear>(2, 2);
  list.push_back(lin);
  list.push_back(lin);
  EXPECT_EQ(list.parameters().size(), 2u);
}

TEST(Module, TrainAndEvalReachEveryDescendant) {
  Net net;
  EXPECT_TRUE(net.drop->is_training());
  net.eval();
  EXPECT_FALSE(net.is_training());
  EXPECT_FALSE(net.drop->is_training());
  EXPECT_FALSE(net.layers->get<Block>(0)->fc->is_training());
  net.train();
  EXPECT_TRUE(net.layers->get<Block>(0)->fc->is_training());
}

TEST(Module, ZeroGradClearsEveryGradient) {
  Block b;
  b.forward(fx::ones({4, 3})).sum().backward();
  for (const fx::Tensor& p : b.parameters()) EXPECT_TRUE(p.grad().defined());
  b.zero_grad();
  for (const fx::Tensor& p : b.parameters()) EXPECT_FALSE(p.grad().defined());
}

TEST(Module, ToDtypeConvertsInPlace) {
  Block b;
  float w00 = (float)b.fc->weight.at({0, 0});
  b.to(fx::Float64);
  EXPECT_EQ(b.fc->weight.dtype(), fx::Float64);  // the member handle sees the new dtype
  EXPECT_EQ(b.parameters()[0].dtype(), fx::Float64);
  EXPECT_EQ(b.fc->weight.at({0, 0}), (double)w00);
  EXPECT_EQ(b.forward(fx::ones({1, 3}, fx::Float64)).dtype(), fx::Float64);
  EXPECT_THROW(b.to(fx::Int64), fx::Error);
}

TEST(Module, ForwardMayTakeAnySignature) {
  OdeFunc f;
  fx::Tensor y = f.forward(fx::scalar(0.5), fx::ones({4, 2}));
  EXPECT_EQ(y.shape(), (fx::Shape{4, 2}));
}

TEST(Module, BadRegistrationsAreErrors) {
  nn::Module m;
  m.register_parameter("w", fx::ones({2}));
  EXPECT_THROW(m.register_parameter("w", fx::ones({2})), fx::Error);
  EXPECT_THROW(m.register_parameter("a.b", fx::ones({2})), fx::Error);
  EXPECT_THROW(m.register_parameter("", fx::ones({2})), fx::Error);
  EXPECT_THROW(m.register_parameter("i", fx::tensor(std::vector<int64_t>{1}, {1})), fx::Error);
  EXPECT_THROW(m.register_module("w", std::make_shared<nn::ReLU>()), fx::Error);
  EXPECT_THROW(m.register_module("r", std::shared_ptr<nn::ReLU>()), fx::Error);
}

TEST(Sequential, ChainsModulesAndNamesThemByIndex) {
  nn::Sequential seq(nn::Linear(2, 8), nn::Tanh(), std::make_shared<nn::Linear>(8, 3));
  EXPECT_EQ(seq.size(), 3u);
  EXPECT_EQ(names(seq.named_parameters()), (std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"}));
  fx::Tensor x = fx::randn({5, 2});
  fx::Tensor y = seq.forward(x);
  EXPECT_EQ(y.shape(), (fx::Shape{5, 3}));
  auto l0 = seq.ptr<nn::Linear>(0), l2 = seq.ptr<nn::Linear>(2);
  fx::Tensor expected = l2->forward(l0->forward(x).tanh());
  EXPECT_EQ(y.to_vector<float>(), expected.to_vector<float>());
  EXPECT_THROW(seq.ptr<nn::Linear>(1), fx::Error);
  EXPECT_THROW(seq[3], fx::Error);
}

TEST(Sequential, NestsInsideSequential) {
  nn::Sequential inner(nn::Linear(2, 2), nn::ReLU());
  nn::Sequential outer(std::move(inner), nn::Linear(2, 1));
  EXPECT_EQ(names(outer.named_parameters()),
            (std::vector<std::string>{"0.0.weight", "0.0.bias", "1.weight", "1.bias"}));
  EXPECT_EQ(outer.forward(fx::ones({3, 2})).shape(), (fx::Shape{3, 1}));
}

TEST(ModuleList, IndexesAndCasts) {
  nn::ModuleList list;
  list.push_back(std::make_shared<nn::Linear>(2, 2));
  list.push_back(std::make_shared<nn::ReLU>());
  EXPECT_EQ(list.size(), 2u);
  EXPECT_NE(list.get<nn::Linear>(0), nullptr);
  EXPECT_THROW(list.get<nn::Linear>(1), fx::Error);
  EXPECT_THROW(list[2], fx::Error);
  int n = 0;
  for (const auto& m : list) n += m != nullptr;
  EXPECT_EQ(n, 2);
}

TEST(Module, LoadStateDictCopiesValuesAndNamesMismatches) {
  Block a, b;
  b.load_state_dict(a.state_dict());
  EXPECT_EQ(a.fc->weight.to_vector<float>(), b.fc->weight.to_vector<float>());
  EXPECT_NE(a.fc->weight.impl(), b.fc->weight.impl());  // copied, not aliased

  nn::StateDict missing = a.state_dict();
  missing.pop_back();
  EXPECT_THROW(b.load_state_dict(missing), fx::Error);
  nn::StateDict extra = a.state_dict();
  extra.emplace_back("other", fx::ones({1}));
  EXPECT_THROW(b.load_state_dict(extra), fx::Error);
  nn::StateDict shape = a.state_dict();
  shape[0].second = fx::ones({3, 3});
  EXPECT_THROW(b.load_state_dict(shape), fx::Error);
  nn::StateDict dtype = a.state_dict();
  dtype[0].second = dtype[0].second.to(fx::Float64);
  EXPECT_THROW(b.load_state_dict(dtype), fx::Error);
}

namespace {
struct WithBuffers : nn::Module {
  std::shared_ptr<nn::Linear> fc = register_module("fc", std::make_shared<nn::Linear>(2, 2));
  std::shared_ptr<nn::BatchNorm1d> bn = register_module("bn", std::make_shared<nn::BatchNorm1d>(2));
  fx::Tensor count = register_buffer("count", fx::zeros({1}));
  fx::Tensor scratch = register_buffer("scratch", fx::zeros({3}), /*persistent=*/false);
};
}  // namespace

TEST(Module, BuffersAreStateButNotParameters) {
  WithBuffers m;
  EXPECT_EQ(names(m.named_buffers()), (std::vector<std::string>{"count", "scratch", "bn.running_mean", "bn.running_var",
                                                                "bn.num_batches_tracked"}));
  EXPECT_EQ(names(m.state_dict()),
            (std::vector<std::string>{"count", "fc.weight", "fc.bias", "bn.weight", "bn.bias", "bn.running_mean",
                                      "bn.running_var", "bn.num_batches_tracked"}));
  EXPECT_EQ(m.parameters().size(), 4u);
  EXPECT_FALSE(m.count.requires_grad());
  EXPECT_THROW(m.register_buffer("count", fx::zeros({1})), fx::Error);  // name taken
  // load_state_dict restores buffers too
  WithBuffers other;
  (void)m.bn->forward(fx::tensor({{1.0, 2.0}, {3.0, 5.0}}));
  other.load_state_dict(m.state_dict());
  EXPECT_EQ(other.bn->running_mean.to_vector<float>(), m.bn->running_mean.to_vector<float>());
  EXPECT_EQ(other.bn->num_batches_tracked.item(), 1);
  // to(dtype) converts floating buffers and keeps the int64 counter
  m.to(fx::Float64);
  EXPECT_EQ(m.bn->running_var.dtype(), fx::Float64);
  EXPECT_EQ(m.bn->num_batches_tracked.dtype(), fx::Int64);
}

TEST(Module, ModesApplyFreezingAndNamedModules) {
  WithBuffers m;
  m.eval();
  EXPECT_FALSE(m.is_training());
  EXPECT_FALSE(m.bn->is_training());
  m.train();
  EXPECT_TRUE(m.bn->is_training());
  std::vector<std::string> order;
  m.apply([&](nn::Module& mod) {
    for (auto& [name, p] : m.named_modules())
      if (p == &mod) order.push_back(name.empty() ? "<root>" : name);
  });
  EXPECT_EQ(order, (std::vector<std::string>{"fc", "bn", "<root>"}));  // children first, as PyTorch
  m.requires_grad_(false);
  for (const fx::Tensor& p : m.parameters()) EXPECT_FALSE(p.requires_grad());
  fx::Tensor y = m.fc->forward(fx::ones({1, 2}));
  EXPECT_FALSE(y.requires_grad());  // frozen: no graph
  m.requires_grad_(true);
  m.fc->forward(fx::ones({1, 2})).sum().backward();
  EXPECT_TRUE(m.fc->weight.grad().defined());
  m.zero_grad();
  EXPECT_FALSE(m.fc->weight.grad().defined());
}
