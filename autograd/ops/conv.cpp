// SPDX-License-Identifier: MIT
// conv2d and its two adjoints as differentiable ops (kernels in
// tensor/kernels/conv, which take groups), and conv2d's "same" padding. conv2d is
// bilinear in (x, w), so each derivative of one of the three ops is one of the
// other two: conv2d's VJP runs the adjoint ops, whose VJPs run conv2d and each
// other, and double backward (and any order) through a convolution needs no
// further code.
#include <algorithm>
#include <string>
#include <vector>

#include "autograd/apply.h"
#include "autograd/ops.h"
#include "tensor/kernels/conv.h"

namespace fluxion {

using kernels::Conv2dParams;

static Tensor input_grad(const Tensor& grad, const Tensor& w, const Shape& x_shape, const Conv2dParams& p);
static Tensor weight_grad(const Tensor& x, const Tensor& grad, const Shape& w_shape, const Conv2dParams& p);
static Tensor conv(const Tensor& x, const Tensor& w, const Tensor& b, const Conv2dParams& p);

// db[o] = sum over (n, h, w) of g[n, o, h, w], as two reductions over adjacent dims
// ((h, w), then n): the reduction kernels have a contiguous fast path for those,
// where a reduction over the non-adjacent (0, 2, 3) walks every element by strides.
static Tensor bias_grad(const Tensor& g) { return g.sum({2, 3}).sum(0); }

// vmap of conv2d or its input gradient (input 0 an image batch [N, ...]),
// with the other inputs the same for every example: the vmap batch folds into
// the op's own batch dim, [B, N, ...] -> [B N, ...], and unfolds after.
template <class Op>
static std::vector<Tensor> fold_batch(const Op& op, std::vector<Tensor> xs, const detail::BatchDims& dims,
                                      int64_t size) {
  Shape s = xs[0].shape();
  s.erase(s.begin() + *dims[0]);
  int64_t n = s[0];
  s[0] = size * n;
  xs[0] = batching::to_front(xs[0], dims[0], size).reshape(s);  // [B N, ...]
  Tensor y = apply_op(op, xs)[0];  // [B N, ...]
  Shape ys = y.shape();
  ys[0] = n;
  ys.insert(ys.begin(), size);
  return {y.reshape(ys)};
}

// Examples as channel groups, for a vmap where weights differ per example:
// the B examples' convolutions are one convolution with B times the groups,
// example b's channels the b-th block of every [N, C, H, W] operand.
//   [B, N, C, H, W] (or shared [N, C, H, W]) -> [N, B C, H, W]
static Tensor into_channels(const Tensor& t, std::optional<int64_t> dim, int64_t size) {
  Tensor f = batching::to_front(t, dim, size);
  return f.transpose(0, 1).reshape({f.size(1), size * f.size(2), f.size(3), f.size(4)});
}
//   [N, B C, H, W] -> [B, N, C, H, W]
static Tensor out_of_channels(const Tensor& t, int64_t size) {
  return t.reshape({t.size(0), size, t.size(1) / size, t.size(2), t.size(3)}).transpose(0, 1);
}
//   weights [B, O, C/G, kh, kw] (or shared) -> [B O, C/G, kh, kw]; a bias [B, O] -> [B O]
static Tensor weights_stacked(const Tensor& t, std::optional<int64_t> dim, int64_t size) {
  if (!t.defined()) return t;
  Tensor f = batching::to_front(t, dim, size);
  Shape s(f.shape().begin() + 1, f.shape().end());
  s[0] *= size;
  return f.reshape(s);
}
static Conv2dParams times_groups(Conv2dParams p, int64_t size) {
  p.groups *= size;
  return p;
}

// conv2d: y[n, o] = sum_c x[n, c] (*) w[o, c] + b[o]   (x [N, C, H, W], w [O, C, kh, kw], b [O] or none;
// with groups, c runs over o's group of channels)
struct Conv2d {
  static constexpr const char* name = "Conv2d";
  static constexpr Save save = Save::inputs;
  Conv2dParams p;
  std::vector<TensorData> forward(const std::vector<TensorData>& xs) const {
    return {kernels::conv2d(xs[0], xs[1], xs[2], p)};
  }
  // vmap: shared weights fold the examples into the images' batch; per-example weights into the groups
  std::vector<Tensor> vmap(const std::vector<Tensor>& xs, const detail::BatchDims& dims, int64_t size) const {
    if (!dims[1] && !dims[2]) return fold_batch(*this, xs, dims, size);
    Tensor y = apply_op(Conv2d{times_groups(p, size)}, {into_channels(xs[0], dims[0], size),
                                                         weights_stacked(xs[1], dims[1], size),
                                                         weights_stacked(xs[2], dims[2], size)})[0];
    return {out_of_channels(y, size)};
  }
  // dL/dx = conv2d_input_grad(G, w),  dL/dw = conv2d_weight_grad(x, G),  dL/db = G summed over (n, h, w)
  std::vector<Tensor> vjp(const std::vector<Tensor>& grads, const Saved& s) const {
    const Tensor& g = grads[0];
    return {s.needs_grad(0) ? input_grad(g, s.input(1), s.input_shape(0), p) : Tensor{},
            s.needs_grad(1) ? weight_grad(s.input(0), g, s.input_shape(1), p) : Tensor{},
            s.needs_grad(2) ? bias_grad(g) : Tensor{}};
  }
  // dy = conv2d(dx, w) + conv2d(x, dw) + db
  std::vector<Tensor> jvp(const std::vector<Tensor>& dxs, const Saved& s) const {
    Tensor dy = dxs[0].defined() ? conv(dxs[0], s.input(1), {}, p) : Tensor{};
    if (dxs[1].defined()) dy = add_tangents(dy, conv(s.input(0), dxs[1], {}, p));
    if (dxs[2].defined()) dy = add_tangents(dy, dxs[2].reshape({1, -1, 1, 1}));
    return {dy};
  }
};

// conv2d_input_grad: dx = T_w^T g, the adjoint of x -> conv2d(x, w); linear in g and in w.
// <R, T_w^T g> = <conv2d(R, w), g>
struct Conv2dInputGrad {
  static constexpr const char* name = "Conv2dInputGrad";
  static constexpr Save save = Save::inputs;
  Conv2dParams p;
  int64_t h, w;
  TensorData forward(const TensorData& g, const TensorData& wt) const {
    return kernels::conv2d_input_grad(g, wt, h, w, p);
  }
  std::vector<Tensor> vmap(const std::vector<Tensor>& xs, const detail::BatchDims& dims, int64_t size) const {
    if (!dims[1]) return fold_batch(*this, xs, dims, size);
    Tensor dx = apply(Conv2dInputGrad{times_groups(p, size), h, w}, into_channels(xs[0], dims[0], size),
                      weights_stacked(xs[1], dims[1], size));
    return {out_of_channels(dx, size)};
  }
  // dL/dg = conv2d(R, w),  dL/dw = conv2d_weight_grad(R, g)
  std::array<Tensor, 2> vjp(const Tensor& grad, const Saved& s) const {
    return {s.needs_grad(0) ? conv(grad, s.input(1), {}, p) : Tensor{},
            s.needs_grad(1) ? weight_grad(grad, s.input(0), s.input_shape(1), p) : Tensor{}};
  }
  // d(dx) = conv2d_input_grad(dg, w) + conv2d_input_grad(g, dw)
  Tensor jvp(const Tensor& dg, const Tensor& dw, const Saved& s) const {
    Shape x_shape{s.input_shape(0)[0], s.input_shape(1)[1] * p.groups, h, w};
    return add_tangents(dg.defined() ? input_grad(dg, s.input(1), x_shape, p) : Tensor{},
                        dw.defined() ? input_grad(s.input(0), dw, x_shape, p) : Tensor{});
  }
};

// conv2d_weight_grad: dw = the adjoint of w -> conv2d(x, w) applied to g; linear in x and in g.
// <S, dw(x, g)> = <conv2d(x, S), g>
struct Conv2dWeightGrad {
  static constexpr const char* name = "Conv2dWeightGrad";
  static constexpr Save save = Save::inputs;
  Conv2dParams p;
  int64_t kh, kw;
  TensorData forward(const TensorData& x, const TensorData& g) const {
    return kernels::conv2d_weight_grad(x, g, kh, kw, p);
  }
  // vmap: per-example images and gradients give per-example weights, the examples as groups
  std::vector<Tensor> vmap(const std::vector<Tensor>& xs, const detail::BatchDims& dims, int64_t size) const {
    Tensor dw = apply(Conv2dWeightGrad{times_groups(p, size), kh, kw}, into_channels(xs[0], dims[0], size),
                      into_channels(xs[1], dims[1], size));  // [B O, C/G, kh, kw]
    Shape s = dw.shape();
    s[0] /= size;
    s.insert(s.begin(), size);
    return {dw.reshape(s)};
  }
  // dL/dx = conv2d_input_grad(g, S),  dL/dg = conv2d(x, S)
  std::array<Tensor, 2> vjp(const Tensor& grad, const Saved& s) const {
    return {s.needs_grad(0) ? input_grad(s.input(1), grad, s.input_shape(0), p) : Tensor{},
            s.needs_grad(1) ? conv(s.input(0), grad, {}, p) : Tensor{}};
  }
  // d(dw) = conv2d_weight_grad(dx, g) + conv2d_weight_grad(x, dg)
  Tensor jvp(const Tensor& dx, const Tensor& dg, const Saved& s) const {
    Shape w_shape{s.input_shape(1)[1], s.input_shape(0)[1] / p.groups, kh, kw};
    return add_tangents(dx.defined() ? weight_grad(dx, s.input(1), w_shape, p) : Tensor{},
                        dg.defined() ? weight_grad(s.input(0), dg, w_shape, p) : Tensor{});
  }
};

static Tensor conv(const Tensor& x, const Tensor& w, const Tensor& b, const Conv2dParams& p) {
  return apply_op(Conv2d{p}, {x, w, b})[0];
}
static Tensor input_grad(const Tensor& grad, const Tensor& w, const Shape& x_shape, const Conv2dParams& p) {
  return apply(Conv2dInputGrad{p, x_shape[2], x_shape[3]}, grad, w);
}
static Tensor weight_grad(const Tensor& x, const Tensor& grad, const Shape& w_shape, const Conv2dParams& p) {
  return apply(Conv2dWeightGrad{p, w_shape[2], w_shape[3]}, x, grad);
}

Padding::Mode Padding::parse(std::string_view name) {
  if (name == "same") return Mode::same;
  if (name == "valid") return Mode::valid;
  fail("Conv2d: padding must be a size, \"same\" or \"valid\", got \"", std::string(name), "\"");
}

static Conv2dParams params(const Conv2dOptions& o, const char* op) {
  check(o.padding.mode == Padding::Mode::sizes, op, ": takes padding as sizes, not \"same\"/\"valid\"");
  check(o.groups >= 1, op, ": groups must be >= 1, got ", o.groups);
  const Int2 pad = o.padding.sizes;
  return {{o.stride.h, o.stride.w}, {pad.h, pad.w}, {o.dilation.h, o.dilation.w}, o.groups};
}

static Tensor as(const Tensor& t, DType dtype) { return !t.defined() || t.dtype() == dtype ? t : t.to(dtype); }

static void check_float(const Tensor& t, const char* op, const char* what) {
  if (!t.defined()) return;  // no bias
  check(t.is_floating_point(), op, ": ", what, " of shape ", t.shape(),
        " is int64, but convolution needs float32 or float64; convert with .to(fluxion::Float32)");
}

// Padding as sizes: the op itself.
static Tensor conv2d_sized(const Tensor& x, const Tensor& w, const Tensor& bias, const Conv2dOptions& opts) {
  Conv2dParams p = params(opts, "conv2d");
  kernels::conv2d_shape(x.shape(), w.shape(), p);  // shape errors first
  check_float(x, "conv2d", "input");
  check_float(w, "conv2d", "weight");
  check_float(bias, "conv2d", "bias");
  DType t = promote(x.dtype(), w.dtype());
  if (bias.defined()) t = promote(t, bias.dtype());
  return conv(as(x, t), as(w, t), as(bias, t), p);
}

// "same" padding: asymmetric when the dilated kernel is even, the extra column on the
// right as PyTorch.
Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor& bias, const Conv2dOptions& opts) {
  if (x.dim() == 3) return conv2d(x.unsqueeze(0), w, bias, opts).squeeze(0);  // unbatched [C, H, W]
  check(x.dim() == 4 && w.dim() == 4, "conv2d: input ", x.shape(), " and weight ", w.shape(),
        " must be (N, C, H, W) and (O, C / groups, kh, kw)");
  const int64_t g = opts.groups;
  check(g >= 1 && x.size(1) % g == 0 && w.size(0) % g == 0 && w.size(1) * g == x.size(1), "conv2d: input ",
        x.shape(), " and weight ", w.shape(), " with groups = ", g,
        ": in_channels (", x.size(1), ") and out_channels (", w.size(0),
        ") must be divisible by groups, and the weight must be (out_channels, in_channels / groups, kh, kw)");
  Tensor xp = x;
  Conv2dOptions o{.stride = opts.stride, .padding = opts.padding.sizes, .dilation = opts.dilation, .groups = g};
  if (opts.padding.mode == Padding::Mode::valid) o.padding = 0;
  if (opts.padding.mode == Padding::Mode::same) {
    check(opts.stride.h == 1 && opts.stride.w == 1, "conv2d: padding=\"same\" needs stride 1, got stride ",
          opts.stride.h, "x", opts.stride.w);
    // total padding dilation (k - 1) per dim, split left = total / 2, right = the rest
    const int64_t th = opts.dilation.h * (w.size(2) - 1), tw = opts.dilation.w * (w.size(3) - 1);
    o.padding = Int2(th / 2, tw / 2);
    if (th % 2 || tw % 2) xp = pad(x, {0, tw % 2, 0, th % 2});
  }
  return conv2d_sized(xp, w, bias, o);
}

Tensor conv2d_input_grad(const Tensor& grad, const Tensor& w, const Shape& input_shape, const Conv2dOptions& opts) {
  check(input_shape.size() == 4 && grad.dim() == 4 && w.dim() == 4 && input_shape[0] == grad.size(0) &&
            input_shape[1] == w.size(1) * opts.groups,
        "conv2d_input_grad: input_shape ", input_shape, " must be [N, C, H, W] with N from grad ",
        grad.shape(), " and C from weight ", w.shape(), " times groups = ", opts.groups);
  check_float(grad, "conv2d_input_grad", "grad");
  check_float(w, "conv2d_input_grad", "weight");
  DType t = promote(grad.dtype(), w.dtype());
  return input_grad(as(grad, t), as(w, t), input_shape, params(opts, "conv2d_input_grad"));
}

Tensor conv2d_weight_grad(const Tensor& x, const Tensor& grad, const Shape& weight_shape, const Conv2dOptions& opts) {
  check(weight_shape.size() == 4 && grad.dim() == 4 && x.dim() == 4 && weight_shape[0] == grad.size(1) &&
            weight_shape[1] * opts.groups == x.size(1),
        "conv2d_weight_grad: weight_shape ", weight_shape, " must be [O, C / groups, kh, kw] with O from grad ",
        grad.shape(), " and C from input ", x.shape(), ", groups = ", opts.groups);
  check_float(x, "conv2d_weight_grad", "input");
  check_float(grad, "conv2d_weight_grad", "grad");
  DType t = promote(x.dtype(), grad.dtype());
  return weight_grad(as(x, t), as(grad, t), weight_shape, params(opts, "conv2d_weight_grad"));
}

}  // namespace fluxion
