// SPDX-License-Identifier: MIT
// More elementwise functions of two tensors (fmod, remainder, copysign, xlogy,
// logaddexp, heaviside) and the composites lerp, clamp with tensor bounds,
// clamp_min / clamp_max. Operands are promoted to a common dtype and
// broadcast. Rules: vjp = {grad * df/da, grad * df/db}, jvp = da df/da + db df/db.
#include "autograd/apply.h"
#include "autograd/ops.h"
#include "autograd/ops/elementwise.h"
#include "autograd/ops_math.h"
#include "tensor/kernels/math.h"

namespace fluxion {

// One elementwise op of two tensors: F names it and gives its kernel and its
// partial derivatives (an undefined one is zero, as copysign's in b).
template <class F>
struct Binary {
  static constexpr const char* name = F::name;
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr Save save = F::save;
  TensorData forward(const TensorData& a, const TensorData& b) const { return F::forward(a, b); }
  std::array<Tensor, 2> vjp(const Tensor& grad, const Saved& s) const {
    Tensor da = s.needs_grad(0) ? F::da(s) : Tensor{}, db = s.needs_grad(1) ? F::db(s) : Tensor{};
    return {da.defined() ? grad * da : Tensor{}, db.defined() ? grad * db : Tensor{}};
  }
  Tensor jvp(const Tensor& ta, const Tensor& tb, const Saved& s) const {
    Tensor da = ta.defined() ? F::da(s) : Tensor{}, db = tb.defined() ? F::db(s) : Tensor{};
    Tensor y = add_tangents(da.defined() ? ta * da : Tensor{}, db.defined() ? tb * db : Tensor{});
    return y.defined() ? y : zeros_like(s.output());
  }
};

// fmod: y = a - trunc(a / b) b.   dy/da = 1, dy/db = -trunc(a / b)
struct FmodFn {
  static constexpr const char* name = "Fmod";
  static constexpr Save save = Save::inputs;
  static TensorData forward(const TensorData& a, const TensorData& b) { return kernels::fmod(a, b); }
  static Tensor da(const Saved& s) { return ones_like(s.input(0)); }
  static Tensor db(const Saved& s) { return -trunc(s.input(0).detach() / s.input(1).detach()); }
};
// remainder: y = a - floor(a / b) b.   dy/da = 1, dy/db = -floor(a / b)
struct RemainderFn {
  static constexpr const char* name = "Remainder";
  static constexpr Save save = Save::inputs;
  static TensorData forward(const TensorData& a, const TensorData& b) { return kernels::remainder(a, b); }
  static Tensor da(const Saved& s) { return ones_like(s.input(0)); }
  static Tensor db(const Saved& s) { return -floor(s.input(0).detach() / s.input(1).detach()); }
};
// copysign: y = |a| sign(b).   dy/da = y / a (0 at a = 0), dy/db = 0
struct CopysignFn {
  static constexpr const char* name = "Copysign";
  static constexpr Save save = Save::both;
  static TensorData forward(const TensorData& a, const TensorData& b) { return kernels::copysign(a, b); }
  static Tensor da(const Saved& s) {
    Tensor a = s.input(0).detach(), zero = eq(a, 0.0);
    return where(zero, 0.0, s.output().detach() / where(zero, 1.0, a));
  }
  static Tensor db(const Saved&) { return {}; }
};
// xlogy: y = a log b (0 at a = 0).   dy/da = xlogy(a != 0, b), dy/db = a / b
struct XlogyFn {
  static constexpr const char* name = "Xlogy";
  static constexpr Save save = Save::inputs;
  static TensorData forward(const TensorData& a, const TensorData& b) { return kernels::xlogy(a, b); }
  static Tensor da(const Saved& s) { return xlogy(ne(s.input(0).detach(), 0.0), s.input(1)); }
  static Tensor db(const Saved& s) { return s.input(0) / s.input(1); }
};
// logaddexp: y = log(e^a + e^b).   dy/da = sigmoid(a - b), dy/db = sigmoid(b - a)
struct LogaddexpFn {
  static constexpr const char* name = "Logaddexp";
  static constexpr Save save = Save::inputs;
  static TensorData forward(const TensorData& a, const TensorData& b) { return kernels::logaddexp(a, b); }
  static Tensor da(const Saved& s) { return (s.input(0) - s.input(1)).sigmoid(); }
  static Tensor db(const Saved& s) { return (s.input(1) - s.input(0)).sigmoid(); }
};

// heaviside: a step; PyTorch defines no derivative, and neither do we.
struct Heaviside {
  static constexpr const char* name = "Heaviside";
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr bool differentiable = false;
  TensorData forward(const TensorData& x, const TensorData& values) const { return kernels::heaviside(x, values); }
};

template <class F>
static Tensor binary(const Tensor& a, const Tensor& b) {
  auto [x, y] = promoted(a, b);
  return apply(Binary<F>{}, x, y);
}

Tensor fmod(const Tensor& a, const Tensor& b) { return binary<FmodFn>(a, b); }
Tensor fmod(const Tensor& a, double b) { return fmod(a, scalar_like(a, b)); }
Tensor remainder(const Tensor& a, const Tensor& b) { return binary<RemainderFn>(a, b); }
Tensor remainder(const Tensor& a, double b) { return remainder(a, scalar_like(a, b)); }
Tensor copysign(const Tensor& a, const Tensor& b) { return binary<CopysignFn>(a, b); }
Tensor xlogy(const Tensor& a, const Tensor& b) { return binary<XlogyFn>(a, b); }
Tensor logaddexp(const Tensor& a, const Tensor& b) { return binary<LogaddexpFn>(a, b); }
Tensor heaviside(const Tensor& x, const Tensor& values) {
  auto [a, b] = promoted(x, values);
  return apply(Heaviside{}, a, b);
}

// lerp: y = a + w (b - a).   dy/da = 1 - w, dy/db = w, dy/dw = b - a (all by the composite)
Tensor lerp(const Tensor& a, const Tensor& b, const Tensor& weight) { return a + weight * (b - a); }
Tensor lerp(const Tensor& a, const Tensor& b, double weight) { return a + (b - a) * weight; }

// clamp with tensor bounds: min(max(x, lo), hi) as PyTorch (hi wins where lo > hi).
// The gradient goes to x where lo <= x <= hi, else to the bound that was taken.
Tensor clamp(const Tensor& x, const Tensor& min, const Tensor& max) {
  check(min.defined() || max.defined(), "clamp: give at least one of min and max");
  Tensor y = x;
  if (min.defined()) y = where(lt(y.detach(), min.detach()), min, y);
  if (max.defined()) y = where(gt(y.detach(), max.detach()), max, y);
  return y;
}
Tensor clamp_min(const Tensor& x, double min) { return clamp(x, min, std::nullopt); }
Tensor clamp_max(const Tensor& x, double max) { return clamp(x, std::nullopt, max); }
Tensor clamp_min(const Tensor& x, const Tensor& min) { return clamp(x, min, Tensor{}); }
Tensor clamp_max(const Tensor& x, const Tensor& max) { return clamp(x, Tensor{}, max); }

}  // namespace fluxion
