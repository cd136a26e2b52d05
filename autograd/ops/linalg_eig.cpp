// SPDX-License-Identifier: MIT
// linalg::eig / eigvals of general (non-symmetric) real matrices through
// LAPACK's geev. fluxion has no complex dtype, so they take matrices whose
// eigenvalues are all real (a complex pair is an error naming the fix) and
// use PyTorch's rules (linalg_eig_backward / linalg_eig_jvp) on real values.
#include "autograd/apply.h"
#include "autograd/linalg.h"
#include "autograd/ops.h"
#include "autograd/ops/linalg_util.h"
#include "autograd/ops_math.h"
#include "tensor/kernels/eig.h"

namespace fluxion::linalg {

using detail::diag_embed;
using detail::mT;

// eig: A = V diag(L) V^-1, each column of V of unit norm. With the gaps
// E_ij = L_j - L_i (1 on the diagonal, where the numerators vanish):
//   jvp: dP = V^-1 dA V,  dL = diag(dP),  W = V (offdiag(dP) / E),  dV = W - V diag(V^T W)
//        (W moves each eigenvector; the last term keeps its norm 1)
//   vjp: gA = V^-T (diag(gL) + (V^T gV - V^T V diag(diag(V^T gV))) / E) V^T
// Repeated eigenvalues make E singular: the derivative does not exist there.
struct Eig {
  static constexpr const char* name = "LinalgEig";
  // vmap: the kernel takes leading batch dims, so a batch in front runs as it is
  Eig batched(const batching::BatchFront&) const { return *this; }
  static constexpr Save save = Save::output;
  std::vector<TensorData> forward(const std::vector<TensorData>& xs) const {
    auto [values, vectors] = kernels::eig(xs[0], "linalg.eig");
    return {values, vectors};
  }
  static Tensor gaps(const Tensor& L) { return L.unsqueeze(-2) - L.unsqueeze(-1) + eye(L.size(-1), {}, L.dtype()); }
  std::vector<Tensor> vjp(const std::vector<Tensor>& grads, const Saved& s) const {
    Tensor L = s.output(0), V = s.output(1);
    Tensor m = grads[0].defined() ? diag_embed(grads[0]) : zeros_like(V);
    if (grads[1].defined()) {
      Tensor vtg = mT(V).matmul(grads[1]);
      m = m + (vtg - mT(V).matmul(V) * vtg.diagonal(0, -2, -1).unsqueeze(-2)) / gaps(L);
    }
    return {solve(mT(V), m.matmul(mT(V)))};
  }
  std::vector<Tensor> jvp(const std::vector<Tensor>& dxs, const Saved& s) const {
    Tensor L = s.output(0), V = s.output(1);
    Tensor dP = solve(V, dxs[0].matmul(V));
    Tensor dL = dP.diagonal(0, -2, -1);
    Tensor W = V.matmul((dP - diag_embed(dL)) / gaps(L));
    return {dL, W - V * (V * W).sum({-2}, true)};
  }
};

EigResult eig(const Tensor& A) {
  detail::check_float(A, "linalg.eig");
  std::vector<Tensor> ys = apply_op(Eig{}, {A});
  return {ys[0], ys[1]};
}
Tensor eigvals(const Tensor& A) { return eig(A).eigenvalues; }

}  // namespace fluxion::linalg
