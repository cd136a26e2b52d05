// SPDX-License-Identifier: MIT
// Arithmetic between tensors, with NumPy broadcasting and dtype promotion,
// and the operators + - * / that users write. Rules return gradients in the
// output's (broadcast) shape; the engine sums them down to each input.
#include "autograd/apply.h"
#include "autograd/ops.h"
#include "autograd/ops/elementwise.h"
#include "tensor/kernels/binary.h"
#include "tensor/kernels/unary.h"

namespace fluxion {

// add: y = a + b.   dy/da = 1, dy/db = 1
struct Add {
  static constexpr const char* name = "Add";
  static constexpr Save save = Save::nothing;
  static constexpr double identity = 0;  // x + 0 = 0 + x = x
  static constexpr bool commutative = true;
  static constexpr kernels::AddRule elementwise{};  // the kernel's rule per element
  TensorData forward(const TensorData& a, const TensorData& b) const { return kernels::add(a, b); }
  std::array<Tensor, 2> vjp(const Tensor& grad, const Saved&) const { return {grad, grad}; }
  Tensor jvp(const Tensor& da, const Tensor& db, const Saved&) const { return add_tangents(da, db); }
};

// sub: y = a - b.   dy/da = 1, dy/db = -1
struct Sub {
  static constexpr const char* name = "Sub";
  static constexpr Save save = Save::nothing;
  static constexpr kernels::SubRule elementwise{};
  TensorData forward(const TensorData& a, const TensorData& b) const { return kernels::sub(a, b); }
  std::array<Tensor, 2> vjp(const Tensor& grad, const Saved& s) const {
    return {grad, s.needs_grad(1) ? -grad : Tensor{}};
  }
  Tensor jvp(const Tensor& da, const Tensor& db, const Saved&) const {
    return db.defined() ? (da.defined() ? da - db : -db) : da;
  }
};

// mul: y = a * b.   dy/da = b, dy/db = a
struct Mul {
  static constexpr const char* name = "Mul";
  static constexpr Save save = Save::inputs;
  static constexpr double identity = 1;  // x 1 = 1 x = x
  static constexpr bool commutative = true;
  static constexpr kernels::MulRule elementwise{};
  TensorData forward(const TensorData& a, const TensorData& b) const { return kernels::mul(a, b); }
  std::array<Tensor, 2> vjp(const Tensor& grad, const Saved& s) const {
    return {s.needs_grad(0) ? grad * s.input(1) : Tensor{}, s.needs_grad(1) ? grad * s.input(0) : Tensor{}};
  }
  Tensor jvp(const Tensor& da, const Tensor& db, const Saved& s) const {
    return add_tangents(da.defined() ? da * s.input(1) : Tensor{}, db.defined() ? s.input(0) * db : Tensor{});
  }
};

// div: y = a / b.   dy/da = 1/b, dy/db = -a/b^2 = -y/b
struct Div {
  static constexpr const char* name = "Div";
  static constexpr Save save = Save::both;
  static constexpr kernels::DivRule elementwise{};
  TensorData forward(const TensorData& a, const TensorData& b) const { return kernels::div(a, b); }
  std::array<Tensor, 2> vjp(const Tensor& grad, const Saved& s) const {
    Tensor b = s.input(1);
    return {s.needs_grad(0) ? grad / b : Tensor{}, s.needs_grad(1) ? -grad * s.output() / b : Tensor{}};
  }
  Tensor jvp(const Tensor& da, const Tensor& db, const Saved& s) const {
    Tensor b = s.input(1);
    return add_tangents(da.defined() ? da / b : Tensor{}, db.defined() ? -db * s.output() / b : Tensor{});
  }
};

// neg: y = -x.   dy/dx = -1
struct Neg {
  static constexpr const char* name = "Neg";
  static constexpr Save save = Save::nothing;
  static constexpr kernels::NegRule elementwise{};
  TensorData forward(const TensorData& x) const { return kernels::neg(x); }
  Tensor vjp(const Tensor& grad, const Saved&) const { return -grad; }
  Tensor jvp(const Tensor& dx, const Saved&) const { return -dx; }
};

// maximum: y = max(a, b).   dy/da = 1 where a > b, 1/2 where a = b, else 0; dy/db likewise
// (ties split the gradient evenly, as in PyTorch)
struct Maximum {
  static constexpr const char* name = "Maximum";
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr Save save = Save::inputs;
  TensorData forward(const TensorData& a, const TensorData& b) const { return kernels::maximum(a, b); }
  std::array<Tensor, 2> vjp(const Tensor& grad, const Saved& s) const {
    Tensor tie = eq(s.input(0), s.input(1)).to(s.input_dtype(0)) * 0.5;
    return {grad * (gt(s.input(0), s.input(1)) + tie), grad * (lt(s.input(0), s.input(1)) + tie)};
  }
  Tensor jvp(const Tensor& da, const Tensor& db, const Saved& s) const {
    Tensor tie = eq(s.input(0), s.input(1)).to(s.input_dtype(0)) * 0.5;
    return add_tangents(da.defined() ? da * (gt(s.input(0), s.input(1)) + tie) : Tensor{},
                        db.defined() ? db * (lt(s.input(0), s.input(1)) + tie) : Tensor{});
  }
};

// minimum: y = min(a, b).   dy/da = 1 where a < b, 1/2 where a = b, else 0; dy/db likewise
struct Minimum {
  static constexpr const char* name = "Minimum";
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr Save save = Save::inputs;
  TensorData forward(const TensorData& a, const TensorData& b) const { return kernels::minimum(a, b); }
  std::array<Tensor, 2> vjp(const Tensor& grad, const Saved& s) const {
    Tensor tie = eq(s.input(0), s.input(1)).to(s.input_dtype(0)) * 0.5;
    return {grad * (lt(s.input(0), s.input(1)) + tie), grad * (gt(s.input(0), s.input(1)) + tie)};
  }
  Tensor jvp(const Tensor& da, const Tensor& db, const Saved& s) const {
    Tensor tie = eq(s.input(0), s.input(1)).to(s.input_dtype(0)) * 0.5;
    return add_tangents(da.defined() ? da * (lt(s.input(0), s.input(1)) + tie) : Tensor{},
                        db.defined() ? db * (gt(s.input(0), s.input(1)) + tie) : Tensor{});
  }
};

// atan2: z = atan2(y, x), the angle of (x, y).   dz/dy = x / (x^2 + y^2), dz/dx = -y / (x^2 + y^2)
struct Atan2 {
  static constexpr const char* name = "Atan2";
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr Save save = Save::inputs;
  TensorData forward(const TensorData& y, const TensorData& x) const { return kernels::atan2(y, x); }
  std::array<Tensor, 2> vjp(const Tensor& grad, const Saved& s) const {
    Tensor y = s.input(0), x = s.input(1), g = grad / (x.square() + y.square());
    return {s.needs_grad(0) ? g * x : Tensor{}, s.needs_grad(1) ? -g * y : Tensor{}};
  }
  Tensor jvp(const Tensor& dy, const Tensor& dx, const Saved& s) const {
    Tensor y = s.input(0), x = s.input(1);
    Tensor num = add_tangents(dy.defined() ? dy * x : Tensor{}, dx.defined() ? -dx * y : Tensor{});
    return num / (x.square() + y.square());
  }
};

// hypot: y = sqrt(a^2 + b^2), without overflow.   dy/da = a / y, dy/db = b / y
struct Hypot {
  static constexpr const char* name = "Hypot";
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr Save save = Save::both;
  TensorData forward(const TensorData& a, const TensorData& b) const { return kernels::hypot(a, b); }
  std::array<Tensor, 2> vjp(const Tensor& grad, const Saved& s) const {
    Tensor g = grad / s.output();
    return {s.needs_grad(0) ? g * s.input(0) : Tensor{}, s.needs_grad(1) ? g * s.input(1) : Tensor{}};
  }
  Tensor jvp(const Tensor& da, const Tensor& db, const Saved& s) const {
    return add_tangents(da.defined() ? da * s.input(0) : Tensor{}, db.defined() ? db * s.input(1) : Tensor{}) /
           s.output();
  }
};

// Brings a and b to one dtype (float64 > float32 > int64) before a kernel runs.
std::pair<Tensor, Tensor> promoted(const Tensor& a, const Tensor& b) {
  DType t = promote(a.dtype(), b.dtype());
  return {a.dtype() == t ? a : a.to(t), b.dtype() == t ? b : b.to(t)};
}

// addcmul: y = x + v a b (torch.addcmul), one pass instead of three.
//   dy/dx = 1, dy/da = v b, dy/db = v a;  dy = dx + v (da b + a db).
struct Addcmul {
  static constexpr const char* name = "Addcmul";
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr Save save = Save::inputs;
  double value;
  std::vector<TensorData> forward(const std::vector<TensorData>& xs) const {
    return {kernels::addcmul(xs[0], xs[1], xs[2], value)};
  }
  std::vector<Tensor> vjp(const std::vector<Tensor>& grads, const Saved& s) const {
    const Tensor& g = grads[0];
    return {s.needs_grad(0) ? g : Tensor{}, s.needs_grad(1) ? g * s.input(2) * value : Tensor{},
            s.needs_grad(2) ? g * s.input(1) * value : Tensor{}};
  }
  std::vector<Tensor> jvp(const std::vector<Tensor>& d, const Saved& s) const {
    Tensor prod = add_tangents(d[1].defined() ? d[1] * s.input(2) : Tensor{},
                               d[2].defined() ? s.input(1) * d[2] : Tensor{});
    return {add_tangents(d[0], prod.defined() ? prod * value : Tensor{})};
  }
};

Tensor addcmul(const Tensor& input, const Tensor& t1, const Tensor& t2, double value) {
  DType t = promote(promote(input.dtype(), t1.dtype()), t2.dtype());
  if (!is_floating(t)) t = default_dtype();
  auto as = [t](const Tensor& v) { return v.dtype() == t ? v : v.to(t); };
  return apply_op(Addcmul{value}, {as(input), as(t1), as(t2)})[0];
}

// Between two Bool tensors, + is logical or and * logical and (as in PyTorch).
static bool both_bool(const Tensor& a, const Tensor& b) { return a.dtype() == Bool && b.dtype() == Bool; }

Tensor add(const Tensor& a, const Tensor& b) {
  if (both_bool(a, b)) return logical_or(a, b);
  auto [x, y] = promoted(a, b);
  return apply(Add{}, x, y);
}
Tensor sub(const Tensor& a, const Tensor& b) {
  check(!both_bool(a, b), "sub: subtracting Bool tensors (shapes ", a.shape(), " and ", b.shape(),
        ") is not supported, as in PyTorch; use logical_xor, or convert with .to(fluxion::Int64)");
  auto [x, y] = promoted(a, b);
  return apply(Sub{}, x, y);
}
Tensor mul(const Tensor& a, const Tensor& b) {
  if (both_bool(a, b)) return logical_and(a, b);
  auto [x, y] = promoted(a, b);
  return apply(Mul{}, x, y);
}
Tensor div(const Tensor& a, const Tensor& b) {
  auto [x, y] = promoted(a.is_floating_point() ? a : a.to(default_dtype()), b);
  return apply(Div{}, x, y);
}
Tensor neg(const Tensor& x) { return apply(Neg{}, x); }
Tensor maximum(const Tensor& a, const Tensor& b) {
  auto [x, y] = promoted(a, b);
  return apply(Maximum{}, x, y);
}
Tensor minimum(const Tensor& a, const Tensor& b) {
  auto [x, y] = promoted(a, b);
  return apply(Minimum{}, x, y);
}
Tensor atan2(const Tensor& y, const Tensor& x) {
  auto [u, v] = promoted(y, x);
  return apply(Atan2{}, u, v);
}
Tensor hypot(const Tensor& a, const Tensor& b) {
  auto [x, y] = promoted(a, b);
  return apply(Hypot{}, x, y);
}

Tensor scalar_like(const Tensor& t, double value) {
  // A scalar keeps the tensor's dtype (x_f32 * 2.0 stays float32, as in
  // PyTorch), except that a fractional scalar turns an integer or bool tensor
  // float, and a whole one turns a bool tensor int64.
  DType d = t.dtype();
  if (!is_floating(d) && value != (double)(int64_t)value) d = default_dtype();
  else if (d == Bool) d = Int64;
  return scalar(value, d);
}

Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
Tensor operator-(const Tensor& x) { return neg(x); }
Tensor operator+(const Tensor& a, double b) { return add(a, scalar_like(a, b)); }
Tensor operator-(const Tensor& a, double b) { return sub(a, scalar_like(a, b)); }
Tensor operator*(const Tensor& a, double b) { return mul(a, scalar_like(a, b)); }
Tensor operator/(const Tensor& a, double b) { return div(a, scalar_like(a, b)); }
Tensor operator+(double a, const Tensor& b) { return add(scalar_like(b, a), b); }
Tensor operator-(double a, const Tensor& b) { return sub(scalar_like(b, a), b); }
Tensor operator*(double a, const Tensor& b) { return mul(scalar_like(b, a), b); }
Tensor operator/(double a, const Tensor& b) { return div(scalar_like(b, a), b); }

Tensor Tensor::add(const Tensor& other) const { return fluxion::add(*this, other); }
Tensor Tensor::sub(const Tensor& other) const { return fluxion::sub(*this, other); }
Tensor Tensor::mul(const Tensor& other) const { return fluxion::mul(*this, other); }
Tensor Tensor::addcmul(const Tensor& t1, const Tensor& t2, double value) const {
  return fluxion::addcmul(*this, t1, t2, value);
}
Tensor Tensor::div(const Tensor& other) const { return fluxion::div(*this, other); }
Tensor Tensor::neg() const { return fluxion::neg(*this); }
Tensor Tensor::maximum(const Tensor& other) const { return fluxion::maximum(*this, other); }
Tensor Tensor::minimum(const Tensor& other) const { return fluxion::minimum(*this, other); }
Tensor Tensor::atan2(const Tensor& other) const { return fluxion::atan2(*this, other); }
Tensor Tensor::hypot(const Tensor& other) const { return fluxion::hypot(*this, other); }

}  // namespace fluxion
