// SPDX-License-Identifier: MIT
#include "catalogue.h"

#include "tensor/kernels/copy.h"

namespace catalogue {

static std::vector<OpCase>& registry() {
  static std::vector<OpCase> cases;
  return cases;
}

bool add(std::vector<OpCase> cases) {
  for (OpCase& c : cases) registry().push_back(std::move(c));
  return true;
}

const std::vector<OpCase>& all() { return registry(); }

fx::Tensor uniform(const fx::Shape& shape, double lo, double hi, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(lo, hi);
  std::vector<double> v((size_t)fx::numel(shape));
  for (double& x : v) x = u(rng);
  return fx::tensor(v, shape, fx::Float64);
}

fx::Tensor strided_copy(const fx::Tensor& t) {
  // Storage for shape + [2]; the view takes element 0 of the last dim, so
  // every stride is twice the contiguous one.
  fx::Shape big = t.shape();
  big.push_back(2);
  fx::TensorData base = fx::zeros(big, t.dtype()).tensor_data();
  fx::Shape strides = fx::contiguous_strides(big);
  strides.pop_back();
  fx::Tensor view(base.as_strided(t.shape(), strides, 0));
  fx::kernels::copy_(view.tensor_data(), t.tensor_data());
  return view;
}

}  // namespace catalogue
