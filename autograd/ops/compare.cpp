// SPDX-License-Identifier: MIT
// Comparisons, tests, logical ops and where(). Comparisons, tests and logical
// ops give Bool masks; they are not differentiable, so a mask is a constant to
// autograd. where() is: its gradient flows to whichever of a, b each element came from.
#include "tensor/kernels/compare.h"

#include "autograd/apply.h"
#include "autograd/ops.h"
#include "autograd/ops/elementwise.h"

namespace fluxion {

// eq, ne, lt, le, gt, ge: y = (a op b), Bool.   not differentiable
struct CompareOp {
  static constexpr const char* name = "Compare";
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr bool differentiable = false;
  kernels::Compare op;
  TensorData forward(const TensorData& a, const TensorData& b) const { return kernels::compare(a, b, op); }
};

// isfinite, isnan, isinf, isposinf, isneginf, logical_not: y = test(x), Bool.   not differentiable
struct Test {
  static constexpr const char* name = "Test";
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr bool differentiable = false;
  TensorData (*kernel)(const TensorData&);
  TensorData forward(const TensorData& x) const { return kernel(x); }
};

// logical_and, logical_or, logical_xor: y = (a != 0) op (b != 0), Bool.   not differentiable
struct LogicalOp {
  static constexpr const char* name = "Logical";
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr bool differentiable = false;
  kernels::Logical op;
  TensorData forward(const TensorData& a, const TensorData& b) const { return kernels::logical(a, b, op); }
};

// where: y = cond ? a : b.   dy/da = cond, dy/db = 1 - cond (as 0/1 masks)
// cond is an input like a and b (as in PyTorch), one that carries no
// gradient: everything the op reads reaches apply() as a tensor.
struct Where {
  static constexpr const char* name = "Where";
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr Save save = Save::inputs;
  std::vector<TensorData> forward(const std::vector<TensorData>& xs) const {
    return {kernels::where(xs[0], xs[1], xs[2])};
  }
  std::vector<Tensor> vjp(const std::vector<Tensor>& grads, const Saved& s) const {
    const Tensor& g = grads[0];
    return {Tensor{}, s.needs_grad(1) ? where(s.input(0), g, 0.0) : Tensor{},
            s.needs_grad(2) ? where(s.input(0), 0.0, g) : Tensor{}};
  }
  std::vector<Tensor> jvp(const std::vector<Tensor>& d, const Saved& s) const {
    Tensor zero = scalar_like(d[1].defined() ? d[1] : d[2], 0.0);
    return {where(s.input(0), d[1].defined() ? d[1] : zero, d[2].defined() ? d[2] : zero)};
  }
};

static Tensor compare(const Tensor& a, const Tensor& b, kernels::Compare op) {
  auto [x, y] = promoted(a, b);
  return apply(CompareOp{op}, x, y);
}

Tensor eq(const Tensor& a, const Tensor& b) { return compare(a, b, kernels::Compare::eq); }
Tensor ne(const Tensor& a, const Tensor& b) { return compare(a, b, kernels::Compare::ne); }
Tensor lt(const Tensor& a, const Tensor& b) { return compare(a, b, kernels::Compare::lt); }
Tensor le(const Tensor& a, const Tensor& b) { return compare(a, b, kernels::Compare::le); }
Tensor gt(const Tensor& a, const Tensor& b) { return compare(a, b, kernels::Compare::gt); }
Tensor ge(const Tensor& a, const Tensor& b) { return compare(a, b, kernels::Compare::ge); }
Tensor eq(const Tensor& a, double b) { return eq(a, scalar_like(a, b)); }
Tensor ne(const Tensor& a, double b) { return ne(a, scalar_like(a, b)); }
Tensor lt(const Tensor& a, double b) { return lt(a, scalar_like(a, b)); }
Tensor le(const Tensor& a, double b) { return le(a, scalar_like(a, b)); }
Tensor gt(const Tensor& a, double b) { return gt(a, scalar_like(a, b)); }
Tensor ge(const Tensor& a, double b) { return ge(a, scalar_like(a, b)); }

Tensor operator==(const Tensor& a, const Tensor& b) { return eq(a, b); }
Tensor operator!=(const Tensor& a, const Tensor& b) { return ne(a, b); }
Tensor operator==(const Tensor& a, double b) { return eq(a, b); }
Tensor operator!=(const Tensor& a, double b) { return ne(a, b); }
Tensor operator<(const Tensor& a, const Tensor& b) { return lt(a, b); }
Tensor operator<=(const Tensor& a, const Tensor& b) { return le(a, b); }
Tensor operator>(const Tensor& a, const Tensor& b) { return gt(a, b); }
Tensor operator>=(const Tensor& a, const Tensor& b) { return ge(a, b); }
Tensor operator<(const Tensor& a, double b) { return lt(a, b); }
Tensor operator<=(const Tensor& a, double b) { return le(a, b); }
Tensor operator>(const Tensor& a, double b) { return gt(a, b); }
Tensor operator>=(const Tensor& a, double b) { return ge(a, b); }

Tensor isfinite(const Tensor& x) { return apply(Test{kernels::isfinite}, x); }
Tensor isnan(const Tensor& x) { return apply(Test{kernels::isnan}, x); }
Tensor isinf(const Tensor& x) { return apply(Test{kernels::isinf}, x); }
Tensor isposinf(const Tensor& x) { return apply(Test{kernels::isposinf}, x); }
Tensor isneginf(const Tensor& x) { return apply(Test{kernels::isneginf}, x); }
Tensor logical_not(const Tensor& x) { return apply(Test{kernels::logical_not}, x); }
Tensor logical_and(const Tensor& a, const Tensor& b) { return apply(LogicalOp{kernels::Logical::and_}, a, b); }
Tensor logical_or(const Tensor& a, const Tensor& b) { return apply(LogicalOp{kernels::Logical::or_}, a, b); }
Tensor logical_xor(const Tensor& a, const Tensor& b) { return apply(LogicalOp{kernels::Logical::xor_}, a, b); }

// & | ^ ~ are PyTorch's bitwise ops; fluxion has them for Bool tensors only, as logical ops.
static const Tensor& bool_operand(const Tensor& t, const char* op) {
  check(t.dtype() == Bool, "operator", op, ": defined for Bool tensors (masks), got ", dtype_name(t.dtype()),
        " of shape ", t.shape(), "; for truth values of other dtypes use logical_and/or/xor/not");
  return t;
}
Tensor operator&(const Tensor& a, const Tensor& b) { return logical_and(bool_operand(a, "&"), bool_operand(b, "&")); }
Tensor operator|(const Tensor& a, const Tensor& b) { return logical_or(bool_operand(a, "|"), bool_operand(b, "|")); }
Tensor operator^(const Tensor& a, const Tensor& b) { return logical_xor(bool_operand(a, "^"), bool_operand(b, "^")); }
Tensor operator~(const Tensor& x) { return logical_not(bool_operand(x, "~")); }

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  auto [x, y] = promoted(a, b);
  return apply_op(Where{}, {cond.detach(), x, y})[0];
}
Tensor where(const Tensor& cond, const Tensor& a, double b) { return where(cond, a, scalar_like(a, b)); }
Tensor where(const Tensor& cond, double a, const Tensor& b) { return where(cond, scalar_like(b, a), b); }

Tensor Tensor::eq(const Tensor& other) const { return fluxion::eq(*this, other); }
Tensor Tensor::ne(const Tensor& other) const { return fluxion::ne(*this, other); }
Tensor Tensor::lt(const Tensor& other) const { return fluxion::lt(*this, other); }
Tensor Tensor::le(const Tensor& other) const { return fluxion::le(*this, other); }
Tensor Tensor::gt(const Tensor& other) const { return fluxion::gt(*this, other); }
Tensor Tensor::ge(const Tensor& other) const { return fluxion::ge(*this, other); }
Tensor Tensor::isfinite() const { return fluxion::isfinite(*this); }
Tensor Tensor::isnan() const { return fluxion::isnan(*this); }
Tensor Tensor::isinf() const { return fluxion::isinf(*this); }
Tensor Tensor::isposinf() const { return fluxion::isposinf(*this); }
Tensor Tensor::isneginf() const { return fluxion::isneginf(*this); }
Tensor Tensor::logical_not() const { return fluxion::logical_not(*this); }
Tensor Tensor::logical_and(const Tensor& other) const { return fluxion::logical_and(*this, other); }
Tensor Tensor::logical_or(const Tensor& other) const { return fluxion::logical_or(*this, other); }
Tensor Tensor::logical_xor(const Tensor& other) const { return fluxion::logical_xor(*this, other); }

}  // namespace fluxion
