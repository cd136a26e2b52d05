// SPDX-License-Identifier: MIT
// data::Dataset and its basic kinds (torch.utils.data): a dataset is a size
// and a way to get sample i as a few tensors (its fields, e.g. image and
// label). TensorDataset indexes tensors along dim 0; Subset picks indices of
// another dataset; random_split cuts one into shuffled, disjoint subsets.
//
//   auto ds = std::make_shared<fx::data::TensorDataset>(std::vector<fx::Tensor>{images, labels});
//   auto [train, val] = fx::data::random_split(ds, {50000, 10000});   // two Subsets
//   fx::data::Example e = ds->get(0);                                   // {images[0], labels[0]}
#pragma once
#include <memory>
#include <vector>

#include "autograd/tensor.h"
#include "tensor/random.h"

namespace fluxion::data {

/// The fields of one sample (or, stacked along a new dim 0, of a batch).
using Example = std::vector<Tensor>;

class Dataset {
 public:
  virtual ~Dataset() = default;
  virtual int64_t size() const = 0;
  /// Sample `index` in [0, size()).
  virtual Example get(int64_t index) const = 0;
  /// The samples at `indices`, each field stacked along a new dim 0 (the default
  /// collate). Datasets that can gather a batch at once override it.
  virtual Example get_batch(const std::vector<int64_t>& indices) const;
};

/// Stacks the examples field by field: n examples of fields (s_1, s_2, ...) -> fields (n, s_1), (n, s_2), ...
[[nodiscard]] Example collate(const std::vector<Example>& examples);

/// Sample i is {t[i] for each tensor t}; every tensor has the same size along dim 0.
class TensorDataset : public Dataset {
 public:
  explicit TensorDataset(std::vector<Tensor> tensors);
  int64_t size() const override;
  Example get(int64_t index) const override;
  /// index_select along dim 0: one gather per field instead of one copy per sample
  Example get_batch(const std::vector<int64_t>& indices) const override;
  const std::vector<Tensor>& tensors() const { return tensors_; }

 private:
  std::vector<Tensor> tensors_;
};

/// Sample i is dataset[indices[i]].
class Subset : public Dataset {
 public:
  Subset(std::shared_ptr<const Dataset> dataset, std::vector<int64_t> indices);
  int64_t size() const override { return (int64_t)indices_.size(); }
  Example get(int64_t index) const override;
  Example get_batch(const std::vector<int64_t>& indices) const override;
  const std::vector<int64_t>& indices() const { return indices_; }

 private:
  std::shared_ptr<const Dataset> dataset_;
  std::vector<int64_t> indices_;
};

/// Disjoint subsets of the given lengths (summing to dataset->size()) of one random permutation.
[[nodiscard]] std::vector<std::shared_ptr<Subset>> random_split(std::shared_ptr<const Dataset> dataset,
                                                                const std::vector<int64_t>& lengths,
                                                                Generator& generator = default_generator());
/// Fractions summing to 1: lengths floor(f size), the remainder given out one by one
/// from the first subset on (as PyTorch).
[[nodiscard]] std::vector<std::shared_ptr<Subset>> random_split(std::shared_ptr<const Dataset> dataset,
                                                                const std::vector<double>& fractions,
                                                                Generator& generator = default_generator());

}  // namespace fluxion::data
