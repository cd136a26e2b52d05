// SPDX-License-Identifier: MIT
// Dataset's default collate, TensorDataset, Subset and random_split.
#include "nn/data/dataset.h"

#include <cmath>

#include "autograd/grad_mode.h"
#include "autograd/ops.h"

namespace fluxion::data {

Example collate(const std::vector<Example>& examples) {
  check(!examples.empty(), "collate: no examples to stack");
  size_t fields = examples[0].size();
  Example out;
  for (size_t f = 0; f < fields; ++f) {
    std::vector<Tensor> column;
    for (const Example& e : examples) {
      check(e.size() == fields, "collate: examples have ", fields, " and ", e.size(), " fields; all must match");
      column.push_back(e[f]);
    }
    out.push_back(stack(column, 0));
  }
  return out;
}

Example Dataset::get_batch(const std::vector<int64_t>& indices) const {
  std::vector<Example> examples;
  for (int64_t i : indices) examples.push_back(get(i));
  return collate(examples);
}

TensorDataset::TensorDataset(std::vector<Tensor> tensors) : tensors_(std::move(tensors)) {
  check(!tensors_.empty(), "TensorDataset: needs at least one tensor");
  for (const Tensor& t : tensors_)
    check(t.defined() && t.dim() >= 1 && t.size(0) == tensors_[0].size(0), "TensorDataset: every tensor must have ",
          tensors_[0].size(0), " rows along dim 0, got shape ", t.shape());
}

int64_t TensorDataset::size() const { return tensors_[0].size(0); }

static void check_index(int64_t index, int64_t size, const char* who) {
  check(index >= 0 && index < size, who, ": index ", index, " is out of range for ", size, " samples");
}

Example TensorDataset::get(int64_t index) const {
  check_index(index, size(), "TensorDataset");
  Example e;
  for (const Tensor& t : tensors_) e.push_back(t.select(0, index));
  return e;
}

Example TensorDataset::get_batch(const std::vector<int64_t>& indices) const {
  for (int64_t i : indices) check_index(i, size(), "TensorDataset");
  NoGradGuard no_grad;  // a batch is data, not part of a graph
  Tensor idx = tensor(indices, {(int64_t)indices.size()});
  Example e;
  for (const Tensor& t : tensors_) e.push_back(t.index_select(0, idx));
  return e;
}

Subset::Subset(std::shared_ptr<const Dataset> dataset, std::vector<int64_t> indices)
    : dataset_(std::move(dataset)), indices_(std::move(indices)) {
  check(dataset_ != nullptr, "Subset: the dataset is null");
  for (int64_t i : indices_) check_index(i, dataset_->size(), "Subset");
}

Example Subset::get(int64_t index) const {
  check_index(index, size(), "Subset");
  return dataset_->get(indices_[index]);
}

Example Subset::get_batch(const std::vector<int64_t>& indices) const {
  std::vector<int64_t> mapped;
  for (int64_t i : indices) {
    check_index(i, size(), "Subset");
    mapped.push_back(indices_[i]);
  }
  return dataset_->get_batch(mapped);
}

std::vector<std::shared_ptr<Subset>> random_split(std::shared_ptr<const Dataset> dataset,
                                                  const std::vector<int64_t>& lengths, Generator& generator) {
  check(dataset != nullptr, "random_split: the dataset is null");
  int64_t total = 0;
  for (int64_t n : lengths) {
    check(n >= 0, "random_split: lengths must be non-negative, got ", n);
    total += n;
  }
  check(total == dataset->size(), "random_split: the lengths sum to ", total, " but the dataset has ", dataset->size(),
        " samples");
  TensorData perm = kernels::randperm(total, generator);
  const int64_t* p = static_cast<const int64_t*>(perm.storage->data) + perm.offset;
  std::vector<std::shared_ptr<Subset>> out;
  int64_t at = 0;
  for (int64_t n : lengths) {
    out.push_back(std::make_shared<Subset>(dataset, std::vector<int64_t>(p + at, p + at + n)));
    at += n;
  }
  return out;
}

std::vector<std::shared_ptr<Subset>> random_split(std::shared_ptr<const Dataset> dataset,
                                                  const std::vector<double>& fractions, Generator& generator) {
  check(dataset != nullptr, "random_split: the dataset is null");
  double sum = 0;
  for (double f : fractions) {
    check(f >= 0 && f <= 1, "random_split: fractions must be in [0, 1], got ", f);
    sum += f;
  }
  check(std::abs(sum - 1) < 1e-9, "random_split: fractions must sum to 1, got ", sum);
  int64_t n = dataset->size(), given = 0;
  std::vector<int64_t> lengths;
  for (double f : fractions) {
    lengths.push_back((int64_t)std::floor(f * double(n)));
    given += lengths.back();
  }
  for (size_t i = 0; given < n; i = (i + 1) % lengths.size(), ++given) ++lengths[i];
  return random_split(std::move(dataset), lengths, generator);
}

}  // namespace fluxion::data
