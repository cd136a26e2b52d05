// SPDX-License-Identifier: MIT
// The accuracy harness of the Float64 kernel tests: ulps against a long double
// reference, the standard argument sweep, and bit-for-bit special values.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "tensor/tensor_data.h"

namespace fluxion::f64_accuracy {

using Kernel = std::function<TensorData(const TensorData&)>;
using Ref = std::function<long double(long double)>;
using Std = double (*)(double);
using Range = std::pair<double, double>;

inline constexpr double kInf = std::numeric_limits<double>::infinity();
inline constexpr double kMax = std::numeric_limits<double>::max();

// |got - want| in ulps of the double nearest to want (subnormal ulps below
// 2^-1022); 0 when both are the same infinity or both NaN, and a zero must
// carry want's sign. A finite result where want rounds to inf is measured
// against want itself (the ulp of DBL_MAX).
inline double ulp_error(double got, long double want) {
  double w = (double)want;
  if (std::isnan(w)) return std::isnan(got) ? 0 : INFINITY;
  if (std::isinf(got)) return got == w ? 0 : INFINITY;
  if (w == 0 && got == 0) return std::signbit(w) == std::signbit(got) ? 0 : INFINITY;
  int e = std::ilogb(std::isinf(w) ? kMax : w) + 1;
  long double ulp = std::ldexp(1.0L, std::max(e - 53, -1074));
  return (double)(std::fabs((long double)got - want) / ulp);
}

inline TensorData tensor_of(const std::vector<double>& xs) {
  TensorData x = TensorData::empty({(int64_t)xs.size()}, Float64);
  std::memcpy(x.data<double>(), xs.data(), xs.size() * 8);
  return x;
}

// Random bit patterns (every exponent and both signs, NaNs and infinities
// included), `n` points on each dense range, and the special values below.
inline std::vector<double> samples(std::initializer_list<Range> dense, int n = 20000) {
  std::mt19937_64 rng(20261206);
  std::vector<double> xs;
  for (int i = 0; i < 400000; ++i) xs.push_back(std::bit_cast<double>(rng()));
  for (auto [lo, hi] : dense)
    for (int i = 0; i <= n; ++i) xs.push_back(lo + (hi - lo) * i / n);
  const double tiny = std::numeric_limits<double>::denorm_min(), small = std::numeric_limits<double>::min();
  for (double f : {0.0,
                   -0.0,
                   1.0,
                   -1.0,
                   2.0,
                   -2.0,
                   0.5,
                   -0.5,
                   tiny,
                   -tiny,
                   small,
                   -small,
                   3 * tiny,
                   small / 3,
                   1e-300,
                   -1e-300,
                   1e-20,
                   -1e-20,
                   kMax,
                   -kMax,
                   kInf,
                   -kInf,
                   std::nan(""),
                   std::nextafter(1.0, 0.0),
                   std::nextafter(-1.0, 0.0),
                   std::nextafter(1.0, 2.0),
                   std::nextafter(-1.0, -2.0),
                   0.34657359027997264,
                   -0.34657359027997264,
                   0.7071067811865476,
                   1.4142135623730951,
                   709.782712893384,
                   std::nextafter(709.782712893384, 800.0),
                   -708.3964185322641,
                   -745.1332191019411,
                   -745.2,
                   710.0,
                   -37.5,
                   -40.0,
                   -41.0,
                   1023.0,
                   1023.9999999999999,
                   1024.0,
                   -1022.0,
                   -1074.0,
                   -1074.5,
                   -1075.0,
                   -1075.5,
                   -1076.0,
                   100.0,
                   1000.0,
                   1e22})
    xs.push_back(f);
  return xs;
}

struct Case {
  const char* name;
  Kernel kernel;
  Ref ref;
  std::vector<double> xs;
};

inline double worst_ulps(const Case& c, double bound = 1) {
  TensorData y = c.kernel(tensor_of(c.xs));
  double worst = 0, worst_x = 0;
  int reported = 0;
  for (size_t i = 0; i < c.xs.size(); ++i) {
    double got = y.data<double>()[i], e = ulp_error(got, c.ref(c.xs[i]));
    if (e > bound && ++reported <= 10)
      ADD_FAILURE() << c.name << "(" << c.xs[i] << ") = " << got << ", want " << (double)c.ref(c.xs[i]) << " (" << e
                    << " ulp)";
    if (e > worst) worst = e, worst_x = c.xs[i];
  }
  std::printf("  %-6s max %.3f ulp at %.17g over %zu arguments\n", c.name, worst, worst_x, c.xs.size());
  return worst;
}

inline void expect_within_one_ulp(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    double worst = worst_ulps(c);
    EXPECT_LE(worst, 1.0) << c.name;
    ::testing::Test::RecordProperty(c.name, std::to_string(worst));
  }
}

// Special values: the same bits as std:: (any NaN for a NaN).
inline void expect_as_std(const char* name, Kernel kernel, Std f, const std::vector<double>& xs) {
  TensorData y = kernel(tensor_of(xs));
  for (size_t i = 0; i < xs.size(); ++i) {
    double got = y.data<double>()[i], want = f(xs[i]);
    if (std::isnan(want))
      EXPECT_TRUE(std::isnan(got)) << name << "(" << xs[i] << ") = " << got;
    else
      EXPECT_EQ(std::bit_cast<uint64_t>(got), std::bit_cast<uint64_t>(want))
          << name << "(" << xs[i] << ") = " << got << ", want " << want;
  }
}

}  // namespace fluxion::f64_accuracy
