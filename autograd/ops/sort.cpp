// SPDX-License-Identifier: MIT
// Sorting and selection: sort, argsort, topk, kthvalue, median / nanmedian,
// mode, cummax / cummin, unique, searchsorted, bucketize; and the scans
// cumprod and logcumsumexp. Each selection finds int64 positions with a
// kernel (an op without derivative, so a trace replays it on new inputs) and
// gathers the values along dim (Picked, below): the values' gradient flows to
// the selected positions; the indices are constants to autograd.
#include "tensor/kernels/sort.h"

#include "autograd/apply.h"
#include "autograd/ops.h"
#include "autograd/ops/scan.h"
#include "autograd/ops_math.h"
#include "tensor/kernels/copy.h"
#include "tensor/kernels/index.h"
#include "tensor/kernels/reduce.h"

namespace fluxion {

// The positions a kernel picks along the last dim. Not differentiable.
struct OrderIndices {
  static constexpr const char* name = "OrderIndices";
  static constexpr bool differentiable = false;
  enum Kind { sort, sort_descending, cummax, cummin, median, nanmedian, mode } kind;
  // vmap: the kernels work along the last dim, so a batch in front runs as it is
  OrderIndices batched(const batching::BatchFront&) const { return *this; }
  TensorData forward(const TensorData& x) const {
    switch (kind) {
      case sort:
        return kernels::sort_indices(x, false);
      case sort_descending:
        return kernels::sort_indices(x, true);
      case cummax:
        return kernels::cumextreme_indices(x, true);
      case cummin:
        return kernels::cumextreme_indices(x, false);
      case median:
        return kernels::median_indices(x, false);
      case nanmedian:
        return kernels::median_indices(x, true);
      default:
        return kernels::mode_indices(x);
    }
  }
};

// Picked: y = x gathered at int64 positions i along dim (i an input like x,
// not a member, so a trace replays it with the positions of new inputs).
//   vjp: grad scattered back into zeros of x's shape (Unpicked); jvp: dx picked
struct Picked {
  static constexpr const char* name = "Picked";
  static constexpr Save save = Save::inputs;
  int64_t dim;
  // vmap: the same op on the batch in front: dims shifted by one (batching.h)
  Picked batched(const batching::BatchFront& b) const { return {b.dim(dim)}; }
  TensorData forward(const TensorData& x, const TensorData& i) const { return kernels::gather(x, dim, i); }
  std::array<Tensor, 2> vjp(const Tensor& grad, const Saved& s) const;
  Tensor jvp(const Tensor& dx, const Tensor&, const Saved& s) const;
};
// Unpicked: y = zeros of `shape` with g added at positions i along dim (the adjoint of Picked).
//   vjp: grad picked at i; jvp: dg unpicked
struct Unpicked {
  static constexpr const char* name = "Unpicked";
  static constexpr Save save = Save::inputs;
  int64_t dim;
  Shape shape;
  // vmap: the same op on the batch in front: dim shifted by one, shape prefixed by B (batching.h)
  Unpicked batched(const batching::BatchFront& b) const { return {b.dim(dim), b.shape(shape)}; }
  TensorData forward(const TensorData& g, const TensorData& i) const {
    return kernels::scatter_add(kernels::full(shape, 0, g.dtype), dim, i, g);
  }
  std::array<Tensor, 2> vjp(const Tensor& grad, const Saved& s) const {
    return {apply(Picked{dim}, grad, s.input(1)), Tensor{}};
  }
  Tensor jvp(const Tensor& dg, const Tensor&, const Saved& s) const {
    return apply(Unpicked{dim, shape}, dg, s.input(1));
  }
};
std::array<Tensor, 2> Picked::vjp(const Tensor& grad, const Saved& s) const {
  return {apply(Unpicked{dim, s.input_shape(0)}, grad, s.input(1)), Tensor{}};
}
Tensor Picked::jvp(const Tensor& dx, const Tensor&, const Saved& s) const { return apply(Picked{dim}, dx, s.input(1)); }

static Tensor pick(const Tensor& x, int64_t dim, const Tensor& i) { return apply(Picked{dim}, x, i); }

// Positions along dim d of x (a 0-d x as one element): kind runs on dim d moved last.
// Reductions (median, mode) return [.., 1 at d, ..]; the others x's shape.
static Tensor indices_along(const Tensor& x, int64_t d, OrderIndices::Kind kind) {
  Tensor last = movedim(x.detach(), d, -1);
  Tensor i = apply(OrderIndices{kind}, last);
  if (i.dim() < last.dim()) i = i.unsqueeze(-1);
  return movedim(i, -1, d);
}

static Tensor as_1d(const Tensor& x) { return x.dim() ? x : x.reshape({1}); }
static ValuesIndices squeezed(const Tensor& x, const Tensor& values, const Tensor& indices, int64_t d, bool keepdim) {
  if (x.dim() == 0) return {values.reshape({}), indices.reshape({})};
  if (keepdim) return {values, indices};
  return {values.squeeze(d), indices.squeeze(d)};
}

ValuesIndices sort(const Tensor& x, int64_t dim, bool descending, bool /*stable: always*/) {
  Tensor v = as_1d(x);
  int64_t d = wrap_dim(dim, v.dim(), "sort");
  Tensor i = indices_along(v, d, descending ? OrderIndices::sort_descending : OrderIndices::sort);
  return squeezed(x, pick(v, d, i), i, d, true);
}
Tensor argsort(const Tensor& x, int64_t dim, bool descending, bool stable) {
  return sort(x, dim, descending, stable).indices;
}
Tensor msort(const Tensor& x) { return sort(x, 0).values; }

ValuesIndices topk(const Tensor& x, int64_t k, int64_t dim, bool largest, bool /*sorted: always*/) {
  Tensor v = as_1d(x);
  int64_t d = wrap_dim(dim, v.dim(), "topk");
  check(k >= 0 && k <= v.shape()[d], "topk: k = ", k, " is out of range for dim ", d, " of shape ", x.shape(),
        "; need 0 <= k <= ", v.shape()[d]);
  Tensor i = indices_along(v, d, largest ? OrderIndices::sort_descending : OrderIndices::sort).narrow(d, 0, k);
  return squeezed(x, pick(v, d, i), i, d, true);
}

ValuesIndices kthvalue(const Tensor& x, int64_t k, int64_t dim, bool keepdim) {
  Tensor v = as_1d(x);
  int64_t d = wrap_dim(dim, v.dim(), "kthvalue");
  check(k >= 1 && k <= v.shape()[d], "kthvalue: k = ", k, " is out of range for dim ", d, " of shape ", x.shape(),
        "; need 1 <= k <= ", v.shape()[d]);
  Tensor i = indices_along(v, d, OrderIndices::sort).narrow(d, k - 1, 1);
  return squeezed(x, pick(v, d, i), i, d, keepdim);
}

static ValuesIndices select_one(const Tensor& x, int64_t dim, bool keepdim, OrderIndices::Kind kind, const char* op) {
  Tensor v = as_1d(x);
  int64_t d = wrap_dim(dim, v.dim(), op);
  Tensor i = indices_along(v, d, kind);
  return squeezed(x, pick(v, d, i), i, d, keepdim);
}
ValuesIndices median(const Tensor& x, int64_t dim, bool keepdim) {
  return select_one(x, dim, keepdim, OrderIndices::median, "median");
}
ValuesIndices nanmedian(const Tensor& x, int64_t dim, bool keepdim) {
  return select_one(x, dim, keepdim, OrderIndices::nanmedian, "nanmedian");
}
ValuesIndices mode(const Tensor& x, int64_t dim, bool keepdim) {
  return select_one(x, dim, keepdim, OrderIndices::mode, "mode");
}
Tensor median(const Tensor& x) { return median(x.reshape({-1}), 0).values; }
Tensor nanmedian(const Tensor& x) { return nanmedian(x.reshape({-1}), 0).values; }

ValuesIndices cummax(const Tensor& x, int64_t dim) { return select_one(x, dim, true, OrderIndices::cummax, "cummax"); }
ValuesIndices cummin(const Tensor& x, int64_t dim) { return select_one(x, dim, true, OrderIndices::cummin, "cummin"); }

// cumprod: y_i = prod_{k <= i} x_k along dim, one pass (kernels::cumprod).
//   dy_i/dx_k = prod_{l <= i, l != k} x_l = e_k x_{k+1}..x_i for k <= i, else 0,
// with e_k = prod_{l < k} x_l = y_{k-1} (y shifted up, 1 coming in). So, with
// L(x) the matrix of linear_scan (scan.h):
//   vjp: dx_k = e_k sum_{i >= k} grad_i x_{k+1}..x_i = e (L(x)^T grad)
//   jvp: dy_i = sum_{k <= i} x_{k+1}..x_i e_k dx_k  = L(x) (e dx)
// No division by x: exact at zeros, to every order (linear_scan's rules are
// scans again), with no branch on the values for a trace to miss.
struct Cumprod {
  static constexpr const char* name = "Cumprod";
  int64_t dim;
  // vmap: the same op on the batch in front: dims shifted by one (batching.h)
  Cumprod batched(const batching::BatchFront& b) const { return {b.dim(dim)}; }
  TensorData forward(const TensorData& x) const { return kernels::cumprod(x, dim); }
  Tensor vjp(const Tensor& grad, const Saved& s) const {
    return shift(s.output(), dim, true, 1) * linear_scan(s.input(), grad, dim, true);
  }
  Tensor jvp(const Tensor& dx, const Saved& s) const {
    return linear_scan(s.input(), shift(s.output(), dim, true, 1) * dx, dim, false);
  }
};

Tensor cumprod(const Tensor& x, int64_t dim) {
  Tensor v = as_1d(x);
  Tensor y = apply(Cumprod{wrap_dim(dim, v.dim(), "cumprod")}, v);
  return x.dim() ? y : y.reshape({});
}

// logcumsumexp: log(cumsum(e^x)) along dim, shifted by the (constant) max
// along dim so that no e^x overflows. Terms more than ~700 (float32: ~88)
// below the max underflow to 0.
Tensor logcumsumexp(const Tensor& x, int64_t dim) {
  Tensor v = as_1d(x);
  int64_t d = wrap_dim(dim, v.dim(), "logcumsumexp");
  if (v.numel() == 0) return x.clone();
  Tensor m = v.detach().amax({d}, true);
  m = where(isfinite(m), m, 0.0);
  Tensor y = (v - m).exp().cumsum(d).log() + m;
  return x.dim() ? y : y.reshape({});
}

// unique, searchsorted: integer answers about order, not differentiable.
struct Unique {
  static constexpr const char* name = "Unique";
  static constexpr bool data_dependent_shape = true;  // vmap: an error (batching.h)
  static constexpr bool differentiable = false;
  std::vector<TensorData> forward(const std::vector<TensorData>& xs) const {
    auto [values, inverse, counts] = kernels::unique(xs[0]);
    return {values, inverse, counts};
  }
};
struct UniqueRows {
  static constexpr const char* name = "UniqueRows";
  static constexpr bool data_dependent_shape = true;  // vmap: an error (batching.h)
  static constexpr bool differentiable = false;
  std::vector<TensorData> forward(const std::vector<TensorData>& xs) const {
    auto [first, inverse, counts] = kernels::unique_rows(xs[0]);
    return {first, inverse, counts};
  }
};
struct SearchSorted {
  static constexpr const char* name = "SearchSorted";
  static constexpr bool differentiable = false;
  bool right;
  TensorData forward(const TensorData& sorted, const TensorData& values) const {
    return kernels::searchsorted(sorted, values, right);
  }
};

// unique over dim: the distinct slices x.select(dim, i), sorted lexicographically
// (as rows of x moved to [n, rest]); inverse [n] and counts index those slices.
UniqueResult unique(const Tensor& x, bool /*sorted: always*/, bool return_inverse, bool return_counts,
                    std::optional<int64_t> dim) {
  if (!dim) {
    std::vector<Tensor> r = apply_op(Unique{}, {x.detach()});
    return {r[0], return_inverse ? r[1] : Tensor{}, return_counts ? r[2] : Tensor{}};
  }
  check(x.dim() > 0, "unique: dim ", *dim, " is out of range for a 0-d tensor; call unique without dim");
  int64_t d = wrap_dim(*dim, x.dim(), "unique"), n = x.size(d), rest = 1;
  for (int64_t k = 0; k < x.dim(); ++k)
    if (k != d) rest *= x.size(k);
  check(n == 0 || rest > 0, "unique: shape ", x.shape(), " has a size-0 dim other than dim ", d,
        ", so its slices are empty and cannot be compared; drop that dim or pick it as dim");
  std::vector<Tensor> r = apply_op(UniqueRows{}, {movedim(x.detach(), d, 0).reshape({n, rest})});
  return {x.detach().index_select(d, r[0]), return_inverse ? r[1] : Tensor{}, return_counts ? r[2] : Tensor{}};
}

Tensor searchsorted(const Tensor& sorted_sequence, const Tensor& values, bool right) {
  Tensor s = sorted_sequence.detach(), v = values.detach();
  if (s.dtype() != v.dtype()) {
    DType t = promote(s.dtype(), v.dtype());
    s = s.to(t), v = v.to(t);
  }
  return apply(SearchSorted{right}, s, v);
}
Tensor searchsorted(const Tensor& sorted_sequence, double value, bool right) {
  return searchsorted(sorted_sequence, scalar_like(sorted_sequence, value), right);
}
// bucketize: boundaries[i-1] < x <= boundaries[i] gives i (right: boundaries[i-1] <= x < boundaries[i])
Tensor bucketize(const Tensor& input, const Tensor& boundaries, bool right) {
  check(boundaries.dim() == 1, "bucketize: boundaries must be 1-d, got shape ", boundaries.shape());
  return searchsorted(boundaries, input, right);
}

}  // namespace fluxion
