// SPDX-License-Identifier: MIT
// Elementwise functions of one tensor: forward, VJP and JVP side by side.
// Each rule is the chain rule with the op's derivative: vjp = grad * f'(x),
// jvp = dx * f'(x), with f'(x) written in differentiable ops.
#include "autograd/function.h"
#include "autograd/ops.h"
#include "tensor/kernels/unary.h"

namespace fluxion {

// exp: y = e^x.   dy/dx = e^x = y
struct Exp {
  static constexpr const char* name = "Exp";
  static constexpr Save save = Save::output;
  TensorData forward(const TensorData& x) const { return kernels::exp(x); }
  Tensor vjp(const Tensor& grad, const Saved& s) const { return grad * s.output(); }
  Tensor jvp(const Tensor& dx, const Saved& s) const { return dx * s.output(); }
};

// log: y = ln x.   dy/dx = 1/x
struct Log {
  static constexpr const char* name = "Log";
  static constexpr Save save = Save::inputs;
  TensorData forward(const TensorData& x) const { return kernels::log(x); }
  Tensor vjp(const Tensor& grad, const Saved& s) const { return grad / s.input(); }
  Tensor jvp(const Tensor& dx, const Saved& s) const { return dx / s.input(); }
};

// sin: dy/dx = cos x
struct Sin {
  static constexpr const char* name = "Sin";
  static constexpr Save save = Save::inputs;
  TensorData forward(const TensorData& x) const { return kernels::sin(x); }
  Tensor vjp(const Tensor& grad, const Saved& s) const { return grad * s.input().cos(); }
  Tensor jvp(const Tensor& dx, const Saved& s) const { return dx * s.input().cos(); }
};

// cos: dy/dx = -sin x
struct Cos {
  static constexpr const char* name = "Cos";
  static constexpr Save save = Save::inputs;
  TensorData forward(const TensorData& x) const { return kernels::cos(x); }
  Tensor vjp(const Tensor& grad, const Saved& s) const { return -grad * s.input().sin(); }
  Tensor jvp(const Tensor& dx, const Saved& s) const { return -dx * s.input().sin(); }
};

// tanh: dy/dx = 1 - tanh^2 x = 1 - y^2
struct Tanh {
  static constexpr const char* name = "Tanh";
  static constexpr Save save = Save::output;
  TensorData forward(const TensorData& x) const { return kernels::tanh(x); }
  Tensor vjp(const Tensor& grad, const Saved& s) const {
    Tensor y = s.output();
    return grad * (1.0 - y * y);
  }
  Tensor jvp(const Tensor& dx, const Saved& s) const {
    Tensor y = s.output();
    return dx * (1.0 - y * y);
  }
};

Tensor exp(const Tensor& x) { return apply(Exp{}, x); }
Tensor log(const Tensor& x) { return apply(Log{}, x); }
Tensor sin(const Tensor& x) { return apply(Sin{}, x); }
Tensor cos(const Tensor& x) { return apply(Cos{}, x); }
Tensor tanh(const Tensor& x) { return apply(Tanh{}, x); }

Tensor Tensor::exp() const { return fluxion::exp(*this); }
Tensor Tensor::log() const { return fluxion::log(*this); }
Tensor Tensor::sin() const { return fluxion::sin(*this); }
Tensor Tensor::cos() const { return fluxion::cos(*this); }
Tensor Tensor::tanh() const { return fluxion::tanh(*this); }

}  // namespace fluxion
