// SPDX-License-Identifier: MIT
// Float64 lgamma, polygamma and sinc (vmath_f64_gamma.h, vmath_f64_trig.h),
// run through their kernels, against long double references: random bit
// patterns of the vectorised range, dense sweeps around every switch point
// and the zeros, and the scalar pass's arguments bit for bit.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <string>
#include <vector>

#include "f64_accuracy.h"
#include "special_refs.h"
#include "tensor/kernels/math.h"
#include "tensor/kernels/special.h"

namespace {

using namespace fluxion;
namespace k = fluxion::kernels;
using namespace fluxion::f64_accuracy;
using namespace fluxion::special_refs;

std::vector<double> positive(const std::vector<double>& xs) {
  std::vector<double> out;
  for (double x : xs)
    if (x > 0 && x < kInf) out.push_back(x);
  return out;
}

// The doubles within `n` ulps of each of `points`.
void append_neighbours(std::vector<double>& xs, std::initializer_list<double> points, int n = 64) {
  for (double p : points) {
    double lo = p, hi = p;
    xs.push_back(p);
    for (int i = 0; i < n; ++i) xs.push_back(lo = std::nextafter(lo, 0.0)), xs.push_back(hi = std::nextafter(hi, kInf));
  }
}

// lgamma's sweep: e_lgamma_r.c's switch points (0.2316, 0.7316, 0.9, 1.2316,
// 1.7316, 2 .. 8), the zeros 1 and 2 up close, and far out.
TEST(SpecialGammaF64, LgammaWithinOneUlp) {
  std::vector<double> xs = positive(samples({{0, 8},
                                             {0, 1},
                                             {0.23, 0.233},
                                             {0.73, 0.733},
                                             {0.899, 0.901},
                                             {0.99, 1.01},
                                             {1 - 1e-6, 1 + 1e-6},
                                             {1.23, 1.233},
                                             {1.45, 1.47},
                                             {1.73, 1.733},
                                             {1.99, 2.01},
                                             {2 - 1e-6, 2 + 1e-6},
                                             {7.99, 8.01},
                                             {8, 100},
                                             {1e-30, 1e-20},
                                             {1e15, 1e18}}));
  append_neighbours(xs, {1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 0.9, 0x1p-70, 0x1p52, 0x1p58});
  expect_within_one_ulp({{"lgamma", k::lgamma, [](long double x) { return std::lgamma(x); }, xs}});
  // x <= 0 (poles and the sign changes), inf, NaN: the scalar pass; +0 at 1 and 2; inf from 2.55e305.
  expect_as_std("lgamma", k::lgamma, [](double x) { return std::lgamma(x); },
                {1.0, 2.0, 0.0, -0.0, -1.0, -2.5, -1e-300, -1e300, kInf, -kInf, std::nan(""), 3e305, kMax});
}

// psi^(n) for n = 1..4 over the sweep, within 1 ulp, and for n = 8 and 20
// (the largest order the kernel takes) over a coarser one, within 1.5; the
// shifts and the tail's switch sit at integers, so [0, 20] is swept densely.
TEST(SpecialGammaF64, PolygammaWithinOneUlp) {
  std::vector<double> xs = positive(samples({{0, 20}, {0, 1}, {1e-3, 1e-2}, {20, 2000}, {1e-310, 1e-300}}, 40000));
  append_neighbours(xs, {1.0, 2.0, 8.0, 16.0, 1e154, 1e300}, 16);
  for (int n : {1, 2, 3, 4, 8, 20}) {
    std::vector<double> sub = xs;
    if (n > 4) sub.resize(sub.size() / 8);
    std::string name = "psi" + std::to_string(n);
    // n = 8 and 20: the error of ln x (~2^-59) is multiplied by s = n + 1 in x^-s = e^(-s ln x)
    double bound = n <= 4 ? 1.0 : 1.5;
    double worst = worst_ulps({name.c_str(), [n](const TensorData& x) { return k::polygamma(n, x); },
                               [n](long double x) { return polygamma_ref(n, x); }, sub},
                              bound);
    EXPECT_LE(worst, bound) << name;
    RecordProperty(name, std::to_string(worst));
  }
}

// The simple special::polygamma (the scalar pass, and the reference the fast
// form replaces) agrees to its own accuracy; x <= 0, inf and NaN are its values.
TEST(SpecialGammaF64, PolygammaAgreesWithScalar) {
  std::vector<double> xs;
  for (int i = 1; i <= 4000; ++i) xs.push_back(i * 0.01);
  for (int n = 1; n <= 4; ++n) {
    TensorData y = k::polygamma(n, tensor_of(xs));
    for (size_t i = 0; i < xs.size(); ++i) {
      double want = k::special::polygamma(n, xs[i]);
      EXPECT_NEAR(y.data<double>()[i], want, 1e-14 * std::fabs(want)) << "psi" << n << "(" << xs[i] << ")";
    }
    std::vector<double> sp = {0.0, -0.0, -1.0, -2.5, -1e-300, -1e300, kInf, -kInf, std::nan(""), 1e-320};
    TensorData s = k::polygamma(n, tensor_of(sp));
    for (size_t i = 0; i < sp.size(); ++i) {
      double got = s.data<double>()[i],
             want = sp[i] > 0 && sp[i] < kInf ? (double)polygamma_ref(n, sp[i]) : k::special::polygamma(n, sp[i]);
      if (std::isnan(want))
        EXPECT_TRUE(std::isnan(got)) << "psi" << n << "(" << sp[i] << ")";
      else
        EXPECT_EQ(got, want) << "psi" << n << "(" << sp[i] << ")";
    }
  }
}

// sinc over |x| < 2^52 (the vectorised range): near 0 and 2^-30, around the
// integers (the zeros) and half-integers, and large arguments.
TEST(SpecialGammaF64, SincWithinOneUlp) {
  std::vector<double> xs;
  for (double x : samples({{-4, 4}, {-1e-8, 1e-8}, {0.24, 0.26}, {9e-10, 1e-9}, {1e6, 1e6 + 4}, {-3e15, 3e15}}))
    if (std::fabs(x) < 0x1p52) xs.push_back(x);
  for (int i = 1; i <= 2000; ++i) append_neighbours(xs, {i * 0.5, -i * 0.5, i * 0.25 + 4096}, 2);
  append_neighbours(xs, {0x1p-30, 0x1p51, 0x1p52 - 1, 0x1p52 - 1.5}, 4);
  xs.erase(std::remove_if(xs.begin(), xs.end(), [](double x) { return !(std::fabs(x) < 0x1p52); }), xs.end());
  expect_within_one_ulp({{"sinc", k::sinc, sinc_ref, xs}});
  // +0 at every integer (sin(pi x) is exactly 0 there); 1 at +-0; the scalar
  // special::sinc from 2^52 on (integers), and for inf and NaN (NaN, as torch.sinc).
  std::vector<double> ints = {1, -1, 2, -3, 1e6, -1e15, 0x1p52 - 1};
  TensorData z = k::sinc(tensor_of(ints));
  for (size_t i = 0; i < ints.size(); ++i) EXPECT_EQ(std::bit_cast<uint64_t>(z.data<double>()[i]), 0u) << ints[i];
  expect_as_std("sinc", k::sinc, k::special::sinc,
                {0.0, -0.0, 0x1p52, -0x1p52, 1e300, kMax, kInf, -kInf, std::nan("")});
}

}  // namespace
