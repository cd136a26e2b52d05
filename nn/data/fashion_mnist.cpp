// SPDX-License-Identifier: MIT
// FashionMNIST: locating the package's files, reading them, checking shapes.
#include "nn/data/fashion_mnist.h"

#include <filesystem>

#include "autograd/ops.h"
#include "nn/data/readers.h"

namespace fluxion::data::datasets {

const std::array<const char*, 10>& FashionMNIST::classes() {
  static const std::array<const char*, 10> names{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                 "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  return names;
}

namespace {

// <root>/<stem>.gz, or the uncompressed <root>/<stem>
std::string locate(const std::string& root, const std::string& stem) {
  for (const std::string& p : {root + "/" + stem + ".gz", root + "/" + stem})
    if (std::filesystem::exists(p)) return p;
  fail("FashionMNIST: '", root, "/", stem,
       ".gz' is missing. Install the data with "
       "`sudo apt-get install dataset-fashion-mnist` (Debian/Ubuntu; it puts the files in ",
       FashionMNIST::kDefaultRoot, ") or pass the folder that holds the IDX files");
}

std::vector<Tensor> read(const std::string& root, bool train) {
  std::string split = train ? "train" : "t10k";
  Tensor images = read_idx(locate(root, split + "-images-idx3-ubyte"), Float32);
  Tensor labels = read_idx(locate(root, split + "-labels-idx1-ubyte"), Int64);
  check(images.dim() == 3 && images.size(1) == 28 && images.size(2) == 28 && labels.dim() == 1 &&
            labels.size(0) == images.size(0),
        "FashionMNIST: '", root, "' holds images ", images.shape(), " and labels ", labels.shape(),
        "; expected (N, 28, 28) and (N)");
  return {(images / 255.0).unsqueeze(1).contiguous(), labels};
}

}  // namespace

FashionMNIST::FashionMNIST(const std::string& root, bool train) : TensorDataset(read(root, train)) {}

}  // namespace fluxion::data::datasets
