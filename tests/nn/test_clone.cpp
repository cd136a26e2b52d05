// SPDX-License-Identifier: MIT
// Module::clone() (a deep copy) on every built-in layer and on user modules, and
// nn::ModuleHolder / FLUXION_MODULE (model(x) for a user module).
#include <fluxion.h>
#include <gtest/gtest.h>

#include <functional>
#include <sstream>

namespace fx = fluxion;
namespace nn = fluxion::nn;

namespace {

// The raw storage behind a tensor: a deep copy must not share it.
const void* storage_of(const fx::Tensor& t) { return t.tensor_data().storage.get(); }

double max_diff(const fx::Tensor& a, const fx::Tensor& b) { return (a.detach() - b.detach()).abs().max().item(); }

/// The state dicts match entry for entry (names, dtypes, values, requires_grad) and share no storage.
void expect_equal_but_separate(const nn::Module& a, const nn::Module& b) {
  nn::StateDict sa = a.state_dict(), sb = b.state_dict();
  ASSERT_EQ(sa.size(), sb.size());
  for (size_t i = 0; i < sa.size(); ++i) {
    SCOPED_TRACE(sa[i].first);
    EXPECT_EQ(sa[i].first, sb[i].first);
    EXPECT_EQ(sa[i].second.dtype(), sb[i].second.dtype());
    EXPECT_EQ(sa[i].second.shape(), sb[i].second.shape());
    EXPECT_EQ(sa[i].second.requires_grad(), sb[i].second.requires_grad());
    EXPECT_NE(storage_of(sa[i].second), storage_of(sb[i].second));
    if (sa[i].second.numel() > 0) {
      EXPECT_EQ(max_diff(sa[i].second, sb[i].second), 0.0);
    }
  }
}

/// A copy of every state entry's values, to compare after training the clone.
std::vector<fx::Tensor> snapshot(const nn::Module& m) {
  std::vector<fx::Tensor> out;
  for (const auto& [name, t] : m.state_dict()) out.push_back(t.detach().clone());
  return out;
}

/// The clone has the original's type, state and output; one SGD step on the clone (in
/// training mode, so BatchNorm's running statistics move too) changes the clone only.
template <class M>
void check_clone(const std::shared_ptr<M>& original, const std::function<fx::Tensor(M&)>& run) {
  SCOPED_TRACE(nn::class_name(*original));
  std::shared_ptr<M> copy = original->clone();
  ASSERT_NE(copy.get(), original.get());
  expect_equal_but_separate(*original, *copy);
  original->eval();
  copy->eval();
  EXPECT_EQ(max_diff(run(*original), run(*copy)), 0.0);
  original->train();
  copy->train();

  const std::vector<fx::Tensor> before = snapshot(*original);
  if (!copy->parameters().empty()) {
    fx::optim::SGD opt(copy->parameters(), {.lr = 0.1});
    run(*copy).square().mean().backward();
    opt.step();
    for (const fx::Tensor& p : original->parameters()) EXPECT_FALSE(p.grad().defined());
  } else {
    (void)run(*copy);
  }
  const std::vector<fx::Tensor> after = snapshot(*original);
  for (size_t i = 0; i < before.size(); ++i) EXPECT_EQ(max_diff(before[i], after[i]), 0.0);
  if (!copy->parameters().empty()) {
    double moved = 0;
    nn::StateDict now = copy->state_dict();
    for (size_t i = 0; i < before.size(); ++i)
      if (before[i].is_floating_point()) moved += max_diff(before[i], now[i].second);
    EXPECT_GT(moved, 0.0);
  }
}

fx::Tensor randn(fx::Shape s) { return fx::randn(std::move(s), fx::Float64); }

}  // namespace

TEST(Clone, LinearConvAndNorms) {
  fx::manual_seed(1);
  const fx::Tensor x2 = randn({4, 3}), x3 = randn({2, 3, 7}), x4 = randn({2, 3, 6, 6});
  check_clone<nn::Linear>(std::make_shared<nn::Linear>(3, 5, nn::LinearOptions{.dtype = fx::Float64}),
                          [&](nn::Linear& m) { return m(x2); });
  check_clone<nn::Conv1d>(std::make_shared<nn::Conv1d>(3, 4, 3, nn::Conv2dOptions{.dtype = fx::Float64}),
                          [&](nn::Conv1d& m) { return m(x3); });
  check_clone<nn::Conv2d>(
      std::make_shared<nn::Conv2d>(3, 6, 3, nn::Conv2dOptions{.padding = "same", .groups = 3, .dtype = fx::Float64}),
      [&](nn::Conv2d& m) { return m(x4); });
  check_clone<nn::ConvTranspose2d>(
      std::make_shared<nn::ConvTranspose2d>(3, 2, 3, nn::ConvTranspose2dOptions{.stride = 2, .dtype = fx::Float64}),
      [&](nn::ConvTranspose2d& m) { return m(x4); });
  check_clone<nn::BatchNorm1d>(std::make_shared<nn::BatchNorm1d>(3, nn::BatchNormOptions{.dtype = fx::Float64}),
                               [&](nn::BatchNorm1d& m) { return m(x2 * 2.0 + 1.0); });
  check_clone<nn::BatchNorm2d>(std::make_shared<nn::BatchNorm2d>(3, nn::BatchNormOptions{.dtype = fx::Float64}),
                               [&](nn::BatchNorm2d& m) { return m(x4 * 3.0 - 1.0); });
  check_clone<nn::GroupNorm>(std::make_shared<nn::GroupNorm>(1, 3, nn::GroupNormOptions{.dtype = fx::Float64}),
                             [&](nn::GroupNorm& m) { return m(x4); });
  check_clone<nn::InstanceNorm2d>(
      std::make_shared<nn::InstanceNorm2d>(
          3, nn::InstanceNormOptions{.affine = true, .track_running_stats = true, .dtype = fx::Float64}),
      [&](nn::InstanceNorm2d& m) { return m(x4 + 2.0); });
  check_clone<nn::LayerNorm>(std::make_shared<nn::LayerNorm>(fx::Shape{3}, nn::LayerNormOptions{.dtype = fx::Float64}),
                             [&](nn::LayerNorm& m) { return m(x2); });
  const fx::Tensor idx = fx::tensor(std::vector<int64_t>{0, 3, 1}, {3});
  check_clone<nn::Embedding>(std::make_shared<nn::Embedding>(5, 2, nn::EmbeddingOptions{.dtype = fx::Float64}),
                             [&](nn::Embedding& m) { return m(idx); });
}

TEST(Clone, BatchNormStatisticsAreTheClonesOwn) {
  auto bn = std::make_shared<nn::BatchNorm1d>(3);
  auto copy = bn->clone();
  (void)copy->forward(fx::randn({8, 3}) + 5.0);  // training mode: the clone's running_mean moves
  EXPECT_EQ(bn->running_mean.abs().max().item(), 0.0);
  EXPECT_GT(copy->running_mean.abs().max().item(), 0.1);
  EXPECT_EQ(bn->num_batches_tracked.item<int64_t>(), 0);
  EXPECT_EQ(copy->num_batches_tracked.item<int64_t>(), 1);
}

TEST(Clone, RecurrentLayers) {
  fx::manual_seed(2);
  const fx::Tensor seq = randn({5, 2, 3}), x = randn({2, 3});
  check_clone<nn::RNN>(std::make_shared<nn::RNN>(3, 4, nn::RNNOptions{.num_layers = 2, .dtype = fx::Float64}),
                       [&](nn::RNN& m) { return std::get<0>(m(seq)); });
  check_clone<nn::LSTM>(std::make_shared<nn::LSTM>(3, 4, nn::LSTMOptions{.bidirectional = true, .dtype = fx::Float64}),
                        [&](nn::LSTM& m) { return std::get<0>(m(seq)); });
  check_clone<nn::GRU>(std::make_shared<nn::GRU>(3, 4, nn::GRUOptions{.dtype = fx::Float64}),
                       [&](nn::GRU& m) { return std::get<0>(m(seq)); });
  check_clone<nn::RNNCell>(std::make_shared<nn::RNNCell>(3, 4, nn::RNNCellOptions{.dtype = fx::Float64}),
                           [&](nn::RNNCell& m) { return m(x); });
  check_clone<nn::LSTMCell>(std::make_shared<nn::LSTMCell>(3, 4, nn::LSTMCellOptions{.dtype = fx::Float64}),
                            [&](nn::LSTMCell& m) { return std::get<0>(m(x)); });
  check_clone<nn::GRUCell>(std::make_shared<nn::GRUCell>(3, 4, nn::GRUCellOptions{.dtype = fx::Float64}),
                           [&](nn::GRUCell& m) { return m(x); });
}

TEST(Clone, AttentionAndTransformer) {
  fx::manual_seed(3);
  const fx::Tensor q = randn({5, 2, 8});
  check_clone<nn::MultiheadAttention>(
      std::make_shared<nn::MultiheadAttention>(8, 2, nn::MultiheadAttentionOptions{.dtype = fx::Float64}),
      [&](nn::MultiheadAttention& m) { return std::get<0>(m(q, q, q)); });
  nn::TransformerEncoderLayerOptions o{.dim_feedforward = 16, .dropout = 0.0, .dtype = fx::Float64};
  check_clone<nn::TransformerEncoderLayer>(std::make_shared<nn::TransformerEncoderLayer>(8, 2, o),
                                           [&](nn::TransformerEncoderLayer& m) { return m(q); });
  auto encoder = std::make_shared<nn::TransformerEncoder>(
      nn::TransformerEncoderLayer(8, 2, o), 2,
      std::make_shared<nn::LayerNorm>(fx::Shape{8}, nn::LayerNormOptions{.dtype = fx::Float64}));
  check_clone<nn::TransformerEncoder>(encoder, [&](nn::TransformerEncoder& m) { return m(q); });
  // the clone's `layers` and `norm` members are its own registered children
  auto copy = encoder->clone();
  EXPECT_EQ(copy->layers[1].get(), copy->named_children()[0].second->named_children()[1].second.get());
  EXPECT_NE(copy->layers[1].get(), encoder->layers[1].get());
  EXPECT_NE(copy->norm.get(), encoder->norm.get());
}

TEST(Clone, ContainersAndParameterFreeLayers) {
  fx::manual_seed(4);
  const fx::Tensor x = randn({4, 3});
  auto seq = std::make_shared<nn::Sequential>(nn::Linear(3, 8, {.dtype = fx::Float64}), nn::Tanh(), nn::Dropout(0.5),
                                              nn::Linear(8, 2, {.dtype = fx::Float64}));
  check_clone<nn::Sequential>(seq, [&](nn::Sequential& m) { return m(x); });
  // the copy's steps run the copy's modules: changing the original no longer moves the copy
  auto copy = seq->clone();
  {
    fx::NoGradGuard no_grad;
    seq->ptr<nn::Linear>(0)->weight.fill_(0.0);
  }
  seq->eval();
  copy->eval();
  EXPECT_GT(max_diff(seq->forward(x), copy->forward(x)), 0.0);

  auto list = std::make_shared<nn::ModuleList>();
  list->push_back(std::make_shared<nn::Linear>(3, 3, nn::LinearOptions{.dtype = fx::Float64}));
  list->push_back(std::make_shared<nn::GELU>());
  check_clone<nn::ModuleList>(list, [&](nn::ModuleList& m) { return m.get<nn::Linear>(0)->forward(x); });
  EXPECT_NE(list->clone()->get<nn::Linear>(0).get(), list->get<nn::Linear>(0).get());

  const fx::Tensor img = randn({1, 4, 4, 4});
  check_clone<nn::MaxPool2d>(std::make_shared<nn::MaxPool2d>(2), [&](nn::MaxPool2d& m) { return m(img); });
  check_clone<nn::AvgPool2d>(std::make_shared<nn::AvgPool2d>(2), [&](nn::AvgPool2d& m) { return m(img); });
  check_clone<nn::Upsample>(std::make_shared<nn::Upsample>(nn::UpsampleOptions{.scale_factor = 2.0}),
                            [&](nn::Upsample& m) { return m(img); });
  check_clone<nn::PixelShuffle>(std::make_shared<nn::PixelShuffle>(2), [&](nn::PixelShuffle& m) { return m(img); });
  check_clone<nn::LeakyReLU>(std::make_shared<nn::LeakyReLU>(0.2), [&](nn::LeakyReLU& m) { return m(x); });
  auto loss = std::make_shared<nn::MSELoss>();
  EXPECT_EQ(loss->clone()->forward(x, x * 2.0).item(), loss->forward(x, x * 2.0).item());
}

namespace {

// A user module with every kind of member clone() has to re-point: a child held
// twice (a shared encoder), a tensor member, a vector of children, and a
// parameter registered in two modules (tied).
struct TiedNet : nn::Cloneable<TiedNet> {
  std::shared_ptr<nn::Linear> enc, dec;
  std::shared_ptr<nn::Linear> enc_again;  // the same child as enc
  std::vector<std::shared_ptr<nn::Linear>> heads;
  fx::Tensor scale;
  TiedNet() {
    enc = register_module("enc", std::make_shared<nn::Linear>(3, 3, nn::LinearOptions{.dtype = fx::Float64}));
    enc_again = enc;
    dec = register_module("dec", std::make_shared<nn::Linear>(3, 3, nn::LinearOptions{.dtype = fx::Float64}));
    for (int i = 0; i < 2; ++i)
      heads.push_back(register_module("head" + std::to_string(i),
                                      std::make_shared<nn::Linear>(3, 1, nn::LinearOptions{.dtype = fx::Float64})));
    scale = register_parameter("scale", fx::ones({1}, fx::Float64));
    heads[1]->register_parameter("scale", scale);  // tied: one tensor in two modules
  }
  fx::Tensor forward(const fx::Tensor& x) const {
    fx::Tensor h = dec->forward(enc_again->forward(x).tanh());
    return (heads[0]->forward(h) + heads[1]->forward(h)) * scale;
  }
  void rebind(const nn::CloneMap& map) override { map(enc, dec, enc_again, heads, scale); }
};

struct Forgetful : nn::Cloneable<Forgetful> {  // rebind misses `fc`
  std::shared_ptr<nn::Linear> fc;
  Forgetful() : fc(register_module("fc", std::make_shared<nn::Linear>(2, 2))) {}
};

struct ForgetsTensor : nn::Cloneable<ForgetsTensor> {  // rebind misses `w`
  fx::Tensor w;
  ForgetsTensor() : w(register_parameter("w", fx::ones({2}))) {}
};

struct NotCloneable : nn::Module {};

struct MyLinear : nn::Linear {  // extends a cloneable layer without its own Cloneable
  MyLinear() : nn::Linear(2, 2) {}
};

}  // namespace

TEST(Clone, UserModuleKeepsSharingAndTiesInsideTheCopy) {
  fx::manual_seed(5);
  auto net = std::make_shared<TiedNet>();
  std::shared_ptr<TiedNet> copy = net->clone();
  EXPECT_EQ(copy->enc, copy->enc_again);  // shared once in the original, shared once in the copy
  EXPECT_NE(copy->enc, net->enc);
  EXPECT_EQ(copy->heads[1]->named_parameters(false).back().second.impl(), copy->scale.impl());  // still tied
  EXPECT_NE(copy->scale.impl(), net->scale.impl());
  EXPECT_NE(copy->enc->weight.impl(), net->enc->weight.impl());
  EXPECT_EQ(copy->parameters().size(), net->parameters().size());
  check_clone<TiedNet>(net, [](TiedNet& m) { return m.forward(fx::ones({2, 3}, fx::Float64)); });
}

TEST(Clone, KeepsFrozenParametersGradientsAndDtype) {
  auto fc = std::make_shared<nn::Linear>(2, 3);
  fc->bias.requires_grad_(false);
  fc->forward(fx::ones({1, 2})).sum().backward();
  auto copy = fc->clone();
  EXPECT_TRUE(copy->weight.requires_grad());
  EXPECT_FALSE(copy->bias.requires_grad());
  EXPECT_EQ(copy->weight.dtype(), fx::Float32);
  ASSERT_TRUE(copy->weight.grad().defined());
  EXPECT_EQ(max_diff(copy->weight.grad(), fc->weight.grad()), 0.0);
  EXPECT_NE(storage_of(copy->weight.grad()), storage_of(fc->weight.grad()));
}

TEST(Clone, ErrorsNameTheFix) {
  auto expect_error = [](const std::function<void()>& f, const std::string& part) {
    try {
      f();
      ADD_FAILURE() << "no error";
    } catch (const fx::Error& e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  };
  expect_error([] { (void)std::make_shared<Forgetful>()->clone(); }, "still shares 'fc'");
  expect_error([] { (void)std::make_shared<ForgetsTensor>()->clone(); }, "still shares 'w'");
  expect_error([] { (void)std::make_shared<NotCloneable>()->clone(); }, "derive it from nn::Cloneable<NotCloneable>");
  expect_error([] { (void)std::make_shared<MyLinear>()->clone(); }, "MyLinear extends a cloneable module");
  // a cloneable parent with a non-cloneable child fails on the child
  auto holder = std::make_shared<nn::ModuleList>();
  holder->push_back(std::make_shared<NotCloneable>());
  expect_error([&] { (void)holder->clone(); }, "NotCloneable is not cloneable");
}

namespace {

// A module with a two-argument forward, called through its holder.
struct ScaledImpl : nn::Cloneable<ScaledImpl> {
  std::shared_ptr<nn::Linear> fc;
  explicit ScaledImpl(int64_t n) : fc(register_module("fc", std::make_shared<nn::Linear>(n, 1))) {}
  fx::Tensor forward(const fx::Tensor& x, double factor) const { return fc->forward(x) * factor; }
  void rebind(const nn::CloneMap& map) override { map(fc); }
};
FLUXION_MODULE(Scaled);

}  // namespace

TEST(ModuleHolder, CallsForwardWithItsArgumentsAndClones) {
  fx::manual_seed(6);
  Scaled model(3);
  const fx::Tensor x = fx::randn({4, 3});
  EXPECT_EQ(max_diff(model(x, 2.0), model->forward(x, 1.0) * 2.0), 0.0);
  Scaled shared = model;  // a copy of the holder shares the module
  EXPECT_EQ(shared.ptr(), model.ptr());

  Scaled copy = model.clone();
  EXPECT_NE(copy.ptr(), model.ptr());
  EXPECT_EQ(max_diff(copy(x, 2.0), model(x, 2.0)), 0.0);
  fx::optim::Adam opt(copy->parameters(), {.lr = 0.1});
  copy(x, 1.0).square().sum().backward();
  opt.step();
  EXPECT_GT(max_diff(copy(x, 1.0), model(x, 1.0)), 0.0);

  std::ostringstream os;
  os << model;
  EXPECT_EQ(os.str(), "ScaledImpl(\n  (fc): Linear(in_features=3, out_features=1, bias=True)\n)");

  Scaled empty(nullptr);
  EXPECT_TRUE(empty.is_empty());
  EXPECT_THROW((void)empty(x, 1.0), fx::Error);
}
