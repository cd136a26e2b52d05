// SPDX-License-Identifier: MIT
// Catalogue cases for the core ops the foundation defines: arithmetic,
// exp/log/sin/cos/tanh, sum/mean/sum_to, reshape/expand/transpose, matmul, linear, addcmul, to.
#include <cmath>

#include "catalogue.h"

namespace {

using catalogue::Args;
using fluxion::Shape;

// Shape sets for a binary elementwise op: equal, broadcasting both ways,
// scalar, size-1 and size-0 dims.
const std::vector<std::vector<Shape>> kBinaryShapes = {
    {{3, 4}, {3, 4}}, {{3, 1}, {4}}, {{}, {2, 3}}, {{2, 1, 3}, {1, 4, 1}}, {{0, 3}, {3}}};
const std::vector<std::vector<Shape>> kUnaryShapes = {{{3, 4}}, {{}}, {{5}}, {{2, 0}}, {{2, 1, 3}}};

const bool registered = catalogue::add({
    {.name = "add", .fn = [](const Args& x) { return x[0] + x[1]; }, .shapes = kBinaryShapes,
     .ref2 = [](double a, double b) { return a + b; }},
    {.name = "sub", .fn = [](const Args& x) { return x[0] - x[1]; }, .shapes = kBinaryShapes,
     .ref2 = [](double a, double b) { return a - b; }},
    {.name = "mul", .fn = [](const Args& x) { return x[0] * x[1]; }, .shapes = kBinaryShapes,
     .ref2 = [](double a, double b) { return a * b; }},
    {.name = "div", .fn = [](const Args& x) { return x[0] / x[1]; }, .shapes = kBinaryShapes, .lo = 0.5, .hi = 2,
     .ref2 = [](double a, double b) { return a / b; }},
    {.name = "scalar_ops", .fn = [](const Args& x) { return (2.0 - x[0]) * 3.0 / (x[0] + 4.0) + 1.5 / x[0]; },
     .shapes = kUnaryShapes, .lo = 0.5, .hi = 2,
     .ref1 = [](double a) { return (2.0 - a) * 3.0 / (a + 4.0) + 1.5 / a; }},
    {.name = "neg", .fn = [](const Args& x) { return -x[0]; }, .shapes = kUnaryShapes,
     .ref1 = [](double a) { return -a; }},
    {.name = "exp", .fn = [](const Args& x) { return x[0].exp(); }, .shapes = kUnaryShapes,
     .ref1 = [](double a) { return std::exp(a); }},
    {.name = "log", .fn = [](const Args& x) { return x[0].log(); }, .shapes = kUnaryShapes, .lo = 0.3, .hi = 3,
     .ref1 = [](double a) { return std::log(a); }},
    {.name = "sin", .fn = [](const Args& x) { return x[0].sin(); }, .shapes = kUnaryShapes,
     .ref1 = [](double a) { return std::sin(a); }},
    {.name = "cos", .fn = [](const Args& x) { return x[0].cos(); }, .shapes = kUnaryShapes,
     .ref1 = [](double a) { return std::cos(a); }},
    {.name = "tanh", .fn = [](const Args& x) { return x[0].tanh(); }, .shapes = kUnaryShapes,
     .ref1 = [](double a) { return std::tanh(a); }},
    {.name = "sum_all", .fn = [](const Args& x) { return x[0].sum(); }, .shapes = kUnaryShapes},
    {.name = "sum_dims", .fn = [](const Args& x) { return (x[0] * x[0]).sum({0, -1}, true); },
     .shapes = {{{3, 4}}, {{2, 1, 3}}, {{2, 0}}}},
    {.name = "mean_dim", .fn = [](const Args& x) { return x[0].exp().mean({1}); }, .shapes = {{{3, 4}}, {{2, 5, 3}}}},
    {.name = "sum_to", .fn = [](const Args& x) { return fluxion::sum_to(x[0].sin(), {3, 1}); },
     .shapes = {{{3, 4}}, {{2, 3, 4}}}},
    {.name = "reshape", .fn = [](const Args& x) { return x[0].reshape({-1}) * x[0].reshape({-1}).cos(); },
     .shapes = {{{3, 4}}, {{2, 0}}, {{}}}},
    {.name = "expand", .fn = [](const Args& x) { return x[0].expand({2, 3, 4}).sin(); },
     .shapes = {{{3, 1}}, {{4}}, {{1, 3, 4}}}},
    {.name = "transpose", .fn = [](const Args& x) { return x[0].transpose(0, -1).exp(); },
     .shapes = {{{3, 4}}, {{2, 3, 4}}}},
    {.name = "matmul", .fn = [](const Args& x) { return x[0].matmul(x[1]).tanh(); },
     .shapes = {{{3, 4}, {4, 2}}, {{4}, {4, 2}}, {{3, 4}, {4}}, {{4}, {4}}, {{2, 3, 4}, {4, 5}},
                {{2, 1, 3, 4}, {5, 4, 2}}, {{0, 4}, {4, 3}}}},
    {.name = "linear", .fn = [](const Args& x) { return fluxion::linear(x[0], x[1], x[2]).tanh(); },
     .shapes = {{{3, 4}, {2, 4}, {2}}, {{4}, {2, 4}, {2}}, {{2, 3, 4}, {5, 4}, {5}}, {{0, 4}, {3, 4}, {3}}}},
    {.name = "addcmul", .fn = [](const Args& x) { return fluxion::addcmul(x[0], x[1], x[2], 0.75).sin(); },
     .shapes = {{{3, 4}, {3, 4}, {3, 4}}, {{3, 1}, {4}, {2, 3, 4}}, {{}, {2, 3}, {3}}, {{0, 2}, {2}, {1, 2}}}},
    {.name = "linear_no_bias", .fn = [](const Args& x) { return fluxion::linear(x[0], x[1]).sin(); },
     .shapes = {{{3, 4}, {2, 4}}, {{4}, {2, 4}}, {{2, 1, 4}, {3, 4}}}},
});

}  // namespace
