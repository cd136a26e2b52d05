// SPDX-License-Identifier: MIT
// Indexing by integer tensors: gather and scatter_add (the two primitives,
// each the other's adjoint), and the composites index_select and
// masked_select. Lessons use them for class scores (log p[label]) and masks.
#include "autograd/apply.h"
#include "autograd/ops.h"
#include "tensor/kernels/index.h"

namespace fluxion {

// gather: y[j] = x[j with j[dim] = index[j]].
// rules: vjp adds grad back at the gathered positions (scatter_add into zeros),
//        jvp gathers the tangent
struct Gather {
  static constexpr const char* name = "Gather";
  static constexpr Save save = Save::nothing;
  int64_t dim;
  Tensor index;  // int64, never requires grad
  // vmap: x [B, *x] gathered along dim + 1 with index [B, *index]: each
  // example's own, or the one index expanded (a view, no copy).
  Gather batched(const batching::BatchFront& b) const { return {b.dim(dim), b.front(index)}; }
  TensorData forward(const TensorData& x) const { return kernels::gather(x, dim, index.tensor_data()); }
  Tensor vjp(const Tensor& grad, const Saved& s) const {
    return zeros(s.input_shape(0), grad.dtype()).scatter_add(dim, index, grad);
  }
  Tensor jvp(const Tensor& dx, const Saved&) const { return dx.gather(dim, index); }
};

// The part of src beyond index's extent is not used; its gradient is zero.
static Tensor pad_to(const Tensor& g, const Shape& shape) {
  std::vector<int64_t> pads;
  for (int64_t d = g.dim() - 1; d >= 0; --d) pads.insert(pads.end(), {0, shape[d] - g.size(d)});
  return g.shape() == shape ? g : pad(g, pads);
}

// scatter_add: y = x, then y[j with j[dim] = index[j]] += src[j].
// dy/dx = identity; dy/dsrc picks grad at the scattered positions (gather),
// zero where src reaches beyond index.
struct ScatterAdd {
  static constexpr const char* name = "ScatterAdd";
  static constexpr Save save = Save::nothing;
  int64_t dim;
  Tensor index;
  // vmap: x [B, *x] and src [B, *src] scattered along dim + 1 with index [B, *index].
  ScatterAdd batched(const batching::BatchFront& b) const { return {b.dim(dim), b.front(index)}; }
  TensorData forward(const TensorData& x, const TensorData& src) const {
    return kernels::scatter_add(x, dim, index.tensor_data(), src);
  }
  std::array<Tensor, 2> vjp(const Tensor& grad, const Saved& s) const {
    return {grad, s.needs_grad(1) ? pad_to(grad.gather(dim, index), s.input_shape(1)) : Tensor{}};
  }
  Tensor jvp(const Tensor& dx, const Tensor& dsrc, const Saved& s) const {
    if (!dsrc.defined()) return dx;
    return (dx.defined() ? dx : zeros(s.input_shape(0), dsrc.dtype())).scatter_add(dim, index, dsrc);
  }
};

// Int64 index tensors are used as they are; Int32 ones are converted (as PyTorch accepts both).
static Tensor index_tensor(const Tensor& index, const char* op) {
  if (index.defined() && index.dtype() == Int32) return index.to(Int64);
  check(index.defined() && index.dtype() == Int64, op, ": index must be an int64 or int32 tensor, got ",
        index.defined() ? dtype_name(index.dtype()) : "an undefined tensor",
        "; build it with fluxion::tensor(std::vector<int64_t>{...}, shape) or .to(fluxion::Int64)");
  return index;
}

// The checks PyTorch makes: same number of dims, and index no larger than
// `other` in any dim except `dim` (`also_dim`: in every dim, for src).
static void check_index_shape(const Tensor& index, const Tensor& other, int64_t dim, bool also_dim, const char* op,
                              const char* what) {
  check(index.dim() == other.dim(), op, ": index of shape ", index.shape(), " and ", what, " of shape ",
        other.shape(), " must have the same number of dims");
  for (int64_t d = 0; d < index.dim(); ++d)
    check((d == dim && !also_dim) || index.size(d) <= other.size(d), op, ": index of shape ",
          index.shape(), " is larger than ", what, " of shape ", other.shape(), " in dim ", d);
}

Tensor gather(const Tensor& x, int64_t dim, const Tensor& index_in) {
  Tensor index = index_tensor(index_in, "gather");
  dim = wrap_dim(dim, x.dim(), "gather");
  check_index_shape(index, x, dim, false, "gather", "input");
  return apply(Gather{dim, index.detach()}, x);
}

Tensor scatter_add(const Tensor& x, int64_t dim, const Tensor& index_in, const Tensor& src) {
  Tensor index = index_tensor(index_in, "scatter_add");
  dim = wrap_dim(dim, x.dim(), "scatter_add");
  check(x.dtype() == src.dtype(), "scatter_add: self has dtype ", dtype_name(x.dtype()), " but src has ",
        dtype_name(src.dtype()), "; convert src with .to(self.dtype())");
  check_index_shape(index, x, dim, false, "scatter_add", "self");
  check_index_shape(index, src, dim, true, "scatter_add", "src");
  return apply(ScatterAdd{dim, index.detach()}, x, src);
}

// index_select = gather with the 1-d index laid along dim and broadcast over the other dims
Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index_in) {
  Tensor index = index_tensor(index_in, "index_select");
  check(x.dim() > 0, "index_select: cannot index a 0-d tensor");
  check(index.dim() <= 1, "index_select: index must be 1-d, got shape ", index.shape());
  dim = wrap_dim(dim, x.dim(), "index_select");
  kernels::check_indices(index.tensor_data(), x.size(dim), "index_select", dim);
  Shape along(x.dim(), 1), shape = x.shape();
  along[dim] = shape[dim] = index.numel();
  return gather(x, dim, index.reshape(along).expand(shape));
}

// masked_select = the flattened broadcast x at the positions where mask is nonzero
Tensor masked_select(const Tensor& x, const Tensor& mask) {
  Shape shape = broadcast_shapes(x.shape(), mask.shape(), "masked_select");
  autograd::on_read(mask.tensor_data(), "masked_select (its output's size)");
  Tensor positions(kernels::nonzero_flat(mask.expand(shape).tensor_data()));
  return x.expand(shape).reshape({-1}).index_select(0, positions);
}

Tensor Tensor::index_select(int64_t dim, const Tensor& index) const { return fluxion::index_select(*this, dim, index); }
Tensor Tensor::gather(int64_t dim, const Tensor& index) const { return fluxion::gather(*this, dim, index); }
Tensor Tensor::scatter_add(int64_t dim, const Tensor& index, const Tensor& src) const {
  return fluxion::scatter_add(*this, dim, index, src);
}
Tensor Tensor::masked_select(const Tensor& mask) const { return fluxion::masked_select(*this, mask); }

}  // namespace fluxion
