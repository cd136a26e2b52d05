// SPDX-License-Identifier: MIT
// scatter (=, or torch.scatter's reduce "add" / "multiply") and scatter_reduce
// (sum, prod, mean, amax, amin). The positions of x that src[j] goes to are
// x's positions gathered by index, so every variant is a flat write (indexing.h)
// or, for prod / amax / amin, a flat kernel with differentiable rules.
#include "tensor/kernels/scatter.h"

#include <algorithm>

#include "autograd/apply.h"
#include "autograd/ops/indexing.h"
#include "autograd/ops/scan.h"
#include "tensor/kernels/copy.h"

namespace fluxion {

// The flat positions of x that scatter writes: y[j with j[dim] = index[j]],
// for j over index's shape; and src cut to index's shape, flattened.
struct Scattered {
  Tensor pos, src;
};
static Scattered scattered(const Tensor& x, int64_t& dim, const Tensor& index, const Tensor& src, const char* op) {
  dim = wrap_dim(dim, std::max<int64_t>(x.dim(), 1), op);
  check(index.dim() == std::max<int64_t>(x.dim(), 1) || (x.dim() == 0 && index.dim() <= 1), op, ": index of shape ",
        index.shape(), " must have as many dims as self (shape ", x.shape(), ")");
  for (int64_t d = 0; d < index.dim() && x.dim(); ++d)
    check(d == dim || index.size(d) <= x.size(d), op, ": index of shape ", index.shape(),
          " is larger than self of shape ", x.shape(), " in dim ", d, "; index may only be larger along dim ", dim);
  Tensor wrapped = wrap_index(index, x.dim() ? x.size(dim) : 1, op, dim);
  Tensor xpos = positions_of(x.shape());
  Tensor pos = x.dim() ? xpos.gather(dim, wrapped) : xpos.reshape({1}).gather(0, wrapped.reshape({-1}));
  Tensor s = src;
  if (src.dim() == index.dim()) {
    for (int64_t d = 0; d < index.dim(); ++d) {
      check(index.size(d) <= src.size(d), op, ": index of shape ", index.shape(), " is larger than src of shape ",
            src.shape(), " in dim ", d);
      s = s.narrow(d, 0, index.size(d));
    }
  } else {
    check(src.dim() == 0, op, ": src of shape ", src.shape(), " must have index's number of dims (index shape ",
          index.shape(), ") or be a 0-d tensor");
    s = src.expand(index.shape());
  }
  return {pos.reshape({-1}), s.reshape({-1})};
}

Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  Scattered w = scattered(x, dim, index, src, "scatter");
  return index_copy_flat(x.reshape({-1}), w.pos, w.src).reshape(x.shape());
}

Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, double value) {
  return scatter(x, dim, index, scalar(value, x.dtype()));
}

Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src, const std::string& reduce) {
  check(reduce == "add" || reduce == "multiply", "scatter: reduce must be \"add\" or \"multiply\", got \"", reduce,
        "\"; scatter_reduce has sum, prod, mean, amax and amin");
  return scatter_reduce(x, dim, index, src, reduce == "add" ? "sum" : "prod", true);
}

// ScatterProd: y_p = prod of the candidates c_k with pos_k = p (1 where there are none), y [n].
//   dy_p/dc_k = o_k = prod_{j != k, pos_j = p} c_j  (product_of_others, scan.h)
//   vjp: dc_k = grad_{pos_k} o_k;   jvp: dy_p = sum_{pos_k = p} o_k dc_k
// o is a product, never a quotient: exact at zeros, to every order, and with no
// branch on the values (a jit::trace replays it).
struct ScatterProd {
  static constexpr const char* name = "ScatterProd";
  static constexpr Save save = Save::inputs;
  int64_t n;
  TensorData forward(const TensorData& c, const TensorData& pos) const {
    return kernels::scatter_reduce_flat(kernels::full({n}, 1, c.dtype), pos, c, kernels::ScatterReduce::prod, true);
  }
  // vmap: one product over the batch flattened, example b's positions shifted by b n
  std::vector<Tensor> vmap(const std::vector<Tensor>& xs, const detail::BatchDims& dims, int64_t size) const {
    Tensor c = batching::to_front(xs[0], dims[0], size).reshape({-1});
    Tensor pos = batching::flat_positions(xs[1], dims[1], size, n);
    return {apply(ScatterProd{size * n}, c, pos).reshape({size, n})};
  }
  std::array<Tensor, 2> vjp(const Tensor& grad, const Saved& s) const {
    Tensor pos = s.input(1);
    return {grad.index_select(0, pos) * product_of_others(s.input(0), pos), Tensor{}};
  }
  Tensor jvp(const Tensor& dc, const Tensor&, const Saved& s) const {
    Tensor pos = s.input(1);
    return zeros({n}, dc.dtype()).index_add(0, pos, dc * product_of_others(s.input(0), pos));
  }
};

// The values of scatter_reduce's amax / amin: y = x (1-d), y[pos[k]] reduced
// with src[k] over k (starting from x's value when include_self). Values
// only: scatter_reduce writes the derivative around them.
struct ScatterExtreme {
  static constexpr const char* name = "ScatterExtreme";
  static constexpr bool differentiable = false;
  kernels::ScatterReduce kind;
  bool include_self;
  std::vector<TensorData> forward(const std::vector<TensorData>& xs) const {
    return {kernels::scatter_reduce_flat(xs[0], xs[1], xs[2], kind, include_self)};
  }
  // vmap: one reduction over the batch flattened, example b's positions shifted by b n
  std::vector<Tensor> vmap(const std::vector<Tensor>& xs, const detail::BatchDims& dims, int64_t size) const {
    Tensor x = batching::to_front(xs[0], dims[0], size);  // [B, n]
    Tensor pos = batching::flat_positions(xs[1], dims[1], size, x.size(1));
    Tensor src = batching::to_front(xs[2], dims[2], size).reshape({-1});
    return {apply_op(*this, {x.reshape({-1}), pos, src})[0].reshape(x.shape())};
  }
};

// The value each written position takes is the reduction of x there (when
// include_self) and the src values scattered to it. prod is ScatterProd over
// those candidates (differentiable to any order). The rules of amax and amin
// are written as y = value + (e - e.detach()): the value comes from the flat
// kernel, the derivative from e = the mean of the candidates equal to the
// result (ties share the gradient evenly, as PyTorch).
// Positions nothing is written to keep x (and its gradient).
Tensor scatter_reduce(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src, const std::string& reduce,
                      bool include_self) {
  const char* op = "scatter_reduce";
  check(reduce == "sum" || reduce == "prod" || reduce == "mean" || reduce == "amax" || reduce == "amin", op,
        ": reduce must be one of \"sum\", \"prod\", \"mean\", \"amax\", \"amin\", got \"", reduce, "\"");
  check(src.dtype() == x.dtype(), op, ": self has dtype ", dtype_name(x.dtype()), " but src has ",
        dtype_name(src.dtype()), "; convert src with .to(self.dtype())");
  Scattered w = scattered(x, dim, index, src, op);
  Tensor xf = x.reshape({-1});
  const int64_t n = xf.numel();
  // self's part: xf where it takes part, 0 at written positions when it does not
  Tensor base = include_self ? xf : index_copy_flat(xf, w.pos, zeros({w.pos.numel()}, x.dtype()));
  if (reduce == "sum") return base.scatter_add(0, w.pos, w.src).reshape(x.shape());
  Tensor ones_src = ones({w.pos.numel()}, x.dtype());
  Tensor hits = zeros({n}, x.dtype()).scatter_add(0, w.pos, ones_src);  // values written per position
  Tensor written = hits > 0.0;
  if (reduce == "mean") {
    Tensor count = include_self ? hits + 1.0 : hits.clamp(1.0, std::nullopt);
    return where(written, base.scatter_add(0, w.pos, w.src) / count, xf).reshape(x.shape());
  }
  if (reduce == "prod") {
    Tensor c = include_self ? cat({xf, w.src}) : w.src;
    Tensor pos = include_self ? cat({arange((double)n, Int64), w.pos}) : w.pos;
    return where(written, apply(ScatterProd{n}, c, pos), xf).reshape(x.shape());
  }
  kernels::ScatterReduce kind = reduce == "amax" ? kernels::ScatterReduce::amax : kernels::ScatterReduce::amin;
  Tensor value = apply_op(ScatterExtreme{kind, include_self}, {xf, w.pos, w.src})[0];
  Tensor at_src = value.index_select(0, w.pos);
  Tensor src_w = (w.src.detach() == at_src).to(x.dtype());
  Tensor self_w = include_self ? (xf.detach() == value).to(x.dtype()) * written.to(x.dtype()) : zeros({n}, x.dtype());
  Tensor ties = zeros({n}, x.dtype()).scatter_add(0, w.pos, src_w) + self_w;
  Tensor e = (zeros({n}, x.dtype()).scatter_add(0, w.pos, w.src * src_w) + xf * self_w) / ties.clamp(1.0, std::nullopt);
  Tensor y = where(written, value + (e - e.detach()), xf);
  return y.reshape(x.shape());
}

Tensor Tensor::scatter(int64_t dim, const Tensor& index, const Tensor& src) const {
  return fluxion::scatter(*this, dim, index, src);
}
Tensor Tensor::scatter(int64_t dim, const Tensor& index, double value) const {
  return fluxion::scatter(*this, dim, index, value);
}
Tensor Tensor::scatter(int64_t dim, const Tensor& index, const Tensor& src, const std::string& reduce) const {
  return fluxion::scatter(*this, dim, index, src, reduce);
}
Tensor Tensor::scatter_reduce(int64_t dim, const Tensor& index, const Tensor& src, const std::string& reduce,
                              bool include_self) const {
  return fluxion::scatter_reduce(*this, dim, index, src, reduce, include_self);
}

}  // namespace fluxion
