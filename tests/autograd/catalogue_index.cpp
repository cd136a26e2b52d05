// SPDX-License-Identifier: MIT
// Catalogue cases for PyTorch-style indexing and assignment: x.index with
// index tensors and Bool masks (both placements of the advanced dims),
// index_put (= and +=), index_copy / index_add / index_fill, masked_fill /
// masked_scatter, scatter and scatter_reduce, take / take_along_dim, and
// in-place ops recorded on non-leaf tensors. Index tensors repeat positions
// wherever the op accumulates, so the checks see gradients add up; ops that
// overwrite get distinct positions (a value written twice has no single
// derivative). Forward values against loops: tests/autograd/test_indexing.cpp.
#include "catalogue.h"

namespace {

using catalogue::Args;
using fluxion::Ellipsis;
using fluxion::None;
using fluxion::Shape;
using fluxion::Slice;
using fluxion::Tensor;

// Int64 of `shape` with values in [0, n) that repeat (n > 0); negative ones too when `negative`.
Tensor repeating(const Shape& shape, int64_t n, bool negative = false) {
  std::vector<int64_t> v((size_t)fluxion::numel(shape));
  for (size_t k = 0; k < v.size(); ++k) {
    v[k] = n ? (int64_t)(k * 5 + 3) % n : 0;
    if (negative && k % 2) v[k] -= n;
  }
  return fluxion::tensor(v, shape);
}

// Uniform values in [-2, 2] with every third element exactly 0 (scatter_reduce prod at zeros).
Tensor every_third_zero(const Shape& shape, size_t index, std::mt19937_64& rng) {
  std::vector<double> v = catalogue::uniform(shape, -2, 2, rng).to_vector<double>();
  for (size_t k = index; k < v.size(); k += 3) v[k] = 0;
  return fluxion::tensor(v, shape, fluxion::Float64);
}

// Int64 [k]: k distinct positions of [0, n) in a scrambled order (k <= n).
Tensor distinct(int64_t k, int64_t n) {
  std::vector<int64_t> v((size_t)k);
  for (int64_t j = 0; j < k; ++j) v[(size_t)j] = (j % 2) ? j / 2 : n - 1 - j / 2;
  return fluxion::tensor(v, {k});
}

// Int64 [k, m], column j holding distinct rows (i + j) % n of [0, n) (k <= n): scatter along dim 0.
Tensor distinct_columns(int64_t k, int64_t m, int64_t n) {
  std::vector<int64_t> v((size_t)(k * m));
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < m; ++j) v[(size_t)(i * m + j)] = (i + j) % n;
  return fluxion::tensor(v, {k, m});
}

// A fixed Bool pattern of `shape` (about half true).
Tensor mask_of(const Shape& shape) {
  std::vector<double> v((size_t)fluxion::numel(shape));
  for (size_t k = 0; k < v.size(); ++k) v[k] = (k * 7 + 2) % 5 < 3 ? 1 : 0;
  return fluxion::tensor(v, shape, fluxion::Float64) > 0.5;
}

const bool registered = catalogue::add({
    {.name = "index_tensor",
     .fn =
         [](const Args& x) {
           return x[0].index({Slice{}, repeating({2, 3}, x[0].size(1))}).sin();
         },
     .shapes = {{{3, 4}}, {{2, 5, 2}}, {{0, 3}}, {{1, 1}}}},
    {.name = "index_negative",
     .fn = [](const Args& x) { return x[0].index({repeating({5}, x[0].size(0), true)}).sin(); },
     .shapes = {{{3, 2}}, {{4}}}},
    {.name = "index_adjacent_tensors",
     .fn =
         [](const Args& x) {
           return x[0].index({Slice{}, repeating({2, 1}, x[0].size(1)), repeating({3}, x[0].size(2))}).sin();
         },
     .shapes = {{{2, 3, 4}}, {{1, 2, 2}}, {{2, 3, 4, 2}}}},
    {.name = "index_separated_tensors",
     .fn =
         [](const Args& x) {
           return x[0].index({repeating({2, 1}, x[0].size(0)), Slice{}, repeating({3}, x[0].size(2))}).sin();
         },
     .shapes = {{{3, 2, 4}}, {{1, 1, 1}}, {{2, 0, 3}}}},
    {.name = "index_mask",
     .fn = [](const Args& x) { return x[0].index({mask_of(x[0].shape())}).sin(); },
     .shapes = {{{3, 4}}, {{5}}, {{0, 2}}, {{1}}}},
    {.name = "index_none_ellipsis_mask",
     .fn =
         [](const Args& x) {
           return x[0].index({None, Ellipsis, mask_of({x[0].size(-1)})}).sin();
         },
     .shapes = {{{2, 3, 4}}, {{4}}}},
    {.name = "index_put",
     .fn = [](const Args& x) { return x[0].index_put({distinct(x[1].size(0), x[0].size(0))}, x[1].sin()) * x[0]; },
     .shapes = {{{4, 3}, {2, 3}}, {{3}, {3}}, {{2, 0}, {1, 0}}}},
    {.name = "index_put_broadcast",
     .fn =
         [](const Args& x) {
           return x[0].index_put({Slice{}, distinct(2, x[0].size(1))}, x[1]).sin();
         },
     .shapes = {{{3, 4}, {2}}, {{2, 2}, {}}}},
    {.name = "index_put_accumulate",
     .fn = [](const Args& x) { return x[0].index_put({repeating({5}, x[0].size(0))}, x[1], true).sin(); },
     .shapes = {{{3, 2}, {5, 2}}, {{4}, {5}}, {{2, 3}, {3}}}},
    {.name = "index_put_mask",
     .fn = [](const Args& x) { return x[0].index_put({mask_of(x[0].shape())}, x[1]).sin() * x[1]; },
     .shapes = {{{3, 4}, {}}, {{0, 2}, {}}}},
    {.name = "index_copy",
     .fn = [](const Args& x) { return x[0].index_copy(1, distinct(x[1].size(1), x[0].size(1)), x[1]).sin(); },
     .shapes = {{{3, 4}, {3, 2}}, {{2, 3}, {2, 3}}, {{0, 2}, {0, 1}}}},
    {.name = "index_add",
     .fn = [](const Args& x) { return x[0].index_add(0, repeating({x[1].size(0)}, x[0].size(0)), x[1], 0.5).sin(); },
     .shapes = {{{3, 4}, {5, 4}}, {{2}, {3}}, {{2, 0}, {3, 0}}}},
    {.name = "index_fill",
     .fn = [](const Args& x) { return x[0].index_fill(-1, distinct(2, x[0].size(-1)), 0.5) * x[0]; },
     .shapes = {{{3, 4}}, {{2}}}},
    {.name = "masked_fill",
     .fn = [](const Args& x) { return x[0].masked_fill(mask_of(x[0].shape()), 0.5) * x[0]; },
     .shapes = {{{3, 4}}, {{}}, {{0, 3}}}},
    {.name = "masked_fill_broadcast_value",
     .fn = [](const Args& x) { return x[0].masked_fill(mask_of({x[0].size(-1)}), x[1]).sin(); },
     .shapes = {{{3, 4}, {}}, {{2, 1}, {}}}},
    {.name = "masked_scatter",
     .fn = [](const Args& x) { return x[0].masked_scatter(mask_of(x[0].shape()), x[1]).sin(); },
     .shapes = {{{3, 4}, {3, 4}}, {{5}, {7}}, {{0, 2}, {0}}}},
    {.name = "scatter",
     .fn = [](const Args& x) { return x[0].scatter(0, distinct_columns(2, x[0].size(1), x[0].size(0)), x[1]).sin(); },
     .shapes = {{{4, 3}, {2, 3}}, {{3, 2}, {3, 4}}, {{2, 0}, {2, 0}}}},
    {.name = "scatter_value",
     .fn = [](const Args& x) { return x[0].scatter(0, distinct_columns(1, x[0].size(1), x[0].size(0)), 0.5) * x[0]; },
     .shapes = {{{3, 2}}, {{1, 4}}}},
    {.name = "scatter_add_reduce",
     .fn =
         [](const Args& x) {
           return x[0].scatter(1, repeating({x[0].size(0), 5}, x[0].size(1)), x[1], "add").sin();
         },
     .shapes = {{{3, 4}, {3, 5}}, {{2, 2}, {2, 6}}}},
    {.name = "scatter_reduce_sum_exclude_self",
     .fn =
         [](const Args& x) {
           return x[0].scatter_reduce(0, repeating({5, x[0].size(1)}, x[0].size(0)), x[1], "sum", false).sin();
         },
     .shapes = {{{3, 2}, {5, 2}}, {{7, 1}, {5, 1}}}},
    {.name = "scatter_reduce_mean",
     .fn =
         [](const Args& x) {
           Tensor i = repeating({5, x[0].size(1)}, x[0].size(0));
           return x[0].scatter_reduce(0, i, x[1], "mean").sin() * x[0].scatter_reduce(0, i, x[1], "mean", false);
         },
     .shapes = {{{3, 2}, {5, 2}}, {{7, 1}, {5, 1}}}},
    {.name = "scatter_reduce_amax",
     .fn =
         [](const Args& x) {
           return x[0].scatter_reduce(0, repeating({5, x[0].size(1)}, x[0].size(0)), x[1], "amax").sin();
         },
     .shapes = {{{3, 2}, {5, 2}}, {{7, 1}, {5, 1}}}},
    {.name = "scatter_reduce_amin_exclude_self",
     .fn =
         [](const Args& x) {
           return x[0].scatter_reduce(0, repeating({5, x[0].size(1)}, x[0].size(0)), x[1], "amin", false).sin();
         },
     .shapes = {{{3, 2}, {5, 2}}, {{7, 1}, {5, 1}}}},
    {.name = "scatter_reduce_prod",
     .fn =
         [](const Args& x) {
           Tensor i = repeating({5, x[0].size(1)}, x[0].size(0));
           return x[0].scatter_reduce(0, i, x[1], "prod") + x[0].scatter_reduce(0, i, x[1], "prod", false);
         },
     .shapes = {{{3, 2}, {5, 2}}, {{7, 1}, {5, 1}}}},
    // zeros among a position's candidates (one, two, in self and in src): exact to every order
    {.name = "scatter_reduce_prod_zeros",
     .fn =
         [](const Args& x) {
           Tensor i = repeating({6, x[0].size(1)}, x[0].size(0));
           return (x[0].scatter_reduce(0, i, x[1], "prod") * 2.0).sin() +
                  x[0].scatter_reduce(0, i, x[1], "prod", false);
         },
     .shapes = {{{3, 2}, {6, 2}}, {{2, 1}, {6, 1}}},
     .make_input = every_third_zero},
    {.name = "take",
     .fn =
         [](const Args& x) {
           return x[0].take(repeating({2, 3}, x[0].numel(), true)).sin();
         },
     .shapes = {{{3, 4}}, {{5}}, {{}}}},
    {.name = "take_along_dim",
     .fn =
         [](const Args& x) {
           return x[0].take_along_dim(repeating({1, 5}, x[0].size(1)), 1).sin();
         },
     .shapes = {{{3, 4}}, {{1, 2}}, {{0, 3}}}},
    {.name = "take_along_dim_flat",
     .fn = [](const Args& x) { return x[0].take_along_dim(repeating({4}, x[0].numel())).sin(); },
     .shapes = {{{3, 4}}, {{2}}}},
    {.name = "where_bool_mask",
     .fn = [](const Args& x) { return fluxion::where(mask_of(x[0].shape()), x[0].sin(), x[1]); },
     .shapes = {{{3, 4}, {4}}, {{}, {}}, {{0, 2}, {2}}}},
    {.name = "inplace_on_nonleaf",
     .fn =
         [](const Args& x) {
           Tensor y = x[0] * 2.0;
           y.add_(x[1].sin(), 0.5);
           y.mul_(x[1]);
           return y.sin();
         },
     .shapes = {{{3, 4}, {4}}, {{2}, {2}}, {{0, 2}, {2}}}},
    {.name = "slice_assignment_on_nonleaf",
     .fn =
         [](const Args& x) {
           Tensor y = x[0].sin();
           y.index_put_({Slice{0, 1}, Slice{}}, x[1]);
           y.index_put_({repeating({3}, y.size(0))}, x[1].exp(), true);
           return y * x[0];
         },
     .shapes = {{{3, 4}, {1, 4}}, {{2, 1}, {1}}}},
});

}  // namespace
