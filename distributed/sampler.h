// SPDX-License-Identifier: MIT
// data::DistributedSampler — each rank's share of a dataset for an epoch
// (torch.utils.data.distributed.DistributedSampler). With n samples and R
// ranks, every rank gets the same number of samples, num_samples():
//   ceil(n / R), the order padded by repeating its first samples, or with
//   drop_last floor(n / R), the tail dropped;
// rank r takes positions r, r + R, r + 2R, ... of the epoch's order. The order
// is a permutation drawn from Generator(seed + epoch), so set_epoch(e) gives
// the same order on every rank and a new one each epoch.
//
//   fx::data::DistributedSampler sampler(train, {.seed = 0});
//   for (int64_t epoch = 0; epoch < 3; ++epoch) {
//     sampler.set_epoch(epoch);
//     fx::data::DataLoader loader(sampler.shard(), {.batch_size = 64});  // this rank's samples
//     ...
//   }
#pragma once
#include <memory>
#include <vector>

#include "nn/data/dataset.h"

namespace fluxion::data {

struct DistributedSamplerOptions {
  int num_replicas = -1;  // -1: distributed::get_world_size()
  int rank = -1;          // -1: distributed::get_rank()
  bool shuffle = true;
  uint64_t seed = 0;
  bool drop_last = false;
};

class DistributedSampler {
 public:
  DistributedSampler(std::shared_ptr<const Dataset> dataset, DistributedSamplerOptions opts = {});
  void set_epoch(int64_t epoch) { epoch_ = epoch; }
  int64_t epoch() const { return epoch_; }
  /// Samples per rank and epoch.
  int64_t num_samples() const { return num_samples_; }
  /// This rank's sample indices into the dataset for the current epoch.
  std::vector<int64_t> indices() const;
  /// The dataset restricted to indices(), in that order.
  std::shared_ptr<Subset> shard() const;

 private:
  std::shared_ptr<const Dataset> dataset_;
  DistributedSamplerOptions opts_;
  int64_t num_samples_ = 0;
  int64_t epoch_ = 0;
};

}  // namespace fluxion::data
