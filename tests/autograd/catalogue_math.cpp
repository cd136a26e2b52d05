// SPDX-License-Identifier: MIT
// Catalogue cases for the elementwise math of ops_math.h (math_unary.cpp,
// math_binary.cpp) and its reductions (reduce_more.cpp). Functions without a
// C library reference (digamma, polygamma, erfinv) and the non-differentiable
// ones (heaviside, count_nonzero) are checked in test_math_ops.cpp.
#include <cmath>
#include <numbers>

#include "catalogue.h"

namespace {

using catalogue::Args;
using fluxion::Shape;
namespace fx = fluxion;

const std::vector<std::vector<Shape>> kUnary = {{{3, 4}}, {{}}, {{5}}, {{2, 0}}, {{2, 1, 3}}};
const std::vector<std::vector<Shape>> kBinary = {
    {{3, 4}, {3, 4}}, {{3, 1}, {4}}, {{}, {2, 3}}, {{2, 1, 3}, {1, 4, 1}}, {{0, 3}, {3}}};
const std::vector<std::vector<Shape>> kTernary = {
    {{3, 4}, {3, 4}, {3, 4}}, {{3, 1}, {4}, {}}, {{4}, {2, 1}, {1, 4}}, {{0, 2}, {2}, {2}}};

// a in [-3, 3], b of either sign with |b| in [0.5, 1.5] (fmod / remainder away from b = 0)
fx::Tensor dividend_divisor(const Shape& shape, size_t index, std::mt19937_64& rng) {
  if (index == 0) return catalogue::uniform(shape, -3, 3, rng);
  fx::Tensor m = catalogue::uniform(shape, 0.5, 1.5, rng), s = catalogue::uniform(shape, -1, 1, rng);
  return fx::where(s > 0.0, m, -m);
}

// NaN at every third element
fx::Tensor with_nans(const Shape& shape, size_t, std::mt19937_64& rng) {
  std::vector<double> v = catalogue::uniform(shape, -2, 2, rng).to_vector<double>();
  for (size_t i = 0; i < v.size(); i += 3) v[i] = NAN;
  return fx::tensor(v, shape, fx::Float64);
}

double python_mod(double a, double b) {
  double r = std::fmod(a, b);
  return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
}

const bool registered = catalogue::add({
    {.name = "asin",
     .fn = [](const Args& x) { return fx::asin(x[0]); },
     .shapes = kUnary,
     .lo = -0.8,
     .hi = 0.8,
     .ref1 = [](double a) { return std::asin(a); }},
    {.name = "acos",
     .fn = [](const Args& x) { return fx::acos(x[0]); },
     .shapes = kUnary,
     .lo = -0.8,
     .hi = 0.8,
     .ref1 = [](double a) { return std::acos(a); }},
    {.name = "atan",
     .fn = [](const Args& x) { return fx::atan(x[0]); },
     .shapes = kUnary,
     .ref1 = [](double a) { return std::atan(a); }},
    {.name = "sinh",
     .fn = [](const Args& x) { return fx::sinh(x[0]); },
     .shapes = kUnary,
     .ref1 = [](double a) { return std::sinh(a); }},
    {.name = "cosh",
     .fn = [](const Args& x) { return fx::cosh(x[0]); },
     .shapes = kUnary,
     .ref1 = [](double a) { return std::cosh(a); }},
    {.name = "asinh",
     .fn = [](const Args& x) { return fx::asinh(x[0]); },
     .shapes = kUnary,
     .ref1 = [](double a) { return std::asinh(a); }},
    {.name = "acosh",
     .fn = [](const Args& x) { return fx::acosh(x[0]); },
     .shapes = kUnary,
     .lo = 1.2,
     .hi = 3,
     .ref1 = [](double a) { return std::acosh(a); }},
    {.name = "atanh",
     .fn = [](const Args& x) { return fx::atanh(x[0]); },
     .shapes = kUnary,
     .lo = -0.8,
     .hi = 0.8,
     .ref1 = [](double a) { return std::atanh(a); }},
    {.name = "log2",
     .fn = [](const Args& x) { return fx::log2(x[0]); },
     .shapes = kUnary,
     .lo = 0.3,
     .hi = 3,
     .ref1 = [](double a) { return std::log2(a); }},
    {.name = "log10",
     .fn = [](const Args& x) { return fx::log10(x[0]); },
     .shapes = kUnary,
     .lo = 0.3,
     .hi = 3,
     .ref1 = [](double a) { return std::log10(a); }},
    {.name = "exp2",
     .fn = [](const Args& x) { return fx::exp2(x[0]); },
     .shapes = kUnary,
     .ref1 = [](double a) { return std::exp2(a); }},
    {.name = "erfc",
     .fn = [](const Args& x) { return fx::erfc(x[0]); },
     .shapes = kUnary,
     .ref1 = [](double a) { return std::erfc(a); }},
    {.name = "erfinv", .fn = [](const Args& x) { return fx::erfinv(x[0]); }, .shapes = kUnary, .lo = -0.8, .hi = 0.8},
    {.name = "lgamma",
     .fn = [](const Args& x) { return fx::lgamma(x[0]); },
     .shapes = kUnary,
     .lo = 0.3,
     .hi = 4,
     .ref1 = [](double a) { return std::lgamma(a); }},
    {.name = "lgamma_negative",
     .fn = [](const Args& x) { return fx::lgamma(x[0] - 2.0); },
     .shapes = kUnary,
     .lo = 0.2,
     .hi = 0.8,
     .ref1 = [](double a) { return std::lgamma(a - 2); }},
    {.name = "digamma", .fn = [](const Args& x) { return fx::digamma(x[0]); }, .shapes = kUnary, .lo = 0.3, .hi = 4},
    {.name = "polygamma_2",
     .fn = [](const Args& x) { return fx::polygamma(2, x[0]); },
     .shapes = kUnary,
     .lo = 0.5,
     .hi = 4},
    {.name = "sinc",
     .fn = [](const Args& x) { return fx::sinc(x[0]); },
     .shapes = kUnary,
     .ref1 = [](double a) { return std::sin(std::numbers::pi * a) / (std::numbers::pi * a); }},
    {.name = "floor",
     .fn = [](const Args& x) { return fx::floor(x[0]) * x[0]; },
     .shapes = kUnary,
     .ref1 = [](double a) { return std::floor(a) * a; }},
    {.name = "ceil",
     .fn = [](const Args& x) { return fx::ceil(x[0]) * x[0]; },
     .shapes = kUnary,
     .ref1 = [](double a) { return std::ceil(a) * a; }},
    {.name = "trunc",
     .fn = [](const Args& x) { return fx::trunc(x[0]) * x[0]; },
     .shapes = kUnary,
     .ref1 = [](double a) { return std::trunc(a) * a; }},
    {.name = "round",
     .fn = [](const Args& x) { return fx::round(x[0]) * x[0]; },
     .shapes = kUnary,
     .ref1 = [](double a) { return std::nearbyint(a) * a; }},
    {.name = "round_decimals",
     .fn = [](const Args& x) { return fx::round(x[0], 1) + x[0]; },
     .shapes = kUnary,
     .ref1 = [](double a) { return std::nearbyint(a * 10) / 10 + a; }},
    {.name = "frac",
     .fn = [](const Args& x) { return fx::frac(x[0]); },
     .shapes = kUnary,
     .ref1 = [](double a) { return a - std::trunc(a); }},
    {.name = "nan_to_num",
     .fn = [](const Args& x) { return fx::nan_to_num(x[0]).square(); },
     .shapes = kUnary,
     .ref1 = [](double a) { return a * a; }},
    {.name = "logit",
     .fn = [](const Args& x) { return fx::logit(x[0]); },
     .shapes = kUnary,
     .lo = 0.1,
     .hi = 0.9,
     .ref1 = [](double a) { return std::log(a / (1 - a)); }},
    {.name = "logit_eps",
     .fn = [](const Args& x) { return fx::logit(x[0], 0.2); },
     .shapes = kUnary,
     .lo = 0.05,
     .hi = 0.95,
     .ref1 =
         [](double a) {
           double z = std::clamp(a, 0.2, 0.8);
           return std::log(z / (1 - z));
         }},
    {.name = "fmod",
     .fn = [](const Args& x) { return fx::fmod(x[0], x[1]); },
     .shapes = kBinary,
     .ref2 = [](double a, double b) { return std::fmod(a, b); },
     .make_input = dividend_divisor},
    {.name = "fmod_scalar",
     .fn = [](const Args& x) { return fx::fmod(x[0], -0.7); },
     .shapes = kUnary,
     .ref1 = [](double a) { return std::fmod(a, -0.7); }},
    {.name = "remainder",
     .fn = [](const Args& x) { return fx::remainder(x[0], x[1]); },
     .shapes = kBinary,
     .ref2 = python_mod,
     .make_input = dividend_divisor},
    {.name = "remainder_scalar",
     .fn = [](const Args& x) { return fx::remainder(x[0], 0.7); },
     .shapes = kUnary,
     .ref1 = [](double a) { return python_mod(a, 0.7); }},
    {.name = "copysign",
     .fn = [](const Args& x) { return fx::copysign(x[0], x[1]); },
     .shapes = kBinary,
     .ref2 = [](double a, double b) { return std::copysign(a, b); }},
    {.name = "xlogy",
     .fn = [](const Args& x) { return fx::xlogy(x[0], x[1]); },
     .shapes = kBinary,
     .lo = 0.3,
     .hi = 2,
     .ref2 = [](double a, double b) { return a * std::log(b); }},
    {.name = "logaddexp",
     .fn = [](const Args& x) { return fx::logaddexp(x[0], x[1]); },
     .shapes = kBinary,
     .ref2 = [](double a, double b) { return std::log(std::exp(a) + std::exp(b)); }},
    {.name = "lerp_tensor", .fn = [](const Args& x) { return fx::lerp(x[0], x[1], x[2]); }, .shapes = kTernary},
    {.name = "lerp_scalar",
     .fn = [](const Args& x) { return fx::lerp(x[0], x[1], 0.3); },
     .shapes = kBinary,
     .ref2 = [](double a, double b) { return a + 0.3 * (b - a); }},
    {.name = "clamp_tensor",
     .fn = [](const Args& x) { return fx::clamp(x[0], x[1] - 1.0, x[2] + 1.0); },
     .shapes = kTernary},
    {.name = "clamp_min_tensor",
     .fn = [](const Args& x) { return fx::clamp_min(x[0], x[1]); },
     .shapes = kBinary,
     .ref2 = [](double a, double b) { return std::max(a, b); }},
    {.name = "clamp_max_tensor",
     .fn = [](const Args& x) { return fx::clamp_max(x[0], x[1]); },
     .shapes = kBinary,
     .ref2 = [](double a, double b) { return std::min(a, b); }},
    {.name = "clamp_max_scalar",
     .fn = [](const Args& x) { return fx::clamp_max(x[0], 0.3); },
     .shapes = kUnary,
     .ref1 = [](double a) { return std::min(a, 0.3); }},
    // reductions; softmax / log_softmax along any dim (nn::functional; a size-0 dim is an error there)
    {.name = "softmax_dims",
     .fn = [](const Args& x) { return fx::nn::functional::softmax(x[0], -1) * fx::nn::functional::softmax(x[0], 0); },
     .shapes = {{{3, 4}}, {{5}}, {{2, 1, 3}}}},
    {.name = "log_softmax_dims",
     .fn =
         [](const Args& x) {
           return fx::nn::functional::log_softmax(x[0], 1) + fx::nn::functional::log_softmax(x[0], -3);
         },
     .shapes = {{{2, 3, 4}}, {{1, 1, 2}}}},
    {.name = "nansum",
     .fn = [](const Args& x) { return fx::nansum(x[0], {-1}); },
     .shapes = {{{3, 4}}, {{5}}, {{2, 0}}, {{2, 1, 3}}},
     .make_input = with_nans},
    {.name = "nanmean",
     .fn = [](const Args& x) { return fx::nanmean(x[0], {0}, true); },
     .shapes = {{{3, 4}}, {{5}}, {{3, 1, 2}}},
     .make_input = with_nans},
    {.name = "nansum_all", .fn = [](const Args& x) { return fx::nansum(x[0]); }, .shapes = kUnary},
    {.name = "aminmax",
     .fn =
         [](const Args& x) {
           fx::MinMax r = fx::aminmax(x[0], -1);
           return r.min * r.max;
         },
     .shapes = {{{3, 4}}, {{5}}, {{2, 1, 3}}}},
    {.name = "aminmax_all",
     .fn =
         [](const Args& x) {
           fx::MinMax r = fx::aminmax(x[0]);
           return r.min + r.max.square();
         },
     .shapes = {{{3, 4}}, {{}}, {{5}}}},
    {.name = "var_mean",
     .fn =
         [](const Args& x) {
           fx::VarMean r = fx::var_mean(x[0], {1}, 1, true);
           return r.var * r.mean;
         },
     .shapes = {{{3, 4}}, {{2, 5, 3}}}},
    {.name = "std_mean",
     .fn =
         [](const Args& x) {
           fx::StdMean r = fx::std_mean(x[0], {}, 0);
           return r.std + r.mean;
         },
     .shapes = {{{3, 4}}, {{5}}, {{2, 1, 3}}}},
    {.name = "cdist_p2",
     .fn = [](const Args& x) { return fx::cdist(x[0], x[1]); },
     .shapes = {{{3, 2}, {4, 2}}, {{2, 3, 2}, {1, 4, 2}}, {{1, 3}, {1, 3}}, {{0, 2}, {3, 2}}}},
    {.name = "cdist_p2_matmul",
     .fn = [](const Args& x) { return fx::cdist(x[0], x[1]); },
     .shapes = {{{30, 2}, {3, 2}}},
     .atol = 1e-4},
    {.name = "cdist_p1",
     .fn = [](const Args& x) { return fx::cdist(x[0], x[1], 1); },
     .shapes = {{{3, 2}, {4, 2}}, {{2, 3, 2}, {1, 4, 2}}},
     .second_order = false},
    {.name = "cdist_p3",
     .fn = [](const Args& x) { return fx::cdist(x[0], x[1], 3); },
     .shapes = {{{3, 2}, {4, 2}}, {{2, 2, 3}, {2, 1, 3}}}},
});

}  // namespace
