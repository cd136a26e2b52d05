// SPDX-License-Identifier: MIT
// Assignment by index: index_put (x[idx] = v, x[idx] += v), index_copy,
// index_add, index_fill, masked_fill, masked_scatter. Each finds the flat
// positions of x it writes and makes one flat write (indexing.h): = through
// IndexCopyFlat, the one primitive here, += through scatter_add.
#include "autograd/apply.h"
#include "autograd/ops/indexing.h"
#include "autograd/recorder.h"
#include "tensor/kernels/scatter.h"

namespace fluxion {

// index_copy_flat: y = x; y[pos[k]] = src[k] (x, src, pos 1-d; as a flat write, any shapes).
//   dy/dx = identity except at the written positions (0);  dy/dsrc[k] picks y[pos[k]]
// vjp: dx = grad with the written positions zeroed (an index_copy_flat of zeros),
//      dsrc = grad[pos];  jvp: dy = index_copy_flat(dx, pos, dsrc)
struct IndexCopyFlat {
  static constexpr const char* name = "IndexCopyFlat";
  static constexpr Save save = Save::nothing;
  Tensor pos;  // int64, in range
  int64_t n;   // x's numel
  TensorData forward(const TensorData& x, const TensorData& src) const {
    return kernels::index_copy_flat(x, pos.tensor_data(), src);
  }
  // vmap: one write into the batch flattened (x [B, n], src [B, k]), example
  // b's positions (its own, or the shared ones) shifted by b n
  IndexCopyFlat batched(const batching::BatchFront& b) const {
    return {batching::flat_positions(b.front(pos), 0, b.size, n), b.size * n};
  }
  std::array<Tensor, 2> vjp(const Tensor& grad, const Saved& s) const {
    return {s.needs_grad(0) ? index_copy_flat(grad, pos, zeros({pos.numel()}, grad.dtype())) : Tensor{},
            s.needs_grad(1) ? grad.reshape({-1}).index_select(0, pos).reshape(s.input_shape(1)) : Tensor{}};
  }
  Tensor jvp(const Tensor& dx, const Tensor& dsrc, const Saved& s) const {
    DType t = dx.defined() ? dx.dtype() : dsrc.dtype();
    return index_copy_flat(dx.defined() ? dx : zeros(s.input_shape(0), t), pos,
                           dsrc.defined() ? dsrc : zeros(s.input_shape(1), t));
  }
};

Tensor index_copy_flat(const Tensor& x, const Tensor& pos, const Tensor& src) {
  return apply(IndexCopyFlat{pos.detach(), x.numel()}, x, src.dtype() == x.dtype() ? src : src.to(x.dtype()));
}

Tensor write_at(const Tensor& x, const Tensor& pos, const Tensor& src, bool accumulate, const char* op) {
  bool ok = true;
  try {
    ok = broadcast_shapes(pos.shape(), src.shape(), op) == pos.shape();
  } catch (const Error&) {
    ok = false;
  }
  check(ok, op, ": values of shape ", src.shape(), " cannot be broadcast to the indexed shape ", pos.shape(),
        " (of a tensor of shape ", x.shape(), "); give values that shape or one that broadcasts to it");
  Tensor p = pos.reshape({-1});
  Tensor v = (src.dtype() == x.dtype() ? src : src.to(x.dtype())).expand(pos.shape()).reshape({-1});
  Tensor xf = x.reshape({-1});
  return (accumulate ? xf.scatter_add(0, p, v) : index_copy_flat(xf, p, v)).reshape(x.shape());
}

Tensor index_put(const Tensor& x, const std::vector<Index>& indices, const Tensor& values, bool accumulate) {
  check(values.defined(), "index_put: values is undefined");
  Tensor pos = positions_of(x.shape()).index(indices);
  return write_at(x, pos, values, accumulate, "index_put");
}

// The positions index_copy / index_add / index_fill write: x's positions with
// dim restricted to `index` (1-d), in src's layout.
static Tensor dim_positions(const Tensor& x, int64_t& dim, const Tensor& index, const char* op) {
  check(index.dim() <= 1, op, ": index must be 1-d, got shape ", index.shape());
  check(x.dim() > 0, op, ": cannot index a 0-d tensor along a dim");
  dim = wrap_dim(dim, x.dim(), op);
  return positions_of(x.shape()).index_select(dim, wrap_index(index, x.size(dim), op, dim).reshape({-1}));
}

static void check_source(const Tensor& pos, const Tensor& src, const Tensor& x, const char* op) {
  check(src.shape() == pos.shape() || (src.dim() == 0 && pos.numel() == 1), op, ": source of shape ", src.shape(),
        " does not match ", pos.shape(), " (x of shape ", x.shape(),
        " with the indexed dim the index's length); give source that shape");
}

Tensor index_copy(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  Tensor pos = dim_positions(x, dim, index, "index_copy");
  check_source(pos, src, x, "index_copy");
  return write_at(x, pos, src.reshape(pos.shape()), false, "index_copy");
}

Tensor index_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src, double alpha) {
  Tensor pos = dim_positions(x, dim, index, "index_add");
  check_source(pos, src, x, "index_add");
  Tensor v = src.reshape(pos.shape());
  return write_at(x, pos, alpha == 1 ? v : v * alpha, true, "index_add");
}

Tensor index_fill(const Tensor& x, int64_t dim, const Tensor& index, double value) {
  Tensor pos = dim_positions(x, dim, index, "index_fill");
  return write_at(x, pos, scalar(value, x.dtype()), false, "index_fill");
}

static void check_mask(const Tensor& x, const Tensor& mask, const char* op) {
  check(mask.dtype() == Bool, op, ": mask must be a Bool tensor, got ", dtype_name(mask.dtype()),
        "; make one with a comparison (x > 0) or .to(fluxion::Bool)");
  bool ok = true;
  try {
    ok = broadcast_shapes(x.shape(), mask.shape(), op) == x.shape();
  } catch (const Error&) {
    ok = false;
  }
  check(ok, op, ": mask of shape ", mask.shape(), " does not broadcast to the tensor's shape ", x.shape());
}

Tensor masked_fill(const Tensor& x, const Tensor& mask, double value) {
  check_mask(x, mask, "masked_fill");
  return where(mask, scalar_like(x, value).to(x.dtype()), x);
}

Tensor masked_fill(const Tensor& x, const Tensor& mask, const Tensor& value) {
  check_mask(x, mask, "masked_fill");
  check(value.dim() == 0, "masked_fill: value must be a 0-d tensor, got shape ", value.shape(),
        "; use where(mask, values, x) for a tensor of values");
  return where(mask, value.to(x.dtype()), x);
}

Tensor masked_scatter(const Tensor& x, const Tensor& mask, const Tensor& src) {
  check_mask(x, mask, "masked_scatter");
  check(src.dtype() == x.dtype(), "masked_scatter: src has dtype ", dtype_name(src.dtype()), " but the tensor has ",
        dtype_name(x.dtype()), "; convert src with .to(dtype)");
  autograd::on_read(mask.tensor_data(), "masked_scatter (the number of positions)");
  Tensor pos = positions_of(x.shape()).masked_select(mask.expand(x.shape()));
  check(src.numel() >= pos.numel(), "masked_scatter: the mask selects ", pos.numel(), " elements but src (shape ",
        src.shape(), ") has only ", src.numel());
  return write_at(x, pos, src.reshape({-1}).narrow(0, 0, pos.numel()), false, "masked_scatter");
}

Tensor Tensor::index_put(const std::vector<Index>& indices, const Tensor& values, bool accumulate) const {
  return fluxion::index_put(*this, indices, values, accumulate);
}
Tensor Tensor::index_copy(int64_t dim, const Tensor& index, const Tensor& src) const {
  return fluxion::index_copy(*this, dim, index, src);
}
Tensor Tensor::index_add(int64_t dim, const Tensor& index, const Tensor& src, double alpha) const {
  return fluxion::index_add(*this, dim, index, src, alpha);
}
Tensor Tensor::index_fill(int64_t dim, const Tensor& index, double value) const {
  return fluxion::index_fill(*this, dim, index, value);
}
Tensor Tensor::masked_fill(const Tensor& mask, double value) const { return fluxion::masked_fill(*this, mask, value); }
Tensor Tensor::masked_fill(const Tensor& mask, const Tensor& value) const {
  return fluxion::masked_fill(*this, mask, value);
}
Tensor Tensor::masked_scatter(const Tensor& mask, const Tensor& src) const {
  return fluxion::masked_scatter(*this, mask, src);
}

}  // namespace fluxion
