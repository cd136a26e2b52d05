// SPDX-License-Identifier: MIT
// More reductions, as composites of differentiable ops (so their rules come
// from those ops): nansum, nanmean, count_nonzero, aminmax, var_mean /
// std_mean, and cdist (pairwise p-norm distances).
#include "autograd/ops.h"
#include "autograd/ops_math.h"

namespace fluxion {

// nansum: sum with NaNs read as 0; their gradient is 0
Tensor nansum(const Tensor& x, std::vector<int64_t> dims, bool keepdim) {
  if (!x.is_floating_point()) return sum(x, std::move(dims), keepdim);
  return where(isnan(x.detach()), 0.0, x).sum(std::move(dims), keepdim);
}

// nanmean: the mean of the non-NaN values (NaN where there are none, as PyTorch)
Tensor nanmean(const Tensor& x, std::vector<int64_t> dims, bool keepdim) {
  check(x.is_floating_point(), "nanmean: expected a floating tensor but got int64; convert with .to(fluxion::Float32)");
  Tensor kept = 1.0 - isnan(x.detach());
  return nansum(x, dims, keepdim) / kept.sum(dims, keepdim);
}

// count_nonzero: the number of nonzero elements over dims (all when empty), int64
Tensor count_nonzero(const Tensor& x, std::vector<int64_t> dims) {
  return ne(x.detach(), 0.0).to(Int64).sum(std::move(dims));
}

MinMax aminmax(const Tensor& x, std::optional<int64_t> dim, bool keepdim) {
  std::vector<int64_t> dims = dim ? std::vector<int64_t>{*dim} : std::vector<int64_t>{};
  check(x.numel() > 0 || dim, "aminmax: the tensor of shape ", x.shape(), " is empty; reduce along a dim instead");
  return {amin(x, dims, keepdim), amax(x, dims, keepdim)};
}

VarMean var_mean(const Tensor& x, std::vector<int64_t> dims, int64_t correction, bool keepdim) {
  return {var(x, dims, correction, keepdim), mean(x, dims, keepdim)};
}
StdMean std_mean(const Tensor& x, std::vector<int64_t> dims, int64_t correction, bool keepdim) {
  return {fluxion::std(x, dims, correction, keepdim), mean(x, dims, keepdim)};
}

// cdist: y[..., i, j] = ||x1[..., i, :] - x2[..., j, :]||_p.   x1 [*, P, M], x2 [*, R, M] -> [*, P, R]
// p = 2 with more than 25 rows on a side goes through one matmul,
// |a|^2 + |b|^2 - 2 a.b (clamped at 0), as PyTorch's default compute_mode
// does; the rest through the [*, P, R, M] differences.
// The gradient at a zero distance is 0, as norm's.
Tensor cdist(const Tensor& x1, const Tensor& x2, double p) {
  check(x1.dim() >= 2 && x2.dim() >= 2 && x1.shape().back() == x2.shape().back(),
        "cdist: expected x1 [*, P, M] and x2 [*, R, M] with the same M, got ", x1.shape(), " and ", x2.shape());
  check(p >= 0, "cdist: p must be >= 0, got ", p);
  int64_t rows1 = x1.shape()[x1.dim() - 2], rows2 = x2.shape()[x2.dim() - 2];
  if (p == 2 && (rows1 > 25 || rows2 > 25)) {
    Tensor sq = x1.square().sum({-1}).unsqueeze(-1) + x2.square().sum({-1}).unsqueeze(-2) -
                2.0 * x1.matmul(x2.transpose(-1, -2));
    Tensor positive = gt(sq.detach(), 0.0);
    return where(positive, where(positive, sq, 1.0).sqrt(), 0.0);
  }
  Tensor d = x1.unsqueeze(-2) - x2.unsqueeze(-3);
  if (p == 0) return ne(d.detach(), 0.0).sum({-1});
  return d.norm(p, {-1});
}

}  // namespace fluxion
