// SPDX-License-Identifier: MIT
// linear_scan with its rules, and the leave-one-out products built on it (scan.h).
#include "autograd/ops/scan.h"

#include "autograd/apply.h"
#include "autograd/ops_math.h"
#include "tensor/kernels/scan.h"

namespace fluxion {

// s = L(a) b, or s = L(a)^T b. With u the cotangent of s and s_up = shift(s, up, 0):
//   L b:    ds = L (db + da s_up)                  db = L^T u,  da = s_up (L^T u)
//   L^T b:  ds = L^T (db + shift(da s, down, 0))   db = L u,    da = s shift(L u, up, 0)
// (d s_k / d a_j is s_{j-1} a_{j+1}..a_k for j <= k in the first form, and
// a_{k+1}..a_{j-1} s_j for j > k in the second.) The rules are scans again, so
// every order stays exact and division-free.
struct LinearScan {
  static constexpr const char* name = "LinearScan";
  int64_t dim;
  bool transpose;
  // vmap: the same op on the batch in front: dims shifted by one (batching.h)
  LinearScan batched(const batching::BatchFront& b) const { return {b.dim(dim), transpose}; }
  TensorData forward(const TensorData& a, const TensorData& b) const {
    return kernels::linear_scan(a, b, dim, transpose);
  }
  std::array<Tensor, 2> vjp(const Tensor& u, const Saved& saved) const {
    Tensor w = linear_scan(saved.input(0), u, dim, !transpose), da;
    if (saved.needs_grad(0)) {
      Tensor s = saved.output();
      da = transpose ? s * shift(w, dim, true, 0) : shift(s, dim, true, 0) * w;
    }
    return {da, saved.needs_grad(1) ? w : Tensor{}};
  }
  Tensor jvp(const Tensor& da, const Tensor& db, const Saved& saved) const {
    Tensor from_a;
    if (da.defined()) {
      Tensor s = saved.output();
      from_a = transpose ? shift(da * s, dim, false, 0) : da * shift(s, dim, true, 0);
    }
    return linear_scan(saved.input(0), add_tangents(db, from_a), dim, transpose);
  }
};

// 0-d a and b run as one element along dim 0, as cumsum's.
Tensor linear_scan(const Tensor& a, const Tensor& b, int64_t dim, bool transpose) {
  if (a.dim() == 0 && b.dim() == 0 && (dim == 0 || dim == -1))
    return apply(LinearScan{0, transpose}, a.reshape({1}), b.reshape({1})).reshape({});
  return apply(LinearScan{dim, transpose}, a, b);
}

Tensor shift(const Tensor& t, int64_t dim, bool up, double fill) {
  int64_t n = t.size(dim);
  if (n == 0) return t;
  Tensor edge = full_like(t.narrow(dim, 0, 1), fill);
  return up ? cat({edge, t.narrow(dim, 0, n - 1)}, dim) : cat({t.narrow(dim, 1, n - 1), edge}, dim);
}

// Sorted by position, entries that share one form a run; with same_k = [pos_k == pos_{k-1}]
// (in sorted order) the products before and after k within its run are
//   e_k = same_k c_{k-1} e_{k-1} + (1 - same_k)            = (L(same c_up) (1 - same))_k
//   f_k = same_{k+1} c_{k+1} f_{k+1} + (1 - same_{k+1})    = (L(same c)^T (1 - same_down))_k
// and o = e f, put back in the original order.
Tensor product_of_others(const Tensor& c, const Tensor& pos) {
  if (c.numel() == 0) return c;
  Tensor order = argsort(pos, 0, false, true), back = argsort(order, 0, false, true);
  Tensor ps = pos.index_select(0, order), cs = c.index_select(0, order);
  Tensor same = eq(ps, shift(ps, 0, true, -1)).to(c.dtype());  // positions are >= 0: same_0 = 0
  Tensor e = linear_scan(same * shift(cs, 0, true, 0), 1.0 - same, 0, false);
  Tensor f = linear_scan(same * cs, 1.0 - shift(same, 0, false, 0), 0, true);
  return (e * f).index_select(0, back);
}

}  // namespace fluxion
