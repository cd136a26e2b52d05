// SPDX-License-Identifier: MIT
// Order reductions: amax/amin (and max()/min() over everything), max/min along
// a dim with their indices, argmax/argmin, and the truth reductions all/any.
// How the gradient treats ties follows PyTorch: amax and max() split it evenly
// among the tied elements; max(dim) sends all of it to the returned index.
#include "autograd/apply.h"
#include "autograd/ops.h"
#include "autograd/ops/reduction.h"
#include "tensor/kernels/reduce.h"

namespace fluxion {

// amax: y = max_i x_i over dims (amin: min).   dy/dx_i = [x_i == y] / #{k : x_k == y}
template <bool Max>
struct Extreme {
  static constexpr const char* name = Max ? "Amax" : "Amin";
  static constexpr Save save = Save::both;
  std::vector<int64_t> dims;
  bool keepdim;
  // vmap: the same op on the batch in front: dims shifted by one, shapes prefixed by B (batching.h)
  Extreme batched(const batching::BatchFront& b) const { return {b.reduce_dims(dims), keepdim}; }
  TensorData forward(const TensorData& x) const {
    return Max ? kernels::amax(x, dims, keepdim) : kernels::amin(x, dims, keepdim);
  }
  Tensor vjp(const Tensor& grad, const Saved& s) const {
    return keep_dims(grad, s.input_shape(0), dims, keepdim, name) * weights(s);
  }
  Tensor jvp(const Tensor& dx, const Saved& s) const { return (dx * weights(s)).sum(dims, keepdim); }
  // 1 / (number of ties) at the elements equal to the result, 0 elsewhere
  Tensor weights(const Saved& s) const {
    Tensor at_max =
        eq(s.input().detach(), keep_dims(s.output().detach(), s.input_shape(0), dims, keepdim, name)).to(s.input_dtype(0));
    return at_max / at_max.sum(dims, true);
  }
};

// max along dim (min: Max = false): values y and indices j.   dy/dx_k = [k == j]
template <bool Max>
struct ExtremeDim {
  static constexpr const char* name = Max ? "Max" : "Min";
  static constexpr Save save = Save::output;
  int64_t dim;
  bool keepdim;
  // vmap: the same op on the batch in front: dims shifted by one, shapes prefixed by B (batching.h)
  ExtremeDim batched(const batching::BatchFront& b) const { return {b.dim(dim), keepdim}; }
  std::vector<TensorData> forward(const std::vector<TensorData>& xs) const {
    auto [values, indices] = Max ? kernels::max_dim(xs[0], dim, keepdim) : kernels::min_dim(xs[0], dim, keepdim);
    return {values, indices};
  }
  std::vector<Tensor> vjp(const std::vector<Tensor>& grads, const Saved& s) const {
    return {keep_dims(grads[0], s.input_shape(0), {dim}, keepdim, name) * one_hot(s)};
  }
  std::vector<Tensor> jvp(const std::vector<Tensor>& dxs, const Saved& s) const {
    return {(dxs[0] * one_hot(s)).sum({dim}, keepdim), Tensor{}};
  }
  // 1 at the returned index along dim, 0 elsewhere, in the input's shape and dtype
  Tensor one_hot(const Saved& s) const {
    const Shape& shape = s.input_shape(0);
    Shape along(shape.size(), 1);
    along[dim] = shape[dim];
    Tensor positions = arange((double)shape[dim], Int64).reshape(along);
    Tensor index = keep_dims(s.output(1), shape, {dim}, keepdim, name);
    return eq(positions, index).to(s.input_dtype(0)).expand(shape);
  }
};

// argmax / argmin: int64 positions, no derivative.
template <bool Max>
struct ArgExtreme {
  static constexpr const char* name = Max ? "Argmax" : "Argmin";
  static constexpr bool differentiable = false;
  int64_t dim;
  bool keepdim;
  // vmap: the same op on the batch in front: dims shifted by one, shapes prefixed by B (batching.h)
  ArgExtreme batched(const batching::BatchFront& b) const { return {b.dim(dim), keepdim}; }
  TensorData forward(const TensorData& x) const {
    return (Max ? kernels::max_dim(x, dim, keepdim, name) : kernels::min_dim(x, dim, keepdim, name)).second;
  }
};

// all / any: bool truth values over dims, no derivative.
template <bool All>
struct Truth {
  static constexpr const char* name = All ? "All" : "Any";
  static constexpr bool differentiable = false;
  std::vector<int64_t> dims;
  bool keepdim = false;
  // vmap: the same op on the batch in front: dims shifted by one, shapes prefixed by B (batching.h)
  Truth batched(const batching::BatchFront& b) const { return {b.reduce_dims(dims), keepdim}; }
  TensorData forward(const TensorData& x) const {
    return All ? kernels::all(x, dims, keepdim) : kernels::any(x, dims, keepdim);
  }
};

template <bool Max>
static Tensor extreme(const Tensor& x, std::vector<int64_t> dims, bool keepdim) {
  reduction_dims(dims, x.dim(), Extreme<Max>::name);
  return apply(Extreme<Max>{std::move(dims), keepdim}, x);
}

// A 0-d x is reduced as the 1-element vector it holds.
template <bool Max>
static std::pair<Tensor, Tensor> extreme_dim(const Tensor& x, int64_t dim, bool keepdim) {
  int64_t d = wrap_dim(dim, x.dim(), ExtremeDim<Max>::name);
  std::vector<Tensor> ys = apply_op(ExtremeDim<Max>{d, x.dim() ? keepdim : false}, {x.dim() ? x : x.reshape({1})});
  return {ys[0], ys[1]};
}

template <bool Max>
static Tensor arg_extreme(const Tensor& x, std::optional<int64_t> dim, bool keepdim) {
  const char* op = ArgExtreme<Max>::name;
  if (dim && x.dim() > 0) return apply(ArgExtreme<Max>{wrap_dim(*dim, x.dim(), op), keepdim}, x);
  if (dim) wrap_dim(*dim, 0, op);
  Tensor i = apply(ArgExtreme<Max>{0, false}, x.reshape({-1}));  // the index into the flattened tensor
  return keepdim ? i.reshape(Shape(x.dim(), 1)) : i;
}

Tensor amax(const Tensor& x, std::vector<int64_t> dims, bool keepdim) { return extreme<true>(x, std::move(dims), keepdim); }
Tensor amin(const Tensor& x, std::vector<int64_t> dims, bool keepdim) { return extreme<false>(x, std::move(dims), keepdim); }
Tensor max(const Tensor& x) { return amax(x); }
Tensor min(const Tensor& x) { return amin(x); }
std::pair<Tensor, Tensor> max(const Tensor& x, int64_t dim, bool keepdim) { return extreme_dim<true>(x, dim, keepdim); }
std::pair<Tensor, Tensor> min(const Tensor& x, int64_t dim, bool keepdim) { return extreme_dim<false>(x, dim, keepdim); }
Tensor argmax(const Tensor& x, std::optional<int64_t> dim, bool keepdim) { return arg_extreme<true>(x, dim, keepdim); }
Tensor argmin(const Tensor& x, std::optional<int64_t> dim, bool keepdim) { return arg_extreme<false>(x, dim, keepdim); }
Tensor all(const Tensor& x, std::vector<int64_t> dims, bool keepdim) {
  reduction_dims(dims, x.dim(), "all");
  return apply(Truth<true>{std::move(dims), keepdim}, x);
}
Tensor any(const Tensor& x, std::vector<int64_t> dims, bool keepdim) {
  reduction_dims(dims, x.dim(), "any");
  return apply(Truth<false>{std::move(dims), keepdim}, x);
}

Tensor Tensor::amax(std::vector<int64_t> dims, bool keepdim) const { return fluxion::amax(*this, std::move(dims), keepdim); }
Tensor Tensor::amin(std::vector<int64_t> dims, bool keepdim) const { return fluxion::amin(*this, std::move(dims), keepdim); }
Tensor Tensor::max() const { return fluxion::max(*this); }
Tensor Tensor::min() const { return fluxion::min(*this); }
std::pair<Tensor, Tensor> Tensor::max(int64_t dim, bool keepdim) const { return fluxion::max(*this, dim, keepdim); }
std::pair<Tensor, Tensor> Tensor::min(int64_t dim, bool keepdim) const { return fluxion::min(*this, dim, keepdim); }
Tensor Tensor::argmax(std::optional<int64_t> dim, bool keepdim) const { return fluxion::argmax(*this, dim, keepdim); }
Tensor Tensor::argmin(std::optional<int64_t> dim, bool keepdim) const { return fluxion::argmin(*this, dim, keepdim); }
Tensor Tensor::all(std::vector<int64_t> dims, bool keepdim) const { return fluxion::all(*this, std::move(dims), keepdim); }
Tensor Tensor::any(std::vector<int64_t> dims, bool keepdim) const { return fluxion::any(*this, std::move(dims), keepdim); }

}  // namespace fluxion
