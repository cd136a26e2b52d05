// SPDX-License-Identifier: MIT
// train_classifier: a small network learns three interleaved spirals.
//
// The data set (seeded): 3 classes x 300 points in the plane, class k lying
// on the arm r -> (r sin t, r cos t), t = 4k + 4r + noise, r in [0, 1].
// The model: an MLP 2-64-64-3 with ReLU, trained full-batch with Adam and a
// cosine learning-rate schedule on cross-entropy. It then saves the model,
// reloads it into a freshly initialised network, and checks that the two
// predict identically. Exit status 0 only if training accuracy >= 97% and
// the reloaded model agrees.
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "fluxion.h"

namespace fx = fluxion;
namespace nn = fluxion::nn;
namespace F = fluxion::nn::functional;

// (points (N, 2), labels (N) Int64), N = classes * per_class
static std::pair<fx::Tensor, fx::Tensor> make_spirals(int64_t classes, int64_t per_class, double noise) {
  std::vector<double> noise_draws = (fx::randn({classes * per_class}, fx::Float64) * noise).to_vector<double>();
  std::vector<float> xy;
  std::vector<int64_t> labels;
  for (int64_t k = 0; k < classes; ++k) {
    for (int64_t i = 0; i < per_class; ++i) {
      double r = double(i) / double(per_class - 1);
      double t = 4.0 * double(k) + 4.0 * r + noise_draws[size_t(k * per_class + i)];
      xy.push_back(float(r * std::sin(t)));
      xy.push_back(float(r * std::cos(t)));
      labels.push_back(k);
    }
  }
  return {fx::tensor(xy, {classes * per_class, 2}), fx::tensor(labels, {classes * per_class})};
}

static nn::Sequential make_model() {
  return nn::Sequential(nn::Linear(2, 64), nn::ReLU(), nn::Linear(64, 64), nn::ReLU(), nn::Linear(64, 3));
}

// fraction of rows whose largest logit is the label
static double accuracy(const fx::Tensor& logits, const fx::Tensor& labels) {
  return fx::eq(logits.argmax(1), labels).to(fx::Float64).mean().item();
}

int main() {
  fx::manual_seed(0);
  auto [x, y] = make_spirals(3, 300, 0.2);
  nn::Sequential model = make_model();
  const int epochs = 1000;
  fx::optim::Adam opt(model.parameters(), {.lr = 0.01});
  fx::optim::CosineAnnealingLR schedule(opt, {.T_max = epochs});

  std::printf("train_classifier: 3 spirals x 300 points, MLP 2-64-64-3, Adam lr 0.01 + cosine, %d epochs\n", epochs);
  fx::util::ProgressBar bar(epochs, {.label = "epoch"});
  double loss_value = 0, acc = 0;
  for (int epoch = 0; epoch < epochs; ++epoch) {
    opt.zero_grad();
    fx::Tensor logits = model.forward(x);
    fx::Tensor loss = F::cross_entropy(logits, y);
    loss.backward();
    opt.step();
    schedule.step();
    loss_value = loss.item();
    {
      fx::NoGradGuard no_grad;
      acc = accuracy(logits, y);
    }
    bar.update(epoch + 1, {{"loss", loss_value}, {"acc%", 100 * acc}});
    if (!bar.enabled() && (epoch + 1) % 200 == 0)
      std::printf("epoch %4d  loss %.4f  accuracy %.2f%%\n", epoch + 1, loss_value, 100 * acc);
  }
  bar.finish();

  fx::NoGradGuard no_grad;
  model.eval();
  fx::Tensor logits = model.forward(x);
  double train_acc = accuracy(logits, y);
  std::printf("final training accuracy: %.2f%% (loss %.4f)\n", 100 * train_acc, loss_value);

  std::filesystem::create_directories("out/train_classifier");
  const std::string path = "out/train_classifier/model.flx";
  nn::save(model, path);
  nn::Sequential reloaded = make_model();  // different random weights until load
  nn::load(reloaded, path);
  reloaded.eval();
  fx::Tensor logits2 = reloaded.forward(x);
  bool identical = logits.to_vector<float>() == logits2.to_vector<float>();
  std::printf("saved to %s; reloaded model predicts %s\n", path.c_str(), identical ? "identically" : "DIFFERENTLY");

  if (train_acc < 0.97) {
    std::printf("FAIL: training accuracy below 97%%\n");
    return 1;
  }
  return identical ? 0 : 1;
}
