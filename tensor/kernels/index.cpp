// SPDX-License-Identifier: MIT
// Index kernels: narrow views, gather / scatter_add, nonzero and flip,
// with index checks that name the op and the dim.
#include "tensor/kernels/index.h"

#include <algorithm>

#include "tensor/kernels/copy.h"
#include "tensor/kernels/loops.h"

namespace fluxion::kernels {

TensorData narrow_view(const TensorData& x, int64_t dim, int64_t start, int64_t length, int64_t step) {
  Shape shape = x.shape, strides = x.strides;
  shape[dim] = length;
  strides[dim] = x.strides[dim] * step;
  // An empty view keeps x's offset, so it never points past x's storage.
  return x.as_strided(shape, strides, length ? x.offset + start * x.strides[dim] : x.offset);
}

// A 0-d tensor seen as shape [1], so the loops below always have a dim to index.
static TensorData at_least_1d(const TensorData& x) { return x.dim() ? x : x.as_strided({1}, {1}, x.offset); }

// Calls f(offsets, n, steps) over the rows of `shape` with N operands.
template <size_t N, class F>
static void for_each(const Shape& shape, const std::array<Shape, N>& strides, F f) {
  int64_t cols = shape.empty() ? 1 : shape.back(), rows = cols ? numel(shape) / cols : 0;
  for_each_row<N>(shape, strides, {}, 0, rows, f);
}

void check_indices(const TensorData& index, int64_t size, const char* op, int64_t dim) {
  check(index.dtype == Int64, op, ": index must be an int64 tensor, got ", dtype_name(index.dtype),
        "; build it with fluxion::tensor(std::vector<int64_t>{...}, shape) or .to(fluxion::Int64)");
  const int64_t* p = index.data<int64_t>();
  for_each<1>(index.shape, {index.strides}, [&](auto off, int64_t n, auto step) {
    for (int64_t i = 0; i < n; ++i) {
      int64_t v = p[off[0] + i * step[0]];
      check(v >= 0 && v < size, op, ": index ", v, " is out of range for dim ", dim, " of size ", size,
            " (valid indices: 0 to ", size - 1, ")");
    }
  });
}

// Whether a gather along dim 0 takes whole rows of a contiguous x: the index is
// constant along every other dim (index_select's index, broadcast) and spans x's.
static bool whole_rows(const TensorData& x, const TensorData& index) {
  if (!x.is_contiguous() || index.shape.size() != x.shape.size()) return false;
  for (size_t d = 1; d < x.shape.size(); ++d)
    if (index.strides[d] != 0 || index.shape[d] != x.shape[d]) return false;
  return true;
}

TensorData gather(const TensorData& x_in, int64_t dim, const TensorData& index_in) {
  TensorData x = at_least_1d(x_in), index = at_least_1d(index_in);
  check_indices(index, x.shape[dim], "gather", dim);
  TensorData y = TensorData::empty(index.shape, x.dtype);
  if (dim == 0 && whole_rows(x, index)) {  // index_select(0, i) of a contiguous x: row copies
    const int64_t row = x.numel() / std::max<int64_t>(1, x.shape[0]);
    const int64_t* pi = index.data<int64_t>();
    dispatch_all(x.dtype, [&](auto tag) {
      using T = decltype(tag);
      for (int64_t i = 0; i < index.shape[0]; ++i)
        std::copy_n(x.data<T>() + pi[i * index.strides[0]] * row, row, y.data<T>() + i * row);
    });
    return y.as_strided(index_in.shape, contiguous_strides(index_in.shape), 0);
  }
  dispatch_all(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    T* py = y.data<T>();
    const T* px = x.data<T>();
    const int64_t* pi = index.data<int64_t>();
    Shape xs = x.strides;  // along dim the position comes from the index, not the counter
    int64_t sd = xs[dim];
    xs[dim] = 0;
    for_each<3>(index.shape, {y.strides, index.strides, xs}, [&](auto off, int64_t n, auto step) {
      for (int64_t i = 0; i < n; ++i)
        py[off[0] + i * step[0]] = px[off[2] + i * step[2] + pi[off[1] + i * step[1]] * sd];
    });
  });
  return y.as_strided(index_in.shape, contiguous_strides(index_in.shape), 0);
}

TensorData scatter_add(const TensorData& self, int64_t dim, const TensorData& index_in, const TensorData& src_in) {
  TensorData y = at_least_1d(clone(self)), index = at_least_1d(index_in), src = at_least_1d(src_in);
  check_indices(index, y.shape[dim], "scatter_add", dim);
  dispatch(y.dtype, [&](auto tag) {
    using T = decltype(tag);
    T* py = y.data<T>();
    const T* ps = src.data<T>();
    const int64_t* pi = index.data<int64_t>();
    Shape ys = y.strides;
    int64_t sd = ys[dim];
    ys[dim] = 0;
    for_each<3>(index.shape, {ys, index.strides, src.strides}, [&](auto off, int64_t n, auto step) {
      for (int64_t i = 0; i < n; ++i)
        py[off[0] + i * step[0] + pi[off[1] + i * step[1]] * sd] += ps[off[2] + i * step[2]];
    });
  });
  return y.as_strided(self.shape, contiguous_strides(self.shape), 0);
}

TensorData nonzero_flat(const TensorData& x_in) {
  TensorData x = contiguous(x_in);
  std::vector<int64_t> positions;
  dispatch_all(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* p = x.data<T>();
    for (int64_t i = 0; i < x.numel(); ++i)
      if (p[i] != T{0}) positions.push_back(i);
  });
  TensorData y = TensorData::empty({(int64_t)positions.size()}, Int64);
  std::copy(positions.begin(), positions.end(), y.data<int64_t>());
  return y;
}

TensorData flip(const TensorData& x, const std::vector<int64_t>& dims) {
  if (x.numel() == 0) return clone(x);
  // Walk each flipped dim backwards: start at its last element, negate its stride.
  Shape strides = x.strides;
  int64_t offset = x.offset;
  for (int64_t d : dims) {
    offset += (x.shape[d] - 1) * strides[d];
    strides[d] = -strides[d];
  }
  return clone(x.as_strided(x.shape, strides, offset));
}

}  // namespace fluxion::kernels
