// SPDX-License-Identifier: MIT
// Catalogue cases for sorting, selection and scans (sort.cpp): the values
// are differentiable, the gradient going to the selected positions. Random
// inputs have no ties, so finite differences see a smooth function. Forward
// values, indices, ties and NaN are checked in test_sort_ops.cpp.
#include "catalogue.h"

namespace {

using catalogue::Args;
using fluxion::Shape;
namespace fx = fluxion;

const std::vector<std::vector<Shape>> kShapes = {{{3, 4}}, {{}}, {{5}}, {{2, 0}}, {{2, 1, 3}}};

// Uniform values with every third element exactly 0 (cumprod's gradient at zeros).
fx::Tensor with_zeros(const Shape& shape, size_t, std::mt19937_64& rng) {
  std::vector<double> v = catalogue::uniform(shape, -2, 2, rng).to_vector<double>();
  for (size_t i = 0; i < v.size(); i += 3) v[i] = 0;
  return fx::tensor(v, shape, fx::Float64);
}

const bool registered = catalogue::add({
    {.name = "sort", .fn = [](const Args& x) { return fx::sort(x[0]).values; }, .shapes = kShapes},
    {.name = "sort_descending_dim0",
     .fn = [](const Args& x) { return fx::sort(x[0], 0, true).values.exp(); },
     .shapes = {{{3, 4}}, {{5}}, {{2, 1, 3}}, {{0, 2}}}},
    {.name = "topk",
     .fn = [](const Args& x) { return fx::topk(x[0], 2).values; },
     .shapes = {{{3, 4}}, {{5}}, {{2, 1, 3}}}},
    {.name = "topk_smallest_dim0",
     .fn = [](const Args& x) { return fx::topk(x[0], 1, 0, false).values; },
     .shapes = {{{3, 4}}, {{}}, {{2, 0}}}},
    {.name = "kthvalue",
     .fn = [](const Args& x) { return fx::kthvalue(x[0], 2, -1, true).values; },
     .shapes = {{{3, 4}}, {{5}}, {{2, 1, 3}}}},
    {.name = "median_dim",
     .fn = [](const Args& x) { return fx::median(x[0], 1).values; },
     .shapes = {{{3, 4}}, {{2, 5, 3}}, {{4, 1}}}},
    {.name = "median_all", .fn = [](const Args& x) { return fx::median(x[0]); }, .shapes = {{{3, 4}}, {{}}, {{5}}}},
    {.name = "nanmedian_dim",
     .fn = [](const Args& x) { return fx::nanmedian(x[0], 0, true).values; },
     .shapes = {{{3, 4}}, {{5}}}},
    {.name = "mode", .fn = [](const Args& x) { return fx::mode(x[0]).values; }, .shapes = {{{3, 4}}, {{5}}, {{}}}},
    {.name = "cummax", .fn = [](const Args& x) { return fx::cummax(x[0], -1).values; }, .shapes = kShapes},
    {.name = "cummin_dim0",
     .fn = [](const Args& x) { return fx::cummin(x[0], 0).values * x[0]; },
     .shapes = {{{3, 4}}, {{2, 1, 3}}}},
    {.name = "cumprod", .fn = [](const Args& x) { return fx::cumprod(x[0], -1); }, .shapes = kShapes},
    {.name = "cumprod_zeros",
     .fn = [](const Args& x) { return fx::cumprod(x[0], 0); },
     .shapes = {{{4, 3}}, {{7}}, {{3, 2, 2}}},
     .make_input = with_zeros},
    {.name = "logcumsumexp", .fn = [](const Args& x) { return fx::logcumsumexp(x[0], -1); }, .shapes = kShapes},
    {.name = "logcumsumexp_dim0",
     .fn = [](const Args& x) { return fx::logcumsumexp(x[0] * 50.0, 0); },
     .shapes = {{{3, 4}}, {{2, 1, 3}}}},
});

}  // namespace
