// SPDX-License-Identifier: MIT
// LU with partial pivoting: linalg::lu_factor (differentiable in A; the
// pivots are constants), linalg::lu_solve and linalg::lu (composites).
#include "tensor/kernels/lu.h"

#include "autograd/apply.h"
#include "autograd/linalg.h"
#include "autograd/ops.h"
#include "autograd/ops_math.h"

namespace fluxion::linalg {

// P [*, n, n] from lu_factor's pivots. Not differentiable.
struct LuPermutation {
  static constexpr const char* name = "LuPermutation";
  static constexpr bool differentiable = false;
  DType dtype;
  TensorData forward(const TensorData& pivots) const { return kernels::lu_permutation(pivots, dtype); }
};
static Tensor permutation(const Tensor& pivots, DType dtype) { return apply(LuPermutation{dtype}, pivots.detach()); }

static Tensor unit_lower(const Tensor& lu) { return tril(lu, -1) + eye(lu.size(-1), {}, lu.dtype()); }

// lu_factor: A = P L U, packed as LU = tril(L, -1) + U (pivots: constants).
// With X = L^-1 P^T dA U^-1:  dL = L tril(X, -1), dU = triu(X) U, so
//   jvp: dLU = L tril(X, -1) + triu(X) U
//   vjp: gA = P L^-T (tril(L^T gL, -1) + triu(gU U^T)) U^-T,  gL = tril(gLU, -1), gU = triu(gLU)
struct LuFactor {
  static constexpr const char* name = "LinalgLuFactor";
  static constexpr Save save = Save::output;
  std::vector<TensorData> forward(const std::vector<TensorData>& xs) const {
    auto [lu, pivots] = kernels::lu_factor(xs[0]);
    return {lu, pivots};
  }
  std::vector<Tensor> vjp(const std::vector<Tensor>& grads, const Saved& s) const {
    Tensor lu = s.output(0), P = permutation(s.output(1), lu.dtype()), L = unit_lower(lu), U = triu(lu);
    Tensor m = tril(L.mT().matmul(tril(grads[0], -1)), -1) + triu(triu(grads[0]).matmul(U.mT()));
    Tensor left = solve_triangular(L.mT(), m, true, true, true);      // L^-T m
    return {P.matmul(solve_triangular(U.mT(), left, false, false))};  // ... U^-T
  }
  std::vector<Tensor> jvp(const std::vector<Tensor>& dxs, const Saved& s) const {
    Tensor lu = s.output(0), P = permutation(s.output(1), lu.dtype()), L = unit_lower(lu), U = triu(lu);
    Tensor y = solve_triangular(L, P.mT().matmul(dxs[0]), false, true, true);  // L^-1 P^T dA
    Tensor x = solve_triangular(U, y, true, false);                            // ... U^-1
    return {L.matmul(tril(x, -1)) + triu(x).matmul(U), Tensor{}};
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
  check(LU.dim() >= 2 && B.dim() >= 2 && B.size(-2) == LU.size(-1), "linalg.lu_solve: LU ", LU.shape(), " and B ",
        B.shape(), " do not match; B must be [*, n, k]");
  Tensor y = solve_triangular(LU, permutation(pivots, LU.dtype()).mT().matmul(B), false, true, true);
  return solve_triangular(LU, y, true);
}

LuResult lu(const Tensor& A) {
  LuFactorResult f = lu_factor(A);
  return {permutation(f.pivots, f.LU.dtype()), unit_lower(f.LU), triu(f.LU)};
}

}  // namespace fluxion::linalg
