// SPDX-License-Identifier: MIT
// Storage (an aligned, cached block) and TensorData (a strided view of it):
// allocation, views (as_strided) and contiguity.
#include "tensor/tensor_data.h"

#include "tensor/allocator.h"

namespace fluxion {

Storage::Storage(size_t n) : nbytes(n) {
  // aligned_alloc wants a size that is a multiple of the alignment.
  size_t padded = (n + 63) / 64 * 64;
  if (padded <= sizeof(small_)) {
    data = small_;
    return;
  }
  data = allocate_block(padded);
}

Storage::~Storage() {
  if (data != small_) free_block(data, (nbytes + 63) / 64 * 64);
}

TensorData TensorData::empty(const Shape& shape, DType dtype) {
  for (int64_t d : shape) check(d >= 0, "empty: negative dimension in shape ", shape);
  int64_t bytes;
  check(!__builtin_mul_overflow(fluxion::numel(shape), (int64_t)dtype_size(dtype), &bytes), "empty: shape ", shape,
        " of ", dtype_name(dtype), " needs more than 2^63 bytes; no tensor can be that large");
  // Each member built from its value, rather than a default TensorData
  // assigned to: for a small array, zeroing the whole struct first (its
  // shapes' inline slots) cost as much as the rest of empty().
  return TensorData{std::make_shared<Storage>((size_t)bytes), shape, contiguous_strides(shape), 0, dtype};
}

int64_t TensorData::size(int64_t d) const { return shape[wrap_dim(d, dim(), "size")]; }

bool TensorData::is_contiguous() const {
  int64_t expected = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    if (shape[i] == 1) continue;
    if (shape[i] == 0) return true;
    if (strides[i] != expected) return false;
    expected *= shape[i];
  }
  return true;
}

TensorData TensorData::as_strided(const Shape& new_shape, const Shape& new_strides, int64_t new_offset) const {
  TensorData t = *this;
  t.shape = new_shape;
  t.strides = new_strides;
  t.offset = new_offset;
  return t;
}

}  // namespace fluxion
