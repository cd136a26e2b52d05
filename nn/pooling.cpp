// SPDX-License-Identifier: MIT
// Max, average and adaptive pooling. Max pooling is one op with indices (its
// rules a scatter and a gather); average pooling is a composite: the padded
// input is cut into one strided slice per kernel offset (each slice holds that
// offset of every window), and the slices are summed.
#include "nn/pooling.h"

#include <bit>
#include <cmath>
#include <limits>

#include "autograd/apply.h"
#include "nn/max_pool_2x2.h"
#include "tensor/simd.h"
#include "tensor/vec.h"

namespace fluxion::nn::functional {

namespace {

// One spatial dim of a pooling: kernel, stride, padding, dilation, input and output sizes.
struct Axis {
  int64_t k, s, p, d, in, out;
};

int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// PyTorch's pooling_output_shape: with ceil_mode the last window may hang over the
// right edge, but must start inside the input or the left padding.
Axis make_axis(const char* op, const char* which, int64_t in, int64_t k, int64_t s, int64_t p, int64_t d,
               bool ceil_mode) {
  check(k > 0 && s > 0 && d > 0, op, ": kernel_size, stride and dilation must be positive, got ", k, ", ", s, ", ", d,
        " (", which, ")");
  check(p >= 0 && p <= k / 2, op, ": padding should be at most half of the kernel size, got padding ", p,
        " for kernel ", k, " (", which, ")");
  int64_t out = floor_div(in + 2 * p - d * (k - 1) - 1 + (ceil_mode ? s - 1 : 0), s) + 1;
  if (ceil_mode && (out - 1) * s >= in + p) --out;
  check(out >= 1, op, ": the input is too small: size ", in, " with kernel ", k, ", dilation ", d, ", padding ", p,
        " gives output size ", out, " (", which, ")");
  return {k, s, p, d, in, out};
}

// x (N, C, H, W) padded with `value` so every window of h and w fits (the right side
// gets the padding plus whatever ceil_mode's last window needs, or is cropped).
Tensor pad_for(const Tensor& x, const Axis& h, const Axis& w, double value) {
  auto right = [](const Axis& a) { return (a.out - 1) * a.s + a.d * (a.k - 1) + 1 - a.in - a.p; };
  if (h.p == 0 && w.p == 0 && right(h) == 0 && right(w) == 0) return x;
  return pad(x, {w.p, right(w), h.p, right(h)}, value);
}

// The slice of the padded input holding offset (i, j) of every window: (N, C, H_out, W_out).
Tensor window_offset(const Tensor& xp, const Axis& h, const Axis& w, int64_t i, int64_t j) {
  Tensor r = slice(xp, 2, i * h.d, i * h.d + (h.out - 1) * h.s + 1, h.s);
  return slice(r, 3, j * w.d, j * w.d + (w.out - 1) * w.s + 1, w.s);
}

// Runs f on a batched (N, C, H, W) view of x, accepting (C, H, W) as PyTorch does.
template <class F>
Tensor batched(const char* op, const Tensor& x, F f) {
  check(x.dim() == 3 || x.dim() == 4, op, ": input must be (N, C, H, W) or (C, H, W), got ", x.shape());
  check(x.is_floating_point(), op, ": input must be floating, got ", dtype_name(x.dtype()));
  if (x.dim() == 3) return f(x.unsqueeze(0)).squeeze(0);
  return f(x);
}

// (N, C, L) or (C, L) -> a 2-d pool over (1, L) -> back
template <class F>
Tensor as_1d(const char* op, const Tensor& x, F f) {
  check(x.dim() == 2 || x.dim() == 3, op, ": input must be (N, C, L) or (C, L), got ", x.shape());
  return f(x.unsqueeze(-2)).squeeze(-2);
}

}  // namespace

namespace {

// max_pool2d with indices: y[n, c, i, j] = max over the window of x[n, c], j* its flat
// position in the (H, W) plane (the first largest, or the last NaN, as PyTorch's kernel).
// dx = the gradients scattered (added) to j*;  dy = dx gathered at j*.
// The rules are a scatter_add and a gather, both differentiable, so double backward
// and forward mode follow; the forward is one pass instead of a window-offset stack.
struct MaxPool2dWithIndices {
  static constexpr const char* name = "MaxPool2d";
  static constexpr Save save = Save::output;
  Axis h, w;
  std::vector<TensorData> forward(const std::vector<TensorData>& xs) const {
    TensorData x = vec::contiguous(xs[0]);
    int64_t planes = x.shape[0] * x.shape[1];
    TensorData y = TensorData::empty({x.shape[0], x.shape[1], h.out, w.out}, x.dtype);
    TensorData idx = TensorData::empty({x.shape[0], x.shape[1], h.out, w.out}, Int64);
    // no padding and no window over the edge (ceil_mode): every window lies inside the plane
    bool inside = h.p == 0 && w.p == 0 && (h.out - 1) * h.s + h.d * (h.k - 1) < h.in &&
                  (w.out - 1) * w.s + w.d * (w.k - 1) < w.in;
    // MaxPool2d(2) with every window inside: a loop of its own, by hand on AVX-512
    bool two_by_two = inside && h.k == 2 && w.k == 2 && h.s == 2 && w.s == 2 && h.d == 1 && w.d == 1;
    bool vectorised = two_by_two && detail::max_pool_2x2_vectorised();
    dispatch_float(x.dtype, name, [&](auto tag) {
      using T = decltype(tag);
      const T* px = x.data<T>();
      T* py = y.data<T>();
      int64_t* pi = idx.data<int64_t>();
#pragma omp parallel for if (planes * h.out * w.out * h.k * w.k > (1 << 16))
      for (int64_t p = 0; p < planes; ++p) {
        const T* plane = px + p * h.in * w.in;
        T* yp = py + p * h.out * w.out;
        int64_t* ip = pi + p * h.out * w.out;
        if (vectorised) {
          detail::max_pool_2x2_avx512(plane, yp, ip, h.out, w.out, w.in);
          continue;
        }
        if (two_by_two) {
          max_2x2(plane, yp, ip, h.out, w.out, w.in);
          continue;
        }
        if (inside) {
          max_inside(plane, yp, ip, h, w);
          continue;
        }
        for (int64_t i = 0; i < h.out; ++i)
          for (int64_t j = 0; j < w.out; ++j) {
            // PyTorch's rule: start at -inf with the window's first in-bounds position,
            // take a value if it is larger or NaN
            T best = -std::numeric_limits<T>::infinity();
            int64_t at = -1;
            for (int64_t a = 0; a < h.k; ++a) {
              int64_t r = i * h.s - h.p + a * h.d;
              if (r < 0 || r >= h.in) continue;  // padding: -inf never wins
              for (int64_t b = 0; b < w.k; ++b) {
                int64_t c = j * w.s - w.p + b * w.d;
                if (c < 0 || c >= w.in) continue;
                T v = plane[r * w.in + c];
                if (at < 0) at = r * w.in + c;
                if (v > best || std::isnan(v)) best = v, at = r * w.in + c;
              }
            }
            yp[i * w.out + j] = best;
            ip[i * w.out + j] = at;
          }
      }
    });
    return {y, idx};
  }
  // One step of the rule without a branch: take v at pos if it is larger than the
  // best so far, or NaN. The best is kept as its bits (Bits: the float's width,
  // signed, so the mask sign-extends to the int64 index).
  template <class T>
  using Bits = std::conditional_t<sizeof(T) == 4, int32_t, int64_t>;
  template <class T>
  __attribute__((always_inline)) static void take(Bits<T>& best, int64_t& at, T v, int64_t pos) {
    const Bits<T> m = Bits<T>(0) - Bits<T>((v > std::bit_cast<T>(best)) | (v != v));
    best = (std::bit_cast<Bits<T>>(v) & m) | (best & ~m);
    at = (pos & int64_t(m)) | (at & ~int64_t(m));
  }
  // The same rule for a plane whose windows all lie inside it, with no bounds checks
  // and no branches: comparisons of real data are unpredictable, and a branch
  // mispredicted on every other value costs more than the rest of the loop (the
  // choice is made by bit masks; the compiler turns a conditional expression back
  // into a branch). Up to kRun windows of an output row advance together, one
  // window offset at a time, so the fold of one window does not wait on the last.
  template <class T>
  static void max_inside(const T* plane, T* y, int64_t* idx, Axis h, Axis w) {
    constexpr int64_t kRun = 16;
    Bits<T> best[kRun];
    int64_t at[kRun];
    for (int64_t i = 0; i < h.out; ++i)
      for (int64_t j0 = 0; j0 < w.out; j0 += kRun) {
        const int64_t n = std::min(kRun, w.out - j0), first = i * h.s * w.in + j0 * w.s;
        for (int64_t j = 0; j < n; ++j)
          best[j] = std::bit_cast<Bits<T>>(-std::numeric_limits<T>::infinity()), at[j] = first + j * w.s;
        for (int64_t a = 0; a < h.k; ++a)
          for (int64_t b = 0; b < w.k; ++b) {
            const int64_t offset = first + a * h.d * w.in + b * w.d;
            for (int64_t j = 0; j < n; ++j) {
              const int64_t pos = offset + j * w.s;
              take(best[j], at[j], plane[pos], pos);
            }
          }
        for (int64_t j = 0; j < n; ++j)
          y[i * w.out + j0 + j] = std::bit_cast<T>(best[j]), idx[i * w.out + j0 + j] = at[j];
      }
  }
  // The same for the most common pool, 2x2 windows with stride 2 (MaxPool2d(2)),
  // on CPUs without AVX-512 (max_pool_2x2.cpp vectorises it by hand there, short
  // rows included): the window's four positions are constants, so a row of
  // windows is one loop over j that the compiler vectorises (the loads of even
  // and odd columns become shuffles) once a row has 16 windows or more, in the
  // window order of the rule above.
  template <class T>
  FLUXION_SIMD_CLONES static void max_2x2(const T* plane, T* y, int64_t* idx, int64_t h_out, int64_t w_out,
                                          int64_t w_in) {
    for (int64_t i = 0; i < h_out; ++i) {
      const T *r0 = plane + 2 * i * w_in, *r1 = r0 + w_in;
      for (int64_t j = 0; j < w_out; ++j) {
        const int64_t first = 2 * i * w_in + 2 * j;
        Bits<T> best = std::bit_cast<Bits<T>>(r0[2 * j]);
        int64_t at = first;
        take(best, at, r0[2 * j + 1], first + 1);
        take(best, at, r1[2 * j], first + w_in);
        take(best, at, r1[2 * j + 1], first + w_in + 1);
        y[i * w_out + j] = std::bit_cast<T>(best);
        idx[i * w_out + j] = at;
      }
    }
  }
  std::vector<Tensor> vjp(const std::vector<Tensor>& grads, const Saved& s) const {
    const Shape& in = s.input_shape(0);
    Tensor g = grads[0].reshape({in[0], in[1], -1});
    Tensor j = s.output(1).reshape({in[0], in[1], -1});
    return {scatter_add(zeros({in[0], in[1], in[2] * in[3]}, g.dtype()), 2, j, g).reshape(in)};
  }
  std::vector<Tensor> jvp(const std::vector<Tensor>& dxs, const Saved& s) const {
    const Shape& in = s.input_shape(0);
    Tensor j = s.output(1).reshape({in[0], in[1], -1});
    return {dxs[0].reshape({in[0], in[1], -1}).gather(2, j).reshape({in[0], in[1], h.out, w.out}), Tensor{}};
  }
};

}  // namespace

Tensor max_pool2d(const Tensor& x, Int2 kernel_size, const MaxPool2dOptions& opts) {
  return batched("max_pool2d", x, [&](const Tensor& x4) {
    Int2 s = opts.stride.value_or(kernel_size);
    Axis h = make_axis("max_pool2d", "height", x4.size(2), kernel_size.h, s.h, opts.padding.h, opts.dilation.h,
                       opts.ceil_mode);
    Axis w = make_axis("max_pool2d", "width", x4.size(3), kernel_size.w, s.w, opts.padding.w, opts.dilation.w,
                       opts.ceil_mode);
    return apply_op(MaxPool2dWithIndices{h, w}, {x4})[0];
  });
}

Tensor max_pool1d(const Tensor& x, int64_t kernel_size, const MaxPool2dOptions& opts) {
  return as_1d("max_pool1d", x, [&](const Tensor& x2) {
    MaxPool2dOptions o{.stride = Int2(1, opts.stride ? opts.stride->w : kernel_size),
                       .padding = Int2(0, opts.padding.w),
                       .dilation = Int2(1, opts.dilation.w),
                       .ceil_mode = opts.ceil_mode};
    return max_pool2d(x2, Int2(1, kernel_size), o);
  });
}

Tensor avg_pool2d(const Tensor& x, Int2 kernel_size, const AvgPool2dOptions& opts) {
  return batched("avg_pool2d", x, [&](const Tensor& x4) {
    Int2 s = opts.stride.value_or(kernel_size);
    Axis h = make_axis("avg_pool2d", "height", x4.size(2), kernel_size.h, s.h, opts.padding.h, 1, opts.ceil_mode);
    Axis w = make_axis("avg_pool2d", "width", x4.size(3), kernel_size.w, s.w, opts.padding.w, 1, opts.ceil_mode);
    Tensor xp = pad_for(x4, h, w, 0.0);
    Tensor total;
    for (int64_t i = 0; i < h.k; ++i)
      for (int64_t j = 0; j < w.k; ++j) {
        Tensor o = window_offset(xp, h, w, i, j);
        total = total.defined() ? total + o : o;
      }
    if (opts.divisor_override) {
      check(*opts.divisor_override != 0, "avg_pool2d: divisor_override must be nonzero");
      return total / double(*opts.divisor_override);
    }
    // The divisor of window o along one axis, as PyTorch's kernel: the window clipped to
    // the padded input (count_include_pad) or to the input itself. Windows are rectangles,
    // so the 2-d divisor is the outer product of the two axes'.
    auto counts = [&](const Axis& a) {
      std::vector<double> c(a.out);
      for (int64_t o = 0; o < a.out; ++o) {
        int64_t start = o * a.s - a.p, end = std::min(start + a.k, a.in + a.p);
        int64_t with_pad = end - start;
        start = std::max<int64_t>(start, 0);
        end = std::min(end, a.in);
        c[o] = double(opts.count_include_pad ? with_pad : end - start);
      }
      return tensor(c, {a.out}, x4.dtype());
    };
    return total / outer(counts(h), counts(w));
  });
}

Tensor avg_pool1d(const Tensor& x, int64_t kernel_size, const AvgPool2dOptions& opts) {
  return as_1d("avg_pool1d", x, [&](const Tensor& x2) {
    AvgPool2dOptions o{.stride = Int2(1, opts.stride ? opts.stride->w : kernel_size),
                       .padding = Int2(0, opts.padding.w),
                       .ceil_mode = opts.ceil_mode,
                       .count_include_pad = opts.count_include_pad,
                       .divisor_override = opts.divisor_override};
    return avg_pool2d(x2, Int2(1, kernel_size), o);
  });
}

namespace {

// Adaptive windows: output i of n over an input of size len spans [floor(i len / n), ceil((i + 1) len / n)).
template <class Reduce>
Tensor adaptive(const char* op, const Tensor& x, Int2 output_size, Reduce reduce) {
  return batched(op, x, [&](const Tensor& x4) {
    check(output_size.h > 0 && output_size.w > 0, op, ": output_size must be positive, got ", output_size.h, "x",
          output_size.w);
    int64_t H = x4.size(2), W = x4.size(3);
    check(H > 0 && W > 0, op, ": input ", x4.shape(), " has an empty spatial dim");
    std::vector<Tensor> cells;
    for (int64_t i = 0; i < output_size.h; ++i) {
      int64_t h0 = i * H / output_size.h, h1 = ((i + 1) * H + output_size.h - 1) / output_size.h;
      for (int64_t j = 0; j < output_size.w; ++j) {
        int64_t w0 = j * W / output_size.w, w1 = ((j + 1) * W + output_size.w - 1) / output_size.w;
        cells.push_back(reduce(x4.slice(2, h0, h1).slice(3, w0, w1).flatten(2)));  // (N, C, window) -> (N, C)
      }
    }
    return stack(cells, -1).reshape({x4.size(0), x4.size(1), output_size.h, output_size.w});
  });
}

}  // namespace

Tensor adaptive_avg_pool2d(const Tensor& x, Int2 output_size) {
  return adaptive("adaptive_avg_pool2d", x, output_size, [](const Tensor& win) { return win.mean({-1}); });
}

Tensor adaptive_max_pool2d(const Tensor& x, Int2 output_size) {
  return adaptive("adaptive_max_pool2d", x, output_size, [](const Tensor& win) { return max(win, -1).first; });
}

}  // namespace fluxion::nn::functional
