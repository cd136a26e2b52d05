// SPDX-License-Identifier: MIT
// The Float64 functions of vmath_f64*.h, run through their kernels (the
// vectorised loops), against std:: in long double (64-bit mantissa, so the
// reference is good to ~2^-11 ulp): within 1 ulp of the exact value over
// random bit patterns of the whole range, dense sweeps where the formulas
// switch, and special values, which must equal std::'s bit for bit.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <utility>
#include <vector>

#include "f64_accuracy.h"
#include "float_samples.h"
#include "tensor/kernels/math.h"
#include "tensor/kernels/special.h"
#include "tensor/kernels/unary.h"

namespace {

using namespace fluxion;
namespace k = fluxion::kernels;
using namespace fluxion::f64_accuracy;

TEST(SpecialSimdF64, LogExpWithinOneUlp) {
  expect_within_one_ulp({
      {"log", k::log, [](long double x) { return std::log(x); }, samples({{0.5, 2}, {0.99, 1.01}, {1e-310, 1e-305}})},
      {"log1p", k::log1p, [](long double x) { return std::log1p(x); },
       samples({{-1, 1},
                {-0.3, 0.42},
                {-1e-3, 1e-3},
                {1, 3e4},
                {-1, -0.999},
                {1e-17, 1e-15},
                {-1e-15, -1e-17},
                {9e-7, 1e-6},
                {-1e-6, -9e-7}})},
      {"log2", k::log2, [](long double x) { return std::log2(x); }, samples({{0.5, 2}, {0.99, 1.01}, {1, 1e6}})},
      {"log10", k::log10, [](long double x) { return std::log10(x); }, samples({{0.5, 2}, {0.99, 1.01}, {1, 1e6}})},
      {"exp2", k::exp2, [](long double x) { return std::exp2(x); },
       samples({{-2, 2}, {-1e-3, 1e-3}, {1020, 1024.1}, {-1080, -1018}})},
      {"expm1", k::expm1, [](long double x) { return std::expm1(x); },
       samples({{-2, 2}, {-0.36, 0.36}, {-1e-3, 1e-3}, {-45, 45}, {700, 710}})},
  });
}

TEST(SpecialSimdF64, LogExpSpecialValues) {
  const double tiny = std::numeric_limits<double>::denorm_min(), nan = std::nan("");
  std::vector<double> xs = {0.0, -0.0, 1.0, -1.0, -2.0, kInf, -kInf, nan, -tiny, -kMax, 2.0, 0.5, 1024.0};
  expect_as_std(
      "log", k::log, [](double x) { return std::log(x); }, xs);
  expect_as_std("log1p", k::log1p, [](double x) { return std::log1p(x); },
                {0.0, -0.0, -1.0, -2.0, kInf, -kInf, nan, -kMax});
  expect_as_std(
      "log2", k::log2, [](double x) { return std::log2(x); }, xs);
  expect_as_std("log10", k::log10, [](double x) { return std::log10(x); }, {0.0, -0.0, 1.0, -1.0, kInf, -kInf, nan});
  expect_as_std("expm1", k::expm1, [](double x) { return std::expm1(x); },
                {0.0, -0.0, kInf, -kInf, nan, 800.0, -800.0});
  // 2^n exactly for every integer n, 0 below 2^-1075 (a tie, to even), inf from 2^1024.
  std::vector<double> ints = {kInf, -kInf, nan, -0.0, 1e300, -1e300};
  for (int n = -1100; n <= 1100; ++n) ints.push_back(n);
  expect_as_std(
      "exp2", k::exp2, [](double x) { return std::exp2(x); }, ints);
  // log2 of a power of 2 is exact.
  std::vector<double> pow2;
  for (int n = -1074; n <= 1023; ++n) pow2.push_back(std::ldexp(1.0, n));
  expect_as_std(
      "log2", k::log2, [](double x) { return std::log2(x); }, pow2);
}

// sin, cos, tan: the general sweep plus the doubles nearest each multiple of
// pi/2 up to the 2^20 bound of the vectorised reduction (and their
// neighbours, where the reduced argument is smallest), arguments on both
// sides of that bound, and huge ones (the scalar pass).
std::vector<double> trig_samples() {
  std::vector<double> xs =
      samples({{-2, 2}, {-30, 30}, {0.6, 0.8}, {-0.8, -0.6}, {1048000, 1049000}, {-1049000, -1048000}});
  append_near_half_pi_multiples(xs, 667600);
  for (double f : {1048575.9999999999, 1048576.0, -1048576.0, 1e300, 0.6744, 0.6743999999999999, 0.7853981633974483,
                   -0.7853981633974483})
    xs.push_back(f);
  return xs;
}

TEST(SpecialSimdF64, TrigWithinOneUlp) {
  std::vector<double> xs = trig_samples();
  expect_within_one_ulp({
      {"sin", k::sin, [](long double x) { return std::sin(x); }, xs},
      {"cos", k::cos, [](long double x) { return std::cos(x); }, xs},
      {"tan", k::tan, [](long double x) { return std::tan(x); }, xs},
  });
  std::vector<double> sp = {0.0, -0.0, kInf, -kInf, std::nan(""), 1e300, -1e22};
  expect_as_std(
      "sin", k::sin, [](double x) { return std::sin(x); }, sp);
  expect_as_std(
      "cos", k::cos, [](double x) { return std::cos(x); }, sp);
  expect_as_std(
      "tan", k::tan, [](double x) { return std::tan(x); }, sp);
}

TEST(SpecialSimdF64, InverseTrigHyperbolicWithinOneUlp) {
  expect_within_one_ulp({
      {"atan", k::atan, [](long double x) { return std::atan(x); },
       samples({{-3, 3}, {0.43, 0.44}, {0.68, 0.69}, {1.18, 1.19}, {2.43, 2.44}, {-1e3, 1e3}})},
      {"asin", k::asin, [](long double x) { return std::asin(x); },
       samples({{-1, 1}, {0.49, 0.51}, {0.97, 0.98}, {0.999, 1}, {-1, -0.999}})},
      {"acos", k::acos, [](long double x) { return std::acos(x); },
       samples({{-1, 1}, {0.49, 0.51}, {-0.51, -0.49}, {0.999, 1}, {-1, -0.999}})},
      {"sinh", k::sinh, [](long double x) { return std::sinh(x); },
       samples({{-2, 2}, {0.49, 0.51}, {-30, 30}, {705, 711}, {-711, -705}})},
      {"cosh", k::cosh, [](long double x) { return std::cosh(x); }, samples({{-2, 2}, {-30, 30}, {705, 711}})},
      {"asinh", k::asinh, [](long double x) { return std::asinh(x); },
       samples({{-2, 2}, {0.0038, 0.004}, {-1e-2, 1e-2}, {2.6e8, 2.8e8}, {-100, 100}})},
      {"acosh", k::acosh, [](long double x) { return std::acosh(x); },
       samples({{1, 1.01}, {1, 3}, {1, 100}, {2.6e8, 2.8e8}})},
      {"erf", k::erf, [](long double x) { return std::erf(x); },
       samples({{-7, 7}, {0.84, 0.85}, {1.24, 1.26}, {2.85, 2.86}, {5.9, 6.1}, {-1e-3, 1e-3}})},
      {"erfc", k::erfc, [](long double x) { return std::erfc(x); },
       samples({{-7, 7},
                {0.84, 0.85},
                {-0.85, -0.84},
                {1.24, 1.26},
                {-1.26, -1.24},
                {2.85, 2.86},
                {26, 28.5},
                {0.24, 0.26},
                {-1e-3, 1e-3}})},
      {"atanh", k::atanh, [](long double x) { return std::atanh(x); },
       samples({{-1, 1}, {-1e-3, 1e-3}, {0.999, 1}, {-1, -0.999}, {1e-17, 1e-15}, {0.0038, 0.004}})},
  });
}

TEST(SpecialSimdF64, InverseTrigHyperbolicSpecialValues) {
  const double tiny = std::numeric_limits<double>::denorm_min(), nan = std::nan("");
  std::vector<double> xs = {0.0, -0.0, 1.0, -1.0, 2.0, -2.0, kInf, -kInf, nan, tiny, -tiny, kMax, -kMax, 1e300};
  expect_as_std(
      "atan", k::atan, [](double x) { return std::atan(x); }, xs);
  expect_as_std(
      "asin", k::asin, [](double x) { return std::asin(x); }, xs);
  expect_as_std(
      "acos", k::acos, [](double x) { return std::acos(x); }, xs);
  expect_as_std("sinh", k::sinh, [](double x) { return std::sinh(x); },
                {0.0, -0.0, kInf, -kInf, nan, tiny, -tiny, 800.0, -800.0});
  expect_as_std("cosh", k::cosh, [](double x) { return std::cosh(x); }, {0.0, -0.0, kInf, -kInf, nan, 800.0, -800.0});
  expect_as_std("asinh", k::asinh, [](double x) { return std::asinh(x); }, {0.0, -0.0, kInf, -kInf, nan, tiny, -tiny});
  expect_as_std("acosh", k::acosh, [](double x) { return std::acosh(x); },
                {1.0, 0.5, 0.0, -0.0, -1.0, kInf, -kInf, nan});
  expect_as_std("erf", k::erf, [](double x) { return std::erf(x); }, {0.0, -0.0, kInf, -kInf, nan, 6.0, -6.0, 30.0});
  expect_as_std("erfc", k::erfc, [](double x) { return std::erfc(x); },
                {0.0, -0.0, kInf, -kInf, nan, 28.0, -28.0, 30.0, 1e300, -1e300});
  expect_as_std("atanh", k::atanh, [](double x) { return std::atanh(x); },
                {0.0, -0.0, 1.0, -1.0, 2.0, -2.0, kInf, -kInf, nan, tiny, -tiny});
}

// digamma in long double: the recurrence down to [1, 2) (or up from below 1,
// 1 + x exact in 64 bits down to 2^-11 and immaterial beneath), Boost's 64-bit
// rational on [1, 2] (digamma_imp_1_2, error < 5.1e-20: independent of the
// 53-bit one under test, and no cancellation at the root x0 = 1.4616...),
// and the asymptotic series from 40.
long double digamma_ref(long double x) {
  long double acc = 0;
  if (x >= 40) {
    long double r = 1 / (x * x), series = 0, p = r;
    for (long double b : {1.0L / 12, -1.0L / 120, 1.0L / 252, -1.0L / 240, 1.0L / 132, -691.0L / 32760, 1.0L / 12}) {
      series += b * p;
      p *= r;
    }
    return std::log(x) - 0.5L / x - series;
  }
  if (x < 1) acc = -1 / x, x += 1;
  while (x >= 2) x -= 1, acc += 1 / x;
  const long double P[] = {-0.00289268368333918761452L, -0.0541156266153505273939L, -0.314767657147375752913L,
                           -0.665836341559876230295L,   -0.314628554532916496608L,  0.254798510611315515235L};
  const long double Q[] = {
      0.317940243105952177571e-7L, -0.165079794012604905639e-5L, 0.00298999662592323990972L, 0.0660481487173569812846L,
      0.486986018231042975162L,    1.54350554664961128724L,      2.1195759927055347547L,     1.0L};
  long double t = x - 1, p = 0, q = 0;
  for (long double c : P) p = p * t + c;
  for (long double c : Q) q = q * t + c;
  long double g = ((x - 1569415565.0L / 1073741824) - 381566830.0L / 1073741824 / 1073741824) -
                  0.9016312093258695918615325266959189453125e-19L;
  return acc + g * 0.99558162689208984375L + g * (p / q);
}

TensorData digamma(const TensorData& x) { return k::polygamma(0, x); }

TEST(SpecialSimdF64, DigammaWithinOneUlp) {
  std::vector<double> xs;
  for (double x : samples({{0, 12}, {0, 1}, {1, 2}, {1.45, 1.47}, {1.9, 2.1}, {9.9, 10.1}, {10, 1000}, {0.99, 1.01}}))
    if (x > 0 && x < kInf) xs.push_back(x);
  expect_within_one_ulp({{"digamma", digamma, digamma_ref, xs}});
  // x <= 0 (poles: -inf at +-0, NaN at negative integers; reflection elsewhere), inf and NaN: the scalar pass.
  expect_as_std("digamma", digamma, k::special::digamma,
                {0.0, -0.0, -1.0, -2.0, -0.5, -2.5, -1e300, kInf, -kInf, std::nan(""), 1e-310, 4e-324});
}

// erfinv in long double: Newton on std::erf (|y| < 1/2) or std::erfc (1 - |y|
// exact) from the kernel's result until it no longer moves.
long double erfinv_ref(long double y) {
  long double a = std::fabs(y), x = std::fabs(k::erfinv(tensor_of({(double)y})).data<double>()[0]);
  for (int i = 0; i < 6 && x > 0; ++i)
    x -= (a < 0.5L ? std::erf(x) - a : (1 - a) - std::erfc(x)) / (1.12837916709551257390L * std::exp(-x * x));
  return std::copysign(x, y);
}

TEST(SpecialSimdF64, ErfinvWithinOneUlp) {
  std::vector<double> xs;
  for (double y : samples({{-1, 1}, {0.49, 0.51}, {0.76, 0.78}, {0.91, 0.93}, {0.999, 1}, {-1e-8, 1e-8}}))
    if (std::fabs(y) < 1) xs.push_back(y);
  for (int e = 1; e <= 53; ++e) xs.push_back(1 - std::ldexp(1.0, -e)), xs.push_back(std::ldexp(1.0, -e) - 1);
  expect_within_one_ulp({{"erfinv", k::erfinv, erfinv_ref, xs}});
  // +-1 (+-inf), |y| > 1 and NaN (NaN): the scalar pass; +-0 keep their sign.
  expect_as_std("erfinv", k::erfinv, k::special::erfinv, {1.0, -1.0, 2.0, -2.0, kInf, -kInf, std::nan(""), 0.0, -0.0});
}

}  // namespace
