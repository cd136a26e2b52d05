// SPDX-License-Identifier: MIT
// Catalogue cases for the shape ops of ops_math.h (shape_more.cpp). Their
// forward values are checked against plain loops in test_math_ops.cpp.
#include "catalogue.h"

namespace {

using catalogue::Args;
using fluxion::Shape;
namespace fx = fluxion;

// A sum of the pieces, each weighted differently, so a wrong piece shows.
fx::Tensor weighted(const std::vector<fx::Tensor>& parts) {
  fx::Tensor y = fx::scalar(0.0, fx::Float64);
  for (size_t k = 0; k < parts.size(); ++k) y = y + parts[k].sum() * (double)(k + 1);
  return y;
}

const bool
    registered =
        catalogue::add(
            {
                {.name = "repeat",
                 .fn =
                     [](const Args& x) {
                       return fx::repeat(x[0], {2, 1, 3});
                     },
                 .shapes = {{{3, 4}}, {{}}, {{2}}, {{2, 0}}, {{2, 1, 3}}}},
                {.name = "tile",
                 .fn = [](const Args& x) { return fx::tile(x[0], {2}); },
                 .shapes = {{{3, 4}}, {{}}, {{2, 1, 3}}}},
                {.name = "repeat_interleave",
                 .fn = [](const Args& x) { return fx::repeat_interleave(x[0], 2, 1); },
                 .shapes = {{{3, 4}}, {{2, 1, 3}}, {{2, 0}}}},
                {.name = "repeat_interleave_flat",
                 .fn = [](const Args& x) { return fx::repeat_interleave(x[0], 3); },
                 .shapes = {{{3, 4}}, {{}}, {{5}}}},
                {.name = "repeat_interleave_tensor",
                 .fn =
                     [](const Args& x) {
                       return fx::repeat_interleave(x[0], fx::tensor(std::vector<int64_t>{2, 0, 1}, {3}), 0);
                     },
                 .shapes = {{{3, 4}}, {{3}}, {{3, 0}}}},
                {.name = "movedim",
                 .fn =
                     [](const Args& x) {
                       return fx::movedim(x[0], {0, 1}, {2, 0});
                     },
                 .shapes = {{{2, 3, 4}}, {{1, 0, 2}}}},
                {.name = "swapaxes",
                 .fn = [](const Args& x) { return fx::swapaxes(x[0], 0, -1).exp(); },
                 .shapes = {{{2, 3, 4}}, {{3, 4}}}},
                {.name = "unflatten",
                 .fn =
                     [](const Args& x) {
                       return fx::unflatten(x[0], 1, {2, -1}).sin();
                     },
                 .shapes = {{{3, 4}}, {{2, 6, 1}}, {{0, 4}}}},
                {.name = "split_sizes",
                 .fn =
                     [](const Args& x) {
                       return weighted(fx::split(x[0], {1, 0, 3}, -1));
                     },
                 .shapes = {{{3, 4}}, {{4}}, {{0, 4}}}},
                {.name = "unfold",
                 .fn = [](const Args& x) { return fx::unfold(x[0], -1, 3, 2); },
                 .shapes = {{{2, 7}}, {{5}}, {{3}}, {{0, 4}}}},
                {.name = "unfold_dim0",
                 .fn = [](const Args& x) { return fx::unfold(x[0], 0, 2, 1).square(); },
                 .shapes = {{{4, 3}}, {{2, 2, 2}}}},
                // as_strided reads storage, so its input layout is part of the function: the
                // catalogue's strided copies (re-made contiguous by the finite differences) are
                // replaced by layouts made inside fn (a transpose, an expand).
                {.name = "as_strided",
                 .fn =
                     [](const Args& x) {
                       return fx::as_strided(x[0], {3, 2}, {1, 2}, 1);
                     },
                 .shapes = {{{3, 4}}, {{7}}},
                 .strided = false},
                {.name = "as_strided_overlapping_windows",
                 .fn =
                     [](const Args& x) {
                       return fx::as_strided(x[0], {4, 3}, {1, 1}).square();
                     },
                 .shapes = {{{6}}, {{2, 3}}},
                 .strided = false},
                {.name = "as_strided_of_transpose",
                 .fn =
                     [](const Args& x) {
                       return fx::as_strided(x[0].mT(), {2, 3}, {1, 2}, 1) * x[0].mT().narrow(0, 0, 2);
                     },
                 .shapes = {{{3, 3}}},
                 .strided = false},
                {.name = "as_strided_of_expand",
                 .fn =
                     [](const Args& x) {
                       return fx::as_strided(x[0].expand({3, 4}), {2, 2}, {2, 1}).exp();
                     },
                 .shapes = {{{4}}},
                 .strided = false},
                {.name = "as_strided_empty_and_one",
                 .fn =
                     [](const Args& x) {
                       return fx::as_strided(x[0], {x[0].numel() ? 1 : 0, 1}, {0, 1});
                     },
                 .shapes = {{{1}}, {{0}}, {{2, 1}}},
                 .strided = false},
                {.name = "broadcast_tensors",
                 .fn =
                     [](const Args& x) {
                       std::vector<fx::Tensor> b = fx::broadcast_tensors({x[0], x[1]});
                       return b[0] * 2.0 + b[1].square();
                     },
                 .shapes = {{{3, 1}, {4}}, {{}, {2, 3}}, {{0, 1}, {3}}}},
                {.name = "atleast_3d",
                 .fn =
                     [](const Args& x) {
                       return fx::atleast_3d(x[0]).sum({0, 2});
                     },
                 .shapes = {{{}}, {{4}}, {{3, 4}}, {{2, 1, 3}}}},
                {.name = "atleast_2d",
                 .fn = [](const Args& x) { return fx::atleast_2d(x[0]).sum({0}); },
                 .shapes = {{{}}, {{4}}, {{3, 4}}}},
                {.name = "hstack",
                 .fn =
                     [](const Args& x) {
                       return fx::hstack({x[0], x[1]});
                     },
                 .shapes = {{{3}, {2}}, {{2, 3}, {2, 1}}}},
                {.name = "vstack",
                 .fn =
                     [](const Args& x) {
                       return fx::vstack({x[0], x[1]});
                     },
                 .shapes = {{{3}, {3}}, {{2, 3}, {3}}, {{}, {}}}},
                {.name = "column_stack",
                 .fn =
                     [](const Args& x) {
                       return fx::column_stack({x[0], x[1]});
                     },
                 .shapes = {{{3}, {3, 2}}, {{}, {}}}},
                {.name = "dstack",
                 .fn =
                     [](const Args& x) {
                       return fx::dstack({x[0], x[1]});
                     },
                 .shapes = {{{3}, {3}}, {{2, 3}, {2, 3, 2}}}},
            });

}  // namespace
