// SPDX-License-Identifier: MIT
// Slicing views that share storage: slice (x[a:b:c] along one dim), select
// (x[i]), narrow, diagonal, and the composites unbind,
// split, chunk. Lessons use them for stencils (u[1:-1] = ...),
// time steps (y[t]) and traces.
//
// A view's VJP puts the gradient back where the view came from, in zeros of
// the input's shape. That scatter is an op of its own (SliceBackward,
// DiagonalBackward) whose VJP is again the view, so double backward and
// forward-over-reverse work. A view's JVP is the same view of the tangent.
#include <algorithm>

#include "autograd/apply.h"
#include "autograd/ops.h"
#include "tensor/kernels/copy.h"
#include "tensor/kernels/index.h"

namespace fluxion {

static Tensor slice_exact(const Tensor& x, int64_t dim, int64_t start, int64_t length, int64_t step);
static Tensor slice_backward(const Tensor& grad, const Shape& shape, int64_t dim, int64_t start, int64_t step);
static Tensor diagonal_backward(const Tensor& grad, const Shape& shape, int64_t offset, int64_t d0, int64_t d1);

// slice: y = x[start : start + length*step : step] along dim.
// rules: vjp scatters grad into zeros (slice_backward), jvp slices the tangent
struct SliceView {
  static constexpr const char* name = "Slice";
  static constexpr Save save = Save::nothing;
  int64_t dim, start, length, step;
  // vmap: the same op on the batch in front: dims shifted by one, shapes prefixed by B (batching.h)
  SliceView batched(const batching::BatchFront& b) const { return {b.dim(dim), start, length, step}; }
  TensorData forward(const TensorData& x) const { return kernels::narrow_view(x, dim, start, length, step); }
  Tensor vjp(const Tensor& grad, const Saved& s) const {
    return slice_backward(grad, s.input_shape(0), dim, start, step);
  }
  Tensor jvp(const Tensor& dx, const Saved&) const { return slice_exact(dx, dim, start, length, step); }
};

// slice_backward: y = zeros(shape) with y[start::step] along dim = g.
// A linear map whose adjoint is the slice:   rules: vjp slices grad, jvp scatters dg
struct SliceBackward {
  static constexpr const char* name = "SliceBackward";
  static constexpr Save save = Save::nothing;
  Shape shape;
  int64_t dim, start, step;
  // The view of y that holds g (the rest of y is zeros); a recorder (recorder.h) may merge summed scatters.
  TensorData into(const TensorData& y, const TensorData& g) const {
    return kernels::narrow_view(y, dim, start, g.shape[dim], step);
  }
  // vmap: the same op on the batch in front: dims shifted by one, shapes prefixed by B (batching.h)
  SliceBackward batched(const batching::BatchFront& b) const { return {b.shape(shape), b.dim(dim), start, step}; }
  TensorData forward(const TensorData& g) const {
    TensorData y = kernels::full(shape, 0, g.dtype);
    kernels::copy_(into(y, g), g);
    return y;
  }
  Tensor vjp(const Tensor& grad, const Saved& s) const {
    return slice_exact(grad, dim, start, s.input_shape(0)[dim], step);
  }
  Tensor jvp(const Tensor& dg, const Saved&) const { return slice_backward(dg, shape, dim, start, step); }
};

// select: y = x[index] along dim (the dim disappears).
// rules: vjp scatters grad (with the dim put back) into zeros, jvp selects from the tangent
struct Select {
  static constexpr const char* name = "Select";
  static constexpr Save save = Save::nothing;
  int64_t dim, index;
  // vmap: the same op on the batch in front: dims shifted by one, shapes prefixed by B (batching.h)
  Select batched(const batching::BatchFront& b) const { return {b.dim(dim), index}; }
  TensorData forward(const TensorData& x) const {
    Shape shape = x.shape, strides = x.strides;
    shape.erase(shape.begin() + dim);
    strides.erase(strides.begin() + dim);
    return x.as_strided(shape, strides, x.offset + index * x.strides[dim]);
  }
  Tensor vjp(const Tensor& grad, const Saved& s) const {
    return slice_backward(grad.unsqueeze(dim), s.input_shape(0), dim, index, 1);
  }
  Tensor jvp(const Tensor& dx, const Saved&) const { return dx.select(dim, index); }
};

// The geometry of x.diagonal(offset, d0, d1): d0 and d1 removed, a last dim of
// the diagonal's length appended, stepping along both at once.
static TensorData diagonal_view(const TensorData& x, int64_t offset, int64_t d0, int64_t d1) {
  int64_t n0 = x.shape[d0], n1 = x.shape[d1];
  int64_t length = std::max<int64_t>(offset >= 0 ? std::min(n0, n1 - offset) : std::min(n0 + offset, n1), 0);
  int64_t start = length == 0 ? 0 : offset >= 0 ? offset * x.strides[d1] : -offset * x.strides[d0];
  Shape shape, strides;
  for (int64_t i = 0; i < x.dim(); ++i)
    if (i != d0 && i != d1) {
      shape.push_back(x.shape[i]);
      strides.push_back(x.strides[i]);
    }
  shape.push_back(length);
  strides.push_back(x.strides[d0] + x.strides[d1]);
  return x.as_strided(shape, strides, x.offset + start);
}

// diagonal: y[..., k] = x[..., k, k + offset, ...] (offset < 0: below the main diagonal).
// rules: vjp puts grad on the diagonal of zeros, jvp takes the tangent's diagonal
struct Diagonal {
  static constexpr const char* name = "Diagonal";
  static constexpr Save save = Save::nothing;
  int64_t offset, d0, d1;
  // vmap: the same op on the batch in front: dims shifted by one, shapes prefixed by B (batching.h)
  Diagonal batched(const batching::BatchFront& b) const { return {offset, b.dim(d0), b.dim(d1)}; }
  TensorData forward(const TensorData& x) const { return diagonal_view(x, offset, d0, d1); }
  Tensor vjp(const Tensor& grad, const Saved& s) const {
    return diagonal_backward(grad, s.input_shape(0), offset, d0, d1);
  }
  Tensor jvp(const Tensor& dx, const Saved&) const { return dx.diagonal(offset, d0, d1); }
};

// diagonal_backward: y = zeros(shape) with y.diagonal(offset, d0, d1) = g.
// rules: vjp takes grad's diagonal, jvp puts dg on the diagonal
struct DiagonalBackward {
  static constexpr const char* name = "DiagonalBackward";
  static constexpr Save save = Save::nothing;
  Shape shape;
  int64_t offset, d0, d1;
  // vmap: the same op on the batch in front: shape prefixed by B, dims (of
  // shape, wrapped by diagonal()) shifted by one (batching.h)
  DiagonalBackward batched(const batching::BatchFront& b) const { return {b.shape(shape), offset, d0 + 1, d1 + 1}; }
  // The view of y that holds g, as SliceBackward's.
  TensorData into(const TensorData& y, const TensorData&) const { return diagonal_view(y, offset, d0, d1); }
  TensorData forward(const TensorData& g) const {
    TensorData y = kernels::full(shape, 0, g.dtype);
    kernels::copy_(into(y, g), g);
    return y;
  }
  Tensor vjp(const Tensor& grad, const Saved&) const { return grad.diagonal(offset, d0, d1); }
  Tensor jvp(const Tensor& dg, const Saved&) const { return diagonal_backward(dg, shape, offset, d0, d1); }
};

static Tensor slice_exact(const Tensor& x, int64_t dim, int64_t start, int64_t length, int64_t step) {
  if (start == 0 && step == 1 && length == x.size(dim)) return x;
  return apply(SliceView{dim, start, length, step}, x);
}

static Tensor slice_backward(const Tensor& grad, const Shape& shape, int64_t dim, int64_t start, int64_t step) {
  if (grad.shape() == shape) return grad;  // the slice was everything
  return apply(SliceBackward{shape, dim, start, step}, grad);
}

static Tensor diagonal_backward(const Tensor& grad, const Shape& shape, int64_t offset, int64_t d0, int64_t d1) {
  return apply(DiagonalBackward{shape, offset, d0, d1}, grad);
}

// Python's rule for a slice bound: negative counts from the end, then clamp to [0, n].
static int64_t clamp_bound(std::optional<int64_t> bound, int64_t fallback, int64_t n) {
  if (!bound) return fallback;
  int64_t b = *bound < 0 ? *bound + n : *bound;
  return std::clamp<int64_t>(b, 0, n);
}

Tensor slice(const Tensor& x, int64_t dim, std::optional<int64_t> start, std::optional<int64_t> end, int64_t step) {
  check(x.dim() > 0, "slice: cannot slice a 0-d tensor; reshape it to 1-d first");
  dim = wrap_dim(dim, x.dim(), "slice");
  check(step > 0, "slice: step must be positive, got ", step, "; use flip(dims) to reverse");
  int64_t n = x.size(dim), b = clamp_bound(start, 0, n), e = clamp_bound(end, n, n);
  int64_t length = e > b ? (e - b - 1) / step + 1 : 0;           // ceil((e - b) / step) without overflow
  return slice_exact(x, dim, b, length, length > 1 ? step : 1);  // one element: no stride (step may be huge)
}

Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length) {
  check(x.dim() > 0, "narrow: cannot narrow a 0-d tensor");
  dim = wrap_dim(dim, x.dim(), "narrow");
  int64_t n = x.size(dim);
  check(start >= -n && start <= n, "narrow: start ", start, " is out of range for dim ", dim, " of size ", n);
  if (start < 0) start += n;
  check(length >= 0 && start + length <= n, "narrow: start ", start, " + length ", length,
        " exceeds dim ", dim, " of size ", n, " (shape ", x.shape(), ")");
  return slice_exact(x, dim, start, length, 1);
}

Tensor select(const Tensor& x, int64_t dim, int64_t index) {
  check(x.dim() > 0, "select: cannot index a 0-d tensor; use item() to read its value");
  dim = wrap_dim(dim, x.dim(), "select");
  int64_t n = x.size(dim);
  check(index >= -n && index < n, "select: index ", index, " is out of range for dim ", dim, " of size ", n,
        " (shape ", x.shape(), ")");
  return apply(Select{dim, index < 0 ? index + n : index}, x);
}

Tensor diagonal(const Tensor& x, int64_t offset, int64_t d0, int64_t d1) {
  check(x.dim() >= 2, "diagonal: expects at least 2 dims, got shape ", x.shape());
  d0 = wrap_dim(d0, x.dim(), "diagonal");
  d1 = wrap_dim(d1, x.dim(), "diagonal");
  check(d0 != d1, "diagonal: d0 and d1 are both dim ", d0, "; pick two different dims");
  return apply(Diagonal{offset, d0, d1}, x);
}

std::vector<Tensor> unbind(const Tensor& x, int64_t dim) {
  check(x.dim() > 0, "unbind: cannot unbind a 0-d tensor");
  dim = wrap_dim(dim, x.dim(), "unbind");
  std::vector<Tensor> parts;
  for (int64_t i = 0; i < x.size(dim); ++i) parts.push_back(select(x, dim, i));
  return parts;
}

std::vector<Tensor> split(const Tensor& x, int64_t split_size, int64_t dim) {
  check(x.dim() > 0, "split: cannot split a 0-d tensor");
  dim = wrap_dim(dim, x.dim(), "split");
  check(split_size > 0 || (split_size == 0 && x.size(dim) == 0), "split: split_size must be positive, got ",
        split_size);
  std::vector<Tensor> parts;
  for (int64_t at = 0; at < x.size(dim); at += split_size)
    parts.push_back(narrow(x, dim, at, std::min(split_size, x.size(dim) - at)));
  if (parts.empty()) parts.push_back(x);  // a size-0 dim splits into one empty piece, as in PyTorch
  return parts;
}

std::vector<Tensor> chunk(const Tensor& x, int64_t chunks, int64_t dim) {
  check(chunks > 0, "chunk: chunks must be positive, got ", chunks);
  check(x.dim() > 0, "chunk: cannot chunk a 0-d tensor");
  int64_t n = x.size(dim);
  return split(x, std::max<int64_t>((n + chunks - 1) / chunks, 1), dim);
}

Tensor Tensor::mT() const {
  check(dim() >= 2, "mT: expects a tensor with at least 2 dims, got shape ", shape());
  return fluxion::transpose(*this, -2, -1);
}
std::vector<Tensor> Tensor::unbind(int64_t dim) const { return fluxion::unbind(*this, dim); }
std::vector<Tensor> Tensor::split(int64_t split_size, int64_t dim) const {
  return fluxion::split(*this, split_size, dim);
}
std::vector<Tensor> Tensor::chunk(int64_t chunks, int64_t dim) const { return fluxion::chunk(*this, chunks, dim); }

Tensor Tensor::slice(int64_t dim, std::optional<int64_t> start, std::optional<int64_t> end, int64_t step) const {
  return fluxion::slice(*this, dim, start, end, step);
}
Tensor Tensor::select(int64_t dim, int64_t index) const { return fluxion::select(*this, dim, index); }
Tensor Tensor::narrow(int64_t dim, int64_t start, int64_t length) const {
  return fluxion::narrow(*this, dim, start, length);
}
Tensor Tensor::diagonal(int64_t offset, int64_t d0, int64_t d1) const {
  return fluxion::diagonal(*this, offset, d0, d1);
}

}  // namespace fluxion
