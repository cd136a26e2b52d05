// SPDX-License-Identifier: MIT
#include "tensor/kernels/reduce.h"

#include "tensor/kernels/loops.h"

namespace fluxion::kernels {

// Folds x over `dims` with `combine(acc, value)`, starting from `init`.
// Acc is the accumulator type (double for float32 sums).
// Paths: everything reduced on a contiguous tensor (one flat loop, threaded);
// otherwise a strided walk that adds each element into its output slot
// (the output's stride is 0 along reduced dims).
template <class T, class Acc, class Combine>
static TensorData reduce(const TensorData& x, const std::vector<int64_t>& dims_in, bool keepdim, const char* op,
                         Acc init, Combine combine) {
  std::vector<int64_t> dims = reduction_dims(dims_in, x.dim(), op);
  Shape kept = reduced_shape(x.shape, dims, true);
  const T* px = x.data<T>();
  std::vector<Acc> acc((size_t)numel(kept), init);
  if (dims.size() == x.shape.size() && x.is_contiguous()) {
    int64_t n = x.numel();
    int threads = n > kParallelGrain ? num_threads() : 1;
    std::vector<Acc> part(threads, init);
    parallel_for(n, kParallelGrain, [&](int64_t b, int64_t e) {
      Acc a = init;
      for (int64_t i = b; i < e; ++i) a = combine(a, px[i]);
      part[(size_t)(b * threads / std::max<int64_t>(n, 1))] = a;
    });
    for (const Acc& a : part) acc[0] = combine(acc[0], a);
  } else {
    Shape out_strides = contiguous_strides(kept);
    for (int64_t d : dims) out_strides[d] = 0;
    std::array<Shape, 2> st{out_strides, x.strides};
    int64_t cols = x.dim() ? x.shape.back() : 1, rows = cols ? x.numel() / cols : 0;
    for_each_row<2>(x.shape, st, {0, 0}, 0, rows, [&](auto off, int64_t n, auto step) {
      for (int64_t i = 0; i < n; ++i) {
        Acc& a = acc[off[0] + i * step[0]];
        a = combine(a, px[off[1] + i * step[1]]);
      }
    });
  }
  TensorData y = TensorData::empty(keepdim ? kept : reduced_shape(x.shape, dims, false), x.dtype);
  T* py = y.data<T>();
  for (size_t i = 0; i < acc.size(); ++i) py[i] = static_cast<T>(acc[i]);
  return y;
}

TensorData sum(const TensorData& x, const std::vector<int64_t>& dims, bool keepdim) {
  return dispatch(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    using Acc = std::conditional_t<std::is_same_v<T, float>, double, T>;
    return reduce<T>(x, dims, keepdim, "sum", Acc{0}, [](Acc a, auto v) { return a + static_cast<Acc>(v); });
  });
}

}  // namespace fluxion::kernels
