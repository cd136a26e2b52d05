// SPDX-License-Identifier: MIT
// linear_scan (scan.h): one sequential pass per row along dim.
#include "tensor/kernels/scan.h"

#include <algorithm>

#include "tensor/kernels/copy.h"
#include "tensor/kernels/loops.h"

namespace fluxion::kernels {

TensorData linear_scan(const TensorData& a_in, const TensorData& b_in, int64_t dim, bool transpose) {
  check(a_in.shape == b_in.shape && a_in.dtype == b_in.dtype, "linear_scan: a (shape ", a_in.shape, ", ",
        dtype_name(a_in.dtype), ") and b (shape ", b_in.shape, ", ", dtype_name(b_in.dtype),
        ") must have one shape and dtype");
  int64_t nd = a_in.dim();
  check(nd == 0 ? (dim == 0 || dim == -1) : (dim >= -nd && dim < nd), "linear_scan: dim ", dim,
        " is out of range for shape ", a_in.shape);
  if (dim < 0) dim += std::max<int64_t>(nd, 1);
  TensorData a = contiguous(a_in), b = contiguous(b_in);
  // x viewed as [outer, n, inner]: the recurrence runs along n, `inner` rows side by side.
  int64_t n = nd ? a.shape[dim] : 1, inner = 1, outer = 1;
  for (int64_t d = 0; d < dim; ++d) outer *= a.shape[d];
  for (int64_t d = dim + 1; d < nd; ++d) inner *= a.shape[d];
  TensorData s = TensorData::empty(a.shape, a.dtype);
  if (s.numel() == 0) return s;
  dispatch_float(a.dtype, "linear_scan", [&](auto tag) {
    using T = decltype(tag);
    const T *pa = a.data<T>(), *pb = b.data<T>();
    T* ps = s.data<T>();
    parallel_for(outer, kParallelGrain / std::max<int64_t>(n * inner, 1) + 1, [&](int64_t lo, int64_t hi) {
      for (int64_t o = lo; o < hi; ++o) {
        int64_t base = o * n * inner;
        if (!transpose) {  // s_k = a_k s_{k-1} + b_k
          for (int64_t j = 0; j < inner; ++j) ps[base + j] = pb[base + j];
          for (int64_t k = 1; k < n; ++k)
            for (int64_t j = 0; j < inner; ++j) {
              int64_t at = base + k * inner + j;
              ps[at] = pa[at] * ps[at - inner] + pb[at];
            }
        } else {  // s_k = a_{k+1} s_{k+1} + b_k
          int64_t last = base + (n - 1) * inner;
          for (int64_t j = 0; j < inner; ++j) ps[last + j] = pb[last + j];
          for (int64_t k = n - 2; k >= 0; --k)
            for (int64_t j = 0; j < inner; ++j) {
              int64_t at = base + k * inner + j;
              ps[at] = pa[at + inner] * ps[at + inner] + pb[at];
            }
        }
      }
    });
  });
  return s;
}

}  // namespace fluxion::kernels
