// SPDX-License-Identifier: MIT
// LU with partial pivoting of A [*, m, n]: linalg::lu_factor (differentiable
// in A; the pivots are constants), linalg::lu_solve and linalg::lu (composites).
#include "tensor/kernels/lu.h"

#include <algorithm>

#include "autograd/apply.h"
#include "autograd/linalg.h"
#include "autograd/ops.h"
#include "autograd/ops_math.h"

namespace fluxion::linalg {

// P [*, m, m] from lu_factor's pivots [*, k]. Not differentiable.
struct LuPermutation {
  static constexpr const char* name = "LuPermutation";
  // vmap: the kernel takes leading batch dims, so a batch in front runs as it is
  LuPermutation batched(const batching::BatchFront&) const { return *this; }
  static constexpr bool differentiable = false;
  int64_t m;
  DType dtype;
  TensorData forward(const TensorData& pivots) const { return kernels::lu_permutation(pivots, m, dtype); }
};
static Tensor permutation(const Tensor& pivots, int64_t m, DType dtype) {
  return apply(LuPermutation{m, dtype}, pivots.detach());
}

// The factors packed in LU [*, m, n], k = min(m, n): L [*, m, k] unit lower, U [*, k, n] upper.
static Tensor unit_lower(const Tensor& lu) {
  int64_t m = lu.size(-2), k = std::min(m, lu.size(-1));
  return tril(lu.narrow(-1, 0, k), -1) + eye(m, k, lu.dtype());
}
static Tensor upper(const Tensor& lu) { return triu(lu.narrow(-2, 0, std::min(lu.size(-2), lu.size(-1)))); }

// lu_factor: A = P L U, packed as LU = tril(L, -1) + U (pivots: constants),
// A [*, m, n], k = min(m, n); PyTorch's rules (linalg_lu_backward / _jvp).
// Square: with X = L^-1 P^T dA U^-1, dL = L tril(X, -1), dU = triu(X) U.
// Wide (m < n, L square, U = [U1 U2]): X from the first k columns of P^T dA
//   and U1; dU2 = L^-1 (P^T dA2 - dL U2).
// Tall (m > n, U square, L = [L1; L2]): X from the first k rows and L1;
//   dL2 = (P^T dA2 - L2 dU) U^-1.
// vjp (gL = tril(gLU[:, :k], -1), gU = triu(gLU[:k])):
//   wide: gA = P L^-T [tril(L^T gL - gU U^T, -1) U1^-T + gU1 | gU2]
//   tall: gA = P [L1^-T triu(gU U^T - L^T gL) + gL1 ; gL2] U^-T
struct LuFactor {
  static constexpr const char* name = "LinalgLuFactor";
  // vmap: the kernel takes leading batch dims, so a batch in front runs as it is
  LuFactor batched(const batching::BatchFront&) const { return *this; }
  static constexpr Save save = Save::output;
  std::vector<TensorData> forward(const std::vector<TensorData>& xs) const {
    auto [lu, pivots] = kernels::lu_factor(xs[0]);
    return {lu, pivots};
  }
  std::vector<Tensor> vjp(const std::vector<Tensor>& grads, const Saved& s) const {
    Tensor lu = s.output(0), L = unit_lower(lu), U = upper(lu);
    int64_t m = lu.size(-2), n = lu.size(-1), k = std::min(m, n);
    Tensor P = permutation(s.output(1), m, lu.dtype());
    Tensor gL = tril(grads[0].narrow(-1, 0, k), -1), gU = triu(grads[0].narrow(-2, 0, k));
    Tensor gA;
    if (m <= n) {
      Tensor U1 = U.narrow(-1, 0, k);
      Tensor x = solve_triangular(U1.mT(), tril(L.mT().matmul(gL) - gU.matmul(U.mT()), -1), false, false);
      x = x + gU.narrow(-1, 0, k);
      if (n > k) x = cat({x, gU.narrow(-1, k, n - k)}, -1);
      gA = solve_triangular(L.mT(), x, true, true, true);
    } else {
      Tensor L1 = L.narrow(-2, 0, k);
      Tensor x = solve_triangular(L1.mT(), triu(gU.matmul(U.mT()) - L.mT().matmul(gL)), true, true, true);
      x = cat({x + gL.narrow(-2, 0, k), gL.narrow(-2, k, m - k)}, -2);
      gA = solve_triangular(U.mT(), x, false, false);
    }
    return {P.matmul(gA)};
  }
  std::vector<Tensor> jvp(const std::vector<Tensor>& dxs, const Saved& s) const {
    Tensor lu = s.output(0), L = unit_lower(lu), U = upper(lu);
    int64_t m = lu.size(-2), n = lu.size(-1), k = std::min(m, n);
    Tensor pda = permutation(s.output(1), m, lu.dtype()).mT().matmul(dxs[0]);  // P^T dA
    if (m <= n) {
      Tensor U1 = U.narrow(-1, 0, k);
      Tensor y = solve_triangular(L, pda.narrow(-1, 0, k), false, true, true);  // L^-1 P^T dA1
      Tensor x = solve_triangular(U1, y, true, false);                          // ... U1^-1
      Tensor dL = L.matmul(tril(x, -1)), dlu = dL + triu(x).matmul(U1);
      if (n > k)
        dlu = cat(
            {dlu, solve_triangular(L, pda.narrow(-1, k, n - k) - dL.matmul(U.narrow(-1, k, n - k)), false, true, true)},
            -1);
      return {dlu, Tensor{}};
    }
    Tensor L1 = L.narrow(-2, 0, k);
    Tensor y = solve_triangular(L1, pda.narrow(-2, 0, k), false, true, true);  // L1^-1 P^T dA1
    Tensor x = solve_triangular(U, y, true, false);                            // ... U^-1
    Tensor dU = triu(x).matmul(U);
    Tensor dL2 = solve_triangular(U, pda.narrow(-2, k, m - k) - L.narrow(-2, k, m - k).matmul(dU), true, false);
    return {cat({L1.matmul(tril(x, -1)) + dU, dL2}, -2), Tensor{}};
  }
};

LuFactorResult lu_factor(const Tensor& A) {
  check(A.is_floating_point(),
        "linalg.lu_factor: expected float32 or float64, got int64; convert with .to(fluxion::Float64)");
  std::vector<Tensor> ys = apply_op(LuFactor{}, {A});
  return {ys[0], ys[1]};
}

// lu_solve: X with A X = B from A's lu_factor: X = U^-1 L^-1 P^T B
Tensor lu_solve(const Tensor& LU, const Tensor& pivots, const Tensor& B) {
  check(LU.dim() >= 2 && LU.size(-1) == LU.size(-2), "linalg.lu_solve: LU must be square [*, n, n], got ", LU.shape(),
        "; for a non-square A use linalg::lstsq");
  check(B.dim() >= 2 && B.size(-2) == LU.size(-1), "linalg.lu_solve: LU ", LU.shape(), " and B ", B.shape(),
        " do not match; B must be [*, n, k]");
  Tensor y = solve_triangular(LU, permutation(pivots, LU.size(-1), LU.dtype()).mT().matmul(B), false, true, true);
  return solve_triangular(LU, y, true);
}

LuResult lu(const Tensor& A) {
  LuFactorResult f = lu_factor(A);
  return {permutation(f.pivots, A.size(-2), f.LU.dtype()), unit_lower(f.LU), upper(f.LU)};
}

}  // namespace fluxion::linalg
