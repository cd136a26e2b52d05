// SPDX-License-Identifier: MIT
// Catalogue cases for views (slice, select, narrow, diagonal, permute,
// squeeze, unsqueeze, flatten) and indexing/joining (gather, scatter_add,
// index_select, masked_select, cat, stack, pad, flip, roll). The ops are
// linear, so each case follows them with sin (or a product) to give the
// second-order checks something to see: those go through the views' scatter
// ops (SliceBackward, DiagonalBackward, ScatterAdd) and their own rules.
// Forward values are checked against loops in tests/tensor/test_{views,index}.cpp.
#include "catalogue.h"

namespace {

using catalogue::Args;
using fluxion::Shape;
using fluxion::Tensor;

// An int64 index of `shape` with values in [0, n), repeating ones included.
Tensor index_of(const Shape& shape, int64_t n) {
  std::vector<int64_t> v((size_t)fluxion::numel(shape));
  for (size_t k = 0; k < v.size(); ++k) v[k] = n ? (int64_t)(k * 5 + 3) % n : 0;
  return fluxion::tensor(v, shape);
}

const bool registered = catalogue::add({
    {.name = "slice_step", .fn = [](const Args& x) { return x[0].slice(-1, 1, -1, 2).sin(); },
     .shapes = {{{3, 6}}, {{7}}, {{2, 0}}, {{4, 1}}}},
    {.name = "slice_negative_start", .fn = [](const Args& x) { return x[0].slice(0, -2, std::nullopt) * x[0].slice(0, 0, 2); },
     .shapes = {{{3, 4}}, {{2}}}},
    {.name = "select", .fn = [](const Args& x) { return x[0].select(-1, -1).sin() * x[0].select(0, 0).sum(); },
     .shapes = {{{3, 4}}, {{5}}, {{2, 3, 2}}}},
    {.name = "index", .fn = [](const Args& x) { return x[0].index({fluxion::Slice{1, std::nullopt}, -1}).sin(); },
     .shapes = {{{3, 4}}, {{2, 3, 2}}, {{1, 2}}}},
    {.name = "split",
     .fn = [](const Args& x) {
       auto parts = x[0].split(2, -1);
       return parts.back().sin() * parts.front().sum();
     },
     .shapes = {{{3, 5}}, {{4}}}},
    {.name = "narrow", .fn = [](const Args& x) { return x[0].narrow(0, 1, 2).exp(); }, .shapes = {{{4, 3}}, {{3}}}},
    {.name = "diagonal", .fn = [](const Args& x) { return x[0].diagonal(1, 0, 1).sin(); },
     .shapes = {{{3, 4}}, {{4, 3, 2}}, {{1, 1}}}},
    {.name = "diagonal_below", .fn = [](const Args& x) { return x[0].diagonal(-1, -1, 0).tanh(); },
     .shapes = {{{2, 3, 3}}, {{4, 2}}}},
    {.name = "permute", .fn = [](const Args& x) { return x[0].permute({2, 0, 1}).sin(); },
     .shapes = {{{2, 3, 4}}, {{0, 2, 1}}}},
    {.name = "squeeze", .fn = [](const Args& x) { return x[0].squeeze().sin() + x[0].squeeze(0).sum(); },
     .shapes = {{{1, 3, 1}}, {{1}}, {{1, 0}}}},
    {.name = "unsqueeze_flatten", .fn = [](const Args& x) { return x[0].unsqueeze(1).flatten(1).cos(); },
     .shapes = {{{2, 3, 4}}, {{3}}}},
    {.name = "gather", .fn = [](const Args& x) { return x[0].gather(1, index_of({x[0].size(0), 5}, x[0].size(1))).sin(); },
     .shapes = {{{3, 4}}, {{2, 1}}, {{0, 3}}}},
    {.name = "gather_dim0", .fn = [](const Args& x) { return x[0].gather(0, index_of({4, 2, 2}, x[0].size(0))).sin(); },
     .shapes = {{{3, 2, 3}}}},
    {.name = "scatter_add",
     .fn = [](const Args& x) { return x[0].scatter_add(0, index_of({5, x[0].size(1)}, x[0].size(0)), x[1].sin()).sin(); },
     .shapes = {{{3, 4}, {5, 4}}, {{2, 3}, {6, 4}}, {{3, 0}, {5, 0}}}},
    {.name = "index_select", .fn = [](const Args& x) { return x[0].index_select(0, index_of({5}, x[0].size(0))).sin(); },
     .shapes = {{{3, 4}}, {{3}}, {{2, 0}}}},
    {.name = "masked_select",
     .fn = [](const Args& x) { return x[0].masked_select(fluxion::tensor({1.0, 0.0, 0.0, 1.0})).sin(); },
     .shapes = {{{3, 4}}, {{4}}, {{0, 4}}}},
    {.name = "cat", .fn = [](const Args& x) { return fluxion::cat({x[0], x[1].sin()}, -1) * fluxion::cat({x[0], x[1]}, -1); },
     .shapes = {{{2, 3}, {2, 1}}, {{0, 2}, {0, 3}}, {{2, 0}, {2, 2}}}},
    {.name = "cat_with_constant", .fn = [](const Args& x) { return fluxion::cat({x[1], x[0], x[1]}, 0).sin(); },
     .shapes = {{{2, 3}, {1, 3}}}, .constant = {1}},
    {.name = "stack", .fn = [](const Args& x) { return fluxion::stack({x[0], x[1], x[0]}, -1).sin(); },
     .shapes = {{{2, 3}, {2, 3}}, {{}, {}}, {{0}, {0}}}},
    {.name = "pad", .fn = [](const Args& x) { return fluxion::pad(x[0], {1, 2, 0, 1}, 0.5).sin(); },
     .shapes = {{{2, 3}}, {{1, 2, 3}}, {{0, 2}}}},
    {.name = "pad_crop", .fn = [](const Args& x) { return fluxion::pad(x[0], {-1, 2}).exp(); },
     .shapes = {{{2, 3}}, {{1}}}},
    {.name = "flip", .fn = [](const Args& x) { return x[0].flip({0, -1}) * x[0]; },
     .shapes = {{{2, 3}}, {{3, 0}}, {{4, 1}}}},
    {.name = "flip_1d", .fn = [](const Args& x) { return x[0].flip({0}) * x[0]; }, .shapes = {{{5}}, {{}}}},
    {.name = "roll", .fn = [](const Args& x) { return x[0].roll(2, -1) * x[0]; },
     .shapes = {{{2, 5}}, {{3}}, {{2, 0}}}},
});

}  // namespace
