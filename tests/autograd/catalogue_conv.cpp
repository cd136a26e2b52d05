// SPDX-License-Identifier: MIT
// Catalogue cases for conv2d and its two adjoint ops (conv2d_input_grad,
// conv2d_weight_grad), whose rules are each other: second order through a
// convolution exercises all three.
#include "catalogue.h"

namespace {

using catalogue::Args;

const bool registered = catalogue::add({
    {.name = "conv2d_bias_pad1",
     .fn = [](const Args& x) { return fluxion::conv2d(x[0], x[1], x[2], {.padding = 1}); },
     .shapes = {{{2, 3, 5, 4}, {2, 3, 3, 3}, {2}}, {{0, 2, 4, 4}, {3, 2, 3, 3}, {3}}}},
    {.name = "conv2d_stride_dilation",
     .fn = [](const Args& x) { return fluxion::conv2d(x[0], x[1], {}, {.stride = {2, 1}, .padding = {0, 1}, .dilation = 2}); },
     .shapes = {{{1, 2, 7, 6}, {3, 2, 2, 3}}, {{2, 6, 6}, {2, 2, 3, 1}}}},
    {.name = "conv2d_groups",
     .fn = [](const Args& x) { return fluxion::conv2d(x[0], x[1], x[2], {.padding = {1, 0}, .groups = 2}); },
     .shapes = {{{2, 4, 5, 4}, {6, 2, 3, 2}, {6}}, {{1, 2, 4, 4}, {4, 1, 2, 2}, {4}}}},
    {.name = "conv2d_input_grad_groups",
     .fn = [](const Args& x) { return fluxion::conv2d_input_grad(x[0], x[1], {2, 4, 4, 4}, {.groups = 2}); },
     .shapes = {{{2, 6, 2, 3}, {6, 2, 3, 2}}}},
    {.name = "conv2d_weight_grad_groups",
     .fn = [](const Args& x) { return fluxion::conv2d_weight_grad(x[0], x[1], {4, 1, 3, 3}, {.padding = 1, .groups = 2}); },
     .shapes = {{{2, 2, 4, 4}, {2, 4, 4, 4}}}},
    {.name = "conv2d_input_grad",
     .fn = [](const Args& x) { return fluxion::conv2d_input_grad(x[0], x[1], {2, 2, 5, 5}, {.stride = 2, .padding = 1}); },
     .shapes = {{{2, 3, 3, 3}, {3, 2, 3, 3}}}},
    {.name = "conv2d_weight_grad",
     .fn = [](const Args& x) { return fluxion::conv2d_weight_grad(x[0], x[1], {3, 2, 3, 3}, {.stride = 2, .padding = 1}); },
     .shapes = {{{2, 2, 5, 5}, {2, 3, 3, 3}}}},
});

}  // namespace
