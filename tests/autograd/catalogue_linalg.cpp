// SPDX-License-Identifier: MIT
// Catalogue cases for fluxion::linalg: solve, inv, det, slogdet, cholesky,
// eigh/eigvalsh, eig/eigvals (non-symmetric, real eigenvalues), svd/svdvals,
// qr. Inputs come from generators that keep each
// op on its smooth domain (well-conditioned, SPD, separated eigenvalues), and
// the functions under test symmetrise where the op reads A as symmetric and
// combine eigen/singular vectors sign-invariantly (V o V), since their signs
// are a convention of LAPACK, not a function of A.
#include "catalogue.h"

namespace {

using catalogue::Args;
using fluxion::Shape;
using fluxion::Tensor;
namespace la = fluxion::linalg;

Tensor mT(const Tensor& x) { return x.transpose(-2, -1); }
Tensor sym(const Tensor& x) { return (x + mT(x)) * 0.5; }

// n x n with the given diagonal values, zero elsewhere.
Tensor diagonal_matrix(const std::vector<double>& d) {
  int64_t n = (int64_t)d.size();
  std::vector<double> v((size_t)(n * n), 0.0);
  for (int64_t i = 0; i < n; ++i) v[(size_t)(i * n + i)] = d[(size_t)i];
  return fluxion::tensor(v, {n, n}, fluxion::Float64);
}

Tensor identity(int64_t n) { return diagonal_matrix(std::vector<double>((size_t)n, 1.0)); }

// Square inputs: uniform + n I (well-conditioned); other inputs uniform.
Tensor well_conditioned(const Shape& shape, size_t index, std::mt19937_64& rng) {
  Tensor u = catalogue::uniform(shape, -1, 1, rng);
  if (index > 0 || shape.size() < 2) return u;
  return (u + identity(shape.back()) * (double)shape.back()).contiguous();
}

// Symmetric positive-definite: B B^T / n + I.
Tensor spd(const Shape& shape, size_t, std::mt19937_64& rng) {
  Tensor b = catalogue::uniform(shape, -1, 1, rng);
  return (b.matmul(mT(b)) / (double)shape.back() + identity(shape.back())).contiguous();
}

// Symmetric with eigenvalues near 0, 3, 6, ...: well separated, so the
// eigenvector derivatives (which divide by the gaps) are tame.
Tensor separated_symmetric(const Shape& shape, size_t, std::mt19937_64& rng) {
  std::vector<double> d((size_t)shape.back());
  for (size_t i = 0; i < d.size(); ++i) d[i] = 3.0 * (double)i;
  return (sym(catalogue::uniform(shape, -0.5, 0.5, rng)) + diagonal_matrix(d)).contiguous();
}

// Singular values near n, n-1.5, ..., all well away from each other and from 0.
Tensor separated_singular(const Shape& shape, size_t, std::mt19937_64& rng) {
  int64_t m = shape[shape.size() - 2], n = shape.back(), k = std::min(m, n);
  std::vector<double> v((size_t)(m * n), 0.0);
  for (int64_t i = 0; i < k; ++i) v[(size_t)(i * n + i)] = 2.0 + 1.5 * (double)(k - i);
  return (catalogue::uniform(shape, -0.3, 0.3, rng) + fluxion::tensor(v, {m, n}, fluxion::Float64)).contiguous();
}

// Non-symmetric with real eigenvalues near 0, 3, 6, ...: upper-triangular
// diag(0, 3, 6, ..) + uniform, plus a small lower part (general eig).
Tensor separated_nonsymmetric(const Shape& shape, size_t, std::mt19937_64& rng) {
  std::vector<double> d((size_t)shape.back());
  for (size_t i = 0; i < d.size(); ++i) d[i] = 3.0 * (double)i;
  Tensor u = catalogue::uniform(shape, -1, 1, rng);
  return (fluxion::triu(u) + fluxion::tril(u, -1) * 0.2 + diagonal_matrix(d)).contiguous();
}

const std::vector<std::vector<Shape>> kSquare = {{{3, 3}}, {{2, 4, 4}}, {{1, 1}}, {{0, 3, 3}}};

const bool registered = catalogue::add({
    {.name = "linalg_solve",
     .fn = [](const Args& x) { return la::solve(x[0], x[1]); },
     .shapes = {{{3, 3}, {3}}, {{3, 3}, {3, 2}}, {{2, 3, 3}, {3, 2}}, {{3, 3}, {2, 3, 1}},
                {{2, 1, 3, 3}, {4, 3, 2}}, {{2, 3, 3}, {2, 3}}, {{0, 3, 3}, {3, 1}}, {{3, 3}, {3, 0}}},
     .make_input = well_conditioned},
    {.name = "linalg_inv", .fn = [](const Args& x) { return la::inv(x[0]); }, .shapes = kSquare,
     .make_input = well_conditioned},
    {.name = "linalg_det", .fn = [](const Args& x) { return la::det(x[0]); }, .shapes = kSquare,
     .make_input = well_conditioned},
    {.name = "linalg_slogdet",
     .fn = [](const Args& x) {
       auto [sign, logabsdet] = la::slogdet(x[0]);
       return sign * logabsdet;
     },
     .shapes = kSquare, .make_input = well_conditioned},
    {.name = "linalg_cholesky", .fn = [](const Args& x) { return la::cholesky(sym(x[0])); }, .shapes = kSquare,
     .make_input = spd},
    {.name = "linalg_eigvalsh", .fn = [](const Args& x) { return la::eigvalsh(sym(x[0])); }, .shapes = kSquare,
     .make_input = separated_symmetric},
    {.name = "linalg_eigh",
     .fn = [](const Args& x) {
       auto [w, v] = la::eigh(sym(x[0]));
       return v * v * w.unsqueeze(-2);
     },
     .shapes = kSquare, .make_input = separated_symmetric},
    {.name = "linalg_eigvals",
     .fn = [](const Args& x) { return la::eigvals(x[0]); },
     .shapes = kSquare, .make_input = separated_nonsymmetric},
    // the eigenvectors' signs are LAPACK's: combined sign-invariantly
    {.name = "linalg_eig",
     .fn = [](const Args& x) {
       auto [w, v] = la::eig(x[0]);
       return v * v * w.unsqueeze(-2);
     },
     .shapes = kSquare, .make_input = separated_nonsymmetric},
    {.name = "linalg_svdvals", .fn = [](const Args& x) { return la::svdvals(x[0]); },
     .shapes = {{{4, 3}}, {{3, 5}}, {{2, 3, 3}}}, .make_input = separated_singular},
    {.name = "linalg_svd",
     .fn = [](const Args& x) {
       auto [u, s, vh] = la::svd(x[0]);
       return (u * u * s.unsqueeze(-2)).matmul(vh * vh);
     },
     .shapes = {{{4, 3}}, {{3, 5}}, {{2, 3, 3}}, {{1, 1}}}, .make_input = separated_singular},
    {.name = "linalg_qr",
     .fn = [](const Args& x) {
       auto [q, r] = la::qr(x[0]);
       return q.sin().matmul(r);
     },
     .shapes = {{{5, 3}}, {{3, 3}}, {{2, 4, 2}}}, .make_input = separated_singular},
});

}  // namespace
