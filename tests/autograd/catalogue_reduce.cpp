// SPDX-License-Identifier: MIT
// Catalogue cases for the reductions (prod, amax/amin, max/min along a dim,
// logsumexp, norm, var, std, cumsum), meshgrid
// and the numerics helpers (trapezoid, diff, gradient). Their forward values
// are checked against double loops in tests/tensor/test_reduce.cpp,
// test_creation.cpp and test_numerics.cpp.
#include <cmath>

#include "catalogue.h"

namespace {

using catalogue::Args;
using fluxion::Shape;

const std::vector<std::vector<Shape>> kReduceShapes = {{{3, 4}}, {{}}, {{5}}, {{2, 0}}, {{2, 1, 3}}};

// Uniform values with every third element exactly 0 (prod's gradient with zeros).
fluxion::Tensor with_zeros(const Shape& shape, size_t, std::mt19937_64& rng) {
  std::vector<double> v = catalogue::uniform(shape, -2, 2, rng).to_vector<double>();
  for (size_t i = 0; i < v.size(); i += 3) v[i] = 0;
  return fluxion::tensor(v, shape, fluxion::Float64);
}

const bool registered = catalogue::add({
    {.name = "prod_all", .fn = [](const Args& x) { return x[0].prod(); }, .shapes = kReduceShapes},
    {.name = "prod_dim", .fn = [](const Args& x) { return x[0].prod(-1, true); },
     .shapes = {{{3, 4}}, {{5}}, {{2, 0}}, {{2, 1, 3}}}},
    {.name = "prod_dim0", .fn = [](const Args& x) { return x[0].prod(0); }, .shapes = {{{3, 4}}, {{2, 1, 3}}}},
    {.name = "prod_zeros", .fn = [](const Args& x) { return x[0].prod(1); },
     .shapes = {{{2, 4}}, {{3, 3}}, {{2, 5, 2}}}, .make_input = with_zeros},
    {.name = "prod_zeros_all", .fn = [](const Args& x) { return x[0].prod(); }, .shapes = {{{2, 2}}, {{7}}},
     .make_input = with_zeros},
    {.name = "amax_all", .fn = [](const Args& x) { return x[0].max(); }, .shapes = {{{3, 4}}, {{}}, {{5}}, {{2, 1, 3}}}},
    {.name = "amin_dims", .fn = [](const Args& x) { return x[0].amin({0, -1}, true); }, .shapes = {{{3, 4}}, {{2, 1, 3}}}},
    {.name = "amax_dim", .fn = [](const Args& x) { return x[0].amax({1}) * x[0].sum({1}); }, .shapes = {{{3, 4}}, {{2, 5, 3}}}},
    {.name = "max_dim", .fn = [](const Args& x) { return x[0].max(1).first; }, .shapes = {{{3, 4}}, {{2, 5, 3}}, {{4, 1}}}},
    {.name = "min_dim_keep", .fn = [](const Args& x) { return x[0].min(0, true).first.exp(); },
     .shapes = {{{3, 4}}, {{5}}, {{2, 1, 3}}, {{}}}},
    {.name = "norm2_all", .fn = [](const Args& x) { return x[0].norm(); }, .shapes = {{{3, 4}}, {{}}, {{5}}, {{2, 1, 3}}}},
    {.name = "norm2_dim", .fn = [](const Args& x) { return x[0].norm(2, {-1}, true); }, .shapes = {{{3, 4}}, {{2, 5, 3}}}},
    {.name = "norm1", .fn = [](const Args& x) { return x[0].norm(1, {0}); }, .shapes = {{{3, 4}}, {{5}}}, .lo = 0.2, .hi = 2},
    {.name = "norm3", .fn = [](const Args& x) { return x[0].norm(3); }, .shapes = {{{3, 4}}, {{5}}}, .lo = 0.2, .hi = 2},
    {.name = "norm_inf", .fn = [](const Args& x) { return x[0].norm(INFINITY, {1}); }, .shapes = {{{3, 4}}, {{2, 5}}},
     .lo = 0.2, .hi = 2},
    {.name = "std_dim", .fn = [](const Args& x) { return x[0].std({1}); }, .shapes = {{{3, 4}}, {{2, 5, 3}}}},
    {.name = "logsumexp_all", .fn = [](const Args& x) { return x[0].logsumexp(); }, .shapes = kReduceShapes},
    {.name = "logsumexp_dims", .fn = [](const Args& x) { return x[0].logsumexp({0, -1}, true); },
     .shapes = {{{3, 4}}, {{2, 1, 3}}}},
    {.name = "logsumexp_dim", .fn = [](const Args& x) { return x[0].logsumexp({1}); }, .shapes = {{{3, 4}}, {{2, 5, 3}}}},
    {.name = "var_all", .fn = [](const Args& x) { return x[0].var(); }, .shapes = {{{3, 4}}, {{5}}, {{2, 1, 3}}}},
    {.name = "var_dim", .fn = [](const Args& x) { return x[0].var({1}, 0, true); }, .shapes = {{{3, 4}}, {{2, 5, 3}}}},
    {.name = "cumsum", .fn = [](const Args& x) { return x[0].cumsum(-1) * x[0]; },
     .shapes = {{{3, 4}}, {{}}, {{5}}, {{2, 0}}, {{2, 1, 3}}}},
    {.name = "cumsum_dim0", .fn = [](const Args& x) { return x[0].cumsum(0).exp(); }, .shapes = {{{3, 4}}, {{2, 1, 3}}}},
    {.name = "meshgrid_xy",
     .fn = [](const Args& x) {
       auto g = fluxion::meshgrid({x[0], x[1]}, fluxion::Indexing::xy);
       return g[0] * g[1].sin();
     },
     .shapes = {{{3}, {4}}, {{1}, {2}}, {{0}, {2}}}},
    {.name = "meshgrid_ij",
     .fn = [](const Args& x) {
       auto g = fluxion::meshgrid({x[0], x[1], x[2]});
       return g[0] * g[1] + g[2];
     },
     .shapes = {{{2}, {3}, {2}}, {{}, {3}, {1}}}},
    {.name = "trapezoid_x", .fn = [](const Args& x) { return fluxion::trapezoid(x[0], x[1]); },
     .shapes = {{{3, 5}, {5}}, {{4}, {4}}, {{2, 1}, {1}}, {{2, 3}, {2, 3}}}},
    {.name = "trapezoid_x_dim0", .fn = [](const Args& x) { return fluxion::trapezoid(x[0].sin(), x[1], 0); },
     .shapes = {{{4, 2}, {4}}, {{3, 2, 2}, {3}}}},
    {.name = "trapezoid_dx", .fn = [](const Args& x) { return fluxion::trapezoid(x[0], 0.25, 0); },
     .shapes = {{{4, 2}}, {{5}}, {{0, 3}}}},
    {.name = "diff", .fn = [](const Args& x) { return fluxion::diff(x[0] * x[0], 2); }, .shapes = {{{3, 5}}, {{4}}, {{2, 1}}}},
    {.name = "gradient_even", .fn = [](const Args& x) { return fluxion::gradient(x[0].exp(), {.spacing = 0.5})[0]; },
     .shapes = {{{5}}, {{3, 4}}, {{2, 2}}}},
    {.name = "gradient_coords",
     .fn = [](const Args& x) { return fluxion::gradient(x[0] * x[0], {.coordinates = {x[1]}, .dims = {-1}})[0]; },
     .shapes = {{{3, 4}, {4}}, {{5}, {5}}},
     .make_input =
         [](const Shape& shape, size_t index, std::mt19937_64& rng) {
           if (index == 0) return catalogue::uniform(shape, -2, 2, rng);
           return catalogue::uniform(shape, 0.5, 1, rng).cumsum(0);  // increasing points, steps >= 0.5
         }},
});

}  // namespace
