// SPDX-License-Identifier: MIT
// More of torch.linalg, as composites of the differentiable decompositions
// and solvers of linalg.cpp / linalg_spectral.cpp (so the rules come with
// them): vector_norm, matrix_norm, norm, pinv, matrix_exp, lstsq,
// cholesky_solve; and solve_triangular / triangular_solve (BLAS trsm, its own rules).
#include <cmath>
#include <limits>

#include "autograd/apply.h"
#include "autograd/linalg.h"
#include "autograd/ops.h"
#include "autograd/ops/linalg_util.h"
#include "autograd/ops_math.h"
#include "tensor/kernels/triangular.h"

namespace fluxion::linalg {

static void check_matrix(const Tensor& A, const char* op) {
  check(A.dim() >= 2, op, ": expected a matrix or a batch of matrices [*, m, n], got shape ", A.shape());
}

// vector_norm: (sum |x|^ord)^(1/ord) over dims (all when empty); ord 0 counts
// the nonzeros (derivative 0), +-inf is the largest / smallest |x|.
Tensor vector_norm(const Tensor& x, double ord, std::vector<int64_t> dims, bool keepdim) {
  check(x.is_floating_point(),
        "vector_norm: expected a floating tensor, got int64; convert with .to(fluxion::Float32)");
  if (ord == 0) return ne(x.detach(), 0.0).sum(std::move(dims), keepdim);
  if (ord > 0 || std::isinf(ord)) return x.norm(ord, std::move(dims), keepdim);
  return x.abs().pow(ord).sum(std::move(dims), keepdim).pow(1 / ord);
}

// matrix_norm over the dims pair (default the last two):
//   1 / -1: the largest / smallest column sum of |A|, inf / -inf: of row sums,
//   2 / -2: the largest / smallest singular value.
Tensor matrix_norm(const Tensor& A, double ord, std::vector<int64_t> dims, bool keepdim) {
  check_matrix(A, "matrix_norm");
  check(dims.size() == 2, "matrix_norm: dims must name two dims, got ", dims);
  int64_t d0 = wrap_dim(dims[0], A.dim(), "matrix_norm"), d1 = wrap_dim(dims[1], A.dim(), "matrix_norm");
  check(d0 != d1, "matrix_norm: dims ", dims, " name the same dim twice");
  Tensor M = movedim(A, {d0, d1}, {-2, -1}), y;
  if (std::abs(ord) == 2) {
    Tensor s = svdvals(M);
    y = ord > 0 ? s.amax({-1}) : s.amin({-1});
  } else if (std::abs(ord) == 1 || std::isinf(ord)) {
    Tensor sums = M.abs().sum({std::isinf(ord) ? -1 : -2});
    y = ord > 0 ? sums.amax({-1}) : sums.amin({-1});
  } else {
    fail("matrix_norm: ord ", ord, " is not one of 1, -1, 2, -2, inf, -inf (or \"fro\", \"nuc\")");
  }
  if (!keepdim) return y;
  return y.unsqueeze(std::min(d0, d1)).unsqueeze(std::max(d0, d1));
}
// "fro": sqrt(sum |A|^2); "nuc": the sum of the singular values
Tensor matrix_norm(const Tensor& A, const std::string& ord, std::vector<int64_t> dims, bool keepdim) {
  check_matrix(A, "matrix_norm");
  if (ord == "fro") return A.norm(2, std::move(dims), keepdim);
  check(ord == "nuc", "matrix_norm: ord \"", ord, "\" is not \"fro\" or \"nuc\"");
  check(dims.size() == 2, "matrix_norm: dims must name two dims, got ", dims);
  int64_t d0 = wrap_dim(dims[0], A.dim(), "matrix_norm"), d1 = wrap_dim(dims[1], A.dim(), "matrix_norm");
  Tensor y = svdvals(movedim(A, {d0, d1}, {-2, -1})).sum({-1});
  return keepdim ? y.unsqueeze(std::min(d0, d1)).unsqueeze(std::max(d0, d1)) : y;
}

// norm: a matrix norm when ord is given and dims are two (or x is 2-d and dims are not given), else a vector norm
Tensor norm(const Tensor& x, std::optional<double> ord, std::vector<int64_t> dims, bool keepdim) {
  if (ord && (dims.size() == 2 || (dims.empty() && x.dim() == 2)))
    return matrix_norm(x, *ord, dims.empty() ? std::vector<int64_t>{-2, -1} : dims, keepdim);
  return vector_norm(x, ord.value_or(2), std::move(dims), keepdim);
}

// pinv: V diag(1/s) U^T over the singular values s > max(atol, rtol s_max);
// rtol defaults to max(m, n) eps when neither is given (PyTorch's rule).
Tensor pinv(const Tensor& A, std::optional<double> atol, std::optional<double> rtol) {
  check_matrix(A, "pinv");
  double eps = A.dtype() == Float32 ? std::numeric_limits<float>::epsilon() : std::numeric_limits<double>::epsilon();
  double r = rtol.value_or(atol ? 0.0 : eps * (double)std::max(A.size(-1), A.size(-2)));
  auto [U, S, Vh] = svd(A);
  if (S.numel() == 0) return zeros_like(A.transpose(-1, -2)).contiguous();
  Tensor cutoff = maximum(S.detach().amax({-1}, true) * r, scalar_like(S, atol.value_or(0.0)));
  Tensor kept = gt(S.detach(), cutoff);
  Tensor inv = where(kept, 1.0 / where(kept, S, 1.0), 0.0);
  return (Vh.transpose(-1, -2) * inv.unsqueeze(-2)).matmul(U.transpose(-1, -2));
}

// matrix_exp: scaling and squaring. A / 2^s with |A / 2^s|_1 <= 1/2, a Taylor
// polynomial of degree 18 there (truncation below 1e-22), squared s times.
// Matmuls only, so its derivatives to any order come from matmul's.
Tensor matrix_exp(const Tensor& A) {
  check(A.dim() >= 2 && A.size(-1) == A.size(-2), "matrix_exp: expected square matrices [*, n, n], got ", A.shape());
  if (A.numel() == 0) return A.clone();
  // the largest 1-norm in the batch (under vmap: over all examples, one degree for all)
  double norm1 = batching::all_examples(A.detach().abs().sum({-2})).amax().item();
  int squarings = norm1 > 0.5 ? (int)std::ceil(std::log2(norm1 / 0.5)) : 0;
  Tensor X = A / std::ldexp(1.0, squarings);
  Tensor I = eye(A.size(-1), {}, A.dtype()).expand(A.shape());
  Tensor term = I, sum = I;
  for (int k = 1; k <= 18; ++k) {
    term = term.matmul(X) / (double)k;
    sum = sum + term;
  }
  for (int k = 0; k < squarings; ++k) sum = sum.matmul(sum);
  return sum;
}

// lstsq: the least-squares (minimum-norm, for a rank-deficient A) solution of
// A X = B, as pinv(A) B (singular values <= rcond s_max dropped; gels keeps all
// but exact zeros). A [*, m, n], B [*, m, k] -> X [*, n, k]. What else is
// filled follows PyTorch on CPU, per driver:
//   rank [*] int64:          gelsy, gelsd, gelss (the singular values > rcond s_max)
//   singular_values [*, min(m, n)]: gelsd, gelss
//   residuals [*, k] = |A X - B|^2 per column: m > n, driver not gelsy, and (gelsd,
//   gelss) every A of full rank n.
// The others are empty [0]. Solution and residuals are differentiable (PyTorch: the solution only).
LstsqResult lstsq(const Tensor& A, const Tensor& B, std::optional<double> rcond, const std::string& driver) {
  check_matrix(A, "lstsq");
  check(B.dim() >= 2 && B.size(-2) == A.size(-2), "lstsq: A ", A.shape(), " and B ", B.shape(),
        " need the same number of rows (B is [*, m, k])");
  check(driver == "gelsy" || driver == "gelsd" || driver == "gelss" || driver == "gels", "lstsq: unknown driver \"",
        driver, "\"; use \"gelsy\" (the default), \"gelsd\", \"gelss\" or \"gels\"");
  int64_t m = A.size(-2), n = A.size(-1);
  double eps = A.dtype() == Float32 ? std::numeric_limits<float>::epsilon() : std::numeric_limits<double>::epsilon();
  double r = driver == "gels" ? 0.0 : rcond.value_or(eps * (double)std::max(m, n));
  LstsqResult res{pinv(A, {}, r).matmul(B), zeros({0}, A.dtype()), zeros({0}, Int64), zeros({0}, A.dtype())};
  if (driver == "gels" && m > n) res.residuals = (A.matmul(res.solution) - B).pow(2.0).sum({-2});
  if (driver == "gels") return res;
  Shape batch(A.shape().begin(), A.shape().end() - 2), sv_shape = batch;
  sv_shape.push_back(std::min(m, n));
  Tensor s = std::min(m, n) ? svdvals(A.detach()) : zeros(sv_shape, A.dtype());
  res.rank = std::min(m, n) ? gt(s, s.amax({-1}, true) * r).sum({-1}) : zeros(batch, Int64);
  if (driver == "gelsy") return res;
  res.singular_values = s;
  // under vmap: filled when every example's A has full rank, so that all share one shape
  if (m > n && batching::all_examples(eq(res.rank, (double)n)).all().item<bool>())
    res.residuals = (A.matmul(res.solution) - B).pow(2.0).sum({-2});
  return res;
}

// solve_triangular: X = T^-1 B (left) or B T^-1 (right), T the upper (lower)
// triangle of A with a unit diagonal when unitriangular, by BLAS trsm. Only
// that triangle is read, and only it receives a gradient.
//   vjp (left):  gB = T^-T G,  gA = -gB X^T   (right: gB = G T^-T, gA = -X^T gB), on T's triangle
//   jvp (left):  dX = T^-1 (dB - dT X)        (right: dX = (dB - X dT) T^-1), dT = dA on T's triangle
struct SolveTriangular {
  static constexpr const char* name = "LinalgSolveTriangular";
  bool upper, left, unit;
  TensorData forward(const TensorData& a, const TensorData& b) const {
    return kernels::solve_triangular(a, b, upper, left, unit);
  }
  // vmap: the kernel broadcasts batch dims from the right: the batch goes in front of both, aligned
  std::vector<Tensor> vmap(const std::vector<Tensor>& xs, const std::vector<std::optional<int64_t>>& dims,
                           int64_t size) const {
    std::vector<Tensor> front = batching::to_front_aligned(xs, dims, size);
    return {apply(*this, front[0], front[1])};
  }
  Tensor triangle(const Tensor& m) const { return upper ? triu(m, unit ? 1 : 0) : tril(m, unit ? -1 : 0); }
  std::array<Tensor, 2> vjp(const Tensor& grad, const Saved& s) const {
    Tensor gb = apply(SolveTriangular{!upper, left, unit}, s.input(0).mT(), grad);  // T^T is (!upper)-triangular
    if (!s.needs_grad(0)) return {Tensor{}, gb};
    Tensor x = s.output();
    return {triangle(left ? -gb.matmul(x.mT()) : -x.mT().matmul(gb)), gb};
  }
  Tensor jvp(const Tensor& da, const Tensor& db, const Saved& s) const {
    Tensor rhs = db;
    if (da.defined()) {
      Tensor dT = triangle(da), x = s.output();
      Tensor t = left ? dT.matmul(x) : x.matmul(dT);
      rhs = rhs.defined() ? rhs - t : -t;
    }
    return apply(*this, s.input(0), rhs);
  }
};

Tensor solve_triangular(const Tensor& A, const Tensor& B, bool upper, bool left, bool unitriangular) {
  detail::check_float(A, "linalg.solve_triangular");
  detail::check_float(B, "linalg.solve_triangular");
  return apply(SolveTriangular{upper, left, unitriangular}, A, B);
}

// cholesky_solve: X with A X = B for A = L L^T (upper: A = U^T U), L from cholesky
Tensor cholesky_solve(const Tensor& B, const Tensor& L, bool upper) {
  Tensor Y = solve_triangular(upper ? L.transpose(-1, -2) : L, B, false);
  return solve_triangular(upper ? L : L.transpose(-1, -2), Y, true);
}

}  // namespace fluxion::linalg

namespace fluxion {

// torch.triangular_solve (deprecated in PyTorch for linalg.solve_triangular, kept for ported code)
TriangularSolveResult triangular_solve(const Tensor& b, const Tensor& A, bool upper, bool transpose,
                                       bool unitriangular) {
  Tensor T = transpose ? A.transpose(-1, -2) : A;
  return {linalg::solve_triangular(T, b, transpose ? !upper : upper, true, unitriangular), A.clone()};
}
Tensor cholesky_solve(const Tensor& B, const Tensor& L, bool upper) { return linalg::cholesky_solve(B, L, upper); }

}  // namespace fluxion
