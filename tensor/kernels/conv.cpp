// SPDX-License-Identifier: MIT
// conv2d by im2col + gemm (see conv.h). One image and channel group at a
// time: unfold its receptive fields into the columns of a [C·kh·kw, Ho·Wo]
// matrix, so the convolution becomes one matrix product with the [O, C·kh·kw]
// weight; the adjoints are the two other products of the same three matrices.
#include "tensor/kernels/conv.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "tensor/allocator.h"
#include "tensor/kernels/copy.h"
#include "tensor/kernels/gemm.h"
#include "tensor/kernels/small_gemm.h"
#include "tensor/threads.h"

namespace fluxion::kernels {
namespace {

// Sizes of one convolution, all checked; cols and the products are per group.
struct Geometry {
  int64_t n, c, h, w, o, kh, kw, ho, wo, groups;
  int64_t cg() const { return c / groups; }        // input channels per group
  int64_t og() const { return o / groups; }        // output channels per group
  int64_t rows() const { return cg() * kh * kw; }  // of cols
  int64_t pixels() const { return ho * wo; }       // columns of cols
};

int64_t out_size(int64_t in, int64_t k, int64_t stride, int64_t pad, int64_t dil) {
  return (in + 2 * pad - dil * (k - 1) - 1) / stride + 1;
}

Geometry geometry(const Shape& x, const Shape& w, const Conv2dParams& p) {
  for (int i = 0; i < 2; ++i)
    check(p.stride[i] >= 1 && p.dilation[i] >= 1 && p.padding[i] >= 0, "conv2d: stride and dilation must be >= 1 "
          "and padding >= 0, got stride (", p.stride[0], ", ", p.stride[1], "), padding (", p.padding[0], ", ",
          p.padding[1], "), dilation (", p.dilation[0], ", ", p.dilation[1], ")");
  check(x.size() == 4 && w.size() == 4, "conv2d: expects input [N, C, H, W] and weight [O, C / groups, kh, kw], got ",
        x, " and ", w);
  check(p.groups >= 1 && x[1] == w[1] * p.groups && w[0] % p.groups == 0, "conv2d: input ", x, " has ",
        x[1], " channels but weight ", w, " with groups = ", p.groups, " expects ", w[1] * p.groups,
        " (weight [O, C / groups, kh, kw], O divisible by groups)");
  Geometry g{x[0], x[1], x[2], x[3], w[0], w[2], w[3], 0, 0, p.groups};
  g.ho = out_size(g.h, g.kh, p.stride[0], p.padding[0], p.dilation[0]);
  g.wo = out_size(g.w, g.kw, p.stride[1], p.padding[1], p.dilation[1]);
  check(g.ho > 0 && g.wo > 0, "conv2d: kernel ", w, " with dilation (", p.dilation[0], ", ",
        p.dilation[1], ") does not fit in input ", x, " padded by (", p.padding[0], ", ", p.padding[1],
        "); pad the input or use a smaller kernel");
  return g;
}

// c = op(a) op(b) + beta c for row-major contiguous operands (op = transpose when ta / tb).
// A small product c = op(a) b, with b's rows a whole number of vectors long (the
// forward's and the input gradient's, at the usual image sizes), goes to small_gemm,
// which reads b in place where a packed GEMM would copy it first; the rest to
// fluxion's GEMM or OpenBLAS (gemm_auto). The same choice as matmul's.
template <class T>
void gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, const T* a, const T* b, T beta, T* c) {
  if (m == 0 || n == 0) return;
  if (k == 0) {
    if (beta == T(0)) std::fill(c, c + m * n, T(0));
    return;
  }
  int64_t lda = ta ? m : k, ldb = tb ? k : n;
  if (!tb && beta == T(0) && n == small_gemm_ldb<T>(n) && small_gemm_pays<T>(m, n, k) &&
      (gemm_path() == GemmPath::fluxion || blas_kernels_narrow()))
    return small_gemm<T>(m, n, k, a, ta ? 1 : lda, ta ? lda : 1, b, ldb, c, n);
  gemm_auto<T>({.m = m, .n = n, .k = k, .a = a, .rsa = ta ? 1 : lda, .csa = ta ? lda : 1, .b = b,
                .rsb = tb ? 1 : ldb, .csb = tb ? ldb : 1, .beta = beta, .c = c, .rsc = n});
}

// The part of a tap's row of cols that reads the image. Row `row` of cols is the
// tap (ch, ki, kj); its entry for output pixel (oi, oj) reads input pixel
// (oi·sh - ph + ki·dh, oj·sw - pw + kj·dw), which lies inside the image for oi in
// [oi_lo, oi_hi) and oj in [lo, hi): a rectangle, whose corner (oi_lo, lo) reads
// image offset src, each next output row sh·W further on. The rest is padding.
struct TapBlock {
  int64_t row, oi_lo, oi_hi, lo, hi, src;
};

// f(block) for every tap. The bounds depend on (ki, kj) only, so they are found
// once per kernel offset and reused for every channel.
template <class F>
void for_each_tap(const Geometry& g, const Conv2dParams& p, F f) {
  // smallest o >= 0 with o·stride >= bound, clamped to [0, n]
  auto first_at_least = [](int64_t bound, int64_t stride, int64_t n) {
    if (bound <= 0) return int64_t{0};
    return std::min<int64_t>(stride == 1 ? bound : (bound + stride - 1) / stride, n);
  };
  const int64_t sh = p.stride[0], sw = p.stride[1];
  for (int64_t ki = 0; ki < g.kh; ++ki)
    for (int64_t kj = 0; kj < g.kw; ++kj) {
      const int64_t up = ki * p.dilation[0] - p.padding[0], left = kj * p.dilation[1] - p.padding[1];
      TapBlock b{0, first_at_least(-up, sh, g.ho), 0, first_at_least(-left, sw, g.wo), 0, 0};
      b.oi_hi = std::max(b.oi_lo, first_at_least(g.h - up, sh, g.ho));
      b.hi = std::max(b.lo, first_at_least(g.w - left, sw, g.wo));
      const int64_t corner = (b.oi_lo * sh + up) * g.w + b.lo * sw + left;
      for (int64_t ch = 0; ch < g.cg(); ++ch) {
        b.row = (ch * g.kh + ki) * g.kw + kj;
        b.src = ch * g.h * g.w + corner;
        f(b);
      }
    }
}

// out[j] = in[j] for j < n, for the short runs of im2col (an output row, often
// 8 to 32 elements): 32-byte blocks of constant size, which compile to single
// vector moves, where std::copy would call memmove once per run.
template <class T>
void copy_run(T* out, const T* in, int64_t n) {
  constexpr int64_t kBlock = 32 / sizeof(T);
  int64_t j = 0;
  for (; j + kBlock <= n; j += kBlock) std::memcpy(out + j, in + j, 32);
  for (; j < n; ++j) out[j] = in[j];
}

// cols [C/G·kh·kw, Ho·Wo] from one group of channels [C/G, H, W] of an image: each
// tap's rectangle row by row, a copy (stride 1) or a strided gather, zeros around it.
template <class T>
void im2col(const T* image, const Geometry& g, const Conv2dParams& p, T* cols) {
  const int64_t sw = p.stride[1], step = p.stride[0] * g.w;
  for_each_tap(g, p, [&](const TapBlock& b) {
    T* out = cols + b.row * g.pixels();
    if (b.lo == b.hi || b.oi_lo == b.oi_hi) {  // the tap reads only padding
      std::fill(out, out + g.pixels(), T(0));
      return;
    }
    std::fill(out, out + b.oi_lo * g.wo, T(0));
    std::fill(out + b.oi_hi * g.wo, out + g.pixels(), T(0));
    const T* in = image + b.src;
    for (int64_t oi = b.oi_lo; oi < b.oi_hi; ++oi, in += step) {
      T* o = out + oi * g.wo;
      for (int64_t j = 0; j < b.lo; ++j) o[j] = T(0);
      for (int64_t j = b.hi; j < g.wo; ++j) o[j] = T(0);
      if (sw == 1)
        copy_run(o + b.lo, in, b.hi - b.lo);
      else
        for (int64_t j = 0; j < b.hi - b.lo; ++j) o[b.lo + j] = in[j * sw];
    }
  });
}

// The adjoint of im2col: adds each column entry back into the pixel it came from.
template <class T>
void col2im(const T* cols, const Geometry& g, const Conv2dParams& p, T* image) {
  const int64_t sw = p.stride[1], step = p.stride[0] * g.w;
  for_each_tap(g, p, [&](const TapBlock& b) {
    if (b.lo == b.hi || b.oi_lo == b.oi_hi) return;  // the tap reads only padding
    T* out = image + b.src;
    for (int64_t oi = b.oi_lo; oi < b.oi_hi; ++oi, out += step) {
      const T* in = cols + b.row * g.pixels() + oi * g.wo + b.lo;
      if (sw == 1)
        for (int64_t j = 0; j < b.hi - b.lo; ++j) out[j] += in[j];
      else
        for (int64_t j = 0; j < b.hi - b.lo; ++j) out[j * sw] += in[j];
    }
  });
}

void check_dtypes(const TensorData& a, const TensorData& b, const char* what) {
  check(is_floating(a.dtype) && is_floating(b.dtype), "conv2d: expects float32 or float64 tensors, got ", what, " ",
        dtype_name(a.dtype), " and ", dtype_name(b.dtype), "; convert with .to(fluxion::Float32)");
  check(a.dtype == b.dtype, "conv2d: ", what, " dtypes ", dtype_name(a.dtype), " and ", dtype_name(b.dtype),
        " differ; convert one with .to(dtype)");
}

// cols for one image and group: a work array from the block cache, which hands
// the same block back on every call (a fresh allocation would fault in new pages).
template <class T>
using Cols = std::vector<T, CachingAllocator<T>>;

// How many chunks of images to run in parallel, one per thread: each worth at
// least about a million multiply-adds (below that a second thread costs more
// than it saves).
int64_t image_chunks(const Geometry& g) {
  const int64_t per_image = std::max<int64_t>(1, g.o * g.rows() * g.pixels());
  return std::clamp<int64_t>(g.n * per_image >> 20, 1, std::min<int64_t>(g.n, get_num_threads()));
}

// body(chunk, begin, end) for each chunk, running images [begin, end) on one thread.
template <class Body>
void over_images(const Geometry& g, int64_t chunks, Body body) {
  if (chunks == 1) return body(int64_t{0}, int64_t{0}, g.n);
#pragma omp parallel for num_threads((int)chunks) schedule(static)
  for (int64_t c = 0; c < chunks; ++c) body(c, g.n * c / chunks, g.n * (c + 1) / chunks);
}

}  // namespace

Shape conv2d_shape(const Shape& x, const Shape& w, const Conv2dParams& p) {
  Geometry g = geometry(x, w, p);
  return {g.n, g.o, g.ho, g.wo};
}

TensorData conv2d(const TensorData& x_in, const TensorData& w_in, const TensorData& b_in, const Conv2dParams& p) {
  Geometry g = geometry(x_in.shape, w_in.shape, p);
  check_dtypes(x_in, w_in, "input and weight");
  if (b_in.defined()) {
    check(b_in.shape == Shape{g.o}, "conv2d: bias must have shape [", g.o, "] (one per output channel), got ",
          b_in.shape);
    check_dtypes(x_in, b_in, "input and bias");
  }
  TensorData x = contiguous(x_in), w = contiguous(w_in), y = TensorData::empty({g.n, g.o, g.ho, g.wo}, x.dtype);
  dispatch_float(x.dtype, "conv2d", [&](auto tag) {
    using T = decltype(tag);
    TensorData b = b_in.defined() ? contiguous(b_in) : b_in;
    over_images(g, image_chunks(g), [&](int64_t, int64_t begin, int64_t end) {
      Cols<T> buffer((size_t)(g.rows() * g.pixels()));
      T* cols = buffer.data();
      for (int64_t i = begin; i < end; ++i) {
        T* yi = y.data<T>() + i * g.o * g.pixels();
        for (int64_t j = 0; j < g.groups; ++j) {
          im2col(x.data<T>() + (i * g.c + j * g.cg()) * g.h * g.w, g, p, cols);
          gemm<T>(false, false, g.og(), g.pixels(), g.rows(), w.data<T>() + j * g.og() * g.rows(), cols, T(0),
                  yi + j * g.og() * g.pixels());
        }
        if (b.defined())
          for (int64_t o = 0; o < g.o; ++o)
            std::for_each(yi + o * g.pixels(), yi + (o + 1) * g.pixels(), [&](T& v) { v += b.data<T>()[o]; });
      }
    });
  });
  return y;
}

TensorData conv2d_input_grad(const TensorData& g_in, const TensorData& w_in, int64_t h, int64_t w_, const Conv2dParams& p) {
  check(g_in.dim() == 4 && w_in.dim() == 4, "conv2d_input_grad: expects grad [N, O, Ho, Wo] and weight [O, C, kh, kw], got ",
        g_in.shape, " and ", w_in.shape);
  Shape x_shape{g_in.shape[0], w_in.shape[1] * p.groups, h, w_};
  Geometry g = geometry(x_shape, w_in.shape, p);
  check(g_in.shape == (Shape{g.n, g.o, g.ho, g.wo}), "conv2d_input_grad: grad ", g_in.shape,
        " does not match the output ", Shape{g.n, g.o, g.ho, g.wo}, " of input ", x_shape,
        " and weight ", w_in.shape);
  check_dtypes(g_in, w_in, "grad and weight");
  TensorData go = contiguous(g_in), w = contiguous(w_in), dx = full(x_shape, 0, g_in.dtype);
  dispatch_float(go.dtype, "conv2d_input_grad", [&](auto tag) {
    using T = decltype(tag);
    over_images(g, image_chunks(g), [&](int64_t, int64_t begin, int64_t end) {
      Cols<T> buffer((size_t)(g.rows() * g.pixels()));
      T* cols = buffer.data();
      for (int64_t i = begin; i < end; ++i)
        for (int64_t j = 0; j < g.groups; ++j) {
          gemm<T>(true, false, g.rows(), g.pixels(), g.og(), w.data<T>() + j * g.og() * g.rows(),
                  go.data<T>() + (i * g.o + j * g.og()) * g.pixels(), T(0), cols);
          col2im(cols, g, p, dx.data<T>() + (i * g.c + j * g.cg()) * g.h * g.w);
        }
    });
  });
  return dx;
}

TensorData conv2d_weight_grad(const TensorData& x_in, const TensorData& g_in, int64_t kh, int64_t kw, const Conv2dParams& p) {
  check(x_in.dim() == 4 && g_in.dim() == 4, "conv2d_weight_grad: expects input [N, C, H, W] and grad [N, O, Ho, Wo], got ",
        x_in.shape, " and ", g_in.shape);
  check(p.groups >= 1 && x_in.shape[1] % p.groups == 0, "conv2d_weight_grad: input ", x_in.shape,
        " has ", x_in.shape[1], " channels, not divisible by groups = ", p.groups);
  Shape w_shape{g_in.shape[1], x_in.shape[1] / p.groups, kh, kw};
  Geometry g = geometry(x_in.shape, w_shape, p);
  check(g_in.shape == (Shape{g.n, g.o, g.ho, g.wo}), "conv2d_weight_grad: grad ", g_in.shape,
        " does not match the output ", Shape{g.n, g.o, g.ho, g.wo}, " of input ", x_in.shape,
        " and a ", kh, "x", kw, " kernel");
  check_dtypes(x_in, g_in, "input and grad");
  TensorData x = contiguous(x_in), go = contiguous(g_in), dw = full(w_shape, 0, x_in.dtype);
  dispatch_float(x.dtype, "conv2d_weight_grad", [&](auto tag) {
    using T = decltype(tag);
    // Each chunk of images sums into its own copy of dw; the copies are added at the end.
    const int64_t size = g.o * g.rows(), chunks = image_chunks(g);
    TensorData partials = full({chunks, size}, 0, x.dtype);
    T* partial = partials.data<T>();
    over_images(g, chunks, [&](int64_t chunk, int64_t begin, int64_t end) {
      Cols<T> buffer((size_t)(g.rows() * g.pixels()));
      T* cols = buffer.data();
      T* sum = chunk == 0 ? dw.data<T>() : partial + chunk * size;
      for (int64_t i = begin; i < end; ++i)
        for (int64_t j = 0; j < g.groups; ++j) {
          im2col(x.data<T>() + (i * g.c + j * g.cg()) * g.h * g.w, g, p, cols);
          gemm<T>(false, true, g.og(), g.rows(), g.pixels(), go.data<T>() + (i * g.o + j * g.og()) * g.pixels(),
                  cols, T(1), sum + j * g.og() * g.rows());
        }
    });
    for (int64_t c = 1; c < chunks; ++c)
      for (int64_t e = 0; e < size; ++e) dw.data<T>()[e] += partial[c * size + e];
  });
  return dw;
}

TensorData conv2d_naive(const TensorData& x, const TensorData& w, const TensorData& b, const Conv2dParams& p) {
  Geometry g = geometry(x.shape, w.shape, p);
  TensorData y = TensorData::empty({g.n, g.o, g.ho, g.wo}, x.dtype);
  dispatch_float(x.dtype, "conv2d_naive", [&](auto tag) {
    using T = decltype(tag);
    auto at = [](const TensorData& t, int64_t i0, int64_t i1, int64_t i2, int64_t i3) {
      return (double)t.data<T>()[i0 * t.strides[0] + i1 * t.strides[1] + i2 * t.strides[2] + i3 * t.strides[3]];
    };
    for (int64_t n = 0; n < g.n; ++n)
      for (int64_t o = 0; o < g.o; ++o)
        for (int64_t oi = 0; oi < g.ho; ++oi)
          for (int64_t oj = 0; oj < g.wo; ++oj) {
            double s = b.defined() ? (double)b.data<T>()[o * b.strides[0]] : 0.0;
            for (int64_t c = 0; c < g.cg(); ++c)
              for (int64_t ki = 0; ki < g.kh; ++ki)
                for (int64_t kj = 0; kj < g.kw; ++kj) {
                  int64_t ii = oi * p.stride[0] - p.padding[0] + ki * p.dilation[0];
                  int64_t jj = oj * p.stride[1] - p.padding[1] + kj * p.dilation[1];
                  if (ii >= 0 && ii < g.h && jj >= 0 && jj < g.w)  // input channel c of o's group
                    s += at(x, n, o / g.og() * g.cg() + c, ii, jj) * at(w, o, c, ki, kj);
                }
            y.data<T>()[((n * g.o + o) * g.ho + oi) * g.wo + oj] = T(s);
          }
  });
  return y;
}

}  // namespace fluxion::kernels
