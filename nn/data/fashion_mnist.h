// SPDX-License-Identifier: MIT
// datasets::FashionMNIST — Zalando's 28x28 grey images of clothing in ten
// classes (60,000 for training, 10,000 for testing), read from the IDX files
// of Debian's dataset-fashion-mnist package.
//
//   fx::data::datasets::FashionMNIST train;                  // /usr/share/datasets/fashion-mnist
//   fx::Tensor x = train.images();   // (60000, 1, 28, 28) Float32 in [0, 1] (torchvision's ToTensor)
//   fx::Tensor y = train.labels();   // (60000) Int64 in 0 .. 9
#pragma once
#include <array>
#include <string>

#include "nn/data/dataset.h"

namespace fluxion::data::datasets {

class FashionMNIST : public TensorDataset {
 public:
  static constexpr const char* kDefaultRoot = "/usr/share/datasets/fashion-mnist";
  /// The class names, by label.
  static const std::array<const char*, 10>& classes();

  /// Reads <root>/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]. A missing file is an
  /// Error that names it and the Debian package to install.
  explicit FashionMNIST(const std::string& root = kDefaultRoot, bool train = true);
  const Tensor& images() const { return tensors()[0]; }
  const Tensor& labels() const { return tensors()[1]; }
};

}  // namespace fluxion::data::datasets
