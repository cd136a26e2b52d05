// SPDX-License-Identifier: MIT
// Views: ops that change shape, strides and offset but share storage.
// Their rules are the inverse view applied to the gradient or tangent.
#include "autograd/function.h"
#include "autograd/ops.h"
#include "tensor/kernels/copy.h"

namespace fluxion {

// Resolves one -1 in a requested shape and checks the element count.
static Shape infer_shape(Shape shape, int64_t n, const Shape& from, const char* op) {
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      check(infer < 0, op, ": only one dim can be -1 in ", to_string(shape));
      infer = (int64_t)i;
    } else {
      check(shape[i] >= 0, op, ": invalid size ", shape[i], " in ", to_string(shape));
      known *= shape[i];
    }
  }
  if (infer >= 0) {
    check(known != 0 && n % known == 0, op, ": shape ", to_string(shape), " is invalid for input of shape ",
          to_string(from));
    shape[infer] = n / known;
  }
  check(numel(shape) == n, op, ": shape ", to_string(shape), " is invalid for input of shape ", to_string(from),
        " (", numel(shape), " vs ", n, " elements)");
  return shape;
}

// reshape: same elements in row-major order, new shape. A view when x is
// contiguous, else a copy.   rules: reshape back
struct Reshape {
  static constexpr const char* name = "Reshape";
  static constexpr Save save = Save::nothing;
  Shape shape;
  TensorData forward(const TensorData& x) const {
    TensorData c = kernels::contiguous(x);
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
};

// transpose: swap two dims.   rules: swap them back
struct Transpose {
  static constexpr const char* name = "Transpose";
  static constexpr Save save = Save::nothing;
  int64_t d0, d1;
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
  check(shape.size() >= x.shape().size(), "expand: cannot expand shape ", to_string(x.shape()), " to ",
        to_string(shape), " (fewer dims)");
  size_t lead = shape.size() - x.shape().size();
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i >= lead && shape[i] == -1) shape[i] = x.shape()[i - lead];
    int64_t have = i < lead ? 1 : x.shape()[i - lead];
    check(have == shape[i] || (have == 1 && shape[i] >= 0), "expand: cannot expand shape ", to_string(x.shape()),
          " to ", to_string(shape), " (dim ", i, " has size ", have, "; only size-1 dims can grow)");
  }
  if (shape == x.shape()) return x;
  return apply(Expand{std::move(shape)}, x);
}

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

Tensor Tensor::reshape(Shape shape) const { return fluxion::reshape(*this, std::move(shape)); }
Tensor Tensor::view(Shape shape) const {
  check(is_contiguous(), "view: tensor of shape ", to_string(this->shape()), " with strides ", to_string(strides()),
        " is not contiguous, so it cannot be viewed as ", to_string(shape), "; use reshape() (which copies)");
  return fluxion::reshape(*this, std::move(shape));
}
Tensor Tensor::expand(Shape shape) const { return fluxion::expand(*this, std::move(shape)); }
Tensor Tensor::expand_as(const Tensor& other) const { return fluxion::expand(*this, other.shape()); }
Tensor Tensor::transpose(int64_t d0, int64_t d1) const { return fluxion::transpose(*this, d0, d1); }
Tensor Tensor::t() const {
  check(dim() <= 2, "t: expects a tensor with at most 2 dims, got shape ", to_string(shape()),
        "; use transpose(d0, d1) or mT");
  return dim() < 2 ? *this : fluxion::transpose(*this, 0, 1);
}
Tensor Tensor::unsqueeze(int64_t dim) const { return fluxion::unsqueeze(*this, dim); }

}  // namespace fluxion
