// SPDX-License-Identifier: MIT
// DistributedSampler: one epoch's order, padded or cut to a multiple of the
// rank count, and this rank's stride through it.
#include "distributed/sampler.h"

#include <utility>

#include "distributed/process_group.h"
#include "tensor/error.h"
#include "tensor/random.h"

namespace fluxion::data {

DistributedSampler::DistributedSampler(std::shared_ptr<const Dataset> dataset, DistributedSamplerOptions opts)
    : dataset_(std::move(dataset)), opts_(opts) {
  check(dataset_ != nullptr, "DistributedSampler: the dataset is null");
  if (opts_.num_replicas < 0) opts_.num_replicas = distributed::get_world_size();
  if (opts_.rank < 0) opts_.rank = distributed::get_rank();
  check(opts_.num_replicas > 0 && opts_.rank < opts_.num_replicas, "DistributedSampler: rank ", opts_.rank,
        " is outside [0, ", opts_.num_replicas, "); pass 0 <= rank < num_replicas");
  int64_t n = dataset_->size(), r = opts_.num_replicas;
  // drop_last: floor(n / R) per rank; otherwise ceil(n / R) (PyTorch's counts)
  num_samples_ = opts_.drop_last ? n / r : (n + r - 1) / r;
}

std::vector<int64_t> DistributedSampler::indices() const {
  int64_t n = dataset_->size(), r = opts_.num_replicas, total = num_samples_ * r;
  std::vector<int64_t> order((size_t)n);
  for (int64_t i = 0; i < n; ++i) order[(size_t)i] = i;
  if (opts_.shuffle) {  // Fisher-Yates from Generator(seed + epoch): the same on every rank
    Generator gen(opts_.seed + (uint64_t)epoch_);
    for (int64_t i = n - 1; i > 0; --i) std::swap(order[(size_t)i], order[(size_t)gen.below((uint64_t)i + 1)]);
  }
  for (int64_t i = n; i < total; ++i) order.push_back(order[(size_t)(i % n)]);  // pad by repeating the start
  std::vector<int64_t> mine;
  mine.reserve((size_t)num_samples_);
  for (int64_t i = opts_.rank; i < total; i += r) mine.push_back(order[(size_t)i]);
  return mine;
}

std::shared_ptr<Subset> DistributedSampler::shard() const { return std::make_shared<Subset>(dataset_, indices()); }

}  // namespace fluxion::data
