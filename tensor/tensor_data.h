// SPDX-License-Identifier: MIT
// TensorData: a raw strided n-d array, knowing nothing of autograd.
//
//   element (i0, i1, ...) lives at  storage->data + (offset + sum_k i_k * strides[k]) * itemsize
//
// Views (transpose, slice, expand ...) share `storage` and change only shape,
// strides and offset. Kernels take and return TensorData; the autograd layer
// wraps it in fluxion::Tensor.
#pragma once
#include <cstdint>
#include <memory>

#include "tensor/dtype.h"
#include "tensor/shape.h"

namespace fluxion {

/// A refcounted, 64-byte aligned block of memory. `version` counts in-place
/// writes, so autograd can tell that a tensor it saved has since changed.
/// Up to 64 bytes (a scalar, a small vector) live inside the Storage itself:
/// one allocation instead of two for the scalars of autograd's small ops
/// (16-byte aligned: 64 would send make_shared through the slower aligned new).
struct Storage {
  void* data = nullptr;
  size_t nbytes = 0;
  uint64_t version = 0;
  explicit Storage(size_t nbytes);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

 private:
  alignas(16) unsigned char small_[128];
};

struct TensorData {
  std::shared_ptr<Storage> storage;
  Shape shape;
  Shape strides;  // in elements, may be 0 (expanded) or any order (permuted)
  int64_t offset = 0;
  DType dtype = Float32;

  /// A new contiguous, uninitialised array.
  static TensorData empty(const Shape& shape, DType dtype);

  bool defined() const { return storage != nullptr; }
  int64_t dim() const { return (int64_t)shape.size(); }
  int64_t numel() const { return fluxion::numel(shape); }
  int64_t size(int64_t d) const;  // d may be negative
  bool is_contiguous() const;

  /// Pointer to element (0, 0, ...). The caller knows the dtype.
  template <class T>
  T* data() const { return static_cast<T*>(storage->data) + offset; }

  /// Same storage, new geometry (a view).
  TensorData as_strided(const Shape& shape, const Shape& strides, int64_t offset) const;
};

}  // namespace fluxion
