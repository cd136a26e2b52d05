// SPDX-License-Identifier: MIT
// data::DataLoader — batches of a Dataset, in order or shuffled by the
// loader's own seeded generator (so the order depends only on the seed and
// the epoch, never on threads or on other random draws), optionally with the
// next batch built on a background thread while the caller trains.
//
//   fx::data::DataLoader loader(train, {.batch_size = 64, .shuffle = true, .seed = 0, .prefetch = true});
//   for (int epoch = 0; epoch < 3; ++epoch)
//     for (const fx::data::Example& batch : loader) {   // batch[0]: (64, 1, 28, 28), batch[1]: (64)
//       ...
//     }
//
// Each begin() starts an epoch: a shuffled loader draws a new permutation.
// state_dict() records the generator state at the start of the current epoch
// and the batches already handed out, so that a loader rebuilt and loaded in
// another process continues with the same batches in the same order.
#pragma once
#include <future>
#include <memory>
#include <vector>

#include "nn/data/dataset.h"
#include "nn/module.h"

namespace fluxion::data {

struct DataLoaderOptions {
  int64_t batch_size = 1;
  bool shuffle = false;
  bool drop_last = false;                   // drop a last batch smaller than batch_size
  uint64_t seed = Generator::kDefaultSeed;  // of the loader's own generator (the shuffle order)
  bool prefetch = false;                    // build batch i + 1 on a background thread during batch i
};

class DataLoader {
 public:
  DataLoader(std::shared_ptr<const Dataset> dataset, DataLoaderOptions opts = {});
  DataLoader(const DataLoader&) = delete;
  DataLoader& operator=(const DataLoader&) = delete;

  /// Batches per epoch: ceil(n / batch_size), or floor with drop_last.
  int64_t size() const;
  const Dataset& dataset() const { return *dataset_; }
  Generator& generator() { return generator_; }

  class Iterator {
   public:
    using value_type = Example;
    using difference_type = std::ptrdiff_t;
    const Example& operator*() const { return current_; }
    const Example* operator->() const { return &current_; }
    Iterator& operator++();
    bool operator==(const Iterator& other) const { return position_ == other.position_; }

   private:
    friend class DataLoader;
    Iterator(DataLoader* loader, int64_t position);
    DataLoader* loader_;
    int64_t position_;
    Example current_;
  };
  /// Starts an epoch (or resumes the one loaded by load_state_dict).
  Iterator begin();
  Iterator end() { return Iterator(nullptr, size()); }

  /// {"generator": the 7 words at the epoch's start, "position": batches handed out}
  nn::StateDict state_dict() const;
  void load_state_dict(const nn::StateDict& sd);

 private:
  std::vector<int64_t> batch_indices(int64_t b) const;
  Example fetch(int64_t b);  // batch b, taking the prefetched one if ready
  void start_prefetch(int64_t b);

  std::shared_ptr<const Dataset> dataset_;
  DataLoaderOptions opts_;
  Generator generator_;
  std::vector<uint64_t> epoch_state_;  // generator state before this epoch's permutation
  std::vector<int64_t> order_;         // this epoch's sample order
  int64_t position_ = 0;               // batches handed out in this epoch
  bool resume_ = false;                // begin() continues a loaded epoch
  std::future<Example> pending_;
  int64_t pending_batch_ = -1;
};

}  // namespace fluxion::data
