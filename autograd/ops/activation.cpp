// SPDX-License-Identifier: MIT
// Piecewise and saturating functions: sigmoid, relu, softplus, abs, sign,
// clamp, and the composites softmax / log_softmax. The neural-network lessons use them as activations; the rules
// spell out the subgradient chosen at each kink (PyTorch's choices).
#include "autograd/apply.h"
#include "autograd/ops.h"
#include "autograd/ops_math.h"
#include "tensor/kernels/unary.h"
#include "tensor/kernels/unary_rules.h"

namespace fluxion {

// sigmoid: y = 1 / (1 + e^-x).   dy/dx = y (1 - y)
// A primitive for stability: the kernel never overflows (see vmath::sigmoid),
// while the composite 1 / (1 + exp(-x)) overflows e^-x for x < -88 in float32.
struct Sigmoid {
  static constexpr const char* name = "Sigmoid";
  static constexpr kernels::SigmoidRule elementwise{};  // the kernel's rule per element
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr Save save = Save::output;
  TensorData forward(const TensorData& x) const { return kernels::sigmoid(x); }
  Tensor vjp(const Tensor& grad, const Saved& s) const {
    Tensor y = s.output();
    return grad * y * (1.0 - y);
  }
  Tensor jvp(const Tensor& dx, const Saved& s) const {
    Tensor y = s.output();
    return dx * y * (1.0 - y);
  }
};

// relu: y = max(x, 0).   dy/dx = 1 where x > 0, else 0 (the subgradient at 0 is 0, as in PyTorch)
// y > 0 exactly where x > 0, so the rule reads the output.
struct Relu {
  static constexpr const char* name = "Relu";
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr Save save = Save::output;
  TensorData forward(const TensorData& x) const { return kernels::relu(x); }
  // where, not grad * mask: one pass less, and a NaN or inf in grad stays out of the
  // zeroed part (0 there, as PyTorch's threshold_backward)
  Tensor vjp(const Tensor& grad, const Saved& s) const { return where(s.output() > 0.0, grad, 0.0); }
  Tensor jvp(const Tensor& dx, const Saved& s) const { return where(s.output() > 0.0, dx, 0.0); }
};

// softplus: y = ln(1 + e^{beta x}) / beta, or x where beta x > threshold.
//   dy/dx = sigmoid(beta x), or 1 where beta x > threshold
// A primitive for stability: the kernel evaluates max(z, 0) + log1p(e^-|z|).
struct Softplus {
  static constexpr const char* name = "Softplus";
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr Save save = Save::inputs;
  double beta, threshold;
  Tensor derivative(const Tensor& x) const {
    Tensor z = x * beta;
    return where(z > threshold, 1.0, z.sigmoid());
  }
  TensorData forward(const TensorData& x) const { return kernels::softplus(x, beta, threshold); }
  Tensor vjp(const Tensor& grad, const Saved& s) const { return grad * derivative(s.input()); }
  Tensor jvp(const Tensor& dx, const Saved& s) const { return dx * derivative(s.input()); }
};

// abs: y = |x|.   dy/dx = sign(x) (0 at 0, as in PyTorch)
struct Abs {
  static constexpr const char* name = "Abs";
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr Save save = Save::inputs;
  TensorData forward(const TensorData& x) const { return kernels::abs(x); }
  Tensor vjp(const Tensor& grad, const Saved& s) const { return grad * s.input().sign(); }
  Tensor jvp(const Tensor& dx, const Saved& s) const { return dx * s.input().sign(); }
};

// sign: y = -1, 0 or 1.   dy/dx = 0 (everywhere but 0, where it does not exist)
// Differentiable with zero rules rather than not at all, so that a loss that
// uses sign(x) still backpropagates (as in PyTorch).
struct Sign {
  static constexpr const char* name = "Sign";
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr Save save = Save::nothing;
  TensorData forward(const TensorData& x) const { return kernels::sign(x); }
  Tensor vjp(const Tensor& grad, const Saved&) const { return zeros_like(grad); }
  Tensor jvp(const Tensor& dx, const Saved&) const { return zeros_like(dx); }
};

// clamp: y = min(max(x, min), max).   dy/dx = 1 where min <= x <= max, else 0
// (the gradient passes at the bounds themselves, as in PyTorch)
struct Clamp {
  static constexpr const char* name = "Clamp";
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr Save save = Save::inputs;
  std::optional<double> min, max;
  Tensor inside(const Tensor& x) const {
    if (min && max) return ge(x, *min) * le(x, *max);
    return min ? ge(x, *min) : le(x, *max);
  }
  TensorData forward(const TensorData& x) const { return kernels::clamp(x, min, max); }
  Tensor vjp(const Tensor& grad, const Saved& s) const { return grad * inside(s.input()); }
  Tensor jvp(const Tensor& dx, const Saved& s) const { return dx * inside(s.input()); }
};

Tensor sigmoid(const Tensor& x) { return apply(Sigmoid{}, x); }
Tensor relu(const Tensor& x) { return apply(Relu{}, x); }
Tensor softplus(const Tensor& x, double beta, double threshold) {
  check(beta != 0, "softplus: beta must be nonzero");
  return apply(Softplus{beta, threshold}, x);
}
Tensor abs(const Tensor& x) { return apply(Abs{}, x); }
Tensor sign(const Tensor& x) { return apply(Sign{}, x); }
Tensor clamp(const Tensor& x, std::optional<double> min, std::optional<double> max) {
  check(min || max, "clamp: give at least one of min and max (e.g. clamp(x, 0.0, std::nullopt))");
  return apply(Clamp{min, max}, x);
}

// Both shift x by its max along dim first, so every exponent is <= 0 (no
// overflow) and the largest term is exactly 1 (no 0/0). The shift cancels
// in the result, so its derivative is zero: it is detached, not differentiated.
// Composites: they check their input themselves, so that an error names them
// and not the amax or exp they are made of.
static void check_softmax_input(const Tensor& x, int64_t dim, const char* op) {
  check(x.is_floating_point(), op, ": expects a floating tensor, got ", dtype_name(x.dtype()),
        "; convert it with .to(Float32) or .to(Float64)");
  int64_t d = wrap_dim(dim, x.dim(), op);
  check(x.dim() == 0 || x.size(d) > 0, op, ": dim ", dim, " of shape ", x.shape(),
        " is empty; there is nothing to normalise over");
}

// softmax(x)_i = e^(x_i - m) / sum_j e^(x_j - m),  m = max_j x_j
Tensor softmax(const Tensor& x, int64_t dim) {
  check_softmax_input(x, dim, "softmax");
  Tensor e = exp(x - x.amax({dim}, true).detach());
  return e / e.sum({dim}, true);
}

// log_softmax(x)_i = (x_i - m) - log sum_j e^(x_j - m)
Tensor log_softmax(const Tensor& x, int64_t dim) {
  check_softmax_input(x, dim, "log_softmax");
  Tensor s = x - x.amax({dim}, true).detach();
  return s - s.exp().sum({dim}, true).log();
}

Tensor Tensor::sigmoid() const { return fluxion::sigmoid(*this); }
Tensor Tensor::relu() const { return fluxion::relu(*this); }
Tensor Tensor::softplus(double beta, double threshold) const { return fluxion::softplus(*this, beta, threshold); }
Tensor Tensor::abs() const { return fluxion::abs(*this); }
Tensor Tensor::sign() const { return fluxion::sign(*this); }
Tensor Tensor::clamp(std::optional<double> min, std::optional<double> max) const {
  return fluxion::clamp(*this, min, max);
}
Tensor Tensor::softmax(int64_t dim) const { return fluxion::softmax(*this, dim); }
Tensor Tensor::log_softmax(int64_t dim) const { return fluxion::log_softmax(*this, dim); }

}  // namespace fluxion
