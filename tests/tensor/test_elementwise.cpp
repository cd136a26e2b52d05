// SPDX-License-Identifier: MIT
// The elementwise kernels (tensor/kernels/{unary,binary,compare,inplace}.h)
// against plain double loops: contiguous, transposed, broadcast, size-0 and
// size-1 operands; and the vectorised float32 functions of vmath.h against
// std:: over the whole float range, in ulps.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <random>

#include "float_samples.h"
#include "tensor/kernels/binary.h"
#include "tensor/kernels/compare.h"
#include "tensor/kernels/copy.h"
#include "tensor/kernels/inplace.h"
#include "tensor/kernels/loops.h"
#include "tensor/kernels/unary.h"
#include "tensor/kernels/vmath.h"

namespace {

using namespace fluxion;
namespace k = fluxion::kernels;
constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

TensorData make(const std::vector<double>& v, const Shape& shape, DType dtype = Float64) {
  TensorData t = TensorData::empty(shape, dtype);
  dispatch(dtype, [&](auto tag) {
    using T = decltype(tag);
    for (size_t i = 0; i < v.size(); ++i) t.data<T>()[i] = (T)v[i];
  });
  return t;
}

std::vector<double> values(const TensorData& t) {
  TensorData c = k::contiguous(k::to_dtype(t, Float64));
  return std::vector<double>(c.data<double>(), c.data<double>() + c.numel());
}

std::vector<double> random_values(int64_t n, double lo, double hi, uint64_t seed = 1) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  std::vector<double> v((size_t)n);
  for (double& x : v) x = u(rng);
  return v;
}

// The transpose of a 2-d tensor: a non-contiguous view of the same storage.
TensorData transposed(const TensorData& t) {
  return t.as_strided({t.shape[1], t.shape[0]}, {t.strides[1], t.strides[0]}, t.offset);
}

bool same(double a, double b, double rtol) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (std::isinf(a) || std::isinf(b)) return a == b;
  return std::fabs(a - b) <= rtol * (1e-30 + std::fabs(b)) || std::fabs(a - b) < 1e-300;
}

// A unary kernel against f on doubles, over contiguous, transposed, 0-d and size-0 inputs.
void check_unary(const std::function<TensorData(const TensorData&)>& kernel, const std::function<double(double)>& f,
                 double lo, double hi, const char* name) {
  for (DType dtype : {Float64, Float32}) {
    double rtol = dtype == Float64 ? 1e-14 : 3e-6;
    std::vector<double> v = random_values(12, lo, hi);
    TensorData x = make(v, {3, 4}, dtype);
    // rounding the inputs to float32 first, so the reference sees what the kernel sees
    std::vector<double> xv = values(x);
    std::vector<double> y = values(kernel(x));
    for (size_t i = 0; i < v.size(); ++i) EXPECT_TRUE(same(y[i], f(xv[i]), rtol)) << name << "(" << xv[i] << ") = " << y[i];
    TensorData xt = transposed(x);
    ASSERT_FALSE(xt.is_contiguous());
    std::vector<double> yt = values(kernel(xt)), xtv = values(xt);
    for (size_t i = 0; i < yt.size(); ++i) EXPECT_TRUE(same(yt[i], f(xtv[i]), rtol)) << name << " transposed";
    TensorData s = make({v[0]}, {}, dtype);
    EXPECT_TRUE(same(values(kernel(s))[0], f(values(s)[0]), rtol)) << name << " 0-d";
    EXPECT_EQ(kernel(make({}, {0, 3}, dtype)).shape, (Shape{0, 3})) << name;
    EXPECT_EQ(kernel(x).dtype, dtype);
  }
}

TEST(ElementwiseKernels, UnaryMatchDoubleLoops) {
  check_unary(k::exp, [](double x) { return std::exp(x); }, -5, 5, "exp");
  check_unary(k::expm1, [](double x) { return std::expm1(x); }, -1, 1, "expm1");
  check_unary(k::log, [](double x) { return std::log(x); }, 0.01, 10, "log");
  check_unary(k::log1p, [](double x) { return std::log1p(x); }, -0.5, 3, "log1p");
  check_unary(k::sqrt, [](double x) { return std::sqrt(x); }, 0, 10, "sqrt");
  check_unary(k::tan, [](double x) { return std::tan(x); }, -1.5, 1.5, "tan");
  check_unary(k::tanh, [](double x) { return std::tanh(x); }, -5, 5, "tanh");
  check_unary(k::sigmoid, [](double x) { return 1 / (1 + std::exp(-x)); }, -10, 10, "sigmoid");
  check_unary(k::erf, [](double x) { return std::erf(x); }, -3, 3, "erf");
  check_unary(k::abs, [](double x) { return std::fabs(x); }, -3, 3, "abs");
  check_unary(k::sign, [](double x) { return x > 0 ? 1.0 : -1.0; }, -3, 3, "sign");
  check_unary(k::relu, [](double x) { return x > 0 ? x : 0.0; }, -3, 3, "relu");
  check_unary([](const TensorData& x) { return k::softplus(x, 1.5, 4); },
              [](double x) { return 1.5 * x > 4 ? x : std::log1p(std::exp(1.5 * x)) / 1.5; }, -6, 6, "softplus");
  check_unary([](const TensorData& x) { return k::clamp(x, -0.5, 1.0); },
              [](double x) { return std::min(std::max(x, -0.5), 1.0); }, -3, 3, "clamp");
  check_unary([](const TensorData& x) { return k::clamp(x, std::nullopt, 0.25); },
              [](double x) { return std::min(x, 0.25); }, -3, 3, "clamp max");
  for (double p : {0.0, 1.0, 2.0, 3.0, 0.5, -0.5, -1.0, -2.0, 1.7, -0.3})
    check_unary([p](const TensorData& x) { return k::pow(x, p); }, [p](double x) { return std::pow(x, p); }, 0.1, 4,
                "pow");
}

TEST(ElementwiseKernels, SpecialValues) {
  std::vector<double> v = {nan, inf, -inf, 0.0, -0.0, 1e-310, -2.0};
  for (DType dtype : {Float32, Float64}) {
    TensorData x = make(v, {7}, dtype);
    std::vector<double> r = values(k::relu(x));
    EXPECT_TRUE(std::isnan(r[0]));  // NaN stays NaN, as in PyTorch
    EXPECT_EQ(r[1], inf);
    EXPECT_EQ(r[6], 0.0);
    EXPECT_TRUE(std::isnan(values(k::clamp(x, -1.0, 1.0))[0]));
    EXPECT_TRUE(std::isnan(values(k::sign(x))[0]));
    EXPECT_EQ(values(k::sign(x))[2], -1.0);
    EXPECT_FALSE(std::signbit(values(k::abs(x))[4]));  // |-0| = +0
    std::vector<double> s = values(k::sigmoid(make({-1000, 1000, -80}, {3}, dtype)));
    EXPECT_EQ(s[0], 0.0);
    EXPECT_EQ(s[1], 1.0);
    EXPECT_GT(s[2], 0.0);  // e^-80 / (1 + e^-80), no underflow to 0 in either dtype
    std::vector<double> sp = values(k::softplus(make({-200, 0, 200}, {3}, dtype), 1, 20));
    EXPECT_NEAR(sp[0], 0.0, 1e-80);
    EXPECT_NEAR(sp[1], std::log(2.0), 1e-6);
    EXPECT_EQ(sp[2], 200.0);  // no overflow to inf
    std::vector<double> f = values(k::isfinite(x)), n = values(k::isnan(x));
    EXPECT_EQ(f, (std::vector<double>{0, 0, 0, 1, 1, 1, 1}));
    EXPECT_EQ(n, (std::vector<double>{1, 0, 0, 0, 0, 0, 0}));
  }
}

TEST(ElementwiseKernels, Int64) {
  TensorData x = make({-3, 0, 2, 5}, {4}, Int64);
  EXPECT_EQ(values(k::abs(x)), (std::vector<double>{3, 0, 2, 5}));
  EXPECT_EQ(values(k::sign(x)), (std::vector<double>{-1, 0, 1, 1}));
  EXPECT_EQ(values(k::relu(x)), (std::vector<double>{0, 0, 2, 5}));
  EXPECT_EQ(values(k::clamp(x, -1.0, 3.0)), (std::vector<double>{-1, 0, 2, 3}));
  EXPECT_EQ(values(k::pow(x, 3)), (std::vector<double>{-27, 0, 8, 125}));
  EXPECT_EQ(values(k::pow(x, make({2}, {1}, Int64))), (std::vector<double>{9, 0, 4, 25}));
  EXPECT_EQ(k::isnan(x).dtype, Bool);
  EXPECT_EQ(values(k::isfinite(x)), (std::vector<double>{1, 1, 1, 1}));
  EXPECT_EQ(values(k::maximum(x, make({1}, {}, Int64))), (std::vector<double>{1, 1, 2, 5}));
  for (auto f : {k::exp, k::expm1, k::log, k::log1p, k::sqrt, k::sin, k::cos, k::tan, k::tanh, k::sigmoid, k::erf})
    EXPECT_THROW(f(x), Error);
  EXPECT_THROW(k::softplus(x, 1, 20), Error);
  EXPECT_THROW(k::pow(x, -1), Error);   // integers to negative powers
  EXPECT_THROW(k::pow(x, 0.5), Error);  // the autograd layer converts to float first
  EXPECT_THROW(k::pow(x, make({-1}, {1}, Int64)), Error);
  EXPECT_THROW(k::clamp(x, 0.5, std::nullopt), Error);
  EXPECT_THROW(k::atan2(x, x), Error);
  EXPECT_THROW(k::hypot(x, x), Error);
}

TEST(ElementwiseKernels, BadArguments) {
  TensorData a = make({1, 2, 3}, {3}), b = make({1, 2}, {2});
  EXPECT_THROW(k::maximum(a, b), Error);  // shapes do not broadcast
  EXPECT_THROW(k::maximum(a, make({1, 2, 3}, {3}, Float32)), Error);
  EXPECT_THROW(k::compare(a, b, k::Compare::lt), Error);
  EXPECT_THROW(k::where(a, a, b), Error);
  EXPECT_THROW(k::where(a, a, make({1, 2, 3}, {3}, Float32)), Error);
  EXPECT_THROW(k::clamp(a, std::nullopt, std::nullopt), Error);
  EXPECT_THROW(k::softplus(a, 0, 20), Error);
}

// A binary kernel against f, with broadcasting and a transposed operand.
void check_binary(const std::function<TensorData(const TensorData&, const TensorData&)>& kernel,
                  const std::function<double(double, double)>& f, double lo, double hi, const char* name) {
  for (DType dtype : {Float64, Float32}) {
    double rtol = dtype == Float64 ? 1e-14 : 3e-6;
    TensorData a = make(random_values(12, lo, hi, 2), {3, 4}, dtype);
    std::vector<std::pair<TensorData, TensorData>> pairs = {
        {a, make(random_values(12, lo, hi, 3), {3, 4}, dtype)},     // same shape
        {a, make(random_values(4, lo, hi, 4), {4}, dtype)},         // row broadcast
        {make(random_values(3, lo, hi, 5), {3, 1}, dtype), a},      // column broadcast, other side
        {a, make(random_values(1, lo, hi, 6), {}, dtype)},          // scalar
        {transposed(make(random_values(12, lo, hi, 7), {4, 3}, dtype)), a}};  // non-contiguous
    for (auto& [x, y] : pairs) {
      TensorData z = kernel(x, y);
      ASSERT_EQ(z.shape, (Shape{3, 4})) << name;
      std::vector<double> got = values(z);
      TensorData xb = x.as_strided({3, 4}, k::broadcast_strides(x, {3, 4}), x.offset);
      TensorData yb = y.as_strided({3, 4}, k::broadcast_strides(y, {3, 4}), y.offset);
      std::vector<double> xv = values(xb), yv = values(yb);
      for (size_t i = 0; i < got.size(); ++i)
        EXPECT_TRUE(same(got[i], f(xv[i], yv[i]), rtol)) << name << "(" << xv[i] << ", " << yv[i] << ") = " << got[i];
    }
    EXPECT_EQ(kernel(make({}, {0, 4}, dtype), make({1, 2, 3, 4}, {4}, dtype)).shape, (Shape{0, 4}));
    EXPECT_EQ(kernel(make({2}, {1}, dtype), make({3}, {1, 1}, dtype)).shape, (Shape{1, 1}));
  }
}

TEST(ElementwiseKernels, BinaryMatchDoubleLoops) {
  check_binary(k::maximum, [](double a, double b) { return std::max(a, b); }, -2, 2, "maximum");
  check_binary(k::minimum, [](double a, double b) { return std::min(a, b); }, -2, 2, "minimum");
  check_binary(k::atan2, [](double a, double b) { return std::atan2(a, b); }, -2, 2, "atan2");
  check_binary(k::hypot, [](double a, double b) { return std::hypot(a, b); }, -2, 2, "hypot");
  check_binary([](const TensorData& a, const TensorData& b) { return k::pow(a, b); },
               [](double a, double b) { return std::pow(a, b); }, 0.2, 3, "pow");
  using C = k::Compare;
  std::vector<std::pair<C, std::function<bool(double, double)>>> cmps = {
      {C::eq, std::equal_to<>()}, {C::ne, std::not_equal_to<>()}, {C::lt, std::less<>()},
      {C::le, std::less_equal<>()}, {C::gt, std::greater<>()}, {C::ge, std::greater_equal<>()}};
  for (auto& [op, f] : cmps)
    check_binary([op](const TensorData& a, const TensorData& b) { return k::compare(a, b, op); },
                 [f](double a, double b) { return f(a, b) ? 1.0 : 0.0; }, -2, 2, "compare");
  // ties, NaN
  TensorData a = make({1, 2, nan, 4}, {4}), b = make({1, 3, 0, nan}, {4});
  EXPECT_EQ(values(k::compare(a, b, C::eq)), (std::vector<double>{1, 0, 0, 0}));
  EXPECT_EQ(values(k::compare(a, b, C::ne)), (std::vector<double>{0, 1, 1, 1}));
  std::vector<double> mx = values(k::maximum(a, b)), mn = values(k::minimum(a, b));
  EXPECT_EQ(mx[1], 3.0);
  EXPECT_TRUE(std::isnan(mx[2]) && std::isnan(mx[3]) && std::isnan(mn[2]) && std::isnan(mn[3]));
}

TEST(ElementwiseKernels, WhereBroadcastsAllThree) {
  for (DType cdtype : {Float32, Float64, Int64}) {
    TensorData cond = make({1, 0, 0, 1}, {4}, cdtype);
    TensorData a = make({10, 20, 30}, {3, 1}), b = make({-1}, {});
    TensorData y = k::where(cond, a, b);
    ASSERT_EQ(y.shape, (Shape{3, 4}));
    EXPECT_EQ(values(y), (std::vector<double>{10, -1, -1, 10, 20, -1, -1, 20, 30, -1, -1, 30}));
  }
  TensorData c = make({1, 0, 1, 0, 0, 1}, {2, 3}, Int64);
  TensorData a = make({1, 2, 3, 4, 5, 6}, {3, 2}, Float32), b = make({-1, -2, -3, -4, -5, -6}, {2, 3}, Float32);
  EXPECT_EQ(values(k::where(c, transposed(a), b)), (std::vector<double>{1, -2, 5, -4, -5, 6}));
  EXPECT_EQ(values(k::where(c, b, b)), values(b));  // all contiguous: the flat path
  EXPECT_EQ(k::where(make({}, {0}), make({}, {0}), make({1}, {})).shape, (Shape{0}));
}

TEST(ElementwiseKernels, AddcmulBroadcastsAllThree) {
  // flat path (all contiguous, one shape) against x + v a b in double
  for (DType dtype : {Float64, Float32}) {
    std::vector<double> xv = random_values(40, -2, 2, 1), av = random_values(40, -2, 2, 2), bv = random_values(40, -2, 2, 3);
    TensorData x = make(xv, {40}, dtype), a = make(av, {40}, dtype), b = make(bv, {40}, dtype);
    std::vector<double> y = values(k::addcmul(x, a, b, 0.5)), xr = values(x), ar = values(a), br = values(b);
    double eps = dtype == Float64 ? 4e-16 : 2e-7;  // a few roundings of the terms (FMA may fuse them)
    for (size_t i = 0; i < y.size(); ++i) {
      double term = 0.5 * ar[i] * br[i];
      EXPECT_NEAR(y[i], xr[i] + term, eps * (std::fabs(xr[i]) + 2 * std::fabs(term))) << i;
    }
  }
  // broadcast and strided: [3, 1] + v [4] [2, 3, 4]-transposed pieces
  TensorData x = make({1, 2, 3}, {3, 1}), a = make({1, 10, 100, 1000}, {4}), b = make({2}, {});
  EXPECT_EQ(values(k::addcmul(x, a, b, 0.5)),
            (std::vector<double>{2, 11, 101, 1001, 3, 12, 102, 1002, 4, 13, 103, 1003}));
  TensorData m = make({1, 2, 3, 4, 5, 6}, {3, 2});
  EXPECT_EQ(values(k::addcmul(make({0}, {}), transposed(m), make({1, 1, 1}, {3}), 1)), values(k::contiguous(transposed(m))));
  EXPECT_EQ(k::addcmul(make({}, {0}), make({1}, {1}), make({2}, {}), 1).shape, (Shape{0}));
  EXPECT_THROW(k::addcmul(x, make({1, 2, 3, 4}, {4}, Float32), b, 1), Error);   // mixed dtypes
  EXPECT_THROW(k::addcmul(make({1, 2}, {2}), make({1, 2, 3}, {3}), b, 1), Error);  // shapes do not broadcast
  EXPECT_THROW(k::addcmul(make({1}, {1}, Int64), make({1}, {1}, Int64), make({1}, {1}, Int64), 1), Error);
}

TEST(ElementwiseKernels, InPlace) {
  TensorData x = make({1, 2, 3, 4, 5, 6}, {2, 3});
  uint64_t v0 = x.storage->version;
  k::add_(x, make({10, 20, 30}, {3}), 0.5);
  EXPECT_EQ(values(x), (std::vector<double>{6, 12, 18, 9, 15, 21}));
  k::mul_(x, make({2}, {}, Float32));
  EXPECT_EQ(values(x), (std::vector<double>{12, 24, 36, 18, 30, 42}));
  k::mul_(x, 0.5);
  k::add_(x, make({1, 1, 1, 1, 1, 1}, {2, 3}), 1);
  EXPECT_EQ(values(x), (std::vector<double>{7, 13, 19, 10, 16, 22}));
  EXPECT_EQ(x.storage->version, v0 + 4);
  // a non-contiguous destination, and a source overlapping it
  TensorData t = transposed(x);
  k::add_(t, make({100, 200}, {2}), 1);
  EXPECT_EQ(values(x), (std::vector<double>{107, 113, 119, 210, 216, 222}));
  // a row with leading ones, repeated along two dims; and a column, which is not a row
  TensorData r = make({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, {2, 2, 3});
  k::add_(r, make({1, 2, 3}, {1, 3}), 2);
  EXPECT_EQ(values(r), (std::vector<double>{2, 4, 6, 2, 4, 6, 2, 4, 6, 2, 4, 6}));
  k::add_(r, make({10, 20}, {2, 1}), 1);
  EXPECT_EQ(values(r), (std::vector<double>{12, 14, 16, 22, 24, 26, 12, 14, 16, 22, 24, 26}));
  TensorData y = make({1, 2, 3}, {3});
  k::add_(y, y.as_strided({3}, {-1}, 2), 1);  // y += reversed y
  EXPECT_EQ(values(y), (std::vector<double>{4, 4, 4}));
  TensorData big = make(random_values(100000, -1, 1), {100000}, Float32), other = make(random_values(100000, -1, 1, 9), {100000}, Float32);
  std::vector<double> want = values(big), o = values(other);
  k::add_(big, other, -2);  // the threaded flat path
  std::vector<double> got = values(big);
  for (size_t i = 0; i < got.size(); i += 997) EXPECT_FLOAT_EQ(got[i], (float)(want[i] - 2 * (double)(float)o[i]));
  TensorData n = make({1, 2}, {2}, Int64);
  EXPECT_THROW(k::mul_(n, 0.5), Error);
  EXPECT_THROW(k::add_(n, make({1, 2}, {2}, Float32), 1), Error);
  EXPECT_THROW(k::add_(x, make({1, 2}, {2}), 1), Error);                        // does not broadcast into x
  EXPECT_THROW(k::add_(make({1}, {1}), make({1, 2}, {2}), 1), Error);           // would need to grow dst
  EXPECT_THROW(k::mul_(make({1}, {1}).as_strided({3}, {0}, 0), y), Error);     // expanded destination
}

// ---- vmath: float32 exp, log, tanh, sigmoid, erf in ulps of the correctly rounded result ----

double ulp_error(float got, double want) {
  float w = (float)want;
  if (std::isnan(w)) return std::isnan(got) ? 0 : inf;
  if (std::isinf(w) || std::isinf(got)) return got == w ? 0 : inf;
  double ulp = std::fabs(w) < std::numeric_limits<float>::min()
                   ? std::numeric_limits<float>::denorm_min()
                   : (double)std::nextafter(std::fabs(w), INFINITY) - std::fabs(w);
  return std::fabs((double)got - want) / ulp;
}

// Runs the float32 kernel (the vectorised path) over a sample of every bit
// pattern, plus the special values, and returns the worst error in ulps.
double worst_ulps(TensorData (*kernel)(const TensorData&), double (*ref)(double)) {
  std::vector<float> xs = float_bit_patterns(16411);
  for (float f : {0.0f, -0.0f, 1.0f, -1.0f, std::numeric_limits<float>::denorm_min(), -std::numeric_limits<float>::min(),
                  std::numeric_limits<float>::max(), -std::numeric_limits<float>::max(), INFINITY, -INFINITY, NAN,
                  88.72f, 88.73f, -87.33f, -103.9f, -104.5f, 0.625f, -0.625f, 0.921875f, 3.9f, 4.1f})
    xs.push_back(f);
  TensorData x = TensorData::empty({(int64_t)xs.size()}, Float32);
  std::memcpy(x.data<float>(), xs.data(), xs.size() * 4);
  TensorData y = kernel(x);
  double worst = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    double e = ulp_error(y.data<float>()[i], ref(xs[i]));
    EXPECT_LE(e, 4.0) << "x = " << xs[i] << " got " << y.data<float>()[i] << " want " << ref(xs[i]);
    worst = std::max(worst, e);
  }
  return worst;
}

TEST(Vmath, Float32WithinFewUlpsEverywhere) {
  EXPECT_LE(worst_ulps(k::exp, [](double x) { return std::exp(x); }), 2);
  EXPECT_LE(worst_ulps(k::log, [](double x) { return std::log(x); }), 2);
  EXPECT_LE(worst_ulps(k::tanh, [](double x) { return std::tanh(x); }), 2);
  EXPECT_LE(worst_ulps(k::sigmoid, [](double x) { return x >= 0 ? 1 / (1 + std::exp(-x)) : std::exp(x) / (1 + std::exp(x)); }), 4);
  EXPECT_LE(worst_ulps(k::erf, [](double x) { return std::erf(x); }), 4);
}

// Float64 exp and tanh against long double references: random bit patterns
// (all exponents, both signs) up to |x| = 800, a dense sweep of [-30, 30] where
// tanh's two branches meet, and the special values.
double worst_ulps64(TensorData (*kernel)(const TensorData&), long double (*ref)(long double)) {
  std::vector<double> xs;
  std::mt19937_64 gen(7);
  while (xs.size() < 200000) {
    double d = std::bit_cast<double>(gen());
    if (std::fabs(d) < 800) xs.push_back(d);
  }
  for (int i = -300000; i <= 300000; ++i) xs.push_back(i * 1e-4 + 1.234e-6);
  for (double d : {0.0, -0.0, 0.625, -0.625, 22.0, 709.7, 709.9, -745.0, -746.0, 1e-310, (double)INFINITY, -(double)INFINITY, (double)NAN})
    xs.push_back(d);
  TensorData x = TensorData::empty({(int64_t)xs.size()}, Float64);
  std::memcpy(x.data<double>(), xs.data(), xs.size() * 8);
  TensorData y = kernel(x);
  double worst = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    double got = y.data<double>()[i];
    long double want = ref(xs[i]);
    double w = (double)want, e;
    if (std::isnan(w)) e = std::isnan(got) ? 0 : inf;
    else if (std::isinf(w) || std::isinf(got)) e = got == w ? 0 : inf;
    else e = (double)(std::fabs((long double)got - want) /
                      (std::fabs(w) < std::numeric_limits<double>::min() ? std::numeric_limits<double>::denorm_min()
                                                                         : std::nextafter(std::fabs(w), INFINITY) - std::fabs(w)));
    EXPECT_LE(e, 2.0) << "x = " << xs[i] << " got " << got;
    worst = std::max(worst, e);
  }
  return worst;
}

TEST(Vmath, Float64ExpAndTanhWithinOneAndAHalfUlps) {
  EXPECT_LE(worst_ulps64(k::exp, [](long double x) { return std::exp(x); }), 1.5);
  EXPECT_LE(worst_ulps64(k::tanh, [](long double x) { return std::tanh(x); }), 1.5);
  namespace vm = fluxion::vmath;
  EXPECT_EQ(vm::exp(0.0), 1.0);
  EXPECT_EQ(vm::exp(-1000.0), 0.0);
  double dinf = INFINITY, dnan = NAN;
  EXPECT_EQ(vm::exp(1000.0), dinf);
  EXPECT_EQ(vm::tanh(dinf), 1.0);
  EXPECT_EQ(vm::tanh(-dinf), -1.0);
  EXPECT_EQ(vm::tanh(20.0), 1.0);
  EXPECT_TRUE(std::signbit(vm::tanh(-0.0)));
  EXPECT_TRUE(std::isnan(vm::tanh(dnan)));
  EXPECT_TRUE(std::isnan(vm::exp(dnan)));
}

TEST(Vmath, SpecialValuesExactly) {
  namespace vm = fluxion::vmath;
  float finf = INFINITY;
  EXPECT_EQ(vm::exp(0.0f), 1.0f);
  EXPECT_EQ(vm::exp(finf), finf);
  EXPECT_EQ(vm::exp(-finf), 0.0f);
  EXPECT_EQ(vm::exp(100.0f), finf);
  EXPECT_TRUE(std::isnan(vm::exp(NAN)));
  EXPECT_EQ(vm::log(1.0f), 0.0f);
  EXPECT_EQ(vm::log(0.0f), -finf);
  EXPECT_EQ(vm::log(-0.0f), -finf);
  EXPECT_EQ(vm::log(finf), finf);
  EXPECT_TRUE(std::isnan(vm::log(-1.0f)));
  EXPECT_TRUE(std::isnan(vm::log(-finf)));
  EXPECT_TRUE(std::isnan(vm::log(NAN)));
  EXPECT_NEAR(vm::log(std::numeric_limits<float>::denorm_min()), std::log(1.4012984643e-45), 1e-5);
  EXPECT_EQ(vm::tanh(finf), 1.0f);
  EXPECT_EQ(vm::tanh(-finf), -1.0f);
  EXPECT_EQ(vm::tanh(9.5f), 1.0f);
  EXPECT_TRUE(std::signbit(vm::tanh(-0.0f)));
  EXPECT_TRUE(std::isnan(vm::tanh(NAN)));
  EXPECT_EQ(vm::sigmoid(finf), 1.0f);
  EXPECT_EQ(vm::sigmoid(-finf), 0.0f);
  EXPECT_TRUE(std::isnan(vm::sigmoid(NAN)));
  EXPECT_EQ(vm::erf(finf), 1.0f);
  EXPECT_EQ(vm::erf(-finf), -1.0f);
  EXPECT_EQ(vm::erf(0.0f), 0.0f);
  EXPECT_TRUE(std::isnan(vm::erf(NAN)));
}

}  // namespace

// rows_of: size-1 dims dropped, evenly stepped neighbours merged.
TEST(Loops, RowsOfShortensTheLoopNest) {
  // a column view [500, 1] of a [500, 2] array: one row of 500 with step 2
  k::Rows<1> col = k::rows_of<1>({500, 1}, {Shape{2, 1}});
  EXPECT_EQ(col.shape, (Shape{500}));
  EXPECT_EQ(col.strides[0], (Shape{2}));
  EXPECT_EQ(col.rows, 1);
  EXPECT_EQ(col.cols, 500);
  // contiguous [3, 4, 5] beside a transposed operand: nothing merges
  k::Rows<2> t = k::rows_of<2>({3, 4, 5}, {Shape{20, 5, 1}, Shape{1, 3, 12}});
  EXPECT_EQ(t.shape, (Shape{3, 4, 5}));
  EXPECT_EQ(t.rows, 12);
  // contiguous [3, 4, 5] beside one broadcast along the first dim: the last two merge
  k::Rows<2> b = k::rows_of<2>({3, 4, 5}, {Shape{20, 5, 1}, Shape{0, 5, 1}});
  EXPECT_EQ(b.shape, (Shape{3, 20}));
  EXPECT_EQ(b.strides[1], (Shape{0, 1}));
  // all ones: a single element; a zero dim: no rows
  EXPECT_EQ((k::rows_of<1>({1, 1}, {Shape{1, 1}}).rows), 1);
  EXPECT_EQ((k::rows_of<1>({4, 0, 3}, {Shape{0, 3, 1}}).rows), 0);
}

// A strided copy into a column and a strided product, element by element.
TEST(Loops, StridedColumnsCopyAndMultiply) {
  TensorData y = k::full({6, 2}, 0.0, Float64);
  TensorData col = y.as_strided({6, 1}, {2, 1}, 1);
  std::vector<double> v = {1, 2, 3, 4, 5, 6};
  TensorData src = TensorData::empty({6, 1}, Float64);
  std::copy(v.begin(), v.end(), src.data<double>());
  k::copy_(col, src);
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(y.data<double>()[2 * i], 0.0);
    EXPECT_EQ(y.data<double>()[2 * i + 1], v[i]);
  }
  // every row loop of zip: steps (2, 2), (2, 1), (1, 2), (0, 2), (2, 0)
  TensorData sq = k::mul(col, col), a = k::sub(col, src), b = k::sub(src, col);
  TensorData three = k::full({}, 3.0, Float64);
  TensorData c = k::sub(three, col), d = k::sub(col, three);
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(sq.data<double>()[i], v[i] * v[i]);
    EXPECT_EQ(a.data<double>()[i], 0.0);
    EXPECT_EQ(b.data<double>()[i], 0.0);
    EXPECT_EQ(c.data<double>()[i], 3 - v[i]);
    EXPECT_EQ(d.data<double>()[i], v[i] - 3);
  }
}

// where(mask, x, scalar) and where(mask, scalar, x) with a dense mask and x take a
// flat loop (the masked gradients of relu and clamp); a Bool mask is read as bytes.
// Against a plain loop for each dtype pair, with lengths that leave vector tails,
// inf and NaN in the branch not taken, and a scalar of higher rank (broadcast up).
TEST(ElementwiseKernels, WhereWithAScalarBranch) {
  const int64_t n = 37;
  std::vector<double> cv(n), xv(n);
  for (int64_t i = 0; i < n; ++i) cv[i] = (i * 7) % 3 == 0, xv[i] = i % 5 == 0 ? INFINITY : i % 7 == 0 ? NAN : i - 10.0;
  for (DType cdt : {Bool, Float32, Int64})
    for (DType dt : {Float32, Float64, Int64}) {
      TensorData c = cdt == Bool ? k::to_dtype(make(cv, {n}), Bool) : make(cv, {n}, cdt);
      TensorData x = make(xv, {n}, dt == Int64 ? Float64 : dt), s = make({-2}, {}, dt);
      if (dt == Int64) x = make(std::vector<double>(n, 3.0), {n}, Int64);
      std::vector<double> xs = values(x), a = values(k::where(c, x, s)), b = values(k::where(c, s, x));
      for (int64_t i = 0; i < n; ++i) {
        const bool on = cv[i] != 0;
        EXPECT_TRUE(on ? a[i] == xs[i] || (std::isnan(a[i]) && std::isnan(xs[i])) : a[i] == -2) << i;
        EXPECT_TRUE(!on ? b[i] == xs[i] || (std::isnan(b[i]) && std::isnan(xs[i])) : b[i] == -2) << i;
      }
    }
  EXPECT_EQ(k::where(make({1, 0}, {2}, Int64), make({1, 2}, {2}), make({9}, {1, 1})).shape, (Shape{1, 2}));
}
