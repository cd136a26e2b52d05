// SPDX-License-Identifier: MIT
// fashion_mnist: a small CNN learns Fashion-MNIST (Debian's dataset-fashion-mnist).
//
// The model, data order and hyper-parameters are those of the PyTorch peer
// ../shared/bench/peers/fashion_cnn_torch.py, so the two can be compared:
//   Conv2d(1,16,5) -> ReLU -> MaxPool2d(2) -> Conv2d(16,32,5) -> ReLU -> MaxPool2d(2)
//   -> Flatten -> Linear(512,10); cross-entropy; Adam lr 1e-3; batch 64;
//   pixels in [0, 1] normalised as (x - 0.2860) / 0.3530; reshuffled every epoch.
// After each epoch it prints the test accuracy and writes a checkpoint (model,
// Adam's moments, the loader's position and generator, the history) from which
// --resume continues exactly; at the end it draws a figure: loss curve,
// accuracy per epoch, confusion matrix, and test images with their labels.
//
//   fashion_mnist                 the short version: 1 epoch on the first 10,000 training images
//   fashion_mnist --epochs N      the full thing: N epochs on all 60,000
//   options: [--limit N] [--test-limit N] [--threads N] [--resume] [--out DIR] [--root DIR]
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>

#include "examples/plot/plot.h"
#include "fluxion.h"

namespace fx = fluxion;
namespace nn = fluxion::nn;
namespace F = fluxion::nn::functional;

namespace {

struct Args {
  int epochs = 1;
  int64_t limit = -1, test_limit = 0;  // 0: all images; -1: 10,000 unless --epochs is given
  int threads = 0;                     // 0: leave fluxion's default
  bool resume = false;
  std::string out = "out/fashion_mnist", root = fx::data::datasets::FashionMNIST::kDefaultRoot;
};

constexpr const char* kUsage =
    "usage: fashion_mnist [--epochs N] [--limit N] [--test-limit N] [--threads N] [--resume] [--out DIR] "
    "[--root DIR]\n";

// The options, or nullopt after printing the usage for --help.
std::optional<Args> parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    if (s == "--help" || s == "-h") {
      std::printf("%s", kUsage);
      return std::nullopt;
    }
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) fx::fail(s, " needs a value; ", kUsage);
      return argv[++i];
    };
    if (s == "--epochs")
      a.epochs = std::stoi(value());
    else if (s == "--limit")
      a.limit = std::stoll(value());
    else if (s == "--test-limit")
      a.test_limit = std::stoll(value());
    else if (s == "--threads")
      a.threads = std::stoi(value());
    else if (s == "--resume")
      a.resume = true;
    else if (s == "--out")
      a.out = value();
    else if (s == "--root")
      a.root = value();
    else
      fx::fail("unknown option '", s, "'; ", kUsage);
  }
  return a;
}

// (x - mean) / std over the first n images (all when n = 0)
std::shared_ptr<fx::data::TensorDataset> normalised(const fx::data::datasets::FashionMNIST& ds, int64_t n) {
  n = n > 0 ? std::min(n, ds.size()) : ds.size();
  fx::Tensor x = (ds.images().slice(0, 0, n) - 0.2860) / 0.3530;
  return std::make_shared<fx::data::TensorDataset>(std::vector<fx::Tensor>{x.contiguous(), ds.labels().slice(0, 0, n)});
}

nn::Sequential make_model() {
  return nn::Sequential(nn::Conv2d(1, 16, 5), nn::ReLU(), nn::MaxPool2d(2), nn::Conv2d(16, 32, 5), nn::ReLU(),
                        nn::MaxPool2d(2), nn::Flatten(), nn::Linear(512, 10));
}

// Predicted classes of every test image, 1000 at a time, in eval mode without a graph.
std::vector<int64_t> predict(nn::Sequential& model, const fx::data::TensorDataset& test) {
  fx::NoGradGuard no_grad;
  model.eval();
  std::vector<int64_t> out;
  fx::data::DataLoader loader(std::make_shared<fx::data::TensorDataset>(test.tensors()), {.batch_size = 1000});
  for (const fx::data::Example& b : loader)
    for (int64_t p : model.forward(b[0]).argmax(1).to_vector<int64_t>()) out.push_back(p);
  model.train();
  return out;
}

void draw(const std::vector<double>& losses, const std::vector<double>& accs, const std::vector<int64_t>& pred,
          const fx::data::TensorDataset& test, const std::string& path) {
  namespace plt = fx::plot;
  plt::Figure fig(12, 10);
  fig.subplots(2, 2);
  auto& loss_ax = fig.ax(0, 0);
  loss_ax.plot(plt::Vec(losses), plt::LineOpts{.linewidth = 0.8});
  loss_ax.set_title("training loss (per batch)");
  loss_ax.set_xlabel("batch");
  loss_ax.set_ylabel("cross-entropy");
  loss_ax.set_yscale("log");
  auto& acc_ax = fig.ax(0, 1);
  plt::Vec epochs;
  for (size_t e = 0; e < accs.size(); ++e) epochs.push_back(double(e + 1));
  acc_ax.plot(epochs, plt::Vec(accs), "o-");
  acc_ax.set_title("test accuracy after each epoch");
  acc_ax.set_xlabel("epoch");
  acc_ax.set_ylabel("accuracy (%)");
  acc_ax.grid();
  // confusion matrix: row = true class, column = predicted, share of the true class
  std::vector<int64_t> labels = test.tensors()[1].to_vector<int64_t>();
  std::vector<double> cm(100, 0.0), per_class(10, 0.0);
  for (size_t i = 0; i < pred.size(); ++i) cm[labels[i] * 10 + pred[i]] += 1, per_class[labels[i]] += 1;
  for (int r = 0; r < 10; ++r)
    for (int c = 0; c < 10; ++c) cm[r * 10 + c] /= std::max(per_class[r], 1.0);
  auto& cm_ax = fig.ax(1, 0);
  auto m = cm_ax.imshow(cm, 10, 10, {.cmap = "Blues", .vmin = 0, .vmax = 1});
  for (int r = 0; r < 10; ++r)
    for (int c = 0; c < 10; ++c)
      if (cm[r * 10 + c] >= 0.005)
        cm_ax.text(c, r, std::to_string(int(std::lround(100 * cm[r * 10 + c]))),
                   {.fontsize = 6, .color = cm[r * 10 + c] > 0.5 ? "w" : "k", .ha = "center", .va = "center"});
  cm_ax.set_title("confusion matrix (% of each true class)");
  cm_ax.set_xlabel("predicted class");
  cm_ax.set_ylabel("true class");
  cm_ax.colorbar(m);
  // the first 16 test images (de-normalised) in a 4x4 mosaic, "predicted / true", red when wrong
  const int k = 4, side = 38;  // 28 pixels and a 10-pixel gap for the label
  std::vector<double> mosaic(k * side * k * side, 1.0);
  fx::Tensor imgs = test.tensors()[0].slice(0, 0, k * k) * 0.3530 + 0.2860;
  std::vector<float> px = imgs.to_vector<float>();
  auto& img_ax = fig.ax(1, 1);
  for (int t = 0; t < k * k; ++t) {
    int r0 = (t / k) * side, c0 = (t % k) * side;
    for (int r = 0; r < 28; ++r)
      for (int c = 0; c < 28; ++c) mosaic[(r0 + r) * k * side + c0 + c] = 1.0 - px[t * 784 + r * 28 + c];
  }
  img_ax.imshow(mosaic, k * side, k * side, {.cmap = "gray", .vmin = 0, .vmax = 1});
  const auto& names = fx::data::datasets::FashionMNIST::classes();
  for (int t = 0; t < k * k; ++t) {
    bool ok = pred[t] == labels[t];
    std::string s = std::string(names[pred[t]]) + (ok ? "" : std::string(" / ") + names[labels[t]]);
    img_ax.text((t % k) * side + 14, (t / k) * side + 36, s,
                {.fontsize = 6, .color = ok ? "b" : "r", .ha = "center", .va = "bottom"});
  }
  img_ax.set_title("test images: predicted (/ true, red when wrong)");
  img_ax.axis("off");
  fig.suptitle("fluxion: a CNN on Fashion-MNIST");
  fig.savefig(path);
}

}  // namespace

int main(int argc, char** argv) try {
  std::optional<Args> parsed = parse(argc, argv);
  if (!parsed) return 0;
  const Args& args = *parsed;
  if (args.threads > 0) fx::set_num_threads(args.threads);
  fx::manual_seed(0);
  fx::data::datasets::FashionMNIST train_raw(args.root, true), test_raw(args.root, false);
  auto train = normalised(train_raw, args.limit);
  auto test = normalised(test_raw, args.test_limit);

  nn::Sequential model = make_model();
  fx::optim::Adam opt(model.parameters(), {.lr = 1e-3});
  fx::data::DataLoader loader(train, {.batch_size = 64, .shuffle = true, .seed = 0, .prefetch = true});
  fx::optim::TrainingState state{.model = &model, .optimizer = &opt, .loader = &loader};
  std::vector<double> losses, accs;
  const std::string ckpt = args.out + "/checkpoint.flx";
  std::filesystem::create_directories(args.out);
  if (args.resume && std::filesystem::exists(ckpt)) {
    fx::optim::load_checkpoint(state, ckpt);
    for (const auto& [name, t] : state.extra) (name == "losses" ? losses : accs) = t.to_vector<double>();
    std::printf("resumed from %s after epoch %lld\n", ckpt.c_str(), (long long)state.epoch);
  }
  std::printf("fashion_mnist: %lld training and %lld test images, %d thread(s), batch 64, Adam lr 1e-3\n",
              (long long)train->size(), (long long)test->size(), fx::get_num_threads());

  for (int epoch = (int)state.epoch + 1; epoch <= args.epochs; ++epoch) {
    fx::util::ProgressBar bar(loader.size(), {.label = "epoch " + std::to_string(epoch)});
    auto t0 = std::chrono::steady_clock::now();
    int64_t b = 0;
    for (const fx::data::Example& batch : loader) {
      fx::Tensor loss = F::cross_entropy(model.forward(batch[0]), batch[1]);
      opt.zero_grad();
      loss.backward();
      opt.step();
      losses.push_back(loss.item());
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      bar.update(++b, {{"loss", losses.back()}, {"img/s", double(b * 64) / s}});
    }
    bar.finish();
    double epoch_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::vector<int64_t> pred = predict(model, *test);
    std::vector<int64_t> labels = test->tensors()[1].to_vector<int64_t>();
    int64_t right = 0;
    for (size_t i = 0; i < pred.size(); ++i) right += pred[i] == labels[i];
    accs.push_back(100.0 * double(right) / double(pred.size()));
    std::printf("epoch %d  train %.2f s (%.0f images/s)  last loss %.4f  test accuracy %.2f%%\n", epoch, epoch_s,
                double(train->size()) / epoch_s, losses.back(), accs.back());
    std::fflush(stdout);
    state.epoch = epoch;
    state.extra = {{"losses", fx::tensor(losses, {(int64_t)losses.size()}, fx::Float64)},
                   {"accuracies", fx::tensor(accs, {(int64_t)accs.size()}, fx::Float64)}};
    fx::optim::save_checkpoint(state, ckpt);
  }
  if (accs.empty()) {
    std::printf("nothing to do: the checkpoint is already at epoch %lld (raise --epochs)\n", (long long)state.epoch);
    return 0;
  }
  draw(losses, accs, predict(model, *test), *test, args.out + "/fashion_mnist.png");
  std::printf("wrote %s/fashion_mnist.png and %s\n", args.out.c_str(), ckpt.c_str());
  return 0;
} catch (const fx::Error& e) {
  std::fprintf(stderr, "fashion_mnist: %s\n", e.what());
  return 1;
}
