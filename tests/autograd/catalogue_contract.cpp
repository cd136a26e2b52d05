// SPDX-License-Identifier: MIT
// Catalogue cases for the contractions (contract.cpp: bmm, baddbmm, addmm,
// einsum, tensordot, kron, tril/triu, trace, cross, matrix_power) and the
// linalg composites (linalg_more.cpp), LU (lu.cpp) and qr of a wide matrix. Forward values against plain loops:
// test_contract_ops.cpp.
#include "catalogue.h"

namespace {

using catalogue::Args;
using fluxion::Shape;
using fluxion::Tensor;
namespace fx = fluxion;
namespace la = fluxion::linalg;

// Square input 0 made well-conditioned (uniform + n I); other inputs uniform.
Tensor well_conditioned(const Shape& shape, size_t index, std::mt19937_64& rng) {
  Tensor u = catalogue::uniform(shape, -1, 1, rng);
  if (index > 0 || shape.size() < 2 || shape[shape.size() - 1] != shape[shape.size() - 2]) return u;
  return (u + fx::eye(shape.back(), {}, fx::Float64) * (double)shape.back()).contiguous();
}
// Input 1 well-conditioned instead (cholesky_solve's L, triangular_solve's A).
Tensor second_well_conditioned(const Shape& shape, size_t index, std::mt19937_64& rng) {
  return well_conditioned(shape, index == 1 ? 0 : 1, rng);
}

// [m, n] with m < n whose first m columns are well-conditioned (qr of a wide matrix)
Tensor well_conditioned_front(const Shape& shape, size_t, std::mt19937_64& rng) {
  Tensor u = catalogue::uniform(shape, -1, 1, rng);
  int64_t m = shape[shape.size() - 2];
  return (u + fx::eye(m, shape.back(), fx::Float64) * 2.0).contiguous();
}

// [m, n] with m > n whose first n rows are well-conditioned (LU of a tall matrix)
Tensor well_conditioned_top(const Shape& shape, size_t index, std::mt19937_64& rng) {
  Shape t = shape;
  std::swap(t[t.size() - 1], t[t.size() - 2]);
  return well_conditioned_front(t, index, rng).mT().contiguous();
}

const bool registered =
    catalogue::add({
        {.name = "bmm",
         .fn = [](const Args& x) { return fx::bmm(x[0], x[1]); },
         .shapes = {{{2, 3, 4}, {2, 4, 5}}, {{1, 1, 1}, {1, 1, 2}}, {{0, 2, 3}, {0, 3, 1}}, {{2, 0, 3}, {2, 3, 2}}}},
        {.name = "baddbmm",
         .fn = [](const Args& x) { return fx::baddbmm(x[0], x[1], x[2], 0.5, 2.0); },
         .shapes = {{{2, 3, 5}, {2, 3, 4}, {2, 4, 5}}, {{5}, {2, 3, 4}, {2, 4, 5}}, {{}, {1, 2, 2}, {1, 2, 1}}}},
        {.name = "addmm",
         .fn = [](const Args& x) { return fx::addmm(x[0], x[1], x[2]); },
         .shapes = {{{3, 5}, {3, 4}, {4, 5}}, {{1, 5}, {3, 4}, {4, 5}}, {{2}, {0, 3}, {3, 2}}}},
        {.name = "addmm_beta0",
         .fn = [](const Args& x) { return fx::addmm(x[0], x[1], x[2], 0.0, 3.0); },
         .shapes = {{{3, 5}, {3, 4}, {4, 5}}}},
        {.name = "einsum_matmul",
         .fn =
             [](const Args& x) {
               return fx::einsum("ij,jk->ik", {x[0], x[1]});
             },
         .shapes = {{{3, 4}, {4, 2}}, {{1, 1}, {1, 3}}, {{0, 2}, {2, 3}}}},
        {.name = "einsum_batch_implicit",
         .fn =
             [](const Args& x) {
               return fx::einsum("bij,bjk", {x[0], x[1]});
             },
         .shapes = {{{2, 3, 4}, {2, 4, 2}}, {{2, 1, 3}, {1, 3, 2}}}},
        {.name = "einsum_trace_diag",
         .fn =
             [](const Args& x) {
               return fx::einsum("ii,ij->j", {x[0], x[1]});
             },
         .shapes = {{{3, 3}, {3, 2}}, {{1, 1}, {1, 4}}}},
        {.name = "einsum_diagonal",
         .fn = [](const Args& x) { return fx::einsum("bii->bi", {x[0]}); },
         .shapes = {{{2, 3, 3}}, {{1, 1, 1}}}},
        {.name = "einsum_ellipsis",
         .fn =
             [](const Args& x) {
               return fx::einsum("...ij,...j->...i", {x[0], x[1]});
             },
         .shapes = {{{2, 3, 4}, {4}}, {{3, 4}, {2, 4}}, {{2, 1, 2, 3}, {5, 3}}}},
        {.name = "einsum_three",
         .fn =
             [](const Args& x) {
               return fx::einsum("ij,jk,kl->il", {x[0], x[1], x[2]});
             },
         .shapes = {{{2, 3}, {3, 4}, {4, 2}}}},
        {.name = "einsum_outer_sum",
         .fn =
             [](const Args& x) {
               return fx::einsum("i,j,ij->", {x[0], x[1], x[2]});
             },
         .shapes = {{{3}, {2}, {3, 2}}}},
        {.name = "einsum_permute_reduce",
         .fn = [](const Args& x) { return fx::einsum("abc->ca", {x[0]}); },
         .shapes = {{{2, 3, 4}}, {{2, 0, 1}}}},
        {.name = "tensordot",
         .fn =
             [](const Args& x) {
               return fx::tensordot(x[0], x[1], {1, 0}, {0, 2});
             },
         .shapes = {{{3, 4, 2}, {4, 5, 3}}, {{1, 1}, {1, 2, 1}}}},
        {.name = "tensordot_int",
         .fn = [](const Args& x) { return fx::tensordot(x[0], x[1], 2); },
         .shapes = {{{2, 3, 4}, {3, 4, 2}}, {{3, 4}, {3, 4}}}},
        {.name = "kron",
         .fn = [](const Args& x) { return fx::kron(x[0], x[1]); },
         .shapes = {{{2, 3}, {3, 2}}, {{2}, {2, 3}}, {{}, {2}}, {{0, 2}, {2, 2}}}},
        {.name = "tril",
         .fn = [](const Args& x) { return fx::tril(x[0]); },
         .shapes = {{{3, 4}}, {{2, 3, 3}}, {{0, 2}}}},
        {.name = "triu_offset",
         .fn = [](const Args& x) { return fx::triu(x[0], 1) + fx::tril(x[0], -2) * 2.0; },
         .shapes = {{{3, 4}}, {{2, 4, 3}}}},
        {.name = "trace",
         .fn = [](const Args& x) { return fx::trace(x[0]); },
         .shapes = {{{3, 4}}, {{3, 3}}, {{1, 1}}}},
        {.name = "cross",
         .fn = [](const Args& x) { return fx::cross(x[0], x[1]); },
         .shapes = {{{3}, {3}}, {{2, 3}, {3}}, {{4, 1, 3}, {2, 3}}}},
        {.name = "cross_dim0",
         .fn = [](const Args& x) { return fx::cross(x[0], x[1], 0); },
         .shapes = {{{3, 2}, {3, 2}}}},
        {.name = "matrix_power_3",
         .fn = [](const Args& x) { return fx::matrix_power(x[0], 3); },
         .shapes = {{{3, 3}}, {{2, 2, 2}}, {{1, 1}}}},
        {.name = "matrix_power_minus_2",
         .fn = [](const Args& x) { return fx::matrix_power(x[0], -2); },
         .shapes = {{{3, 3}}, {{2, 2, 2}}},
         .make_input = well_conditioned},
        // linalg composites
        {.name = "vector_norm_3",
         .fn = [](const Args& x) { return la::vector_norm(x[0], 3, {-1}); },
         .shapes = {{{3, 4}}, {{5}}},
         .lo = 0.2,
         .hi = 2},
        {.name = "vector_norm_minus_1",
         .fn = [](const Args& x) { return la::vector_norm(x[0], -1); },
         .shapes = {{{3, 4}}, {{5}}},
         .lo = 0.2,
         .hi = 2},
        {.name = "matrix_norm_fro",
         .fn = [](const Args& x) { return la::matrix_norm(x[0]); },
         .shapes = {{{3, 4}}, {{2, 2, 3}}}},
        {.name = "matrix_norm_nuc",
         .fn = [](const Args& x) { return la::matrix_norm(x[0], "nuc"); },
         .shapes = {{{3, 4}}, {{2, 3, 2}}}},
        {.name = "matrix_norm_2",
         .fn = [](const Args& x) { return la::matrix_norm(x[0], 2.0); },
         .shapes = {{{3, 4}}, {{2, 3, 3}}}},
        {.name = "matrix_norm_1_inf",
         .fn =
             [](const Args& x) {
               return la::matrix_norm(x[0], 1.0) + la::matrix_norm(x[0], -INFINITY, {0, 1}, true).sum();
             },
         .shapes = {{{3, 4}}, {{4, 3}}},
         .second_order = false},
        {.name = "linalg_norm",
         .fn = [](const Args& x) { return la::norm(x[0], -2.0); },
         .shapes = {{{3, 3}}, {{2, 4}}}},
        {.name = "pinv",
         .fn = [](const Args& x) { return la::pinv(x[0]); },
         .shapes = {{{3, 3}}, {{4, 2}}, {{2, 2, 3}}},
         .make_input = well_conditioned},
        {.name = "matrix_exp",
         .fn = [](const Args& x) { return la::matrix_exp(x[0]); },
         .shapes = {{{3, 3}}, {{2, 2, 2}}, {{1, 1}}, {{0, 0}}}},
        {.name = "matrix_exp_large",
         .fn = [](const Args& x) { return la::matrix_exp(x[0] * 4.0); },
         .shapes = {{{3, 3}}}},
        {.name = "lstsq",
         .fn = [](const Args& x) { return la::lstsq(x[0], x[1]).solution; },
         .shapes = {{{5, 3}, {5, 2}}, {{2, 4, 2}, {2, 4, 1}}}},
        {.name = "lstsq_gelsd_residuals",
         .fn =
             [](const Args& x) {
               la::LstsqResult r = la::lstsq(x[0], x[1], {}, "gelsd");
               return fx::cat({r.solution, r.residuals.unsqueeze(-2)}, -2);
             },
         .shapes = {{{5, 3}, {5, 2}}, {{2, 4, 2}, {2, 4, 1}}, {{3, 1}, {3, 0}}}},
        {.name = "solve_triangular",
         .fn = [](const Args& x) { return la::solve_triangular(x[0], x[1], true); },
         .shapes = {{{3, 3}, {3, 2}}, {{2, 2, 2}, {2, 2, 3}}},
         .make_input = well_conditioned},
        {.name = "solve_triangular_right_unit",
         .fn = [](const Args& x) { return la::solve_triangular(x[0], x[1], false, false, true); },
         .shapes = {{{3, 3}, {2, 3}}},
         .make_input = well_conditioned},
        // batch dims broadcast (A over B and B over A), size-0 n and k, n = 1
        {.name = "solve_triangular_lower_broadcast",
         .fn = [](const Args& x) { return la::solve_triangular(x[0], x[1], false); },
         .shapes =
             {{{3, 3}, {2, 3, 2}}, {{2, 1, 3, 3}, {4, 3, 1}}, {{0, 0}, {0, 2}}, {{3, 3}, {3, 0}}, {{1, 1}, {1, 2}}},
         .make_input = well_conditioned},
        {.name = "solve_triangular_upper_right",
         .fn = [](const Args& x) { return la::solve_triangular(x[0], x[1], true, false); },
         .shapes = {{{3, 3}, {4, 3}}, {{2, 3, 3}, {1, 2, 3}}},
         .make_input = well_conditioned},
        {.name = "solve_triangular_upper_left_unit",
         .fn = [](const Args& x) { return la::solve_triangular(x[0], x[1], true, true, true); },
         .shapes = {{{3, 3}, {3, 2}}, {{2, 2, 2}, {2, 2, 1}}},
         .make_input = well_conditioned},
        {.name = "triangular_solve",
         .fn = [](const Args& x) { return fx::triangular_solve(x[0], x[1], true, true).solution; },
         .shapes = {{{3, 2}, {3, 3}}},
         .make_input = second_well_conditioned},
        {.name = "linalg_qr_wide",
         .fn =
             [](const Args& x) {
               auto [q, r] = la::qr(x[0]);
               return q.sin().matmul(r);
             },
         .shapes = {{{3, 5}}, {{2, 2, 3}}, {{1, 2}}},
         .make_input = well_conditioned_front},
        {.name = "lu_factor",
         .fn = [](const Args& x) { return la::lu_factor(x[0]).LU; },
         .shapes = {{{3, 3}}, {{2, 2, 2}}, {{1, 1}}},
         .make_input = well_conditioned},
        {.name = "lu_factor_pivoted",
         .fn = [](const Args& x) { return la::lu_factor(x[0].flip({-2})).LU; },
         .shapes = {{{3, 3}}, {{2, 4, 4}}},
         .make_input = well_conditioned},
        // m != n: PyTorch's wide and tall rules; pivoting comes from the flip
        {.name = "lu_factor_wide",
         .fn = [](const Args& x) { return la::lu_factor(x[0].flip({-2})).LU; },
         .shapes = {{{3, 5}}, {{2, 2, 3}}, {{1, 4}}, {{0, 3}}},
         .make_input = well_conditioned_front},
        {.name = "lu_factor_tall",
         .fn = [](const Args& x) { return la::lu_factor(x[0].flip({-2})).LU; },
         .shapes = {{{5, 3}}, {{2, 3, 2}}, {{4, 1}}, {{3, 0}}},
         .make_input = well_conditioned_top},
        {.name = "lu_plu_tall",
         .fn =
             [](const Args& x) {
               la::LuResult r = la::lu(x[0]);
               return fx::cat({r.L.reshape({-1}), r.U.reshape({-1})});
             },
         .shapes = {{{4, 2}}, {{3, 3}}},
         .make_input = well_conditioned_top},
        {.name = "lu_solve",
         .fn =
             [](const Args& x) {
               la::LuFactorResult f = la::lu_factor(x[0].flip({-2}));
               return la::lu_solve(f.LU, f.pivots, x[1]);
             },
         .shapes = {{{3, 3}, {3, 2}}, {{2, 2, 2}, {2, 2, 1}}},
         .make_input = well_conditioned},
        {.name = "lu_plu",
         .fn =
             [](const Args& x) {
               la::LuResult r = la::lu(x[0].flip({-1}));
               return r.L.matmul(r.U.exp());
             },
         .shapes = {{{3, 3}}},
         .make_input = well_conditioned},
        {.name = "cholesky_solve",
         .fn = [](const Args& x) { return fx::cholesky_solve(x[0], x[1]); },
         .shapes = {{{3, 2}, {3, 3}}, {{2, 2, 1}, {2, 2, 2}}},
         .make_input = second_well_conditioned},
    });

}  // namespace
