// SPDX-License-Identifier: MIT
// Index wrapping, nonzero coordinates and flat writes (index_copy_flat,
// scatter_reduce_flat): the loops behind x[idx], x[idx] = v and scatter_reduce.
#include "tensor/kernels/scatter.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "tensor/kernels/copy.h"

namespace fluxion::kernels {

TensorData wrap_indices(const TensorData& index, int64_t size, const char* op, int64_t dim) {
  check(index.dtype == Int64 || index.dtype == Int32, op,
        ": index tensors must be int64 or int32 (or a bool mask), got ", dtype_name(index.dtype), " of shape ",
        index.shape, "; convert with .to(fluxion::Int64)");
  TensorData y = clone(to_dtype(index, Int64));  // a fresh contiguous int64 array to wrap in place
  int64_t* p = y.data<int64_t>();
  for (int64_t k = 0, n = y.numel(); k < n; ++k) {
    check(p[k] >= -size && p[k] < size, op, ": index ", p[k], " is out of range for dim ", dim, " of size ", size,
          " (valid: ", -size, " to ", size - 1, ")");
    if (p[k] < 0) p[k] += size;
  }
  return y;
}

TensorData nonzero(const TensorData& x_in) {
  TensorData x = contiguous(x_in);
  const int64_t nd = x.dim(), n = x.numel();
  std::vector<int64_t> flat;
  dispatch_all(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* p = x.data<T>();
    for (int64_t k = 0; k < n; ++k)
      if (p[k] != T(0)) flat.push_back(k);
  });
  TensorData y = TensorData::empty({(int64_t)flat.size(), nd}, Int64);
  int64_t* py = y.data<int64_t>();
  for (size_t i = 0; i < flat.size(); ++i)  // row-major position -> coordinates, last dim fastest
    for (int64_t d = nd - 1, rest = flat[i]; d >= 0; --d) {
      py[(int64_t)i * nd + d] = rest % x.shape[d];
      rest /= x.shape[d];
    }
  return y;
}

TensorData index_copy_flat(const TensorData& x, const TensorData& pos_in, const TensorData& src_in) {
  TensorData y = clone(x), pos = contiguous(pos_in), src = contiguous(to_dtype(src_in, x.dtype));
  const int64_t* pp = pos.data<int64_t>();
  dispatch_all(y.dtype, [&](auto tag) {
    using T = decltype(tag);
    T* py = y.data<T>();
    const T* ps = src.data<T>();
    for (int64_t k = 0, n = pos.numel(); k < n; ++k) py[pp[k]] = ps[k];
  });
  return y;
}

TensorData scatter_reduce_flat(const TensorData& x, const TensorData& pos_in, const TensorData& src_in,
                               ScatterReduce op, bool include_self) {
  TensorData y = clone(x), pos = contiguous(pos_in), src = contiguous(to_dtype(src_in, x.dtype));
  const int64_t* pp = pos.data<int64_t>();
  std::vector<bool> started(include_self ? 0 : (size_t)y.numel(), false);
  dispatch(
      y.dtype,
      [&](auto tag) {
        using T = decltype(tag);
        T* py = y.data<T>();
        const T* ps = src.data<T>();
        for (int64_t k = 0, n = pos.numel(); k < n; ++k) {
          T& v = py[pp[k]];
          if (!include_self && !started[(size_t)pp[k]]) {
            started[(size_t)pp[k]] = true;
            v = ps[k];
          } else if (op == ScatterReduce::prod) {
            v = v * ps[k];
          } else if (op == ScatterReduce::amax) {  // NaN wins, as in PyTorch
            v = (ps[k] > v || ps[k] != ps[k]) ? ps[k] : v;
          } else {
            v = (ps[k] < v || ps[k] != ps[k]) ? ps[k] : v;
          }
        }
      },
      "scatter_reduce");
  return y;
}

}  // namespace fluxion::kernels
