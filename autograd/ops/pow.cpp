// SPDX-License-Identifier: MIT
// Powers: x^p for a scalar p, a^b for tensors, and the composites built on
// them (square = x^2, rsqrt = x^(-1/2), base^x). The kernels take exact
// fast paths for the common exponents (2, 1/2, -1/2, ...).
#include <cmath>

#include "autograd/apply.h"
#include "autograd/ops.h"
#include "autograd/ops/elementwise.h"
#include "tensor/kernels/binary.h"
#include "tensor/kernels/unary.h"

namespace fluxion {

// pow: y = x^p, p a number.   dy/dx = p x^(p-1)   (0 for p = 0, also at x = 0)
struct PowScalar {
  static constexpr const char* name = "Pow";
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr Save save = Save::inputs;
  double p;
  Tensor derivative(const Tensor& x) const { return x.pow(p - 1) * p; }
  TensorData forward(const TensorData& x) const { return kernels::pow(x, p); }
  // forward, written into y (contiguous, of the output's shape): jit's unrolled programs
  void forward_into(std::span<const TensorData* const> xs, const TensorData& y) const { kernels::pow_into(*xs[0], p, y); }
  Tensor vjp(const Tensor& grad, const Saved& s) const {
    return p == 0 ? zeros_like(grad) : grad * derivative(s.input());
  }
  Tensor jvp(const Tensor& dx, const Saved& s) const { return p == 0 ? zeros_like(dx) : dx * derivative(s.input()); }
};

// pow: y = a^b, both tensors.
//   dy/da = b a^(b-1)   (0 where b = 0, so that 0^0 has slope 0 as in PyTorch)
//   dy/db = y ln a      (0 where a = 0 and b >= 0, where ln a = -inf meets y = 0)
struct Pow {
  static constexpr const char* name = "Pow";
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr Save save = Save::both;
  static Tensor d_base(const Tensor& a, const Tensor& b) { return where(eq(b, 0.0), 0.0, b * a.pow(b - 1.0)); }
  static Tensor d_exponent(const Tensor& a, const Tensor& b, const Tensor& y) {
    return where(eq(a, 0.0) * ge(b, 0.0), 0.0, y * a.log());
  }
  TensorData forward(const TensorData& a, const TensorData& b) const { return kernels::pow(a, b); }
  std::array<Tensor, 2> vjp(const Tensor& grad, const Saved& s) const {
    Tensor a = s.input(0), b = s.input(1);
    return {s.needs_grad(0) ? grad * d_base(a, b) : Tensor{},
            s.needs_grad(1) ? grad * d_exponent(a, b, s.output()) : Tensor{}};
  }
  Tensor jvp(const Tensor& da, const Tensor& db, const Saved& s) const {
    Tensor a = s.input(0), b = s.input(1);
    return add_tangents(da.defined() ? da * d_base(a, b) : Tensor{},
                        db.defined() ? db * d_exponent(a, b, s.output()) : Tensor{});
  }
};

Tensor pow(const Tensor& x, double exponent) {
  // int64 ** fractional gives a float result, as in PyTorch
  bool to_float = x.dtype() == Int64 && exponent != std::floor(exponent);
  return apply(PowScalar{exponent}, to_float ? x.to(default_dtype()) : x);
}

Tensor pow(const Tensor& x, const Tensor& exponent) {
  auto [a, b] = promoted(x, exponent);
  return apply(Pow{}, a, b);
}

// base^x = pow(base, x) with a constant base (no gradient for it).
Tensor pow(double base, const Tensor& exponent) { return pow(scalar_like(exponent, base), exponent); }

// square: x^2 (PyTorch's square is pow(x, 2) too)
Tensor square(const Tensor& x) { return pow(x, 2.0); }

// rsqrt: 1/sqrt(x) = x^(-1/2). A composite: the pow kernel computes it as
// 1/sqrt(x) exactly, and pow's rule gives the derivative -x^(-3/2)/2.
Tensor rsqrt(const Tensor& x) { return pow(x, -0.5); }

Tensor Tensor::pow(double exponent) const { return fluxion::pow(*this, exponent); }
Tensor Tensor::pow(const Tensor& exponent) const { return fluxion::pow(*this, exponent); }
Tensor Tensor::square() const { return fluxion::square(*this); }
Tensor Tensor::rsqrt() const { return fluxion::rsqrt(*this); }

}  // namespace fluxion
