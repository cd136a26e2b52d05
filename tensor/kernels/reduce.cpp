// SPDX-License-Identifier: MIT
// Reduction kernels. One engine, `reduce`, folds x with a Reducer
// (init, combine(acc, value), merge(acc, acc), finish(acc)) in one of two ways:
//  - fast: x contiguous and the reduced dims one run of adjacent dims, so x is
//    seen as (outer, n, inner), reduced over n:
//      inner == 1: each output folds a contiguous row of n values in 8 lanes
//                  (so the compiler vectorises it); rows longer than kBlock
//                  are cut into fixed blocks folded in parallel;
//      inner > 1:  the n rows of `inner` values are combined elementwise into
//                  `inner` accumulators (vectorised along inner);
//  - reference: a strided walk that folds each element into its output slot
//    (the output's stride is 0 along reduced dims); tests hold the fast path
//    to it by running both on contiguous and permuted inputs.
// Blocks have a fixed size, so a result never depends on the thread count.
#include "tensor/kernels/reduce.h"

#include <cmath>
#include <limits>

#include "tensor/kernels/binary.h"
#include "tensor/kernels/copy.h"
#include "tensor/kernels/loops.h"
#include "tensor/kernels/unary.h"

namespace fluxion::kernels {

namespace {

constexpr int64_t kBlock = 16384;  // values of one row folded by one task
constexpr int64_t kCols = 256;     // outputs updated by one task when inner > 1
constexpr int kLanes = 8;

// Float32 sums and products accumulate in double; Int64 in uint64_t, where
// overflow wraps around (as PyTorch's results do) instead of being undefined.
template <class T>
struct WideOf {
  using type = T;
};
template <>
struct WideOf<float> {
  using type = double;
};
template <>
struct WideOf<int64_t> {
  using type = uint64_t;
};
template <class T>
using Wide = typename WideOf<T>::type;

template <class T>
bool is_nan(T v) {
  if constexpr (std::is_floating_point_v<T>) return v != v;  // std::isnan, but inlined in every clone
  else return false;
}

template <class T>
struct SumR {
  using In = T;
  using Out = T;
  using Acc = Wide<T>;
  Acc init() const { return 0; }
  Acc combine(Acc a, T v) const { return a + static_cast<Acc>(v); }
  Acc merge(Acc a, Acc b) const { return a + b; }
  Out finish(Acc a) const { return static_cast<T>(a); }
};

template <class T>
struct ProdR {
  using In = T;
  using Out = T;
  using Acc = Wide<T>;
  Acc init() const { return 1; }
  Acc combine(Acc a, T v) const { return a * static_cast<Acc>(v); }
  Acc merge(Acc a, Acc b) const { return a * b; }
  Out finish(Acc a) const { return static_cast<T>(a); }
};

// sqrt of the sum of squares.
template <class T>
struct SqSumR {
  using In = T;
  using Out = T;
  using Acc = Wide<T>;
  Acc init() const { return 0; }
  Acc combine(Acc a, T v) const { return a + static_cast<Acc>(v) * static_cast<Acc>(v); }
  Acc merge(Acc a, Acc b) const { return a + b; }
  Out finish(Acc a) const { return static_cast<T>(std::sqrt(a)); }
};

// max (Max = true) or min; a NaN, once seen, stays.
template <class T, bool Max>
struct ExtremeR {
  using In = T;
  using Out = T;
  using Acc = T;
  Acc init() const {
    if constexpr (std::is_floating_point_v<T>) return Max ? -INFINITY : INFINITY;
    else return Max ? std::numeric_limits<T>::lowest() : std::numeric_limits<T>::max();
  }
  // `|` rather than `||`: no branch, so the lanes vectorise
  Acc combine(Acc a, T v) const { return ((Max ? v > a : v < a) | is_nan(v)) ? v : a; }
  Acc merge(Acc a, Acc b) const { return is_nan(a) ? a : combine(a, b); }
  Out finish(Acc a) const { return a; }
};

// all (All = true) or any, as int64 0/1.
template <class T, bool All>
struct TruthR {
  using In = T;
  using Out = bool;
  using Acc = uint8_t;  // not bool: the reduction keeps std::vector<Acc> buffers
  Acc init() const { return All; }
  Acc combine(Acc a, T v) const { return All ? (a && v != T(0)) : (a || v != T(0)); }
  Acc merge(Acc a, Acc b) const { return All ? (a && b) : (a || b); }
  Out finish(Acc a) const { return a != 0; }
};

// (outer, n, inner): x seen as a 3-d array reduced over its middle dim.
struct Block {
  int64_t outer = 1, n = 1, inner = 1;
};

// The Block view of x when x is contiguous and `dims` (sorted) are adjacent.
bool as_block(const TensorData& x, const std::vector<int64_t>& dims, Block& b) {
  if (!x.is_contiguous()) return false;
  for (size_t i = 1; i < dims.size(); ++i)
    if (dims[i] != dims[i - 1] + 1) return false;
  b = Block{};
  int64_t first = dims.empty() ? x.dim() : dims.front(), last = dims.empty() ? x.dim() - 1 : dims.back();
  for (int64_t d = 0; d < x.dim(); ++d) (d < first ? b.outer : d <= last ? b.n : b.inner) *= x.shape[d];
  return true;
}

template <class R>
FLUXION_SIMD_CLONES typename R::Acc fold_row(R r, const typename R::In* p, int64_t n) {
  using Acc = typename R::Acc;
  Acc lanes[kLanes];
  for (Acc& l : lanes) l = r.init();
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int k = 0; k < kLanes; ++k) lanes[k] = r.combine(lanes[k], p[i + k]);
  Acc a = r.init();
  for (Acc l : lanes) a = r.merge(a, l);
  for (; i < n; ++i) a = r.combine(a, p[i]);
  return a;
}

// acc[j] = combine(acc[j], p[k * stride + j]) for k < n, j < len.
template <class R>
FLUXION_SIMD_CLONES void fold_cols(R r, typename R::Acc* acc, const typename R::In* p, int64_t n, int64_t stride,
                                   int64_t len) {
  for (int64_t k = 0; k < n; ++k) {
    const typename R::In* row = p + k * stride;
    for (int64_t j = 0; j < len; ++j) acc[j] = r.combine(acc[j], row[j]);
  }
}

template <class R>
void reduce_block(R r, const typename R::In* px, typename R::Out* py, const Block& b) {
  using Acc = typename R::Acc;
  const int64_t n = b.n, inner = b.inner, outer = b.outer;
  if (inner == 1) {
    int64_t blocks = (n + kBlock - 1) / kBlock;
    if (blocks <= 1) {
      parallel_for(outer, kParallelGrain / std::max<int64_t>(n, 1) + 1, [&](int64_t lo, int64_t hi) {
        for (int64_t o = lo; o < hi; ++o) py[o] = r.finish(fold_row(r, px + o * n, n));
      });
      return;
    }
    std::vector<Acc> part((size_t)(outer * blocks));
    parallel_for(outer * blocks, 1, [&](int64_t lo, int64_t hi) {
      for (int64_t t = lo; t < hi; ++t) {
        int64_t o = t / blocks, start = (t % blocks) * kBlock;
        part[t] = fold_row(r, px + o * n + start, std::min(kBlock, n - start));
      }
    });
    for (int64_t o = 0; o < outer; ++o) {
      Acc a = r.init();
      for (int64_t k = 0; k < blocks; ++k) a = r.merge(a, part[o * blocks + k]);
      py[o] = r.finish(a);
    }
    return;
  }
  int64_t col_tasks = (inner + kCols - 1) / kCols;
  parallel_for(outer * col_tasks, kParallelGrain / (std::max<int64_t>(n, 1) * kCols) + 1, [&](int64_t lo, int64_t hi) {
    std::vector<Acc> acc(kCols);
    for (int64_t t = lo; t < hi; ++t) {
      int64_t o = t / col_tasks, j0 = (t % col_tasks) * kCols, len = std::min(kCols, inner - j0);
      std::fill(acc.begin(), acc.begin() + len, r.init());
      fold_cols(r, acc.data(), px + o * n * inner + j0, n, inner, len);
      for (int64_t j = 0; j < len; ++j) py[o * inner + j0 + j] = r.finish(acc[j]);
    }
  });
}

template <class R>
void reduce_strided(R r, const TensorData& x, const std::vector<int64_t>& dims, typename R::Out* py) {
  using Acc = typename R::Acc;
  Shape kept = reduced_shape(x.shape, dims, true);
  std::vector<Acc> acc((size_t)numel(kept), r.init());
  Shape out_strides = contiguous_strides(kept);
  for (int64_t d : dims) out_strides[d] = 0;
  const typename R::In* px = x.data<typename R::In>();
  int64_t cols = x.dim() ? x.shape.back() : 1, rows = cols ? x.numel() / cols : 0;
  for_each_row<2>(x.shape, std::array<Shape, 2>{out_strides, x.strides}, {0, 0}, 0, rows,
                  [&](auto off, int64_t len, auto step) {
                    for (int64_t i = 0; i < len; ++i) {
                      Acc& a = acc[off[0] + i * step[0]];
                      a = r.combine(a, px[off[1] + i * step[1]]);
                    }
                  });
  for (size_t i = 0; i < acc.size(); ++i) py[i] = r.finish(acc[i]);
}

// y = the reduction of x over dims (already checked), y contiguous of the reduced shape.
template <class R>
void reduce_into(R r, const TensorData& x, const std::vector<int64_t>& dims, const TensorData& y) {
  Block b;
  if (as_block(x, dims, b)) reduce_block(r, x.data<typename R::In>(), y.data<typename R::Out>(), b);
  else reduce_strided(r, x, dims, y.data<typename R::Out>());
}

template <class R>
TensorData reduce(R r, const TensorData& x, const std::vector<int64_t>& dims_in, bool keepdim, const char* op) {
  std::vector<int64_t> dims = reduction_dims(dims_in, x.dim(), op);
  TensorData y = TensorData::empty(reduced_shape(x.shape, dims, keepdim), dtype_of<typename R::Out>());
  reduce_into(r, x, dims, y);
  return y;
}

// max and min have no value over an empty set.
void check_not_empty(const TensorData& x, const std::vector<int64_t>& dims_in, const char* op) {
  for (int64_t d : reduction_dims(dims_in, x.dim(), op))
    check(x.shape[d] > 0, op, ": cannot reduce over dim ", d, " of size 0 (input shape ", x.shape,
          "); the ", op, " of no values is undefined");
}

template <class T, bool Max>
bool better(T v, T best) {
  if (is_nan(best)) return false;
  return is_nan(v) || (Max ? v > best : v < best);
}

template <bool Max>
std::pair<TensorData, TensorData> arg_reduce(const TensorData& x_in, int64_t dim, bool keepdim, const char* op) {
  std::vector<int64_t> dims = reduction_dims({dim}, x_in.dim(), op);
  check_not_empty(x_in, dims, op);
  TensorData x = contiguous(x_in);
  Block b;
  as_block(x, dims, b);
  Shape shape = reduced_shape(x.shape, dims, keepdim);
  TensorData values = TensorData::empty(shape, x.dtype), indices = TensorData::empty(shape, Int64);
  dispatch(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* pv = values.data<T>();
    int64_t* pi = indices.data<int64_t>();
    parallel_for(b.outer, kParallelGrain / std::max<int64_t>(b.n * b.inner, 1) + 1, [&](int64_t lo, int64_t hi) {
      for (int64_t o = lo; o < hi; ++o) {
        const T* base = px + o * b.n * b.inner;
        T* bv = pv + o * b.inner;
        int64_t* bi = pi + o * b.inner;
        for (int64_t j = 0; j < b.inner; ++j) bv[j] = base[j], bi[j] = 0;
        for (int64_t k = 1; k < b.n; ++k)
          for (int64_t j = 0; j < b.inner; ++j)
            if (better<T, Max>(base[k * b.inner + j], bv[j])) bv[j] = base[k * b.inner + j], bi[j] = k;
      }
    });
  });
  return {values, indices};
}

}  // namespace

TensorData sum(const TensorData& x, const std::vector<int64_t>& dims, bool keepdim) {
  return dispatch(x.dtype, [&](auto tag) { return reduce(SumR<decltype(tag)>{}, x, dims, keepdim, "sum"); });
}

void sum_into(const TensorData& x, const std::vector<int64_t>& dims_in, bool keepdim, const TensorData& y) {
  std::vector<int64_t> dims = reduction_dims(dims_in, x.dim(), "sum");
  dispatch(x.dtype, [&](auto tag) {
    using R = SumR<decltype(tag)>;
    check(y.dtype == dtype_of<typename R::Out>() && y.is_contiguous() && y.shape == reduced_shape(x.shape, dims, keepdim),
          "sum_into: y (shape ", y.shape, ", ", dtype_name(y.dtype), ") must be contiguous, of the sum's shape and dtype");
    reduce_into(R{}, x, dims, y);
  });
}

TensorData prod(const TensorData& x, const std::vector<int64_t>& dims, bool keepdim) {
  return dispatch(x.dtype, [&](auto tag) { return reduce(ProdR<decltype(tag)>{}, x, dims, keepdim, "prod"); });
}

TensorData amax(const TensorData& x, const std::vector<int64_t>& dims, bool keepdim) {
  check_not_empty(x, dims, "amax");
  return dispatch(x.dtype, [&](auto tag) { return reduce(ExtremeR<decltype(tag), true>{}, x, dims, keepdim, "amax"); });
}

TensorData amin(const TensorData& x, const std::vector<int64_t>& dims, bool keepdim) {
  check_not_empty(x, dims, "amin");
  return dispatch(x.dtype, [&](auto tag) { return reduce(ExtremeR<decltype(tag), false>{}, x, dims, keepdim, "amin"); });
}

TensorData norm2(const TensorData& x, const std::vector<int64_t>& dims, bool keepdim) {
  return dispatch_float(x.dtype, "norm",
                        [&](auto tag) { return reduce(SqSumR<decltype(tag)>{}, x, dims, keepdim, "norm"); });
}

TensorData logsumexp(const TensorData& x, const std::vector<int64_t>& dims_in, bool keepdim) {
  std::vector<int64_t> dims = reduction_dims(dims_in, x.dim(), "logsumexp");
  Shape shape = reduced_shape(x.shape, dims, keepdim);
  return dispatch_float(x.dtype, "logsumexp", [&](auto tag) {
    using T = decltype(tag);
    for (int64_t d : dims)
      if (x.shape[d] == 0) return full(shape, -INFINITY, x.dtype);  // log(0)
    // The shift m makes the largest exp(x - m) equal 1, so nothing overflows;
    // an infinite m (all -inf, or some +inf) is replaced by 0, giving -inf or +inf.
    TensorData m = map<T, T>(amax(x, dims, true), [](T v) { return std::isfinite(v) ? v : T(0); });
    TensorData y = add(log(sum(exp(sub(x, m)), dims, true)), m);
    return y.as_strided(shape, contiguous_strides(shape), y.offset);
  });
}

std::pair<TensorData, TensorData> max_dim(const TensorData& x, int64_t dim, bool keepdim, const char* op) {
  return arg_reduce<true>(x, dim, keepdim, op);
}

std::pair<TensorData, TensorData> min_dim(const TensorData& x, int64_t dim, bool keepdim, const char* op) {
  return arg_reduce<false>(x, dim, keepdim, op);
}

TensorData all(const TensorData& x, const std::vector<int64_t>& dims, bool keepdim) {
  return dispatch_all(x.dtype, [&](auto tag) { return reduce(TruthR<decltype(tag), true>{}, x, dims, keepdim, "all"); });
}

TensorData any(const TensorData& x, const std::vector<int64_t>& dims, bool keepdim) {
  return dispatch_all(x.dtype, [&](auto tag) { return reduce(TruthR<decltype(tag), false>{}, x, dims, keepdim, "any"); });
}

// A running sum (product) along dim: one pass per row, accumulated in Wide<T>.
template <bool product>
static TensorData scan(const TensorData& x_in, int64_t dim, const char* op) {
  std::vector<int64_t> dims = reduction_dims({dim}, x_in.dim(), op);
  TensorData x = contiguous(x_in);
  Block b;
  as_block(x, dims, b);
  TensorData y = TensorData::empty(x.shape, x.dtype);
  dispatch(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    parallel_for(b.outer, kParallelGrain / std::max<int64_t>(b.n * b.inner, 1) + 1, [&](int64_t lo, int64_t hi) {
      std::vector<Wide<T>> acc((size_t)b.inner);
      for (int64_t o = lo; o < hi; ++o) {
        std::fill(acc.begin(), acc.end(), Wide<T>(product ? 1 : 0));
        for (int64_t k = 0; k < b.n; ++k) {
          int64_t at = (o * b.n + k) * b.inner;
          for (int64_t j = 0; j < b.inner; ++j) {
            if constexpr (product)
              acc[j] *= static_cast<Wide<T>>(px[at + j]);
            else
              acc[j] += static_cast<Wide<T>>(px[at + j]);
            py[at + j] = static_cast<T>(acc[j]);
          }
        }
      }
    });
  });
  return y;
}

TensorData cumsum(const TensorData& x, int64_t dim) { return scan<false>(x, dim, "cumsum"); }
TensorData cumprod(const TensorData& x, int64_t dim) { return scan<true>(x, dim, "cumprod"); }

}  // namespace fluxion::kernels
