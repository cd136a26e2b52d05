// SPDX-License-Identifier: MIT
// The op catalogue, continued (issue 16's everyday ops): more elementwise
// math, reductions, shape ops, sorting and selection, scans, contractions and
// linear algebra. Free functions with PyTorch's names, arguments and defaults;
// each is differentiable where PyTorch's is, in reverse and forward mode to
// any order (defined in autograd/ops/*.cpp beside their rules).
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "autograd/tensor.h"

namespace fluxion {

// ---- elementwise (math_unary.cpp, math_binary.cpp) ----------------------------
[[nodiscard]] Tensor asin(const Tensor& x);
[[nodiscard]] Tensor acos(const Tensor& x);
[[nodiscard]] Tensor atan(const Tensor& x);
[[nodiscard]] Tensor sinh(const Tensor& x);
[[nodiscard]] Tensor cosh(const Tensor& x);
[[nodiscard]] Tensor asinh(const Tensor& x);
[[nodiscard]] Tensor acosh(const Tensor& x);
[[nodiscard]] Tensor atanh(const Tensor& x);
[[nodiscard]] Tensor log2(const Tensor& x);
[[nodiscard]] Tensor log10(const Tensor& x);
[[nodiscard]] Tensor exp2(const Tensor& x);
[[nodiscard]] Tensor erfc(const Tensor& x);
[[nodiscard]] Tensor erfinv(const Tensor& x);
/// log|Gamma(x)|
[[nodiscard]] Tensor lgamma(const Tensor& x);
/// d/dx lgamma(x); -inf at 0, NaN at negative integers
[[nodiscard]] Tensor digamma(const Tensor& x);
/// the n-th derivative of digamma (n >= 0)
[[nodiscard]] Tensor polygamma(int64_t n, const Tensor& x);
/// sin(pi x) / (pi x), 1 at 0
[[nodiscard]] Tensor sinc(const Tensor& x);
/// The rounding family has derivative 0 (as PyTorch); int64 tensors pass unchanged.
[[nodiscard]] Tensor floor(const Tensor& x);
[[nodiscard]] Tensor ceil(const Tensor& x);
[[nodiscard]] Tensor trunc(const Tensor& x);
/// half to even, at `decimals` digits after the point (negative: before it)
[[nodiscard]] Tensor round(const Tensor& x, int64_t decimals = 0);
/// x - trunc(x), the sign of x
[[nodiscard]] Tensor frac(const Tensor& x);
/// NaN -> nan, +inf -> posinf, -inf -> neginf (defaults: 0 and the dtype's largest / lowest finite value)
[[nodiscard]] Tensor nan_to_num(const Tensor& x, std::optional<double> nan = 0.0, std::optional<double> posinf = {},
                                std::optional<double> neginf = {});
/// log(x / (1 - x)), x clamped to [eps, 1 - eps] when eps is given
[[nodiscard]] Tensor logit(const Tensor& x, std::optional<double> eps = {});
/// a - trunc(a / b) b (the sign of a, as C's fmod)
[[nodiscard]] Tensor fmod(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor fmod(const Tensor& a, double b);
/// a - floor(a / b) b (the sign of b, as Python's %)
[[nodiscard]] Tensor remainder(const Tensor& a, const Tensor& b);
[[nodiscard]] Tensor remainder(const Tensor& a, double b);
/// |a| with the sign of b; not differentiable in b (derivative 0)
[[nodiscard]] Tensor copysign(const Tensor& a, const Tensor& b);
/// a log b, 0 where a == 0 (NaN if b is NaN)
[[nodiscard]] Tensor xlogy(const Tensor& a, const Tensor& b);
/// log(e^a + e^b), stably
[[nodiscard]] Tensor logaddexp(const Tensor& a, const Tensor& b);
/// 0 where x < 0, values where x == 0, 1 where x > 0. Not differentiable (as PyTorch).
[[nodiscard]] Tensor heaviside(const Tensor& x, const Tensor& values);
/// a + weight (b - a)
[[nodiscard]] Tensor lerp(const Tensor& a, const Tensor& b, const Tensor& weight);
[[nodiscard]] Tensor lerp(const Tensor& a, const Tensor& b, double weight);
/// min(max(x, min), max) with tensor bounds (an undefined Tensor leaves that side open), all broadcast;
/// the gradient goes to x where min <= x <= max and to the bound taken elsewhere
[[nodiscard]] Tensor clamp(const Tensor& x, const Tensor& min, const Tensor& max);
[[nodiscard]] Tensor clamp_min(const Tensor& x, double min);
[[nodiscard]] Tensor clamp_max(const Tensor& x, double max);
[[nodiscard]] Tensor clamp_min(const Tensor& x, const Tensor& min);
[[nodiscard]] Tensor clamp_max(const Tensor& x, const Tensor& max);
/// exp(x) / sum exp(x) along dim and its log, shifted by the max for stability (activation.cpp)
[[nodiscard]] Tensor softmax(const Tensor& x, int64_t dim);
[[nodiscard]] Tensor log_softmax(const Tensor& x, int64_t dim);

// ---- reductions (reduce_more.cpp) ----------------------------------------------
/// sum / mean ignoring NaN (nanmean of no values is NaN)
[[nodiscard]] Tensor nansum(const Tensor& x, std::vector<int64_t> dims = {}, bool keepdim = false);
[[nodiscard]] Tensor nanmean(const Tensor& x, std::vector<int64_t> dims = {}, bool keepdim = false);
/// int64 count of nonzero elements over dims (all when empty)
[[nodiscard]] Tensor count_nonzero(const Tensor& x, std::vector<int64_t> dims = {});
struct MinMax {
  Tensor min, max;
};
/// amin and amax together, over one dim or everything
[[nodiscard]] MinMax aminmax(const Tensor& x, std::optional<int64_t> dim = {}, bool keepdim = false);
struct VarMean {
  Tensor var, mean;
};
struct StdMean {
  Tensor std, mean;
};
[[nodiscard]] VarMean var_mean(const Tensor& x, std::vector<int64_t> dims = {}, int64_t correction = 1,
                               bool keepdim = false);
[[nodiscard]] StdMean std_mean(const Tensor& x, std::vector<int64_t> dims = {}, int64_t correction = 1,
                               bool keepdim = false);
/// pairwise p-norm distances: x1 [*, P, M], x2 [*, R, M] -> [*, P, R] (batch dims broadcast)
[[nodiscard]] Tensor cdist(const Tensor& x1, const Tensor& x2, double p = 2);

// ---- shapes (shape_more.cpp) ----------------------------------------------------
/// x tiled repeats[d] times along each dim (at least x.dim() repeats; x gains leading dims)
[[nodiscard]] Tensor repeat(const Tensor& x, const std::vector<int64_t>& repeats);
/// repeat, with reps padded by leading 1s when shorter than x.dim()
[[nodiscard]] Tensor tile(const Tensor& x, std::vector<int64_t> reps);
/// each element `repeats` times along dim (of the flattened x when no dim)
[[nodiscard]] Tensor repeat_interleave(const Tensor& x, int64_t repeats, std::optional<int64_t> dim = {});
/// ... element i repeats[i] times (int64, one per element or a single count)
[[nodiscard]] Tensor repeat_interleave(const Tensor& x, const Tensor& repeats, std::optional<int64_t> dim = {});
[[nodiscard]] Tensor movedim(const Tensor& x, int64_t source, int64_t destination);
[[nodiscard]] Tensor movedim(const Tensor& x, std::vector<int64_t> source, std::vector<int64_t> destination);
[[nodiscard]] Tensor swapaxes(const Tensor& x, int64_t d0, int64_t d1);
[[nodiscard]] Tensor swapdims(const Tensor& x, int64_t d0, int64_t d1);
/// dim split into sizes (one may be -1)
[[nodiscard]] Tensor unflatten(const Tensor& x, int64_t dim, const std::vector<int64_t>& sizes);
/// pieces of the given sizes along dim (they add up to its size); split(x, n) for equal pieces is in ops.h
[[nodiscard]] std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim = 0);
[[nodiscard]] std::vector<Tensor> split_with_sizes(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim = 0);
/// sliding windows (Tensor.unfold): dim becomes the window count, a new last dim of `size` the window
[[nodiscard]] Tensor unfold(const Tensor& x, int64_t dim, int64_t size, int64_t step);
/// a view of x's storage: y[i0, i1, ..] = storage[storage_offset + sum_k i_k stride_k] (offset: x's own
/// by default), as torch.as_strided. Differentiable in x (its elements that y's positions meet); read-only
/// for autograd (an in-place op on it while x needs a gradient is an error naming the shared memory)
[[nodiscard]] Tensor as_strided(const Tensor& x, const Shape& size, const Shape& stride,
                                std::optional<int64_t> storage_offset = {});
[[nodiscard]] std::vector<Tensor> broadcast_tensors(const std::vector<Tensor>& xs);
[[nodiscard]] Tensor atleast_1d(const Tensor& x);
[[nodiscard]] Tensor atleast_2d(const Tensor& x);
[[nodiscard]] Tensor atleast_3d(const Tensor& x);
[[nodiscard]] Tensor hstack(const std::vector<Tensor>& xs);
[[nodiscard]] Tensor vstack(const std::vector<Tensor>& xs);
[[nodiscard]] Tensor dstack(const std::vector<Tensor>& xs);
[[nodiscard]] Tensor column_stack(const std::vector<Tensor>& xs);

// ---- sorting, selection, scans (sort.cpp) ------------------------------------------
// Values are differentiable (the gradient flows to the selected positions);
// int64 indices are not. NaN sorts above every number. Sorting is always stable.
struct ValuesIndices {
  Tensor values, indices;
};
[[nodiscard]] ValuesIndices sort(const Tensor& x, int64_t dim = -1, bool descending = false, bool stable = false);
[[nodiscard]] Tensor argsort(const Tensor& x, int64_t dim = -1, bool descending = false, bool stable = false);
/// sort along dim 0, values only
[[nodiscard]] Tensor msort(const Tensor& x);
/// the k largest (smallest) along dim, in sorted order
[[nodiscard]] ValuesIndices topk(const Tensor& x, int64_t k, int64_t dim = -1, bool largest = true, bool sorted = true);
/// the k-th smallest along dim (k from 1)
[[nodiscard]] ValuesIndices kthvalue(const Tensor& x, int64_t k, int64_t dim = -1, bool keepdim = false);
/// the lower median ((n-1)/2-th smallest) along dim; NaN if the row has one (nanmedian: of the rest)
[[nodiscard]] ValuesIndices median(const Tensor& x, int64_t dim, bool keepdim = false);
[[nodiscard]] ValuesIndices nanmedian(const Tensor& x, int64_t dim, bool keepdim = false);
/// over all elements, value only
[[nodiscard]] Tensor median(const Tensor& x);
[[nodiscard]] Tensor nanmedian(const Tensor& x);
/// the most frequent value along dim (the smallest of equally frequent ones) and its last position
[[nodiscard]] ValuesIndices mode(const Tensor& x, int64_t dim = -1, bool keepdim = false);
/// running max / min along dim and where it was (ties: the later position)
[[nodiscard]] ValuesIndices cummax(const Tensor& x, int64_t dim);
[[nodiscard]] ValuesIndices cummin(const Tensor& x, int64_t dim);
/// running product along dim, O(n) along dim; gradients exact at zeros, to every order
[[nodiscard]] Tensor cumprod(const Tensor& x, int64_t dim);
/// log(cumsum(exp(x))) along dim without overflow
[[nodiscard]] Tensor logcumsumexp(const Tensor& x, int64_t dim);
struct UniqueResult {
  Tensor values, inverse, counts;  // inverse / counts undefined unless asked for
};
/// the sorted distinct values of x (flattened; inverse has x's shape); not differentiable.
/// With dim: the distinct slices along dim in lexicographic order (inverse and counts [n] index them)
[[nodiscard]] UniqueResult unique(const Tensor& x, bool sorted = true, bool return_inverse = false,
                                  bool return_counts = false, std::optional<int64_t> dim = {});
/// int64 insertion positions of values in sorted_sequence (ascending along its last dim; 1-d, or with
/// values' leading dims): the first (right = false) or the last position that keeps it sorted
[[nodiscard]] Tensor searchsorted(const Tensor& sorted_sequence, const Tensor& values, bool right = false);
[[nodiscard]] Tensor searchsorted(const Tensor& sorted_sequence, double value, bool right = false);
/// the bucket of each input among 1-d boundaries: i with boundaries[i-1] < x <= boundaries[i] (right: <= x <)
[[nodiscard]] Tensor bucketize(const Tensor& input, const Tensor& boundaries, bool right = false);

// ---- contractions (contract.cpp) -------------------------------------------------
/// a [B, n, m] @ b [B, m, p] (no broadcasting; matmul broadcasts)
[[nodiscard]] Tensor bmm(const Tensor& a, const Tensor& b);
/// beta input + alpha (batch1 @ batch2); input broadcasts, and is ignored when beta = 0
[[nodiscard]] Tensor baddbmm(const Tensor& input, const Tensor& batch1, const Tensor& batch2, double beta = 1,
                             double alpha = 1);
/// beta input + alpha (mat1 @ mat2), mat1 and mat2 2-d
[[nodiscard]] Tensor addmm(const Tensor& input, const Tensor& mat1, const Tensor& mat2, double beta = 1,
                           double alpha = 1);
/// Einstein summation: "ij,jk->ik", "bij,bjk", "ii->i" (diagonal), "ii" (trace), "...ij,...jk->...ik";
/// without "->" the output is the labels used once, in order (A-Z before a-z), after the ... dims.
/// Size-1 dims broadcast. Contracted pairwise, left to right, each pair by one batched matmul.
[[nodiscard]] Tensor einsum(const std::string& equation, const std::vector<Tensor>& operands);
/// sum over dims_a of a paired with dims_b of b; the free dims of a, then of b
[[nodiscard]] Tensor tensordot(const Tensor& a, const Tensor& b, const std::vector<int64_t>& dims_a,
                               const std::vector<int64_t>& dims_b);
/// ... over the last `dims` dims of a and the first of b
[[nodiscard]] Tensor tensordot(const Tensor& a, const Tensor& b, int64_t dims = 2);
/// Kronecker product (of any number of dims; the shorter shape gets leading 1s)
[[nodiscard]] Tensor kron(const Tensor& a, const Tensor& b);
/// the lower (upper) triangle of the last two dims from `diagonal` (0: main; > 0 above), zeros elsewhere
[[nodiscard]] Tensor tril(const Tensor& x, int64_t diagonal = 0);
[[nodiscard]] Tensor triu(const Tensor& x, int64_t diagonal = 0);
/// the sum of the diagonal of a matrix
[[nodiscard]] Tensor trace(const Tensor& x);
/// a x b along dim, of size 3 (as linalg.cross; a and b broadcast)
[[nodiscard]] Tensor cross(const Tensor& a, const Tensor& b, int64_t dim = -1);
/// A^n for square A [*, n, n] (n < 0: inverse powers; n = 0: the identity)
[[nodiscard]] Tensor matrix_power(const Tensor& A, int64_t n);
struct TriangularSolveResult {
  Tensor solution, cloned_coefficient;
};
/// torch.triangular_solve: X with op(T) X = b, T the upper (lower) triangle of A, op = transpose or not
[[nodiscard]] TriangularSolveResult triangular_solve(const Tensor& b, const Tensor& A, bool upper = true,
                                                     bool transpose = false, bool unitriangular = false);
/// X with A X = B for A = L L^T (upper: U^T U)
[[nodiscard]] Tensor cholesky_solve(const Tensor& B, const Tensor& L, bool upper = false);

}  // namespace fluxion

// ---- more of torch.linalg (linalg_more.cpp) ---------------------------------------
namespace fluxion::linalg {
/// (sum |x|^ord)^(1/ord) over dims (all when empty); ord 0 counts nonzeros, +-inf: max / min |x|
[[nodiscard]] Tensor vector_norm(const Tensor& x, double ord = 2, std::vector<int64_t> dims = {}, bool keepdim = false);
/// ord 1, -1, 2, -2, inf, -inf over two dims (default the last two)
[[nodiscard]] Tensor matrix_norm(const Tensor& A, double ord, std::vector<int64_t> dims = {-2, -1},
                                 bool keepdim = false);
/// ord "fro" or "nuc"
[[nodiscard]] Tensor matrix_norm(const Tensor& A, const std::string& ord = "fro", std::vector<int64_t> dims = {-2, -1},
                                 bool keepdim = false);
/// matrix_norm for an ord and two dims (or a 2-d x without dims), else vector_norm (ord 2 by default)
[[nodiscard]] Tensor norm(const Tensor& x, std::optional<double> ord = {}, std::vector<int64_t> dims = {},
                          bool keepdim = false);
/// Moore-Penrose pseudo-inverse by SVD [*, m, n] -> [*, n, m]; singular values <= max(atol, rtol s_max) are dropped
[[nodiscard]] Tensor pinv(const Tensor& A, std::optional<double> atol = {}, std::optional<double> rtol = {});
/// e^A for square A [*, n, n] (scaling and squaring)
[[nodiscard]] Tensor matrix_exp(const Tensor& A);
/// torch.linalg.lstsq: the least-squares solution X of A X = B (minimum norm when A is rank-deficient),
/// A [*, m, n], B [*, m, k]; rcond defaults to eps max(m, n). residuals [*, k], rank [*] and
/// singular_values [*, min(m, n)] are filled as PyTorch's CPU driver would ("gelsy": rank only;
/// "gelsd", "gelss": all three, residuals when m > n and every A has rank n; "gels": residuals
/// when m > n), else empty [0]. Differentiable in the solution and residuals.
struct LstsqResult {
  Tensor solution, residuals, rank, singular_values;
};
[[nodiscard]] LstsqResult lstsq(const Tensor& A, const Tensor& B, std::optional<double> rcond = {},
                                const std::string& driver = "gelsy");
/// X with T X = B (left) or X T = B, T the upper or lower triangle of A (unit diagonal if unitriangular)
[[nodiscard]] Tensor solve_triangular(const Tensor& A, const Tensor& B, bool upper, bool left = true,
                                      bool unitriangular = false);
/// X with A X = B for A = L L^T (upper: U^T U)
[[nodiscard]] Tensor cholesky_solve(const Tensor& B, const Tensor& L, bool upper = false);
/// LU with partial pivoting of A [*, m, n], k = min(m, n): LU [*, m, n] packs U [*, k, n] and L's
/// [*, m, k] strictly lower part (L has a unit diagonal); pivots [*, k] int64, 1-based, as LAPACK.
/// Differentiable in A (PyTorch's rules, also for m != n).
struct LuFactorResult {
  Tensor LU, pivots;
};
[[nodiscard]] LuFactorResult lu_factor(const Tensor& A);
/// X with A X = B, from lu_factor(A) of a square A; B [*, n, k]. Differentiable in LU and B.
[[nodiscard]] Tensor lu_solve(const Tensor& LU, const Tensor& pivots, const Tensor& B);
/// Eigen-decomposition of a general (non-symmetric) square A [*, n, n] = V diag(eigenvalues) V^-1,
/// through LAPACK's geev, in LAPACK's order, each eigenvector (a column of V) of unit norm, as
/// torch.linalg.eig. fluxion has no complex dtype, so only matrices whose eigenvalues are all real
/// are supported: a complex pair is an error naming the fix (linalg::eigh for a symmetric A).
/// Differentiable (PyTorch's rules) while the eigenvalues are distinct; a loss of the eigenvectors
/// should not depend on their signs, which LAPACK picks.
struct EigResult {
  Tensor eigenvalues, eigenvectors;
};
[[nodiscard]] EigResult eig(const Tensor& A);
/// The eigenvalues of eig [*, n] (real, or an error)
[[nodiscard]] Tensor eigvals(const Tensor& A);
/// A = P L U: P [*, m, m], L [*, m, k], U [*, k, n]
struct LuResult {
  Tensor P, L, U;
};
[[nodiscard]] LuResult lu(const Tensor& A);
}  // namespace fluxion::linalg
