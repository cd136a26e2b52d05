// SPDX-License-Identifier: MIT
// Linear solves and determinants: linalg::solve, inv, det, slogdet, cholesky
// (kernels in tensor/kernels/linalg). Each rule is written with solve, inv
// and matmul, so they differentiate again (Hessians of log-determinants, of
// Gaussian log-likelihoods through cholesky, ...).
#include "autograd/linalg.h"

#include "autograd/apply.h"
#include "autograd/grad_mode.h"
#include "autograd/ops/linalg_util.h"
#include "tensor/kernels/linalg.h"

namespace fluxion::linalg {
namespace detail {

Tensor pattern(int64_t n, DType dtype, double lower, double diag, double upper) {
  TensorData m = TensorData::empty({n, n}, dtype);
  dispatch_float(dtype, "linalg", [&](auto tag) {
    using T = decltype(tag);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < n; ++j) m.data<T>()[i * n + j] = T(i > j ? lower : i == j ? diag : upper);
  });
  return Tensor(m);
}

}  // namespace detail

using detail::check_float;
using detail::mT;
using detail::sym;

static Tensor solve_matrix(const Tensor& a, const Tensor& b);

// solve: X = A^-1 B for A [*, n, n], B [*, n, k].
struct Solve {
  static constexpr const char* name = "LinalgSolve";
  TensorData forward(const TensorData& a, const TensorData& b) const { return kernels::solve(a, b); }
  // vmap: the kernel broadcasts batch dims from the right: the batch goes in front of both, aligned
  std::vector<Tensor> vmap(const std::vector<Tensor>& xs, const std::vector<std::optional<int64_t>>& dims,
                           int64_t size) const {
    std::vector<Tensor> front = batching::to_front_aligned(xs, dims, size);
    return {apply(*this, front[0], front[1])};
  }
  // dL/dB = A^-T G,   dL/dA = -(dL/dB) X^T
  std::array<Tensor, 2> vjp(const Tensor& grad, const Saved& s) const {
    Tensor gb = solve_matrix(mT(s.input(0)), grad);
    return {s.needs_grad(0) ? -gb.matmul(mT(s.output())) : Tensor{}, gb};
  }
  // dX = A^-1 (dB - dA X)
  Tensor jvp(const Tensor& da, const Tensor& db, const Saved& s) const {
    return solve_matrix(s.input(0), add_tangents(db, da.defined() ? -da.matmul(s.output()) : Tensor{}));
  }
};

static Tensor solve_matrix(const Tensor& a, const Tensor& b) { return apply(Solve{}, a, b); }

// inv: Y = A^-1.
struct Inv {
  static constexpr const char* name = "LinalgInv";
  // vmap: the kernel takes leading batch dims, so a batch in front runs as it is
  Inv batched(const batching::BatchFront&) const { return *this; }
  static constexpr Save save = Save::output;
  TensorData forward(const TensorData& a) const { return kernels::inv(a); }
  // dL/dA = -Y^T G Y^T
  Tensor vjp(const Tensor& grad, const Saved& s) const {
    Tensor yt = mT(s.output());
    return -yt.matmul(grad).matmul(yt);
  }
  // dY = -Y dA Y
  Tensor jvp(const Tensor& da, const Saved& s) const { return -s.output().matmul(da).matmul(s.output()); }
};

// The cofactor matrix d(det A)/dA = det(A) A^-T, which stays finite where A is
// singular. Through inv, unless LU finds A singular; then through the SVD
// A = U diag(s) Vh:
//   cof(A) = det(U) det(Vh) U diag(p) Vh,   p_i = prod_{j != i} s_j,
// which is 0 when rank A <= n - 2. det(U) det(Vh) = +-1 is piecewise constant;
// the singular path's own derivative is svd's (finite while s has no repeats).
// The choice reads no tensor value, so a jit trace records the inv path.
static Tensor cofactor(const Tensor& a, const Tensor& det_a) {
  try {
    return det_a.unsqueeze(-1).unsqueeze(-1) * mT(inv(a));
  } catch (const Error&) {
  }
  SvdResult usv = svd(a);
  int64_t n = a.size(-1);
  std::vector<Tensor> p;
  for (int64_t i = 0; i < n; ++i) p.push_back(cat({usv.S.slice(-1, 0, i), usv.S.slice(-1, i + 1, n)}, -1).prod(-1));
  Tensor sign;
  {
    NoGradGuard no_grad;
    sign = det(usv.U.detach()) * det(usv.Vh.detach());
  }
  return sign.unsqueeze(-1).unsqueeze(-1) * (usv.U * stack(p, -1).unsqueeze(-2)).matmul(usv.Vh);
}

// det: y = det A.
struct Det {
  static constexpr const char* name = "LinalgDet";
  // vmap: the kernel takes leading batch dims, so a batch in front runs as it is
  Det batched(const batching::BatchFront&) const { return *this; }
  TensorData forward(const TensorData& a) const { return kernels::det(a); }
  // dL/dA = G cof(A)
  Tensor vjp(const Tensor& grad, const Saved& s) const {
    return grad.unsqueeze(-1).unsqueeze(-1) * cofactor(s.input(), s.output());
  }
  // dy = tr(adj(A) dA) = sum(cof(A) * dA)
  Tensor jvp(const Tensor& da, const Saved& s) const { return (cofactor(s.input(), s.output()) * da).sum({-2, -1}); }
};

// A^-T for slogdet's rules. At a singular A, log|det A| = -inf and this is infinite.
static Tensor inv_transpose_for_slogdet(const Tensor& a) {
  try {
    return mT(inv(a));
  } catch (const Error&) {
    fail("linalg.slogdet: cannot differentiate at a singular matrix of shape ", a.shape(),
         " (log|det A| = -inf, its gradient A^-T is infinite); differentiate linalg.det instead, whose gradient "
         "there is the finite cofactor matrix, or regularise A (A + eps I)");
  }
}

// slogdet: (sign, log|det A|). Only log|det A| has a derivative (sign is
// piecewise constant; its gradient is ignored and its tangent is zero).
struct Slogdet {
  static constexpr const char* name = "LinalgSlogdet";
  // vmap: the kernel takes leading batch dims, so a batch in front runs as it is
  Slogdet batched(const batching::BatchFront&) const { return *this; }
  static constexpr Save save = Save::inputs;
  std::vector<TensorData> forward(const std::vector<TensorData>& xs) const {
    auto [sign, logabsdet] = kernels::slogdet(xs[0]);
    return {sign, logabsdet};
  }
  // dL/dA = G A^-T
  std::vector<Tensor> vjp(const std::vector<Tensor>& grads, const Saved& s) const {
    return {grads[1].unsqueeze(-1).unsqueeze(-1) * inv_transpose_for_slogdet(s.input())};
  }
  // d log|det A| = tr(A^-1 dA)
  std::vector<Tensor> jvp(const std::vector<Tensor>& dxs, const Saved& s) const {
    return {Tensor{}, (inv_transpose_for_slogdet(s.input()) * dxs[0]).sum({-2, -1})};
  }
};

// cholesky: L lower-triangular with L L^T = A (Murray 2016; PyTorch's rule).
// Phi(X) keeps the strict lower triangle of X and half its diagonal. A is
// read as symmetric, so dA is symmetrised and the gradient is symmetric.
static Tensor phi(const Tensor& x) { return x * detail::pattern(x.size(-1), x.dtype(), 1, 0.5, 0); }

struct Cholesky {
  static constexpr const char* name = "LinalgCholesky";
  // vmap: the kernel takes leading batch dims, so a batch in front runs as it is
  Cholesky batched(const batching::BatchFront&) const { return *this; }
  static constexpr Save save = Save::output;
  TensorData forward(const TensorData& a) const { return kernels::cholesky(a); }
  // dL/dA = sym(L^-T Phi(L^T G) L^-1)
  Tensor vjp(const Tensor& grad, const Saved& s) const {
    Tensor lt = mT(s.output());
    Tensor z = solve_matrix(lt, phi(lt.matmul(grad)));  // L^-T Phi(L^T G)
    return sym(mT(solve_matrix(lt, mT(z))));            // (L^-T z^T)^T = z L^-1
  }
  // dL = L Phi(L^-1 sym(dA) L^-T)
  Tensor jvp(const Tensor& da, const Saved& s) const {
    Tensor l = s.output();
    Tensor y = solve_matrix(l, sym(da));                  // L^-1 dA
    return l.matmul(phi(mT(solve_matrix(l, mT(y)))));     // (L^-1 y^T)^T = y L^-T
  }
};

Tensor solve(const Tensor& A, const Tensor& B) {
  check_float(A, "linalg.solve");
  check_float(B, "linalg.solve");
  kernels::check_square(A.shape(), "linalg.solve");
  DType t = promote(A.dtype(), B.dtype());
  Tensor a = A.dtype() == t ? A : A.to(t), b = B.dtype() == t ? B : B.to(t);
  // As in torch: B is a vector when it is 1-D, or has exactly A's batch dims plus one.
  Shape a_vec(A.shape().begin(), A.shape().end() - 1);
  bool vector = B.dim() == 1 || B.shape() == a_vec;
  if (!vector) return solve_matrix(a, b);
  Tensor x = solve_matrix(a, b.unsqueeze(-1));  // [*, n, 1]
  Shape out = x.shape();
  out.pop_back();
  return x.reshape(out);
}

Tensor inv(const Tensor& A) {
  check_float(A, "linalg.inv");
  return apply(Inv{}, A);
}

Tensor det(const Tensor& A) {
  check_float(A, "linalg.det");
  return apply(Det{}, A);
}

SlogdetResult slogdet(const Tensor& A) {
  check_float(A, "linalg.slogdet");
  std::vector<Tensor> ys = apply_op(Slogdet{}, {A});
  return {ys[0], ys[1]};
}

Tensor cholesky(const Tensor& A) {
  check_float(A, "linalg.cholesky");
  return apply(Cholesky{}, A);
}

}  // namespace fluxion::linalg
