// SPDX-License-Identifier: MIT
// Sum-like reductions and the running sum. Primitives with rules: sum, sum_to,
// prod, logsumexp (promoted for stability), the 2-norm (for its gradient at 0)
// and cumsum. Composites: mean, var, std and the other p-norms.
// (max, min, arg*, all, any: minmax.cpp.)
#include "tensor/kernels/reduce.h"

#include <cmath>

#include "autograd/apply.h"
#include "autograd/ops.h"
#include "autograd/ops/reduction.h"
#include "autograd/ops/scan.h"
#include "tensor/kernels/copy.h"

namespace fluxion {

// sum: y = sum_i x_i over dims.   dy/dx_i = 1
struct Sum {
  static constexpr const char* name = "Sum";
  static constexpr Save save = Save::nothing;
  std::vector<int64_t> dims;
  bool keepdim;
  // vmap: the same op on the batch in front: dims shifted by one, shapes prefixed by B (batching.h)
  Sum batched(const batching::BatchFront& b) const { return {b.reduce_dims(dims), keepdim}; }
  TensorData forward(const TensorData& x) const { return kernels::sum(x, dims, keepdim); }
  // forward, written into y (contiguous, of the output's shape): jit's unrolled programs
  void forward_into(std::span<const TensorData* const> xs, const TensorData& y) const {
    kernels::sum_into(*xs[0], dims, keepdim, y);
  }
  Tensor vjp(const Tensor& grad, const Saved& s) const {
    return unreduce(grad, s.input_shape(0), dims, keepdim, "sum");
  }
  Tensor jvp(const Tensor& dx, const Saved&) const { return dx.sum(dims, keepdim); }
};

// sum_to: sums the broadcast dims of x so that the result has `shape`.
// The reverse of expand; the engine un-broadcasts every gradient with it.
struct SumTo {
  static constexpr const char* name = "SumTo";
  static constexpr Save save = Save::nothing;
  Shape shape;
  TensorData forward(const TensorData& x) const {
    std::vector<int64_t> dims;
    size_t lead = x.shape.size() - shape.size();
    for (size_t i = 0; i < x.shape.size(); ++i)
      if (i < lead || (shape[i - lead] == 1 && x.shape[i] != 1)) dims.push_back((int64_t)i);
    if (dims.empty()) return x;
    TensorData y = kernels::sum(x, dims, true);
    return y.as_strided(shape, contiguous_strides(shape), 0);
  }
  Tensor vjp(const Tensor& grad, const Saved& s) const { return grad.expand(s.input_shape(0)); }
  Tensor jvp(const Tensor& dx, const Saved&) const { return sum_to(dx, shape); }
  // vmap: x [B, *x] summed to [B, 1.., *shape] (the leading dims each example
  // sums away kept as 1, so B is never summed), then viewed as [B, *shape].
  std::vector<Tensor> vmap(const std::vector<Tensor>& xs, const std::vector<std::optional<int64_t>>& dims,
                           int64_t size) const {
    Tensor x = batching::to_front(xs[0], dims[0], size);
    batching::BatchFront b{.size = size, .rank = 0};
    Shape kept = b.shape(Shape((size_t)(x.dim() - 1 - (int64_t)shape.size()), 1));
    kept.insert(kept.end(), shape.begin(), shape.end());
    return {sum_to(x, kept).reshape(b.shape(shape))};
  }
};

// prod along one dim: y = prod_k x_k.   dy/dx_i = o_i = prod_{k != i} x_k
//   vjp: dx_i = grad o_i          jvp: dy = sum_i o_i dx_i
// o_i = e_i f_i with the exclusive products from either end, both linear_scan's
// (scan.h) recurrences along dim:
//   e_i = x_{i-1} e_{i-1}, e_0 = 1        = L(shift(x, up)) [1, 0, ..., 0]
//   f_i = x_{i+1} f_{i+1}, f_{n-1} = 1    = L(x)^T [0, ..., 0, 1]
// No division by x and no branch on its values: exact at zeros to every order,
// and a jit::trace replays the rule at any input.
struct Prod {
  static constexpr const char* name = "Prod";
  static constexpr Save save = Save::inputs;
  int64_t dim;
  bool keepdim;
  // vmap: the same op on the batch in front: dims shifted by one, shapes prefixed by B (batching.h)
  Prod batched(const batching::BatchFront& b) const { return {b.dim(dim), keepdim}; }
  TensorData forward(const TensorData& x) const { return kernels::prod(x, {dim}, keepdim); }
  Tensor vjp(const Tensor& grad, const Saved& s) const {
    return keep_dims(grad, s.input_shape(0), {dim}, keepdim, "prod") * others(s.input());
  }
  Tensor jvp(const Tensor& dx, const Saved& s) const { return (dx * others(s.input())).sum({dim}, keepdim); }

  Tensor others(const Tensor& x) const {
    if (x.size(dim) == 0) return x;
    Tensor zero = zeros_like(x);
    Tensor e = linear_scan(shift(x, dim, true, 0), shift(zero, dim, true, 1), dim, false);
    Tensor f = linear_scan(x, shift(zero, dim, false, 1), dim, true);
    return e * f;
  }
};

// logsumexp: y = log sum_i exp(x_i).   dy/dx_i = exp(x_i - y), the softmax
struct LogSumExp {
  static constexpr const char* name = "LogSumExp";
  static constexpr Save save = Save::both;
  std::vector<int64_t> dims;
  bool keepdim;
  // vmap: the same op on the batch in front: dims shifted by one, shapes prefixed by B (batching.h)
  LogSumExp batched(const batching::BatchFront& b) const { return {b.reduce_dims(dims), keepdim}; }
  TensorData forward(const TensorData& x) const { return kernels::logsumexp(x, dims, keepdim); }
  Tensor vjp(const Tensor& grad, const Saved& s) const {
    return keep_dims(grad, s.input_shape(0), dims, keepdim, "logsumexp") * softmax(s);
  }
  Tensor jvp(const Tensor& dx, const Saved& s) const { return (dx * softmax(s)).sum(dims, keepdim); }
  Tensor softmax(const Saved& s) const {
    return (s.input() - keep_dims(s.output(), s.input_shape(0), dims, keepdim, "logsumexp")).exp();
  }
};

// 2-norm: y = sqrt(sum_i x_i^2).   dy/dx_i = x_i / y, taken as 0 where y = 0
// (x = 0 there: the subgradient PyTorch picks, instead of 0/0 = NaN)
struct Norm2 {
  static constexpr const char* name = "Norm";
  static constexpr Save save = Save::both;
  std::vector<int64_t> dims;
  bool keepdim;
  // vmap: the same op on the batch in front: dims shifted by one, shapes prefixed by B (batching.h)
  Norm2 batched(const batching::BatchFront& b) const { return {b.reduce_dims(dims), keepdim}; }
  TensorData forward(const TensorData& x) const { return kernels::norm2(x, dims, keepdim); }
  Tensor vjp(const Tensor& grad, const Saved& s) const {
    Tensor y = keep_dims(s.output(), s.input_shape(0), dims, keepdim, "norm");
    return keep_dims(grad, s.input_shape(0), dims, keepdim, "norm") * s.input() / nonzero(y);
  }
  Tensor jvp(const Tensor& dx, const Saved& s) const {
    return (dx * s.input()).sum(dims, keepdim) / nonzero(s.output());
  }
  static Tensor nonzero(const Tensor& y) { return y + eq(y, 0.0); }  // y, with 1 where y = 0
};

// cumsum: y_i = sum_{k <= i} x_k.   dy_i/dx_k = [k <= i]
struct Cumsum {
  static constexpr const char* name = "Cumsum";
  static constexpr Save save = Save::nothing;
  int64_t dim;
  // vmap: the same op on the batch in front: dims shifted by one, shapes prefixed by B (batching.h)
  Cumsum batched(const batching::BatchFront& b) const { return {b.dim(dim)}; }
  TensorData forward(const TensorData& x) const { return kernels::cumsum(x, dim); }
  // dx_k = sum_{i >= k} grad_i, the cumsum from the other end
  Tensor vjp(const Tensor& grad, const Saved&) const { return grad.flip({dim}).cumsum(dim).flip({dim}); }
  Tensor jvp(const Tensor& dx, const Saved&) const { return dx.cumsum(dim); }
};

static void check_float(const Tensor& x, const char* op) {
  check(x.is_floating_point(), op, ": expected a floating tensor (float32 or float64), got int64 of shape ", x.shape(),
        "; convert with .to(fluxion::Float32)");
}

// The number of elements each output of a reduction over `dims` combines.
static int64_t count(const Tensor& x, const std::vector<int64_t>& dims, const char* op) {
  int64_t n = 1;
  for (int64_t d : reduction_dims(dims, x.dim(), op)) n *= x.shape()[d];
  return n;
}

Tensor sum(const Tensor& x, std::vector<int64_t> dims, bool keepdim) {
  reduction_dims(dims, x.dim(), "sum");  // validate before running
  // Bool and int32 sum to int64, as in PyTorch (a count of trues does not overflow).
  if (!is_floating(x.dtype()) && x.dtype() != Int64) return apply(Sum{std::move(dims), keepdim}, x.to(Int64));
  return apply(Sum{std::move(dims), keepdim}, x);
}

Tensor sum_to(const Tensor& x, const Shape& shape) {
  if (x.shape() == shape) return x;
  check(broadcast_shapes(x.shape(), shape, "sum_to") == x.shape(), "sum_to: shape ", x.shape(),
        " cannot be summed down to ", shape);
  return apply(SumTo{shape}, x);
}

// mean = sum / count
Tensor mean(const Tensor& x, std::vector<int64_t> dims, bool keepdim) {
  check_float(x, "mean");
  int64_t n = count(x, dims, "mean");
  return sum(x, std::move(dims), keepdim) / (double)n;
}

Tensor prod(const Tensor& x, std::optional<int64_t> dim, bool keepdim) {
  if (dim && x.dim() == 0) wrap_dim(*dim, 0, "prod");  // a 0-d x: validate, then take its one element
  if (dim && x.dim() > 0) return apply(Prod{wrap_dim(*dim, x.dim(), "prod"), keepdim}, x);
  Tensor y = apply(Prod{0, false}, x.reshape({-1}));
  return keepdim ? y.reshape(Shape(x.dim(), 1)) : y;
}

Tensor logsumexp(const Tensor& x, std::vector<int64_t> dims, bool keepdim) {
  check_float(x, "logsumexp");
  reduction_dims(dims, x.dim(), "logsumexp");
  return apply(LogSumExp{std::move(dims), keepdim}, x);
}

// p = 1: sum |x|;  p = inf: max |x|;  p = -inf: min |x|;  other p > 0: (sum |x|^p)^(1/p)
Tensor norm(const Tensor& x, double p, std::vector<int64_t> dims, bool keepdim) {
  check_float(x, "norm");
  reduction_dims(dims, x.dim(), "norm");
  if (p == 2) return apply(Norm2{std::move(dims), keepdim}, x);
  if (p == 1) return x.abs().sum(std::move(dims), keepdim);
  if (p == INFINITY) return x.abs().amax(std::move(dims), keepdim);
  if (p == -INFINITY) return x.abs().amin(std::move(dims), keepdim);
  check(p > 0, "norm: p must be positive, INFINITY or -INFINITY, got ", p);
  return x.abs().pow(p).sum(std::move(dims), keepdim).pow(1 / p);
}

// var = sum (x - mean)^2 / (N - correction); N - correction <= 0 gives inf or nan, as in PyTorch
Tensor var(const Tensor& x, std::vector<int64_t> dims, int64_t correction, bool keepdim) {
  check_float(x, "var");
  check(correction >= 0, "var: correction must be >= 0, got ", correction);
  int64_t n = count(x, dims, "var");
  Tensor dev = x - x.mean(dims, true);
  return (dev * dev).sum(std::move(dims), keepdim) / (double)std::max<int64_t>(n - correction, 0);
}

Tensor std(const Tensor& x, std::vector<int64_t> dims, int64_t correction, bool keepdim) {
  return var(x, std::move(dims), correction, keepdim).sqrt();
}

// A 0-d x runs as one element along dim 0 (PyTorch allows dim 0 or -1 on it):
// under vmap its batch is then not mistaken for that dim.
Tensor cumsum(const Tensor& x, int64_t dim) {
  int64_t d = wrap_dim(dim, x.dim(), "cumsum");
  if (x.dim() == 0) return apply(Cumsum{0}, x.reshape({1})).reshape({});
  return apply(Cumsum{d}, x);
}

Tensor Tensor::sum(std::vector<int64_t> dims, bool keepdim) const {
  return fluxion::sum(*this, std::move(dims), keepdim);
}
Tensor Tensor::mean(std::vector<int64_t> dims, bool keepdim) const {
  return fluxion::mean(*this, std::move(dims), keepdim);
}
Tensor Tensor::prod(std::optional<int64_t> dim, bool keepdim) const { return fluxion::prod(*this, dim, keepdim); }
Tensor Tensor::logsumexp(std::vector<int64_t> dims, bool keepdim) const {
  return fluxion::logsumexp(*this, std::move(dims), keepdim);
}
Tensor Tensor::norm(double p, std::vector<int64_t> dims, bool keepdim) const {
  return fluxion::norm(*this, p, std::move(dims), keepdim);
}
Tensor Tensor::var(std::vector<int64_t> dims, int64_t correction, bool keepdim) const {
  return fluxion::var(*this, std::move(dims), correction, keepdim);
}
Tensor Tensor::std(std::vector<int64_t> dims, int64_t correction, bool keepdim) const {
  return fluxion::std(*this, std::move(dims), correction, keepdim);
}
Tensor Tensor::cumsum(int64_t dim) const { return fluxion::cumsum(*this, dim); }

}  // namespace fluxion
