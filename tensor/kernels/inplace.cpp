// SPDX-License-Identifier: MIT
// In-place arithmetic on existing arrays (add_, mul_, ...): what optimizers
// and gradient accumulation write into parameters and .grad.
#include "tensor/kernels/inplace.h"

#include <algorithm>
#include <cmath>

#include "tensor/kernels/copy.h"
#include "tensor/kernels/loops.h"

namespace fluxion::kernels {

static void check_scalar_fits(const TensorData& dst, double v, const char* op) {
  check(dst.dtype != Int64 || v == std::floor(v), op, ": cannot apply the fractional scalar ", v,
        " to an int64 tensor in place; convert it with .to(fluxion::Float32) first");
}

// Whether src, broadcast to dst's shape, is dst's last dims repeated along its leading ones.
static bool repeats_along_rows(const TensorData& dst, const TensorData& src) {
  size_t lead = 0;
  while (lead < src.shape.size() && src.shape[lead] == 1) ++lead;
  const size_t dims = src.shape.size() - lead;
  return src.numel() > 0 && dims <= dst.shape.size() &&
         std::equal(src.shape.begin() + (int64_t)lead, src.shape.end(), dst.shape.end() - (int64_t)dims);
}

// dst[i] = f(dst[i], src[i]) with src broadcast to dst's shape, in dst's dtype.
template <class F>
static void zip_into(const TensorData& dst, const TensorData& src, const char* op, F f) {
  // The common cases, a same-shaped src or one row for every row of dst (a
  // bias), both row-major, of one dtype and apart in memory, need no more
  // checks; they are most calls, on small arrays, where checks cost as much
  // as the sums.
  const bool dst_rows = dst.is_contiguous();
  const bool plain = dst_rows && src.is_contiguous() && src.dtype == dst.dtype && src.storage != dst.storage &&
                     (src.shape == dst.shape || repeats_along_rows(dst, src));
  TensorData s = src;
  if (!plain) {
    check(broadcast_shapes(dst.shape, src.shape, op) == dst.shape, op, ": cannot broadcast shape ", src.shape,
          " into the shape ", dst.shape, " of the tensor written to");
    check(src.dtype == dst.dtype || is_floating(dst.dtype), op, ": cannot write a ", dtype_name(src.dtype),
          " result into an int64 tensor in place");
    for (int64_t d = 0; d < dst.dim(); ++d)
      check(dst.strides[d] != 0 || dst.shape[d] <= 1, op, ": the tensor written to (shape ", dst.shape,
            ") is an expanded view whose elements share memory; write into a .clone() instead");
    // Read src fully first when it shares memory with dst (x.add_(x.flip(0))).
    s = to_dtype(src, dst.dtype);
    if (s.storage == dst.storage) s = clone(s);
  }
  const bool s_rows = plain || s.is_contiguous();
  dispatch(dst.dtype, [&](auto tag) {
    using T = decltype(tag);
    T* pd = dst.data<T>();
    const T* ps = s.data<T>();
    int64_t n = dst.numel();
    if (dst_rows && s_rows && s.shape == dst.shape) {
      parallel_for(n, kParallelGrain, [&](int64_t b, int64_t e) { flat_zip(pd + b, pd + b, ps + b, e - b, f); });
    } else if (dst_rows && s.numel() == 1) {
      T v = *ps;
      parallel_for(n, kParallelGrain, [&](int64_t b, int64_t e) { flat_zip_scalar_b(pd + b, pd + b, v, e - b, f); });
    } else if (const int64_t m = s.numel(); dst_rows && s_rows && repeats_along_rows(dst, s)) {
      // src is one row that every row of dst gets (a bias): contiguous zips, row by row
      parallel_for(n / m, std::max<int64_t>(1, kParallelGrain / m), [&](int64_t b, int64_t e) {
        for (int64_t r = b; r < e; ++r) flat_zip(pd + r * m, pd + r * m, ps, m, f);
      });
    } else {
      Rows<2> r = rows_of<2>(dst.shape, {dst.strides, broadcast_strides(s, dst.shape)});
      for_each_row<2>(r.shape, r.strides, {0, 0}, 0, r.rows, [&](auto off, int64_t len, auto step) {
        for (int64_t i = 0; i < len; ++i) {
          T& d = pd[off[0] + i * step[0]];
          d = (T)f(d, ps[off[1] + i * step[1]]);
        }
      });
    }
  });
  dst.storage->version++;
}

void add_(const TensorData& dst, const TensorData& src, double alpha) {
  check_scalar_fits(dst, alpha, "add_");
  dispatch(dst.dtype, [&](auto tag) {
    using T = decltype(tag);
    T a = (T)alpha;
    if (alpha == 1) zip_into(dst, src, "add_", [](T d, T s) { return (T)(d + s); });
    else zip_into(dst, src, "add_", [a](T d, T s) { return (T)(d + a * s); });
  });
}

void mul_(const TensorData& dst, const TensorData& src) {
  dispatch(dst.dtype, [&](auto tag) {
    using T = decltype(tag);
    zip_into(dst, src, "mul_", [](T d, T s) { return (T)(d * s); });
  });
}

void mul_(const TensorData& dst, double value) {
  check_scalar_fits(dst, value, "mul_");
  TensorData v = full({}, value, dst.dtype);
  mul_(dst, v);
}

// adam_'s scalars in T, as the separate ops would convert them.
template <class T>
struct AdamScalars {
  T b1, b2, a1, a2, eps;  // beta1, beta2, 1 - beta1, 1 - beta2
  T wd, shrink, sign;     // Adam's L2 weight (when l2), AdamW's factor on p (else 1), -1 to maximize
  T bc2_sqrt, step_size;  // sqrt(1 - beta2^t), -lr / (1 - beta1^t)
  bool l2;                // Adam's L2 term joins g (without it g is unchanged, even where p is inf)
};

// adam_ on n elements; AMS: amsgrad, the denominator from the running maximum of v.
// Taken by value and written branch-free, so each clone vectorises.
template <class T, bool AMS>
FLUXION_SIMD_CLONES void adam_block(T* p, const T* g, T* m, T* v, T* vmax, int64_t n, AdamScalars<T> c) {
  for (int64_t i = 0; i < n; ++i) {
    T pi = p[i], gi = c.sign * g[i];
    gi = c.l2 ? gi + c.wd * pi : gi;
    T mi = m[i] * c.b1 + c.a1 * gi, vi = v[i] * c.b2 + c.a2 * (gi * gi);
    m[i] = mi, v[i] = vi;
    if constexpr (AMS) vmax[i] = vi = vi > vmax[i] || vi != vi ? vi : vmax[i];  // NaN propagates, as maximum
    p[i] = pi * c.shrink + c.step_size * (mi / (std::sqrt(vi) / c.bc2_sqrt + c.eps));
  }
}

void adam_(const TensorData& p, const TensorData& g, const TensorData& m, const TensorData& v, const TensorData* vmax,
           const AdamStep& s) {
  for (const TensorData* t : {&g, &m, &v, vmax})
    if (t && !(t->shape == p.shape && t->dtype == p.dtype && t->is_contiguous()))
      fail("adam_: the gradient and state (", t->shape, ", ", dtype_name(t->dtype),
           ") must be contiguous, of the parameter's shape ", p.shape, " and dtype ", dtype_name(p.dtype));
  check(p.is_contiguous(), "adam_: the parameter (shape ", p.shape,
        ") must be contiguous; update a contiguous copy and copy it back");
  dispatch_float(p.dtype, "adam_", [&](auto tag) {
    using T = decltype(tag);
    const AdamScalars<T> c{.b1 = (T)s.beta1,
                           .b2 = (T)s.beta2,
                           .a1 = (T)(1 - s.beta1),
                           .a2 = (T)(1 - s.beta2),
                           .eps = (T)s.eps,
                           .wd = (T)s.weight_decay,
                           .shrink = s.decoupled ? (T)(1 - s.lr * s.weight_decay) : T(1),
                           .sign = s.maximize ? T(-1) : T(1),
                           .bc2_sqrt = (T)std::sqrt(1 - std::pow(s.beta2, s.step)),
                           .step_size = (T)(-s.lr / (1 - std::pow(s.beta1, s.step))),
                           .l2 = !s.decoupled && s.weight_decay != 0};
    T *pp = p.data<T>(), *pm = m.data<T>(), *pv = v.data<T>(), *pmax = vmax ? vmax->data<T>() : nullptr;
    const T* pg = g.data<T>();
    parallel_for(p.numel(), kParallelGrain, [&](int64_t b, int64_t e) {
      if (pmax)
        adam_block<T, true>(pp + b, pg + b, pm + b, pv + b, pmax + b, e - b, c);
      else
        adam_block<T, false>(pp + b, pg + b, pm + b, pv + b, nullptr, e - b, c);
    });
  });
  for (const TensorData* t : {&p, &m, &v, vmax})
    if (t) t->storage->version++;
}

}  // namespace fluxion::kernels
