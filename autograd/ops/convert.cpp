// SPDX-License-Identifier: MIT
// dtype conversion and copies. Gradients flow through all three unchanged
// (converted back to the input's dtype by the engine).
#include "autograd/apply.h"
#include "autograd/ops.h"
#include "tensor/kernels/copy.h"

namespace fluxion {

// to: y = x in another dtype.   rules: identity (the engine casts back)
struct To {
  static constexpr const char* name = "To";
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr Save save = Save::nothing;
  DType dtype;
  TensorData forward(const TensorData& x) const { return kernels::to_dtype(x, dtype); }
  Tensor vjp(const Tensor& grad, const Saved& s) const { return grad.to(s.input_dtype(0)); }
  Tensor jvp(const Tensor& dx, const Saved&) const { return dx.to(dtype); }
};

// clone / contiguous: y = x in fresh (or contiguous) memory.   rules: identity
struct Clone {
  static constexpr const char* name = "Clone";
  static constexpr bool moves = true;  // each output element copies one input element (jit/trace_unroll.cpp)
  static constexpr bool pointwise = true;  // vmap batches it by broadcasting (batching.h)
  static constexpr Save save = Save::nothing;
  bool only_if_needed;  // contiguous(): keep the storage when already contiguous
  TensorData forward(const TensorData& x) const { return only_if_needed ? kernels::contiguous(x) : kernels::clone(x); }
  Tensor vjp(const Tensor& grad, const Saved&) const { return grad; }
  Tensor jvp(const Tensor& dx, const Saved&) const { return dx; }
};

Tensor Tensor::to(DType dtype) const {
  if (dtype == this->dtype()) return *this;
  return apply(To{dtype}, *this);
}
Tensor Tensor::contiguous() const { return is_contiguous() ? *this : apply(Clone{true}, *this); }
Tensor Tensor::clone() const { return apply(Clone{false}, *this); }

}  // namespace fluxion
