// SPDX-License-Identifier: MIT
// DataLoader: epoch orders from the loader's own generator, batches by the
// dataset's get_batch, an optional one-batch prefetch on a std::async thread,
// and the state that lets a new process resume an epoch mid-way.
#include "nn/data/loader.h"

#include <bit>
#include <numeric>

#include "autograd/grad_mode.h"
#include "autograd/ops.h"

namespace fluxion::data {

DataLoader::DataLoader(std::shared_ptr<const Dataset> dataset, DataLoaderOptions opts)
    : dataset_(std::move(dataset)), opts_(opts), generator_(opts.seed) {
  check(dataset_ != nullptr, "DataLoader: the dataset is null");
  check(opts_.batch_size >= 1, "DataLoader: batch_size must be at least 1, got ", opts_.batch_size);
}

int64_t DataLoader::size() const {
  int64_t n = dataset_->size(), b = opts_.batch_size;
  return opts_.drop_last ? n / b : (n + b - 1) / b;
}

std::vector<int64_t> DataLoader::batch_indices(int64_t b) const {
  int64_t start = b * opts_.batch_size, end = std::min<int64_t>(start + opts_.batch_size, (int64_t)order_.size());
  return std::vector<int64_t>(order_.begin() + start, order_.begin() + end);
}

void DataLoader::start_prefetch(int64_t b) {
  if (!opts_.prefetch || b >= size()) return;
  // The worker reads only the dataset and a copy of the indices, so it never races the caller.
  pending_ = std::async(std::launch::async, [ds = dataset_, idx = batch_indices(b)] {
    NoGradGuard no_grad;
    return ds->get_batch(idx);
  });
  pending_batch_ = b;
}

Example DataLoader::fetch(int64_t b) {
  if (pending_.valid() && pending_batch_ == b) {
    Example e = pending_.get();
    start_prefetch(b + 1);
    return e;
  }
  if (pending_.valid()) pending_.wait();  // a stale prefetch (a restarted epoch): finish it, drop it
  pending_ = {};
  start_prefetch(b + 1);
  NoGradGuard no_grad;
  return dataset_->get_batch(batch_indices(b));
}

DataLoader::Iterator DataLoader::begin() {
  if (!resume_) {
    epoch_state_ = generator_.get_state();
    position_ = 0;
  }
  // A loaded state replays the permutation of its epoch from the saved generator state.
  generator_.set_state(epoch_state_);
  order_.resize(dataset_->size());
  if (opts_.shuffle) {
    TensorData perm = kernels::randperm(dataset_->size(), generator_);
    const int64_t* p = static_cast<const int64_t*>(perm.storage->data) + perm.offset;
    order_.assign(p, p + dataset_->size());
  } else {
    std::iota(order_.begin(), order_.end(), 0);
  }
  resume_ = false;
  if (pending_.valid()) pending_.wait();
  pending_ = {};
  return Iterator(this, position_);
}

DataLoader::Iterator::Iterator(DataLoader* loader, int64_t position) : loader_(loader), position_(position) {
  if (loader_ && position_ < loader_->size()) {
    current_ = loader_->fetch(position_);
    loader_->position_ = position_ + 1;
  }
}

DataLoader::Iterator& DataLoader::Iterator::operator++() {
  ++position_;
  current_.clear();
  if (position_ < loader_->size()) {
    current_ = loader_->fetch(position_);
    loader_->position_ = position_ + 1;
  }
  return *this;
}

nn::StateDict DataLoader::state_dict() const {
  std::vector<uint64_t> g = epoch_state_.empty() ? generator_.get_state() : epoch_state_;
  std::vector<int64_t> words;
  for (uint64_t w : g) words.push_back(std::bit_cast<int64_t>(w));
  // position counts batches already handed out; the batch in the caller's hands is done
  // once the caller saves, so resuming continues with the next one.
  return {{"generator", tensor(words, {(int64_t)words.size()})},
          {"position", tensor(std::vector<int64_t>{position_}, {1})}};
}

void DataLoader::load_state_dict(const nn::StateDict& sd) {
  Tensor g, p;
  for (const auto& [name, t] : sd) {
    if (name == "generator")
      g = t;
    else if (name == "position")
      p = t;
    else
      fail("DataLoader.load_state_dict: unexpected entry '", name, "'");
  }
  check(g.defined() && p.defined() && g.dtype() == Int64 && p.dtype() == Int64 && p.numel() == 1,
        "DataLoader.load_state_dict: needs Int64 entries 'generator' and 'position' from state_dict()");
  std::vector<uint64_t> words;
  for (int64_t w : g.to_vector<int64_t>()) words.push_back(std::bit_cast<uint64_t>(w));
  Generator probe;
  probe.set_state(words);  // validates before anything changes
  int64_t pos = p.to_vector<int64_t>()[0];
  check(pos >= 0 && pos <= size(), "DataLoader.load_state_dict: position ", pos, " is out of range for ", size(),
        " batches");
  epoch_state_ = words;
  position_ = pos;
  resume_ = pos < size();
  if (!resume_) {  // the saved epoch was complete: the next begin() draws the next permutation
    generator_.set_state(words);
    if (opts_.shuffle) (void)kernels::randperm(dataset_->size(), generator_);
    epoch_state_.clear();
  }
}

}  // namespace fluxion::data
