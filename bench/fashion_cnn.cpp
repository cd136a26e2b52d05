// SPDX-License-Identifier: MIT
// fashion_cnn (../shared/bench/WORKLOADS.md): one training epoch of the small
// CNN of examples/fashion_mnist.cpp on the 60,000 Fashion-MNIST images, then
// the test accuracy; the same model, data order and hyper-parameters as the
// PyTorch peer (peers/fashion_cnn_torch.py). An epoch is long, so it runs
// once per thread count (reps 1): epoch_s is that one epoch's training time.
#include <chrono>
#include <ctime>

#include "bench/bench.h"
#include "fluxion.h"

namespace fluxion::bench {
namespace {

namespace F = nn::functional;

void fashion_cnn(const Context& ctx) {
  manual_seed(0);
  std::shared_ptr<data::datasets::FashionMNIST> train_raw, test_raw;
  try {
    train_raw = std::make_shared<data::datasets::FashionMNIST>(data::datasets::FashionMNIST::kDefaultRoot, true);
    test_raw = std::make_shared<data::datasets::FashionMNIST>(data::datasets::FashionMNIST::kDefaultRoot, false);
  } catch (const Error& e) {
    Line("fashion_cnn", ctx).add("skipped", e.what()).print();
    return;
  }
  auto normalised = [](const data::datasets::FashionMNIST& ds) {
    return std::make_shared<data::TensorDataset>(
        std::vector<Tensor>{((ds.images() - 0.2860) / 0.3530).contiguous(), ds.labels()});
  };
  auto train = normalised(*train_raw), test = normalised(*test_raw);
  nn::Sequential model(nn::Conv2d(1, 16, 5), nn::ReLU(), nn::MaxPool2d(2), nn::Conv2d(16, 32, 5), nn::ReLU(),
                       nn::MaxPool2d(2), nn::Flatten(), nn::Linear(512, 10));
  optim::Adam opt(model.parameters(), {.lr = 1e-3});
  data::DataLoader loader(train, {.batch_size = 64, .shuffle = true, .seed = 0, .prefetch = true});
  auto t0 = std::chrono::steady_clock::now();
  std::clock_t c0 = std::clock();
  double last_loss = 0;
  for (const data::Example& b : loader) {
    Tensor loss = F::cross_entropy(model.forward(b[0]), b[1]);
    opt.zero_grad();
    loss.backward();
    opt.step();
    last_loss = loss.item();
  }
  double epoch_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // processor time of all threads: what the epoch costs on idle cores, even when others share them
  double cpu_s = double(std::clock() - c0) / CLOCKS_PER_SEC;
  NoGradGuard no_grad;
  model.eval();
  int64_t right = 0;
  for (const data::Example& b : data::DataLoader(test, {.batch_size = 1000}))
    right += (int64_t)eq(model.forward(b[0]).argmax(1), b[1]).sum().item();
  Timing t{.median_s = epoch_s, .min_s = epoch_s, .reps = 1, .inner = 1};
  Line("fashion_cnn", ctx)
      .add("dtype", "f32")
      .add("batch", 64)
      .add("epoch", 1)
      .add("epoch_s", epoch_s)
      .add("cpu_s", cpu_s)
      .add("images_per_s", double(train->size()) / epoch_s)
      .add("test_accuracy", double(right) / double(test->size()))
      .add("last_loss", last_loss)
      .timing(t)
      .blas()
      .print();
}

const bool registered = add_workload("fashion_cnn", fashion_cnn);

}  // namespace
}  // namespace fluxion::bench
