// SPDX-License-Identifier: MIT
// More elementwise functions of one tensor: inverse trigonometric and
// hyperbolic functions, log2 / log10 / exp2, erfc / erfinv, lgamma / digamma /
// polygamma, sinc, the rounding family and nan_to_num. As in unary.cpp, each
// rule is the chain rule: vjp = grad * f'(x), jvp = dx * f'(x), with f'
// written in differentiable ops (so every rule differentiates again).
#include <cmath>
#include <limits>
#include <numbers>

#include "autograd/apply.h"
#include "autograd/ops.h"
#include "autograd/ops_math.h"
#include "tensor/kernels/math.h"

namespace fluxion {

// One elementwise op: F names it and gives its kernel, forward(x), and its
// derivative f'(x), derivative(s), read from the saved input or output.
template <class F>
struct Unary {
  static constexpr const char* name = F::name;
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr Save save = F::save;
  F f;
  TensorData forward(const TensorData& x) const { return f.forward(x); }
  Tensor vjp(const Tensor& grad, const Saved& s) const { return grad * f.derivative(s); }
  Tensor jvp(const Tensor& dx, const Saved& s) const { return dx * f.derivative(s); }
};

// asin: d/dx asin x = 1 / sqrt(1 - x^2)
struct AsinFn {
  static constexpr const char* name = "Asin";
  static constexpr Save save = Save::inputs;
  TensorData forward(const TensorData& x) const { return kernels::asin(x); }
  Tensor derivative(const Saved& s) const { return (1.0 - s.input().square()).rsqrt(); }
};
// acos: d/dx acos x = -1 / sqrt(1 - x^2)
struct AcosFn {
  static constexpr const char* name = "Acos";
  static constexpr Save save = Save::inputs;
  TensorData forward(const TensorData& x) const { return kernels::acos(x); }
  Tensor derivative(const Saved& s) const { return -(1.0 - s.input().square()).rsqrt(); }
};
// atan: d/dx atan x = 1 / (1 + x^2)
struct AtanFn {
  static constexpr const char* name = "Atan";
  static constexpr Save save = Save::inputs;
  TensorData forward(const TensorData& x) const { return kernels::atan(x); }
  Tensor derivative(const Saved& s) const { return 1.0 / (s.input().square() + 1.0); }
};
// sinh: d/dx sinh x = cosh x
struct SinhFn {
  static constexpr const char* name = "Sinh";
  static constexpr Save save = Save::inputs;
  TensorData forward(const TensorData& x) const { return kernels::sinh(x); }
  Tensor derivative(const Saved& s) const { return cosh(s.input()); }
};
// cosh: d/dx cosh x = sinh x
struct CoshFn {
  static constexpr const char* name = "Cosh";
  static constexpr Save save = Save::inputs;
  TensorData forward(const TensorData& x) const { return kernels::cosh(x); }
  Tensor derivative(const Saved& s) const { return sinh(s.input()); }
};
// asinh: d/dx asinh x = 1 / sqrt(x^2 + 1)
struct AsinhFn {
  static constexpr const char* name = "Asinh";
  static constexpr Save save = Save::inputs;
  TensorData forward(const TensorData& x) const { return kernels::asinh(x); }
  Tensor derivative(const Saved& s) const { return (s.input().square() + 1.0).rsqrt(); }
};
// acosh: d/dx acosh x = 1 / sqrt((x - 1)(x + 1))
struct AcoshFn {
  static constexpr const char* name = "Acosh";
  static constexpr Save save = Save::inputs;
  TensorData forward(const TensorData& x) const { return kernels::acosh(x); }
  Tensor derivative(const Saved& s) const { return ((s.input() - 1.0) * (s.input() + 1.0)).rsqrt(); }
};
// atanh: d/dx atanh x = 1 / (1 - x^2)
struct AtanhFn {
  static constexpr const char* name = "Atanh";
  static constexpr Save save = Save::inputs;
  TensorData forward(const TensorData& x) const { return kernels::atanh(x); }
  Tensor derivative(const Saved& s) const { return 1.0 / (1.0 - s.input().square()); }
};
// log2: d/dx log2 x = 1 / (x ln 2)
struct Log2Fn {
  static constexpr const char* name = "Log2";
  static constexpr Save save = Save::inputs;
  TensorData forward(const TensorData& x) const { return kernels::log2(x); }
  Tensor derivative(const Saved& s) const { return 1.0 / (s.input() * std::numbers::ln2); }
};
// log10: d/dx log10 x = 1 / (x ln 10)
struct Log10Fn {
  static constexpr const char* name = "Log10";
  static constexpr Save save = Save::inputs;
  TensorData forward(const TensorData& x) const { return kernels::log10(x); }
  Tensor derivative(const Saved& s) const { return 1.0 / (s.input() * std::numbers::ln10); }
};
// exp2: d/dx 2^x = 2^x ln 2 = y ln 2
struct Exp2Fn {
  static constexpr const char* name = "Exp2";
  static constexpr Save save = Save::output;
  TensorData forward(const TensorData& x) const { return kernels::exp2(x); }
  Tensor derivative(const Saved& s) const { return s.output() * std::numbers::ln2; }
};
// erfc: d/dx erfc x = -2/sqrt(pi) e^{-x^2}
struct ErfcFn {
  static constexpr const char* name = "Erfc";
  static constexpr Save save = Save::inputs;
  TensorData forward(const TensorData& x) const { return kernels::erfc(x); }
  Tensor derivative(const Saved& s) const { return (-s.input().square()).exp() * (-2.0 * std::numbers::inv_sqrtpi); }
};
// erfinv: d/dx erfinv x = sqrt(pi)/2 e^{y^2}
struct ErfinvFn {
  static constexpr const char* name = "Erfinv";
  static constexpr Save save = Save::output;
  TensorData forward(const TensorData& x) const { return kernels::erfinv(x); }
  Tensor derivative(const Saved& s) const { return s.output().square().exp() * (0.5 / std::numbers::inv_sqrtpi); }
};
// lgamma: d/dx log|Gamma(x)| = digamma x
struct LgammaFn {
  static constexpr const char* name = "Lgamma";
  static constexpr Save save = Save::inputs;
  TensorData forward(const TensorData& x) const { return kernels::lgamma(x); }
  Tensor derivative(const Saved& s) const { return digamma(s.input()); }
};
// polygamma: d/dx psi^(n)(x) = psi^(n+1)(x)   (n = 0: digamma)
struct PolygammaFn {
  static constexpr const char* name = "Polygamma";
  static constexpr Save save = Save::inputs;
  int64_t n;
  TensorData forward(const TensorData& x) const { return kernels::polygamma((int)n, x); }
  Tensor derivative(const Saved& s) const { return polygamma(n + 1, s.input()); }
};
// sinc: d/dx sin(pi x)/(pi x) = (cos(pi x) - sinc x) / x, and 0 at x = 0 (the limit)
struct SincFn {
  static constexpr const char* name = "Sinc";
  static constexpr Save save = Save::both;
  TensorData forward(const TensorData& x) const { return kernels::sinc(x); }
  Tensor derivative(const Saved& s) const {
    Tensor x = s.input(), zero = eq(x.detach(), 0.0), safe = where(zero, 1.0, x);
    return where(zero, 0.0, ((safe * std::numbers::pi).cos() - s.output()) / safe);
  }
};
// floor, ceil, trunc, round: piecewise constant, derivative 0 (as PyTorch's)
struct RoundFn {
  static constexpr const char* name = "Round";
  static constexpr Save save = Save::nothing;
  TensorData (*kernel)(const TensorData&);
  int64_t decimals = 0;
  TensorData forward(const TensorData& x) const { return kernel ? kernel(x) : kernels::round(x, decimals); }
  Tensor derivative(const Saved& s) const { return zeros(s.input_shape(0), s.input_dtype(0)); }
};
// nan_to_num: finite values pass (derivative 1); the replaced NaN and
// infinities are constants (derivative 0), as PyTorch.
struct NanToNumFn {
  static constexpr const char* name = "NanToNum";
  static constexpr Save save = Save::inputs;
  double nan, posinf, neginf;
  TensorData forward(const TensorData& x) const { return kernels::nan_to_num(x, nan, posinf, neginf); }
  Tensor derivative(const Saved& s) const { return isfinite(s.input().detach()); }
};

Tensor asin(const Tensor& x) { return apply(Unary<AsinFn>{}, x); }
Tensor acos(const Tensor& x) { return apply(Unary<AcosFn>{}, x); }
Tensor atan(const Tensor& x) { return apply(Unary<AtanFn>{}, x); }
Tensor sinh(const Tensor& x) { return apply(Unary<SinhFn>{}, x); }
Tensor cosh(const Tensor& x) { return apply(Unary<CoshFn>{}, x); }
Tensor asinh(const Tensor& x) { return apply(Unary<AsinhFn>{}, x); }
Tensor acosh(const Tensor& x) { return apply(Unary<AcoshFn>{}, x); }
Tensor atanh(const Tensor& x) { return apply(Unary<AtanhFn>{}, x); }
Tensor log2(const Tensor& x) { return apply(Unary<Log2Fn>{}, x); }
Tensor log10(const Tensor& x) { return apply(Unary<Log10Fn>{}, x); }
Tensor exp2(const Tensor& x) { return apply(Unary<Exp2Fn>{}, x); }
Tensor erfc(const Tensor& x) { return apply(Unary<ErfcFn>{}, x); }
Tensor erfinv(const Tensor& x) { return apply(Unary<ErfinvFn>{}, x); }
Tensor lgamma(const Tensor& x) { return apply(Unary<LgammaFn>{}, x); }
Tensor polygamma(int64_t n, const Tensor& x) {
  check(n >= 0, "polygamma: the order n must be >= 0, got ", n);
  return apply(Unary<PolygammaFn>{{n}}, x);
}
Tensor digamma(const Tensor& x) { return polygamma(0, x); }
Tensor sinc(const Tensor& x) { return apply(Unary<SincFn>{}, x); }
Tensor floor(const Tensor& x) { return apply(Unary<RoundFn>{{kernels::floor}}, x); }
Tensor ceil(const Tensor& x) { return apply(Unary<RoundFn>{{kernels::ceil}}, x); }
Tensor trunc(const Tensor& x) { return apply(Unary<RoundFn>{{kernels::trunc}}, x); }
Tensor round(const Tensor& x, int64_t decimals) { return apply(Unary<RoundFn>{{nullptr, decimals}}, x); }
Tensor nan_to_num(const Tensor& x, std::optional<double> nan, std::optional<double> posinf,
                  std::optional<double> neginf) {
  // PyTorch's defaults: 0 for NaN, the dtype's largest / lowest finite value for +-inf
  double big = x.dtype() == Float32 ? (double)std::numeric_limits<float>::max() : std::numeric_limits<double>::max();
  return apply(Unary<NanToNumFn>{{nan.value_or(0.0), posinf.value_or(big), neginf.value_or(-big)}}, x);
}

// frac x = x - trunc x: its derivative is 1
Tensor frac(const Tensor& x) { return x - trunc(x); }

// logit x = log(x / (1 - x)), with x clamped to [eps, 1 - eps] when eps is given
Tensor logit(const Tensor& x, std::optional<double> eps) {
  Tensor z = eps ? x.clamp(*eps, 1.0 - *eps) : x;
  return (z / (1.0 - z)).log();
}

}  // namespace fluxion
