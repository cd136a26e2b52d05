// SPDX-License-Identifier: MIT
// Decompositions: linalg::eigh / eigvalsh, svd / svdvals, qr (kernels in
// tensor/kernels/linalg). Their rules follow PyTorch's (and Giles 2008,
// "Extended collection of matrix derivative results"); all are built from
// matmul, solve and elementwise ops, so they differentiate again. Eigenvector
// and singular-vector derivatives divide by eigenvalue (singular-value
// squared) gaps: they blow up where those repeat, as the decomposition
// itself stops being smooth there.
#include "autograd/apply.h"
#include "autograd/linalg.h"
#include "autograd/ops/linalg_util.h"
#include "tensor/kernels/linalg.h"

namespace fluxion::linalg {

using detail::check_float;
using detail::diag_embed;
using detail::mT;
using detail::pattern;

// F_ij = 1 / (w_j - w_i) off the diagonal, 0 on it: w [*, n] -> [*, n, n].
static Tensor inverse_gaps(const Tensor& w) {
  int64_t n = w.size(-1);
  Tensor gaps = w.unsqueeze(-2) - w.unsqueeze(-1) + pattern(n, w.dtype(), 0, 1, 0);  // 1 on the diagonal: no 0/0
  return pattern(n, w.dtype(), 1, 0, 1) / gaps;
}

// F o t with F as above, reading F o t as 0 wherever t is 0: there w_j = w_i
// (a repeated eigenvalue, the diagonal) must not give inf * 0 = NaN. So the
// gradient of the eigenvalues alone is V diag(gw) V^T, finite everywhere (as
// PyTorch's), and its derivatives are finite too (t / 1 where masked).
static Tensor times_inverse_gaps(const Tensor& w, const Tensor& t) {
  Tensor masked = eq(t, 0.0);
  return where(masked, 0.0, t / where(masked, 1.0, w.unsqueeze(-2) - w.unsqueeze(-1)));
}

// X R^-1 for square upper-triangular R, as (R^-T X^T)^T.
static Tensor right_solve(const Tensor& x, const Tensor& r) { return mT(solve(mT(r), mT(x))); }

// eigh: A = V diag(w) V^T. A is read as symmetric, so dA is symmetrised.
struct Eigh {
  static constexpr const char* name = "LinalgEigh";
  // vmap: the kernel takes leading batch dims, so a batch in front runs as it is
  Eigh batched(const batching::BatchFront&) const { return *this; }
  static constexpr Save save = Save::output;
  std::vector<TensorData> forward(const std::vector<TensorData>& xs) const {
    auto [w, v] = kernels::eigh(xs[0]);
    return {w, v};
  }
  // dL/dA = V (diag(gw) + F o (X - X^T) / 2) V^T,  X = V^T gV
  std::vector<Tensor> vjp(const std::vector<Tensor>& grads, const Saved& s) const {
    Tensor w = s.output(0), v = s.output(1);
    Tensor x = mT(v).matmul(grads[1]);
    Tensor inner = diag_embed(grads[0]) + times_inverse_gaps(w, (x - mT(x)) * 0.5);
    return {v.matmul(inner).matmul(mT(v))};
  }
  // M = V^T sym(dA) V:   dw = diag(M),   dV = V (F o M)
  std::vector<Tensor> jvp(const std::vector<Tensor>& dxs, const Saved& s) const {
    Tensor w = s.output(0), v = s.output(1);
    Tensor m = mT(v).matmul(detail::sym(dxs[0])).matmul(v);
    return {m.diagonal(0, -2, -1), v.matmul(inverse_gaps(w) * m)};
  }
};

// svd: A = U diag(S) V^T (reduced), k = min(m, n), F from the gaps of S^2.
struct Svd {
  static constexpr const char* name = "LinalgSvd";
  // vmap: the kernel takes leading batch dims, so a batch in front runs as it is
  Svd batched(const batching::BatchFront&) const { return *this; }
  static constexpr Save save = Save::output;
  std::vector<TensorData> forward(const std::vector<TensorData>& xs) const {
    auto [u, sv, vh] = kernels::svd(xs[0]);
    return {u, sv, vh};
  }
  // dL/dA = U K V^T + (I - U U^T) gU S^-1 V^T + U S^-1 gV^T (I - V V^T),
  // K = (F o (U^T gU - gU^T U)) S + S (F o (V^T gV - gV^T V)) + diag(gS)
  std::vector<Tensor> vjp(const std::vector<Tensor>& grads, const Saved& s) const {
    Tensor u = s.output(0), sv = s.output(1), vh = s.output(2), v = mT(vh);
    Tensor gu = grads[0], gvh = grads[2], f = inverse_gaps(sv * sv);
    Tensor xu = mT(u).matmul(gu), xv = vh.matmul(mT(gvh));
    Tensor k = f * (xu - mT(xu)) * sv.unsqueeze(-2) + sv.unsqueeze(-1) * (f * (xv - mT(xv))) + diag_embed(grads[1]);
    Tensor ga = u.matmul(k).matmul(vh);
    if (u.size(-2) > sv.size(-1)) {  // tall: the part of gU outside span(U)
      Tensor p = gu / sv.unsqueeze(-2);
      ga = ga + (p - u.matmul(mT(u).matmul(p))).matmul(vh);
    }
    if (vh.size(-1) > sv.size(-1)) {  // wide: the part of gV outside span(V)
      Tensor p = gvh / sv.unsqueeze(-1);
      ga = ga + u.matmul(p - p.matmul(v).matmul(vh));
    }
    return {ga};
  }
  // dP = U^T dA V:  dS = diag(dP),  dU = U (F o (dP S + S dP^T)) + (I - U U^T) dA V S^-1,
  //                 dV = V (F o (S dP + dP^T S)) + (I - V V^T) dA^T U S^-1
  std::vector<Tensor> jvp(const std::vector<Tensor>& dxs, const Saved& s) const {
    Tensor u = s.output(0), sv = s.output(1), vh = s.output(2), v = mT(vh), da = dxs[0];
    Tensor f = inverse_gaps(sv * sv), srow = sv.unsqueeze(-2), scol = sv.unsqueeze(-1);
    Tensor dp = mT(u).matmul(da).matmul(v);
    Tensor du = u.matmul(f * (dp * srow + scol * mT(dp)));
    Tensor dv = v.matmul(f * (scol * dp + mT(dp) * srow));
    if (u.size(-2) > sv.size(-1)) du = du + (da.matmul(v) - u.matmul(dp)) / srow;
    if (vh.size(-1) > sv.size(-1)) dv = dv + (mT(da).matmul(u) - v.matmul(mT(dp))) / srow;
    return {du, dp.diagonal(0, -2, -1), mT(dv)};
  }
};

// qr: A = Q R (reduced). For m >= n (qr() below reduces m < n to it), with C = Q^T dA R^-1 and Omega = tril(C, -1) -
// tril(C, -1)^T (the antisymmetric Q^T dQ): dQ = Q Omega + (I - Q Q^T) dA R^-1,  dR = (C - Omega) R.
struct Qr {
  static constexpr const char* name = "LinalgQr";
  // vmap: the kernel takes leading batch dims, so a batch in front runs as it is
  Qr batched(const batching::BatchFront&) const { return *this; }
  static constexpr Save save = Save::output;
  std::vector<TensorData> forward(const std::vector<TensorData>& xs) const {
    auto [q, r] = kernels::qr(xs[0]);
    return {q, r};
  }
  // dL/dA = (Q N + (I - Q Q^T) gQ) R^-T,  N = gR R^T + tril(M - M^T, -1),  M = Q^T gQ - gR R^T
  std::vector<Tensor> vjp(const std::vector<Tensor>& grads, const Saved& s) const {
    Tensor q = s.output(0), r = s.output(1), gq = grads[0];
    Tensor grt = grads[1].matmul(mT(r)), qtgq = mT(q).matmul(gq), m = qtgq - grt;
    Tensor n = grt + (m - mT(m)) * pattern(r.size(-1), r.dtype(), 1, 0, 0);
    return {mT(solve(r, mT(q.matmul(n) + gq - q.matmul(qtgq))))};
  }
  std::vector<Tensor> jvp(const std::vector<Tensor>& dxs, const Saved& s) const {
    Tensor q = s.output(0), r = s.output(1);
    Tensor dar = right_solve(dxs[0], r), c = mT(q).matmul(dar);
    Tensor low = c * pattern(r.size(-1), r.dtype(), 1, 0, 0), omega = low - mT(low);
    return {q.matmul(omega) + dar - q.matmul(c), (c - omega).matmul(r)};
  }
};

EighResult eigh(const Tensor& A) {
  check_float(A, "linalg.eigh");
  std::vector<Tensor> ys = apply_op(Eigh{}, {A});
  return {ys[0], ys[1]};
}

Tensor eigvalsh(const Tensor& A) { return eigh(A).eigenvalues; }

SvdResult svd(const Tensor& A) {
  check_float(A, "linalg.svd");
  std::vector<Tensor> ys = apply_op(Svd{}, {A});
  return {ys[0], ys[1], ys[2]};
}

Tensor svdvals(const Tensor& A) { return svd(A).S; }

QrResult qr(const Tensor& A) {
  check_float(A, "linalg.qr");
  // A wide A = [X | Y], X its first m columns: Q R_X = qr(X), and R = [R_X | Q^T Y].
  // Householder QR of A computes exactly this, and the square case's rules
  // and matmul's then give the derivatives.
  if (A.dim() >= 2 && A.size(-2) < A.size(-1)) {
    int64_t m = A.size(-2);
    QrResult x = qr(A.narrow(-1, 0, m));
    return {x.Q, cat({x.R, mT(x.Q).matmul(A.narrow(-1, m, A.size(-1) - m))}, -1)};
  }
  std::vector<Tensor> ys = apply_op(Qr{}, {A});
  return {ys[0], ys[1]};
}

}  // namespace fluxion::linalg
