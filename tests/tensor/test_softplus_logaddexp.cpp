// SPDX-License-Identifier: MIT
// softplus and logaddexp on vmath's exp and log1p (the vectorised loops),
// against long double. Both add a log1p to a larger term, and that sum bounds
// their error whichever exp and log1p they use: softplus within 2 ulp, and
// logaddexp within 4 ulps of its larger term, as the same formula on std::
// is (where the terms cancel, the result has fewer correct digits; Float32,
// computed in double, within 1 float ulp of it). Special values exact.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <random>
#include <utility>
#include <vector>

#include "f64_accuracy.h"
#include "tensor/kernels/copy.h"
#include "tensor/kernels/math.h"
#include "tensor/kernels/unary.h"

namespace {

using namespace fluxion;
namespace k = fluxion::kernels;
using namespace fluxion::f64_accuracy;

TEST(SoftplusLogaddexp, SoftplusFloat64WithinTwoUlp) {
  auto ref = [](long double x) {  // beta 1, threshold 20: x itself above it
    return x > 20 ? x : (x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)));
  };
  Case c{"softplus", [](const TensorData& x) { return k::softplus(x, 1, 20); }, ref,
         samples({{-40, 40}, {-1, 1}, {-1e-3, 1e-3}, {19.9, 20.1}, {-745, -700}})};
  double worst = worst_ulps(c, 2.0);
  EXPECT_LE(worst, 2.0);
  RecordProperty("softplus", std::to_string(worst));
}

// |logaddexp(a, b) - exact| in ulps of the larger of max(a, b) and log1p(e^{-|a - b|}).
double scaled_error(double got, double a, double b) {
  long double m = std::max(a, b), t = std::log1p(std::exp(-std::fabs((long double)a - b))), want = m + t;
  if (std::isnan(got) || std::isinf(got)) return ulp_error(got, want);
  double scale = std::max(std::fabs((double)m), (double)t);
  return (double)(std::fabs((long double)got - want) / std::ldexp(1.0L, std::ilogb(scale) - 52));
}

TEST(SoftplusLogaddexp, LogaddexpWithinFourUlpsOfItsLargerTerm) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> wide(-40, 40), near(-3, 3);
  const int n = 400000;
  for (DType dt : {Float64, Float32}) {
    std::vector<double> as, bs;
    for (int i = 0; i < n; ++i) as.push_back(i % 2 ? wide(rng) : near(rng)), bs.push_back(i % 3 ? wide(rng) : near(rng));
    if (dt == Float32)  // Float32 arguments, exactly representable
      for (int i = 0; i < n; ++i) as[i] = (float)as[i], bs[i] = (float)bs[i];
    TensorData y = k::to_dtype(k::logaddexp(k::to_dtype(tensor_of(as), dt), k::to_dtype(tensor_of(bs), dt)), Float64);
    double worst = 0, worst_std = 0;  // and the same formula on std::exp and std::log1p
    for (int i = 0; i < n; ++i) {
      double e = scaled_error(y.data<double>()[i], as[i], bs[i]);
      if (dt == Float32) e = e / std::ldexp(1.0, 29);  // a float's ulp is 2^29 of a double's
      worst = std::max(worst, e);
      double m = std::max(as[i], bs[i]), by_std = m + std::log1p(std::exp(-std::fabs(as[i] - bs[i])));
      worst_std = std::max(worst_std, scaled_error(by_std, as[i], bs[i]));
    }
    std::printf("  logaddexp %s: max %.3f ulps of the larger term (std::'s formula in double: %.3f)\n",
                dtype_name(dt), worst, worst_std);
    // Float32: one rounding of a result up to twice the term (1 ulp of it), plus the double error (2^-29 of that)
    EXPECT_LE(worst, dt == Float64 ? 4.0 : 1.0 + 1e-6) << dtype_name(dt);
    if (dt == Float64) {
      EXPECT_LE(worst, worst_std + 0.5);
    }
    RecordProperty(dt == Float64 ? "logaddexp_f64" : "logaddexp_f32", std::to_string(worst));
  }
}

TEST(SoftplusLogaddexp, LogaddexpSpecialValues) {
  const double inf = kInf, nan = std::nan("");
  std::vector<std::pair<double, double>> args{{inf, inf}, {-inf, -inf}, {inf, -inf}, {-inf, inf}, {-inf, 3.0},
                                              {3.0, -inf}, {inf, 3.0},   {nan, 1.0},  {1.0, nan},  {2.0, 2.0}};
  std::vector<double> want{inf, -inf, inf, inf, 3.0, 3.0, inf, nan, nan, 2.0 + std::numbers::ln2};
  for (DType dt : {Float64, Float32}) {
    std::vector<double> as, bs;
    for (auto [a, b] : args) as.push_back(a), bs.push_back(b);
    TensorData y = k::to_dtype(k::logaddexp(k::to_dtype(tensor_of(as), dt), k::to_dtype(tensor_of(bs), dt)), Float64);
    for (size_t i = 0; i < args.size(); ++i) {
      double got = y.data<double>()[i], w = dt == Float32 ? (double)(float)want[i] : want[i];
      if (std::isnan(w))
        EXPECT_TRUE(std::isnan(got)) << args[i].first << ", " << args[i].second;
      else
        EXPECT_EQ(got, w) << args[i].first << ", " << args[i].second << " " << dtype_name(dt);
    }
  }
}

}  // namespace
