// SPDX-License-Identifier: MIT
// ddp_fashion_mnist: the Fashion-MNIST CNN of fashion_mnist.cpp trained data-
// parallel with nn::DistributedDataParallel over MPI.
//
//   mpirun -np 2 ./ddp_fashion_mnist --epochs 3          (add --hostfile hosts for several machines)
//
// Each of the N ranks takes its shard of every epoch from a DistributedSampler
// and batches of 64 / N (--batch), so the global batch is 64 as in the one-process run
// and the updates are the same up to rounding: Adam lr 1e-3 sees the average
// of the ranks' gradients. Every rank scores its shard of the test set and the
// counts are summed. Rank 0 prints the epoch's wall time (the slowest rank's)
// and the test accuracy. One thread per rank unless --threads says otherwise.
//   options: [--epochs N] [--limit N] [--test-limit N] [--batch N] [--threads N] [--root DIR]
#include <chrono>
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>

#include "distributed/distributed.h"
#include "fluxion.h"

namespace fx = fluxion;
namespace nn = fluxion::nn;
namespace dist = fluxion::distributed;

namespace {

struct Args {
  int epochs = 1, threads = 1, batch = 64;  // batch: the global batch, split over the ranks
  int64_t limit = 10000, test_limit = 0;    // 0: every image
  std::string root = fx::data::datasets::FashionMNIST::kDefaultRoot;
};

constexpr const char* kUsage =
    "usage: mpirun -np N ddp_fashion_mnist [--epochs N] [--limit N] [--test-limit N] [--batch N] [--threads N] "
    "[--root DIR]\n";

// The options, or nullopt after printing the usage for --help (on rank 0 only).
std::optional<Args> parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    if (s == "--help" || s == "-h") {
      if (dist::get_rank() == 0) std::printf("%s", kUsage);
      return std::nullopt;
    }
    if (i + 1 >= argc) fx::fail("ddp_fashion_mnist: ", s, " needs a value; ", kUsage);
    std::string v = argv[++i];
    if (s == "--epochs")
      a.epochs = std::stoi(v);
    else if (s == "--limit")
      a.limit = std::stoll(v);
    else if (s == "--test-limit")
      a.test_limit = std::stoll(v);
    else if (s == "--batch")
      a.batch = std::stoi(v);
    else if (s == "--threads")
      a.threads = std::stoi(v);
    else if (s == "--root")
      a.root = v;
    else
      fx::fail("ddp_fashion_mnist: unknown option '", s, "'; ", kUsage);
  }
  return a;
}

// (x - mean) / std over the first n images (all when n = 0), as fashion_mnist.cpp
std::shared_ptr<fx::data::TensorDataset> normalised(const fx::data::datasets::FashionMNIST& ds, int64_t n) {
  n = n > 0 ? std::min(n, ds.size()) : ds.size();
  fx::Tensor x = (ds.images().slice(0, 0, n) - 0.2860) / 0.3530;
  return std::make_shared<fx::data::TensorDataset>(std::vector<fx::Tensor>{x.contiguous(), ds.labels().slice(0, 0, n)});
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  dist::InitGuard mpi(argc, argv);  // an exception on any rank now ends the whole job with its message
  std::optional<Args> parsed = parse(argc, argv);
  if (!parsed) return 0;
  const Args& args = *parsed;
  fx::set_num_threads(args.threads);
  int rank = dist::get_rank(), ranks = dist::get_world_size();
  fx::check(args.batch % ranks == 0, "ddp_fashion_mnist: the batch of ", args.batch, " must split evenly over ", ranks,
            " ranks; pass --batch with a multiple of the rank count");
  fx::manual_seed(0);
  fx::data::datasets::FashionMNIST train_raw(args.root, true), test_raw(args.root, false);
  auto train = normalised(train_raw, args.limit);
  auto test = normalised(test_raw, args.test_limit);

  // Conv2d(1,16,5) -> ReLU -> MaxPool2d(2) -> Conv2d(16,32,5) -> ReLU -> MaxPool2d(2) -> Flatten -> Linear(512,10)
  auto model =
      std::make_shared<nn::Sequential>(nn::Conv2d(1, 16, 5), nn::ReLU(), nn::MaxPool2d(2), nn::Conv2d(16, 32, 5),
                                       nn::ReLU(), nn::MaxPool2d(2), nn::Flatten(), nn::Linear(512, 10));
  nn::DistributedDataParallel ddp(model);  // rank 0's initial weights on every rank
  fx::optim::Adam opt(model->parameters(), {.lr = 1e-3});
  fx::data::DistributedSampler sampler(train, {.seed = 0, .drop_last = true});
  fx::data::DistributedSampler test_sampler(test, {.shuffle = false});
  if (rank == 0)
    std::printf("ddp_fashion_mnist: %d rank(s) x %d thread(s), %lld training and %lld test images, batch %d x %d\n",
                ranks, args.threads, (long long)train->size(), (long long)test->size(), args.batch / ranks, ranks);

  for (int epoch = 1; epoch <= args.epochs; ++epoch) {
    sampler.set_epoch(epoch);
    fx::data::DataLoader loader(sampler.shard(), {.batch_size = args.batch / ranks, .drop_last = true});
    dist::barrier();
    auto t0 = std::chrono::steady_clock::now();
    std::clock_t c0 = std::clock();
    double loss_sum = 0;
    for (const fx::data::Example& batch : loader) {
      fx::Tensor loss = nn::functional::cross_entropy(ddp.forward(batch[0]), batch[1]);
      opt.zero_grad();
      loss.backward();  // gradients averaged over the ranks, bucket by bucket
      opt.step();
      loss_sum += loss.item();
    }
    // the slowest rank's wall time, and its processor time (what the epoch costs on an idle core)
    double train_s = dist::all_reduce(fx::tensor({seconds_since(t0)}, fx::Float64), dist::ReduceOp::max).item();
    double cpu_s =
        dist::all_reduce(fx::tensor({double(std::clock() - c0) / CLOCKS_PER_SEC}, fx::Float64), dist::ReduceOp::max)
            .item();
    // accuracy: each rank scores its shard of the test set (padding repeats a few images)
    int64_t right = 0, seen = 0;
    {
      fx::NoGradGuard no_grad;
      model->eval();
      fx::data::DataLoader test_loader(test_sampler.shard(), {.batch_size = 1000});
      for (const fx::data::Example& b : test_loader) {
        right += (model->forward(b[0]).argmax(1) == b[1]).to(fx::Int64).sum().item<int64_t>();
        seen += b[1].numel();
      }
      model->train();
    }
    auto counts = dist::all_reduce(fx::tensor(std::vector<int64_t>{right, seen}, {2})).to_vector<int64_t>();
    double mean_loss =
        dist::all_reduce(fx::tensor({loss_sum / (double)loader.size()}, fx::Float64), dist::ReduceOp::avg).item();
    if (rank == 0)
      std::printf("epoch %d  train %.2f s (%.0f images/s, cpu %.2f s per rank)  mean loss %.4f  test accuracy %.2f%%\n",
                  epoch, train_s, (double)(loader.size() * args.batch) / train_s, cpu_s, mean_loss,
                  100.0 * (double)counts[0] / (double)counts[1]);
    std::fflush(stdout);
  }
  return 0;
}
