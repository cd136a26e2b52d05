// SPDX-License-Identifier: MIT
// Views: ops that change shape, strides and offset but share storage
// (reshape, view, flatten, squeeze, unsqueeze, expand, transpose, permute).
// Their rules are the inverse view applied to the gradient or tangent.
// Slicing views (slice, select, narrow, diagonal) are in views.cpp.
#include <algorithm>

#include "autograd/apply.h"
#include "autograd/ops.h"
#include "tensor/kernels/copy.h"

namespace fluxion {

// Resolves one -1 in a requested shape and checks the element count.
static Shape infer_shape(Shape shape, int64_t n, const Shape& from, const char* op) {
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      check(infer < 0, op, ": only one dim can be -1 in ", shape);
      infer = (int64_t)i;
    } else {
      check(shape[i] >= 0, op, ": invalid size ", shape[i], " in ", shape);
      check(!__builtin_mul_overflow(known, shape[i], &known), op, ": shape ", shape, " has more than 2^63 elements");
    }
  }
  if (infer >= 0) {
    check(known != 0 && n % known == 0, op, ": shape ", shape, " is invalid for input of shape ",
          from);
    shape[infer] = n / known;
  }
  check(numel(shape) == n, op, ": shape ", shape, " is invalid for input of shape ", from,
        " (", numel(shape), " vs ", n, " elements)");
  return shape;
}

// The strides that show x's elements (in row-major order) with shape `shape`
// without copying, or nothing when no such strides exist (PyTorch's
// computeStride). Dims of x that are laid out back to back form "chunks"; a
// chunk can be split or merged freely, but a new dim may not straddle two.
static std::optional<Shape> view_strides(const TensorData& x, const Shape& shape) {
  if (x.dim() == 0 || x.numel() == 0) return contiguous_strides(shape);
  Shape strides(shape.size());
  int64_t view_d = (int64_t)shape.size() - 1, chunk_stride = x.strides.back(), x_numel = 1, view_numel = 1;
  for (int64_t d = x.dim() - 1; d >= 0; --d) {
    x_numel *= x.shape[d];
    bool chunk_ends = d == 0 || (x.shape[d - 1] != 1 && x.strides[d - 1] != x_numel * chunk_stride);
    if (!chunk_ends) continue;
    while (view_d >= 0 && (view_numel < x_numel || shape[view_d] == 1)) {
      strides[view_d] = view_numel * chunk_stride;
      view_numel *= shape[view_d--];
    }
    if (view_numel != x_numel) return std::nullopt;
    if (d > 0) {
      chunk_stride = x.strides[d - 1];
      x_numel = view_numel = 1;
    }
  }
  if (view_d != -1) return std::nullopt;
  return strides;
}

// reshape: same elements in row-major order, new shape. A view when the
// strides allow it (always for contiguous x), else a copy.   rules: reshape back
struct Reshape {
  static constexpr const char* name = "Reshape";
  static constexpr bool moves = true;  // each output element copies one input element (jit/trace_unroll.cpp)
  static constexpr Save save = Save::nothing;
  Shape shape;
  // vmap: the same op on the batch in front: dims shifted by one, shapes prefixed by B (batching.h)
  Reshape batched(const batching::BatchFront& b) const { return {b.shape(shape)}; }
  TensorData forward(const TensorData& x) const {
    if (std::optional<Shape> strides = view_strides(x, shape)) return x.as_strided(shape, *strides, x.offset);
    TensorData c = kernels::clone(x);
    return c.as_strided(shape, contiguous_strides(shape), c.offset);
  }
  Tensor vjp(const Tensor& grad, const Saved& s) const { return grad.reshape(s.input_shape(0)); }
  Tensor jvp(const Tensor& dx, const Saved&) const { return dx.reshape(shape); }
};

// expand: broadcast size-1 dims (and new leading dims) with stride 0.
// rules: vjp sums the broadcast dims back (sum_to), jvp expands the tangent
struct Expand {
  static constexpr const char* name = "Expand";
  static constexpr Save save = Save::nothing;
  Shape shape;
  TensorData forward(const TensorData& x) const {
    Shape strides(shape.size(), 0);
    size_t lead = shape.size() - x.shape.size();
    for (size_t i = 0; i < x.shape.size(); ++i) strides[lead + i] = x.shape[i] == 1 ? 0 : x.strides[i];
    return x.as_strided(shape, strides, x.offset);
  }
  Tensor vjp(const Tensor& grad, const Saved& s) const { return sum_to(grad, s.input_shape(0)); }
  Tensor jvp(const Tensor& dx, const Saved&) const { return dx.expand(shape); }
  // vmap: x [B, *x] gets size-1 dims after B up to the new rank (expand's new
  // dims are leading ones of each example), then expands to [B, *shape].
  std::vector<Tensor> vmap(const std::vector<Tensor>& xs, const std::vector<std::optional<int64_t>>& dims,
                           int64_t size) const {
    Tensor x = batching::pad_rank(batching::to_front(xs[0], dims[0], size), xs[0].dim() - 1, (int64_t)shape.size());
    return {x.expand(batching::BatchFront{.size = size, .rank = 0}.shape(shape))};
  }
};

// transpose: swap two dims.   rules: swap them back
struct Transpose {
  static constexpr const char* name = "Transpose";
  static constexpr Save save = Save::nothing;
  int64_t d0, d1;
  // vmap: the same op on the batch in front: dims shifted by one, shapes prefixed by B (batching.h)
  Transpose batched(const batching::BatchFront& b) const { return {b.dim(d0), b.dim(d1)}; }
  TensorData forward(const TensorData& x) const {
    Shape shape = x.shape, strides = x.strides;
    std::swap(shape[d0], shape[d1]);
    std::swap(strides[d0], strides[d1]);
    return x.as_strided(shape, strides, x.offset);
  }
  Tensor vjp(const Tensor& grad, const Saved&) const { return grad.transpose(d0, d1); }
  Tensor jvp(const Tensor& dx, const Saved&) const { return dx.transpose(d0, d1); }
};

Tensor reshape(const Tensor& x, Shape shape) {
  shape = infer_shape(std::move(shape), x.numel(), x.shape(), "reshape");
  if (shape == x.shape()) return x;
  return apply(Reshape{std::move(shape)}, x);
}

Tensor expand(const Tensor& x, Shape shape) {
  check(shape.size() >= x.shape().size(), "expand: cannot expand shape ", x.shape(), " to ",
        shape, " (fewer dims)");
  size_t lead = shape.size() - x.shape().size();
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i >= lead && shape[i] == -1) shape[i] = x.shape()[i - lead];
    int64_t have = i < lead ? 1 : x.shape()[i - lead];
    check(have == shape[i] || (have == 1 && shape[i] >= 0), "expand: cannot expand shape ", x.shape(),
          " to ", shape, " (dim ", i, " has size ", have, "; only size-1 dims can grow)");
  }
  if (shape == x.shape()) return x;
  numel(shape);  // an error when the count overflows: every later loop over it would
  return apply(Expand{std::move(shape)}, x);
}

// permute: y.shape[i] = x.shape[dims[i]].   rules: vjp permutes back, jvp permutes the tangent
struct Permute {
  static constexpr const char* name = "Permute";
  static constexpr Save save = Save::nothing;
  std::vector<int64_t> dims;
  // vmap: the same op on the batch in front: dims shifted by one, shapes prefixed by B (batching.h)
  Permute batched(const batching::BatchFront& b) const {
    std::vector<int64_t> front{0};
    for (int64_t d : dims) front.push_back(b.dim(d));
    return {front};
  }
  TensorData forward(const TensorData& x) const {
    Shape shape(dims.size()), strides(dims.size());
    for (size_t i = 0; i < dims.size(); ++i) {
      shape[i] = x.shape[dims[i]];
      strides[i] = x.strides[dims[i]];
    }
    return x.as_strided(shape, strides, x.offset);
  }
  Tensor vjp(const Tensor& grad, const Saved&) const {
    std::vector<int64_t> inverse(dims.size());
    for (size_t i = 0; i < dims.size(); ++i) inverse[dims[i]] = (int64_t)i;
    return grad.permute(inverse);
  }
  Tensor jvp(const Tensor& dx, const Saved&) const { return dx.permute(dims); }
};

Tensor broadcast_to(const Tensor& x, const Shape& shape) { return expand(x, shape); }

Tensor transpose(const Tensor& x, int64_t d0, int64_t d1) {
  d0 = wrap_dim(d0, x.dim(), "transpose");
  d1 = wrap_dim(d1, x.dim(), "transpose");
  if (d0 == d1 || x.dim() < 2) return x;
  return apply(Transpose{d0, d1}, x);
}

Tensor unsqueeze(const Tensor& x, int64_t dim) {
  dim = wrap_dim(dim, x.dim() + 1, "unsqueeze");
  Shape shape = x.shape();
  shape.insert(shape.begin() + dim, 1);
  return reshape(x, shape);
}

Tensor permute(const Tensor& x, std::vector<int64_t> dims) {
  check((int64_t)dims.size() == x.dim(), "permute: got ", dims.size(), " dims for a tensor of shape ",
        x.shape(), "; give each of its ", x.dim(), " dims once");
  std::vector<bool> seen(dims.size(), false);
  bool identity = true;
  for (size_t i = 0; i < dims.size(); ++i) {
    dims[i] = wrap_dim(dims[i], x.dim(), "permute");
    check(!seen[dims[i]], "permute: dim ", dims[i], " appears twice; give each dim once");
    seen[dims[i]] = true;
    identity = identity && dims[i] == (int64_t)i;
  }
  if (identity) return x;
  return apply(Permute{std::move(dims)}, x);
}

Tensor squeeze(const Tensor& x, std::optional<int64_t> dim) {
  Shape shape;
  int64_t d = dim ? wrap_dim(*dim, x.dim(), "squeeze") : -1;
  for (int64_t i = 0; i < x.dim(); ++i)
    if (x.shape()[i] != 1 || (dim && i != d)) shape.push_back(x.shape()[i]);
  return reshape(x, shape);
}

Tensor flatten(const Tensor& x, int64_t start_dim, int64_t end_dim) {
  if (x.dim() == 0) return reshape(x, {1});
  start_dim = wrap_dim(start_dim, x.dim(), "flatten");
  end_dim = wrap_dim(end_dim, x.dim(), "flatten");
  check(start_dim <= end_dim, "flatten: start_dim ", start_dim, " comes after end_dim ", end_dim);
  Shape shape(x.shape().begin(), x.shape().begin() + start_dim);
  int64_t n = 1;
  for (int64_t i = start_dim; i <= end_dim; ++i) n *= x.shape()[i];
  shape.push_back(n);
  shape.insert(shape.end(), x.shape().begin() + end_dim + 1, x.shape().end());
  return reshape(x, shape);
}

Tensor Tensor::reshape(Shape shape) const { return fluxion::reshape(*this, std::move(shape)); }
Tensor Tensor::view(Shape shape) const {
  shape = infer_shape(std::move(shape), numel(), this->shape(), "view");
  // Under vmap (a batched tensor: its values are the batch's, not its own)
  // the batching rule of reshape views the batch where it can, copies where not.
  check(impl()->batched || view_strides(tensor_data(), shape).has_value(), "view: tensor of shape ", this->shape(),
        " with strides ", strides(), " cannot be viewed as ", shape,
        " without copying; use reshape() (which copies) or contiguous() first");
  return fluxion::reshape(*this, std::move(shape));
}
Tensor Tensor::permute(std::vector<int64_t> dims) const { return fluxion::permute(*this, std::move(dims)); }
Tensor Tensor::squeeze(std::optional<int64_t> dim) const { return fluxion::squeeze(*this, dim); }
Tensor Tensor::flatten(int64_t start_dim, int64_t end_dim) const { return fluxion::flatten(*this, start_dim, end_dim); }
Tensor Tensor::expand(Shape shape) const { return fluxion::expand(*this, std::move(shape)); }
Tensor Tensor::expand_as(const Tensor& other) const { return fluxion::expand(*this, other.shape()); }
Tensor Tensor::transpose(int64_t d0, int64_t d1) const { return fluxion::transpose(*this, d0, d1); }
Tensor Tensor::t() const {
  check(dim() <= 2, "t: expects a tensor with at most 2 dims, got shape ", shape(),
        "; use transpose(d0, d1) or mT");
  return dim() < 2 ? *this : fluxion::transpose(*this, 0, 1);
}
Tensor Tensor::unsqueeze(int64_t dim) const { return fluxion::unsqueeze(*this, dim); }

}  // namespace fluxion
