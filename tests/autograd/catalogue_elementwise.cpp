// SPDX-License-Identifier: MIT
// Catalogue cases for the elementwise family: unary functions, activations,
// powers, maximum/minimum, atan2, hypot and where. (Comparisons and isnan/
// isfinite are not differentiable; tests/autograd/test_elementwise_ops.cpp
// covers them.)
#include <cmath>

#include "catalogue.h"

namespace {

using catalogue::Args;
using fluxion::Shape;
namespace fx = fluxion;

const std::vector<std::vector<Shape>> kUnary = {{{3, 4}}, {{}}, {{5}}, {{2, 0}}, {{2, 1, 3}}};
const std::vector<std::vector<Shape>> kBinary = {
    {{3, 4}, {3, 4}}, {{3, 1}, {4}}, {{}, {2, 3}}, {{2, 1, 3}, {1, 4, 1}}, {{0, 3}, {3}}};

double sigmoid(double x) { return 1 / (1 + std::exp(-x)); }
double softplus(double x) { return 2 * x > 3 ? x : std::log1p(std::exp(2 * x)) / 2; }  // beta 2, threshold 3

// where(cond, a, b): cond a fixed 0/1 mask, a and b differentiable.
fx::Tensor where_input(const Shape& shape, size_t index, std::mt19937_64& rng) {
  fx::Tensor u = catalogue::uniform(shape, -1, 1, rng);
  return index == 0 ? (u > 0.0) : u;
}

const bool registered = catalogue::add({
    {.name = "expm1", .fn = [](const Args& x) { return x[0].expm1(); }, .shapes = kUnary,
     .ref1 = [](double a) { return std::expm1(a); }},
    {.name = "log1p", .fn = [](const Args& x) { return x[0].log1p(); }, .shapes = kUnary, .lo = -0.5, .hi = 2,
     .ref1 = [](double a) { return std::log1p(a); }},
    {.name = "sqrt", .fn = [](const Args& x) { return x[0].sqrt(); }, .shapes = kUnary, .lo = 0.3, .hi = 3,
     .ref1 = [](double a) { return std::sqrt(a); }},
    {.name = "rsqrt", .fn = [](const Args& x) { return x[0].rsqrt(); }, .shapes = kUnary, .lo = 0.3, .hi = 3,
     .ref1 = [](double a) { return 1 / std::sqrt(a); }},
    {.name = "tan", .fn = [](const Args& x) { return x[0].tan(); }, .shapes = kUnary, .lo = -1.2, .hi = 1.2,
     .ref1 = [](double a) { return std::tan(a); }},
    {.name = "erf", .fn = [](const Args& x) { return x[0].erf(); }, .shapes = kUnary,
     .ref1 = [](double a) { return std::erf(a); }},
    {.name = "sigmoid", .fn = [](const Args& x) { return x[0].sigmoid(); }, .shapes = kUnary, .lo = -5, .hi = 5,
     .ref1 = sigmoid},
    {.name = "relu", .fn = [](const Args& x) { return x[0].relu(); }, .shapes = kUnary,
     .ref1 = [](double a) { return a > 0 ? a : 0.0; }},
    {.name = "softplus", .fn = [](const Args& x) { return x[0].softplus(2, 3); }, .shapes = kUnary, .ref1 = softplus},
    {.name = "abs", .fn = [](const Args& x) { return x[0].abs(); }, .shapes = kUnary,
     .ref1 = [](double a) { return std::fabs(a); }},
    {.name = "sign", .fn = [](const Args& x) { return x[0].sign() * x[0]; }, .shapes = kUnary,
     .ref1 = [](double a) { return (a > 0 ? 1.0 : -1.0) * a; }},
    {.name = "square", .fn = [](const Args& x) { return x[0].square(); }, .shapes = kUnary,
     .ref1 = [](double a) { return a * a; }},
    {.name = "clamp", .fn = [](const Args& x) { return x[0].clamp(-0.5, 0.8); }, .shapes = kUnary,
     .ref1 = [](double a) { return std::min(std::max(a, -0.5), 0.8); }},
    {.name = "clamp_min", .fn = [](const Args& x) { return fx::clamp(x[0], 0.1, std::nullopt); }, .shapes = kUnary,
     .ref1 = [](double a) { return std::max(a, 0.1); }},
    {.name = "pow_3", .fn = [](const Args& x) { return x[0].pow(3.0); }, .shapes = kUnary,
     .ref1 = [](double a) { return a * a * a; }},
    {.name = "pow_2_5", .fn = [](const Args& x) { return x[0].pow(2.5); }, .shapes = kUnary, .lo = 0.3, .hi = 2,
     .ref1 = [](double a) { return std::pow(a, 2.5); }},
    {.name = "pow_minus_1_5", .fn = [](const Args& x) { return x[0].pow(-1.5); }, .shapes = kUnary, .lo = 0.3,
     .hi = 2, .ref1 = [](double a) { return std::pow(a, -1.5); }},
    {.name = "pow_0", .fn = [](const Args& x) { return x[0].pow(0.0) * x[0]; }, .shapes = kUnary,
     .ref1 = [](double a) { return a; }},
    {.name = "pow_tensor", .fn = [](const Args& x) { return x[0].pow(x[1]); }, .shapes = kBinary, .lo = 0.3,
     .hi = 2, .ref2 = [](double a, double b) { return std::pow(a, b); }},
    {.name = "pow_base", .fn = [](const Args& x) { return fx::pow(2.0, x[0]); }, .shapes = kUnary,
     .ref1 = [](double a) { return std::pow(2.0, a); }},
    {.name = "maximum", .fn = [](const Args& x) { return fx::maximum(x[0], x[1]); }, .shapes = kBinary,
     .ref2 = [](double a, double b) { return std::max(a, b); }},
    {.name = "minimum", .fn = [](const Args& x) { return fx::minimum(x[0], x[1]); }, .shapes = kBinary,
     .ref2 = [](double a, double b) { return std::min(a, b); }},
    {.name = "atan2", .fn = [](const Args& x) { return fx::atan2(x[0], x[1]); }, .shapes = kBinary, .lo = 0.3,
     .hi = 2, .ref2 = [](double a, double b) { return std::atan2(a, b); }},
    {.name = "atan2_quadrants", .fn = [](const Args& x) { return fx::atan2(-x[0], x[1] - 2.5); }, .shapes = kBinary,
     .lo = 0.3, .hi = 2, .ref2 = [](double a, double b) { return std::atan2(-a, b - 2.5); }},
    {.name = "hypot", .fn = [](const Args& x) { return fx::hypot(x[0], x[1]); }, .shapes = kBinary,
     .lo = 0.3, .hi = 2, .ref2 = [](double a, double b) { return std::hypot(a, b); }},
    {.name = "where", .fn = [](const Args& x) { return fx::where(x[0], x[1], x[2]); },
     .shapes = {{{3, 4}, {3, 4}, {3, 4}}, {{3, 1}, {4}, {}}, {{4}, {2, 1}, {1, 4}}, {{0, 2}, {2}, {2}}},
     .make_input = where_input, .constant = {0}},
    {.name = "where_scalar", .fn = [](const Args& x) { return fx::where(x[0] > 0.0, x[0].square(), 1.0); },
     .shapes = kUnary},
});

}  // namespace
