// SPDX-License-Identifier: MIT
// The float32 special functions of vmath_f32.h, run through their kernels
// (the vectorised loops), against std:: in long double: within 1 ulp of the
// exact value over a sample of every bit pattern, dense sweeps of the ranges
// where the formulas switch, and the special values (signed zeros, infinities,
// NaN, domain boundaries, subnormals, overflow thresholds).
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <string>

#include "float_samples.h"
#include "special_refs.h"
#include "tensor/kernels/math.h"
#include "tensor/kernels/special.h"
#include "tensor/kernels/unary.h"

namespace {

using namespace fluxion;
namespace k = fluxion::kernels;
using Kernel = std::function<TensorData(const TensorData&)>;
using Ref = std::function<long double(long double)>;

// |got - want| in ulps of the float nearest to want; 0 when both are the same
// infinity or both NaN, and a zero must carry want's sign.
double ulp_error(float got, long double want) {
  float w = (float)want;
  if (std::isnan(w)) return std::isnan(got) ? 0 : INFINITY;
  if (std::isinf(w) || std::isinf(got)) return got == w ? 0 : INFINITY;
  if (w == 0 && got == 0) return std::signbit(w) == std::signbit(got) ? 0 : INFINITY;
  int e;
  std::frexp(w, &e);
  long double ulp = std::ldexp(1.0L, std::max(e - 24, -149));
  return (double)(std::fabs((long double)got - want) / ulp);
}

std::vector<float> samples(std::initializer_list<std::pair<float, float>> dense) {
  std::vector<float> xs = float_bit_patterns(4099);
  for (auto [lo, hi] : dense)
    for (int i = 0; i <= 20000; ++i) xs.push_back(lo + (hi - lo) * (float)i / 20000);
  const float tiny = std::numeric_limits<float>::denorm_min(), small = std::numeric_limits<float>::min(),
              big = std::numeric_limits<float>::max();
  for (float f : {0.0f,
                  -0.0f,
                  1.0f,
                  -1.0f,
                  2.0f,
                  0.5f,
                  -0.5f,
                  tiny,
                  -tiny,
                  small,
                  -small,
                  1e-20f,
                  -1e-20f,
                  big,
                  -big,
                  INFINITY,
                  -INFINITY,
                  NAN,
                  std::nextafter(1.0f, 0.0f),
                  std::nextafter(-1.0f, 0.0f),
                  std::nextafter(1.0f, 2.0f),
                  88.72f,
                  89.41f,
                  89.42f,
                  -103.9f,
                  127.9f,
                  128.0f,
                  -149.0f,
                  -150.0f,
                  10.05f,
                  10.5f,
                  11.0f,
                  -9.0f})
    xs.push_back(f);
  return xs;
}

double worst_ulps(const char* name, Kernel kernel, Ref ref, std::vector<float> xs = {}) {
  if (xs.empty()) xs = samples({{-2, 2}, {-30, 30}, {0.99f, 1.01f}, {-1.01f, -0.99f}});
  TensorData x = TensorData::empty({(int64_t)xs.size()}, Float32);
  std::memcpy(x.data<float>(), xs.data(), xs.size() * 4);
  TensorData y = kernel(x);
  double worst = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    double e = ulp_error(y.data<float>()[i], ref(xs[i]));
    if (e > 1) ADD_FAILURE() << name << "(" << xs[i] << ") = " << y.data<float>()[i] << ", want " << (double)ref(xs[i]);
    worst = std::max(worst, e);
  }
  return worst;
}

TEST(SpecialSimd, Float32WithinOneUlp) {
  struct Case {
    const char* name;
    Kernel kernel;
    Ref ref;
  };
  for (Case c : {Case{"log1p", k::log1p, [](long double x) { return std::log1p(x); }},
                 Case{"expm1", k::expm1, [](long double x) { return std::expm1(x); }},
                 Case{"atan", k::atan, [](long double x) { return std::atan(x); }},
                 Case{"asin", k::asin, [](long double x) { return std::asin(x); }},
                 Case{"acos", k::acos, [](long double x) { return std::acos(x); }},
                 Case{"sinh", k::sinh, [](long double x) { return std::sinh(x); }},
                 Case{"cosh", k::cosh, [](long double x) { return std::cosh(x); }},
                 Case{"asinh", k::asinh, [](long double x) { return std::asinh(x); }},
                 Case{"acosh", k::acosh, [](long double x) { return std::acosh(x); }},
                 Case{"atanh", k::atanh, [](long double x) { return std::atanh(x); }},
                 Case{"log2", k::log2, [](long double x) { return std::log2(x); }},
                 Case{"log10", k::log10, [](long double x) { return std::log10(x); }},
                 Case{"exp2", k::exp2, [](long double x) { return std::exp2(x); }},
                 Case{"erfc", k::erfc, [](long double x) { return std::erfc(x); }}}) {
    double worst = worst_ulps(c.name, c.kernel, c.ref);
    EXPECT_LE(worst, 0.5 + 1e-3) << c.name << ": beyond half an ulp plus the rounding of a double result";
    RecordProperty(c.name, std::to_string(worst));
  }
}

// sin, cos, tan: the general sweep plus the floats nearest each multiple of
// pi/2 up to the 2^20 bound of the vectorised reduction (and their
// neighbours, where the reduced argument is smallest), arguments on both sides
// of that bound, and huge ones (the scalar pass).
std::vector<float> trig_samples() {
  std::vector<float> xs = samples({{-2, 2}, {-30, 30}, {1048000.0f, 1049000.0f}, {-1049000.0f, -1048000.0f}});
  append_near_half_pi_multiples(xs, 667700);
  for (float f : {1048575.9f, 1048576.0f, -1048576.0f, 16367173.0f * 0x1p72f, 1e30f, -3.4e38f, 8388607.5f})
    xs.push_back(f);
  return xs;
}

TEST(SpecialSimd, TrigFloat32WithinOneUlp) {
  std::vector<float> xs = trig_samples();
  struct Case {
    const char* name;
    Kernel kernel;
    Ref ref;
  };
  for (Case c : {Case{"sin", k::sin, [](long double x) { return std::sin(x); }},
                 Case{"cos", k::cos, [](long double x) { return std::cos(x); }},
                 Case{"tan", k::tan, [](long double x) { return std::tan(x); }}}) {
    double worst = worst_ulps(c.name, c.kernel, c.ref, xs);
    EXPECT_LE(worst, 0.5 + 1e-3) << c.name << ": beyond half an ulp plus the rounding of a double result";
    RecordProperty(c.name, std::to_string(worst));
  }
  // Signed zeros are kept by the odd functions.
  TensorData z = TensorData::empty({2}, Float32);
  z.data<float>()[0] = -0.0f;
  z.data<float>()[1] = 0.0f;
  EXPECT_TRUE(std::signbit(k::sin(z).data<float>()[0]));
  EXPECT_TRUE(std::signbit(k::tan(z).data<float>()[0]));
  EXPECT_FALSE(std::signbit(k::sin(z).data<float>()[1]));
  EXPECT_EQ(k::cos(z).data<float>()[0], 1.0f);
}

// softplus (beta 1 and 0.5, threshold 20), whose Float32 form goes through
// vmath_f32's exp and log1p: log1p(e^{beta x}) / beta, or x past the threshold.
TEST(SpecialSimd, SoftplusFloat32WithinOneUlp) {
  double w1 = worst_ulps(
      "softplus", [](const TensorData& x) { return k::softplus(x, 1, 20); },
      [](long double x) { return x > 20 ? x : std::log1p(std::exp(x)); });
  double w2 = worst_ulps(
      "softplus beta 0.5", [](const TensorData& x) { return k::softplus(x, 0.5, 20); },
      [](long double x) { return 0.5L * x > 20 ? x : 2 * std::log1p(std::exp(0.5L * x)); });
  EXPECT_LE(std::max(w1, w2), 0.5 + 1e-3);
  RecordProperty("softplus", std::to_string(std::max(w1, w2)));
}

// digamma in long double: reflection below 0, the recurrence up to x >= 20,
// then the asymptotic series (next term < 1e-25).
long double digamma_ref(long double x) {
  if (std::isnan(x)) return x;
  if (x == 0) return std::copysign((long double)INFINITY, -x);
  if (x < 0) {
    if (x == std::floor(x)) return NAN;
    const long double pi = 3.14159265358979323846264338327950288L;
    return digamma_ref(1 - x) - pi / std::tan(pi * x);
  }
  if (std::isinf(x)) return x;
  long double acc = 0;
  for (; x < 20; x += 1) acc -= 1 / x;
  long double r = 1 / (x * x);
  long double series =
      r * (1.0L / 12 -
           r * (1.0L / 120 - r * (1.0L / 252 - r * (1.0L / 240 - r * (1.0L / 132 - r * (691.0L / 32760 - r / 12))))));
  return acc + std::log(x) - 0.5L / x - series;
}

TEST(SpecialSimd, DigammaFloat32WithinOneUlp) {
  std::vector<float> xs = samples({{0.001f, 4}, {1.3f, 1.6f}, {1.46f, 1.4633f}});
  std::erase_if(xs, [](float v) { return !(v > 0); });  // x <= 0: the scalar special::digamma, unchanged
  double worst = worst_ulps(
      "digamma", [](const TensorData& x) { return k::polygamma(0, x); }, digamma_ref, xs);
  EXPECT_LE(worst, 0.5 + 1e-3);
  RecordProperty("digamma", std::to_string(worst));
}

// erfinv in long double: fluxion's double erfinv refined by a Newton step on
// erfl (erfcl past 1/2, where 1 - |y| is exact).
long double erfinv_ref(long double y) {
  long double x = k::special::erfinv((double)y);
  if (!(std::fabs(y) < 1)) return x;
  long double a = std::fabs(y), xa = std::fabs(x);
  long double res = a < 0.5L ? std::erf(xa) - a : (1 - a) - std::erfc(xa);
  xa -= res * 0.886226925452758013649083741671L * std::exp(xa * xa);
  return std::copysign(xa, y);
}

TEST(SpecialSimd, ErfinvFloat32WithinOneUlp) {
  std::vector<float> xs = samples({{-1, 1}, {0.99f, 1}, {-1, -0.99f}, {0.49f, 0.51f}});
  double worst = worst_ulps("erfinv", k::erfinv, erfinv_ref, xs);
  EXPECT_LE(worst, 0.5 + 1e-3);
  RecordProperty("erfinv", std::to_string(worst));
}

TEST(SpecialSimd, LgammaFloat32WithinOneUlp) {
  std::vector<float> xs = samples({{0.001f, 4}, {0.9f, 1.1f}, {1.9f, 2.1f}, {0.999f, 1.001f}, {1.999f, 2.001f}});
  double worst = worst_ulps(
      "lgamma", k::lgamma, [](long double x) { return std::lgamma(x); }, xs);
  EXPECT_LE(worst, 0.5 + 1e-3);
  RecordProperty("lgamma", std::to_string(worst));
}

// polygamma (n >= 1) and sinc: the Float64 kernels, rounded once.
TEST(SpecialSimd, PolygammaSincFloat32WithinOneUlp) {
  std::vector<float> xs = samples({{0, 20}, {0, 1}, {7.9f, 8.1f}});
  std::erase_if(xs, [](float v) { return !(v > 0 && v < INFINITY); });  // the scalar special::polygamma
  for (int n = 1; n <= 4; ++n) {
    std::string name = "psi" + std::to_string(n);
    double worst = worst_ulps(
        name.c_str(), [n](const TensorData& x) { return k::polygamma(n, x); },
        [n](long double x) { return special_refs::polygamma_ref(n, x); }, xs);
    EXPECT_LE(worst, 0.5 + 1e-3) << name;
    RecordProperty(name, std::to_string(worst));
  }
  std::vector<float> ys = samples({{-4, 4}, {-1e-4f, 1e-4f}, {8388000, 8388608}});
  std::erase_if(ys, [](float v) { return !(std::fabs(v) < 0x1p52f); });  // the scalar special::sinc
  double worst = worst_ulps("sinc", k::sinc, special_refs::sinc_ref, ys);
  EXPECT_LE(worst, 0.5 + 1e-3);
  RecordProperty("sinc", std::to_string(worst));
}

// Float64 erfc keeps the std:: function: bit for bit.
TEST(SpecialSimd, Float64IsStd) {
  std::vector<double> xs = {-0.75, -1e-300, 0.0, 0.3, 0.999, 1.5, 7.0, 700.0};
  TensorData x = TensorData::empty({(int64_t)xs.size()}, Float64);
  std::memcpy(x.data<double>(), xs.data(), xs.size() * 8);
  TensorData e = k::erfc(x);
  for (size_t i = 0; i < xs.size(); ++i) {
    EXPECT_EQ(std::bit_cast<uint64_t>(e.data<double>()[i]), std::bit_cast<uint64_t>(std::erfc(xs[i])));
  }
}

}  // namespace
