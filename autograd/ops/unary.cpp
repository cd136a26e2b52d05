// SPDX-License-Identifier: MIT
// Elementwise functions of one tensor: forward, VJP and JVP side by side.
// Each rule is the chain rule with the op's derivative: vjp = grad * f'(x),
// jvp = dx * f'(x), with f'(x) written in differentiable ops (reusing the
// output y where f' is a function of it). Used from lesson 1 onwards.
#include <numbers>

#include "autograd/apply.h"
#include "autograd/ops.h"
#include "tensor/kernels/unary.h"
#include "tensor/kernels/unary_rules.h"

namespace fluxion {

// exp: y = e^x.   dy/dx = e^x = y
struct Exp {
  static constexpr const char* name = "Exp";
  static constexpr kernels::ExpRule elementwise{};  // the kernel's rule per element
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr Save save = Save::output;
  TensorData forward(const TensorData& x) const { return kernels::exp(x); }
  Tensor vjp(const Tensor& grad, const Saved& s) const { return grad * s.output(); }
  Tensor jvp(const Tensor& dx, const Saved& s) const { return dx * s.output(); }
};

// expm1: y = e^x - 1, accurate near 0.   dy/dx = e^x = y + 1
struct Expm1 {
  static constexpr const char* name = "Expm1";
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr Save save = Save::output;
  TensorData forward(const TensorData& x) const { return kernels::expm1(x); }
  Tensor vjp(const Tensor& grad, const Saved& s) const { return grad * (s.output() + 1.0); }
  Tensor jvp(const Tensor& dx, const Saved& s) const { return dx * (s.output() + 1.0); }
};

// log: y = ln x.   dy/dx = 1/x
struct Log {
  static constexpr const char* name = "Log";
  static constexpr kernels::LogRule elementwise{};  // the kernel's rule per element
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr Save save = Save::inputs;
  TensorData forward(const TensorData& x) const { return kernels::log(x); }
  Tensor vjp(const Tensor& grad, const Saved& s) const { return grad / s.input(); }
  Tensor jvp(const Tensor& dx, const Saved& s) const { return dx / s.input(); }
};

// log1p: y = ln(1 + x), accurate near 0.   dy/dx = 1/(1 + x)
struct Log1p {
  static constexpr const char* name = "Log1p";
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr Save save = Save::inputs;
  TensorData forward(const TensorData& x) const { return kernels::log1p(x); }
  Tensor vjp(const Tensor& grad, const Saved& s) const { return grad / (s.input() + 1.0); }
  Tensor jvp(const Tensor& dx, const Saved& s) const { return dx / (s.input() + 1.0); }
};

// sqrt: y = x^(1/2).   dy/dx = 1/(2 sqrt x) = 1/(2y)
// A primitive rather than pow(x, 0.5): the kernel is one exact vector
// instruction and the rule reuses y (one division, no second pow).
struct Sqrt {
  static constexpr const char* name = "Sqrt";
  static constexpr kernels::SqrtRule elementwise{};  // the kernel's rule per element
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr Save save = Save::output;
  TensorData forward(const TensorData& x) const { return kernels::sqrt(x); }
  Tensor vjp(const Tensor& grad, const Saved& s) const { return grad / (s.output() * 2.0); }
  Tensor jvp(const Tensor& dx, const Saved& s) const { return dx / (s.output() * 2.0); }
};

// sin: dy/dx = cos x
struct Sin {
  static constexpr const char* name = "Sin";
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr Save save = Save::inputs;
  TensorData forward(const TensorData& x) const { return kernels::sin(x); }
  Tensor vjp(const Tensor& grad, const Saved& s) const { return grad * s.input().cos(); }
  Tensor jvp(const Tensor& dx, const Saved& s) const { return dx * s.input().cos(); }
};

// cos: dy/dx = -sin x
struct Cos {
  static constexpr const char* name = "Cos";
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr Save save = Save::inputs;
  TensorData forward(const TensorData& x) const { return kernels::cos(x); }
  Tensor vjp(const Tensor& grad, const Saved& s) const { return -grad * s.input().sin(); }
  Tensor jvp(const Tensor& dx, const Saved& s) const { return -dx * s.input().sin(); }
};

// tan: dy/dx = 1 + tan^2 x = 1 + y^2
struct Tan {
  static constexpr const char* name = "Tan";
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr Save save = Save::output;
  TensorData forward(const TensorData& x) const { return kernels::tan(x); }
  Tensor vjp(const Tensor& grad, const Saved& s) const { return grad * (s.output().square() + 1.0); }
  Tensor jvp(const Tensor& dx, const Saved& s) const { return dx * (s.output().square() + 1.0); }
};

// tanh: dy/dx = 1 - tanh^2 x = 1 - y^2
// A primitive (not (e^2x - 1)/(e^2x + 1)): one vectorised kernel, no overflow.
struct Tanh {
  static constexpr const char* name = "Tanh";
  static constexpr kernels::TanhRule elementwise{};  // the kernel's rule per element
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr Save save = Save::output;
  TensorData forward(const TensorData& x) const { return kernels::tanh(x); }
  // y * y rather than square(): the same numbers, and elementwise ops that jit fuses
  Tensor vjp(const Tensor& grad, const Saved& s) const { return grad * (1.0 - s.output() * s.output()); }
  Tensor jvp(const Tensor& dx, const Saved& s) const { return dx * (1.0 - s.output() * s.output()); }
};

// erf: y = 2/sqrt(pi) int_0^x e^{-t^2} dt.   dy/dx = 2/sqrt(pi) e^{-x^2}
struct Erf {
  static constexpr const char* name = "Erf";
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr Save save = Save::inputs;
  static Tensor derivative(const Tensor& x) { return (-x.square()).exp() * (2.0 * std::numbers::inv_sqrtpi); }
  TensorData forward(const TensorData& x) const { return kernels::erf(x); }
  Tensor vjp(const Tensor& grad, const Saved& s) const { return grad * derivative(s.input()); }
  Tensor jvp(const Tensor& dx, const Saved& s) const { return dx * derivative(s.input()); }
};

Tensor exp(const Tensor& x) { return apply(Exp{}, x); }
Tensor expm1(const Tensor& x) { return apply(Expm1{}, x); }
Tensor log(const Tensor& x) { return apply(Log{}, x); }
Tensor log1p(const Tensor& x) { return apply(Log1p{}, x); }
Tensor sqrt(const Tensor& x) { return apply(Sqrt{}, x); }
Tensor sin(const Tensor& x) { return apply(Sin{}, x); }
Tensor cos(const Tensor& x) { return apply(Cos{}, x); }
Tensor tan(const Tensor& x) { return apply(Tan{}, x); }
Tensor tanh(const Tensor& x) { return apply(Tanh{}, x); }
Tensor erf(const Tensor& x) { return apply(Erf{}, x); }

Tensor Tensor::exp() const { return fluxion::exp(*this); }
Tensor Tensor::expm1() const { return fluxion::expm1(*this); }
Tensor Tensor::log() const { return fluxion::log(*this); }
Tensor Tensor::log1p() const { return fluxion::log1p(*this); }
Tensor Tensor::sqrt() const { return fluxion::sqrt(*this); }
Tensor Tensor::sin() const { return fluxion::sin(*this); }
Tensor Tensor::cos() const { return fluxion::cos(*this); }
Tensor Tensor::tan() const { return fluxion::tan(*this); }
Tensor Tensor::tanh() const { return fluxion::tanh(*this); }
Tensor Tensor::erf() const { return fluxion::erf(*this); }

}  // namespace fluxion
