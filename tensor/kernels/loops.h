// SPDX-License-Identifier: MIT
// The loop machinery every elementwise kernel uses.
//
// A kernel is a scalar lambda; these templates run it over contiguous arrays
// (the fast path: one flat loop the compiler vectorises, cloned for AVX-512 /
// AVX2 / baseline and picked at load time), or over arbitrary strided and
// broadcast operands (the general path: an n-d counter with an inner loop
// along the last dim). Above `kParallelGrain` elements the work is split over
// OpenMP threads; below it there is no threading overhead at all.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "tensor/simd.h"
#include "tensor/tensor_data.h"
#include "tensor/threads.h"

namespace fluxion::kernels {

inline constexpr int64_t kParallelGrain = 32768;

/// Runs body(begin, end) over [0, n), split across threads when n is large.
template <class Body>
void parallel_for(int64_t n, int64_t grain, Body body) {
  int threads = get_num_threads();
  if (n <= grain || threads <= 1) {
    body(int64_t{0}, n);
    return;
  }
  int64_t chunks = std::min<int64_t>(threads, (n + grain - 1) / grain);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t c = 0; c < chunks; ++c) body(n * c / chunks, n * (c + 1) / chunks);
}

template <class Out, class In, class F>
FLUXION_SIMD_CLONES void flat_map(Out* y, const In* x, int64_t n, F f) {
  for (int64_t i = 0; i < n; ++i) y[i] = f(x[i]);
}

template <class Out, class A, class B, class F>
FLUXION_SIMD_CLONES void flat_zip(Out* y, const A* a, const B* b, int64_t n, F f) {
  for (int64_t i = 0; i < n; ++i) y[i] = f(a[i], b[i]);
}

template <class Out, class A, class B, class F>
FLUXION_SIMD_CLONES void flat_zip_scalar_b(Out* y, const A* a, B b, int64_t n, F f) {
  for (int64_t i = 0; i < n; ++i) y[i] = f(a[i], b);
}

template <class Out, class A, class B, class F>
FLUXION_SIMD_CLONES void flat_zip_scalar_a(Out* y, A a, const B* b, int64_t n, F f) {
  for (int64_t i = 0; i < n; ++i) y[i] = f(a, b[i]);
}

template <class Out, class A, class B, class C, class F>
FLUXION_SIMD_CLONES void flat_zip3(Out* y, const A* a, const B* b, const C* c, int64_t n, F f) {
  for (int64_t i = 0; i < n; ++i) y[i] = f(a[i], b[i], c[i]);
}

/// One row of the strided path: y[i] = f(a[i sa], b[i sb]). Steps of 0, 1 and
/// 2 (a broadcast scalar, a dense row, every other element as in
/// x.reshape({-1, 2}).select(1, k)) get loops of their own that the compiler
/// vectorises (stride 2 with permutes); other steps take the plain loop.
template <int SA, int SB, class Out, class A, class B, class F>
FLUXION_SIMD_CLONES void zip_row_fixed(Out* y, const A* a, const B* b, int64_t n, F f) {
  for (int64_t i = 0; i < n; ++i) y[i] = f(a[i * SA], b[i * SB]);
}

template <class Out, class A, class B, class F>
void zip_row(Out* y, const A* a, int64_t sa, const B* b, int64_t sb, int64_t n, F f) {
  if (sa == 1 && sb == 1) return flat_zip(y, a, b, n, f);
  if (sa == 0 && sb == 1) return flat_zip_scalar_a(y, *a, b, n, f);
  if (sa == 1 && sb == 0) return flat_zip_scalar_b(y, a, *b, n, f);
  if constexpr (std::is_floating_point_v<Out>) {
    if (sa == 2 && sb == 2) return zip_row_fixed<2, 2>(y, a, b, n, f);
    if (sa == 2 && sb == 1) return zip_row_fixed<2, 1>(y, a, b, n, f);
    if (sa == 1 && sb == 2) return zip_row_fixed<1, 2>(y, a, b, n, f);
    if (sa == 0 && sb == 2) return zip_row_fixed<0, 2>(y, a, b, n, f);
    if (sa == 2 && sb == 0) return zip_row_fixed<2, 0>(y, a, b, n, f);
  }
  for (int64_t i = 0; i < n; ++i) y[i] = f(a[i * sa], b[i * sb]);
}

template <int64_t SD, int64_t SS, class T>
FLUXION_SIMD_CLONES void copy_row_fixed(T* __restrict d, const T* __restrict s, int64_t n) {
  for (int64_t i = 0; i < n; ++i) d[i * SD] = s[i * SS];
}

/// d[i * sd] = s[i * ss] for i < n, d and s distinct; the strides of pairs
/// (a select of x.reshape(-1, 2) and its scatter back) get vectorised loops.
template <class T>
void copy_row(T* d, int64_t sd, const T* s, int64_t ss, int64_t n) {
  if (sd == 1 && ss == 1) return (void)std::copy(s, s + n, d);
  if (sd == 1 && ss == 0) return (void)std::fill(d, d + n, *s);
  if (sd == 1 && ss == 2) return copy_row_fixed<1, 2>(d, s, n);
  if (sd == 2 && ss == 1) return copy_row_fixed<2, 1>(d, s, n);
  for (int64_t i = 0; i < n; ++i) d[i * sd] = s[i * ss];
}

/// y[2i] = a[i], y[2i + 1] = b[i]: a pair's two columns put back together.
template <class T>
FLUXION_SIMD_CLONES void interleave2(T* __restrict y, const T* __restrict a, const T* __restrict b, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    y[2 * i] = a[i];
    y[2 * i + 1] = b[i];
  }
}

/// Strides of `t` seen as having shape `shape` (broadcast dims get stride 0).
Shape broadcast_strides(const TensorData& t, const Shape& shape);

/// Calls inner(offsets, n, inner_strides) for every row along the last dim of
/// `shape`, where offsets[k] is operand k's element offset at the row start.
/// Rows [row_begin, row_end) only, so callers can split rows across threads.
template <size_t N, class Inner>
void for_each_row(const Shape& shape, const std::array<Shape, N>& strides, std::array<int64_t, N> base,
                  int64_t row_begin, int64_t row_end, Inner inner) {
  if (row_begin >= row_end) return;  // also covers size-0 dims
  int64_t nd = (int64_t)shape.size();
  std::array<int64_t, N> step{};
  if (nd == 0) {
    if (row_begin < row_end) inner(base, int64_t{1}, step);
    return;
  }
  int64_t n = shape[nd - 1];
  for (size_t k = 0; k < N; ++k) step[k] = strides[k][nd - 1];
  std::vector<int64_t> idx(nd > 1 ? nd - 1 : 0, 0);
  std::array<int64_t, N> off = base;
  int64_t rest = row_begin;  // unravel row_begin into idx
  for (int64_t d = nd - 2; d >= 0; --d) {
    idx[d] = rest % shape[d];
    rest /= shape[d];
    for (size_t k = 0; k < N; ++k) off[k] += idx[d] * strides[k][d];
  }
  for (int64_t row = row_begin; row < row_end; ++row) {
    inner(off, n, step);
    for (int64_t d = nd - 2; d >= 0; --d) {
      for (size_t k = 0; k < N; ++k) off[k] += strides[k][d];
      if (++idx[d] < shape[d]) break;
      for (size_t k = 0; k < N; ++k) off[k] -= strides[k][d] * shape[d];
      idx[d] = 0;
    }
  }
}

/// A strided loop nest made as short as it can be: size-1 dims dropped (they
/// move no operand) and neighbouring dims merged where every operand steps
/// evenly across them. A [500, 1] view with strides [2, 1] is then one row of
/// 500 with step 2, not 500 rows of one element each.
template <size_t N>
struct Rows {
  Shape shape;
  std::array<Shape, N> strides;
  int64_t rows = 0, cols = 1;  // rows of `cols` elements along the last dim
};

template <size_t N>
Rows<N> rows_of(const Shape& shape, const std::array<Shape, N>& strides) {
  Rows<N> r;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;
    bool merge = !r.shape.empty();
    for (size_t k = 0; k < N && merge; ++k) merge = r.strides[k].back() == strides[k][d] * shape[d];
    if (merge) {
      r.shape.back() *= shape[d];
      for (size_t k = 0; k < N; ++k) r.strides[k].back() = strides[k][d];
      continue;
    }
    r.shape.push_back(shape[d]);
    for (size_t k = 0; k < N; ++k) r.strides[k].push_back(strides[k][d]);
  }
  r.cols = r.shape.empty() ? 1 : r.shape.back();
  r.rows = r.cols ? numel(r.shape) / r.cols : 0;
  return r;
}

/// y = f(x) elementwise into y: contiguous, of x's shape and dtype Out.
template <class Out, class In, class F>
void map_into(const TensorData& x, const TensorData& y, F f) {
  int64_t n = x.numel();
  Out* py = y.data<Out>();
  const In* px = x.data<In>();
  if (x.is_contiguous()) {
    parallel_for(n, kParallelGrain, [&](int64_t b, int64_t e) { flat_map(py + b, px + b, e - b, f); });
    return;
  }
  Rows<2> r = rows_of<2>(x.shape, {y.strides, x.strides});
  parallel_for(r.rows, kParallelGrain / std::max<int64_t>(r.cols, 1) + 1, [&](int64_t rb, int64_t re) {
    for_each_row<2>(r.shape, r.strides, {0, 0}, rb, re, [&](auto off, int64_t len, auto step) {
      for (int64_t i = 0; i < len; ++i) py[off[0] + i] = f(px[off[1] + i * step[1]]);
    });
  });
}

/// y = f(x) elementwise into a new contiguous tensor of dtype Out.
template <class Out, class In, class F>
TensorData map(const TensorData& x, F f) {
  TensorData y = TensorData::empty(x.shape, dtype_of<Out>());
  map_into<Out, In>(x, y, f);
  return y;
}

/// y = f(a, b) elementwise with NumPy broadcasting, into a new contiguous tensor.
template <class Out, class A, class B, class F>
TensorData zip(const TensorData& a, const TensorData& b, const char* op, F f) {
  Shape shape = a.shape == b.shape ? a.shape : broadcast_shapes(a.shape, b.shape, op);
  TensorData y = TensorData::empty(shape, dtype_of<Out>());
  int64_t n = y.numel();
  Out* py = y.data<Out>();
  const A* pa = a.data<A>();
  const B* pb = b.data<B>();
  bool ca = a.is_contiguous() && a.shape == shape, cb = b.is_contiguous() && b.shape == shape;
  if (ca && cb) {
    parallel_for(n, kParallelGrain, [&](int64_t s, int64_t e) { flat_zip(py + s, pa + s, pb + s, e - s, f); });
    return y;
  }
  if (ca && b.numel() == 1) {
    B vb = *pb;
    parallel_for(n, kParallelGrain, [&](int64_t s, int64_t e) { flat_zip_scalar_b(py + s, pa + s, vb, e - s, f); });
    return y;
  }
  if (cb && a.numel() == 1) {
    A va = *pa;
    parallel_for(n, kParallelGrain, [&](int64_t s, int64_t e) { flat_zip_scalar_a(py + s, va, pb + s, e - s, f); });
    return y;
  }
  Rows<3> r = rows_of<3>(shape, {y.strides, broadcast_strides(a, shape), broadcast_strides(b, shape)});
  parallel_for(r.rows, kParallelGrain / std::max<int64_t>(r.cols, 1) + 1, [&](int64_t rb, int64_t re) {
    for_each_row<3>(r.shape, r.strides, {0, 0, 0}, rb, re, [&](auto off, int64_t len, auto step) {
      zip_row(py + off[0], pa + off[1], step[1], pb + off[2], step[2], len, f);
    });
  });
  return y;
}

/// y = f(a, b, c) elementwise, all three broadcast together, into a new contiguous tensor.
template <class Out, class A, class B, class C, class F>
TensorData zip3(const TensorData& a, const TensorData& b, const TensorData& c, const char* op, F f) {
  Shape shape = broadcast_shapes(broadcast_shapes(a.shape, b.shape, op), c.shape, op);
  TensorData y = TensorData::empty(shape, dtype_of<Out>());
  int64_t n = y.numel();
  Out* py = y.data<Out>();
  const A* pa = a.data<A>();
  const B* pb = b.data<B>();
  const C* pc = c.data<C>();
  auto dense = [&](const TensorData& t) { return t.is_contiguous() && t.shape == shape; };
  if (dense(a) && dense(b) && dense(c)) {
    parallel_for(n, kParallelGrain, [&](int64_t s, int64_t e) { flat_zip3(py + s, pa + s, pb + s, pc + s, e - s, f); });
    return y;
  }
  Rows<4> r = rows_of<4>(shape, {y.strides, broadcast_strides(a, shape), broadcast_strides(b, shape),
                                 broadcast_strides(c, shape)});
  parallel_for(r.rows, kParallelGrain / std::max<int64_t>(r.cols, 1) + 1, [&](int64_t rb, int64_t re) {
    for_each_row<4>(r.shape, r.strides, {0, 0, 0, 0}, rb, re, [&](auto off, int64_t len, auto step) {
      for (int64_t i = 0; i < len; ++i)
        py[off[0] + i] = f(pa[off[1] + i * step[1]], pb[off[2] + i * step[2]], pc[off[3] + i * step[3]]);
    });
  });
  return y;
}

/// As dispatch, with T = int32_t for Int32 too: the kernels of same_type_map and
/// same_type_zip, whose integer rules wrap (two's complement, as PyTorch).
template <class F>
decltype(auto) dispatch_with_int32(DType t, const char* op, F&& f) {
  if (t == Int32) return f(int32_t{});
  return dispatch(t, f, op);
}

/// f over x in x's own dtype: any dtype (same_type_map) or float dtypes only (float_map).
template <class F>
TensorData same_type_map(const TensorData& x, F f) {
  return dispatch_with_int32(x.dtype, "this op", [&](auto tag) {
    using T = decltype(tag);
    return map<T, T>(x, [f](T v) { return static_cast<T>(f(v)); });
  });
}
template <class F>
TensorData float_map(const TensorData& x, const char* op, F f) {
  return dispatch_float(x.dtype, op, [&](auto tag) {
    using T = decltype(tag);
    // forced inline: with a long f inlined into it, GCC would leave this
    // wrapper as a call in the loop, which then does not vectorise
    return map<T, T>(
        x, [f](T v) __attribute__((always_inline)) { return static_cast<T>(f(v)); });
  });
}
/// float_map with a form per precision: Float32 values go through `f32` in
/// double, rounded once (vmath_f32.h's vectorised functions), Float64 values
/// through `f64` (vmath_f64.h's, or std::, for the precision those do not reach).
template <class F32, class F64>
TensorData float_map_split(const TensorData& x, const char* op, F32 f32, F64 f64) {
  return float_map(
      x, op, [ f32, f64 ](auto v) __attribute__((always_inline)) {
        if constexpr (std::is_same_v<decltype(v), float>)
          return (float)f32((double)v);
        else
          return f64(v);
      });
}

inline void check_same_dtype(const TensorData& a, const TensorData& b, const char* op) {
  check(a.dtype == b.dtype, op, ": dtypes ", dtype_name(a.dtype), " and ", dtype_name(b.dtype),
        " differ; convert one with .to(dtype)");
}

/// f over a and b (one dtype), broadcast, into that dtype: any dtype (same_type_zip)
/// or float dtypes only (float_zip).
template <class F>
TensorData same_type_zip(const TensorData& a, const TensorData& b, const char* op, F f) {
  check_same_dtype(a, b, op);
  return dispatch_with_int32(a.dtype, op, [&](auto tag) {
    using T = decltype(tag);
    return zip<T, T, T>(a, b, op, [f](T x, T y) { return static_cast<T>(f(x, y)); });
  });
}
template <class F>
TensorData float_zip(const TensorData& a, const TensorData& b, const char* op, F f) {
  check_same_dtype(a, b, op);
  return dispatch_float(a.dtype, op, [&](auto tag) {
    using T = decltype(tag);
    return zip<T, T, T>(a, b, op, [f](T x, T y) { return static_cast<T>(f(x, y)); });
  });
}

}  // namespace fluxion::kernels
