// SPDX-License-Identifier: MIT
// The out-of-line part of the loop machinery (loops.h): broadcast strides.
#include "tensor/kernels/loops.h"

namespace fluxion::kernels {

Shape broadcast_strides(const TensorData& t, const Shape& shape) {
  Shape s(shape.size(), 0);
  size_t lead = shape.size() - t.shape.size();
  for (size_t i = 0; i < t.shape.size(); ++i) s[lead + i] = t.shape[i] == 1 ? 0 : t.strides[i];
  return s;
}

}  // namespace fluxion::kernels
