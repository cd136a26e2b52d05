// SPDX-License-Identifier: MIT
// In-place ops: add_, mul_, copy_, fill_, zero_, index_put_, masked_fill_.
// Outside autograd (no grad mode, or no operand tracked) they run the kernel
// on the tensor's memory. On a tensor in the graph they are recorded as
// PyTorch records them: the out-of-place op runs on a copy of the old values,
// its result is written into the tensor's memory, and the tensor's history
// becomes that op's node (its grad_fn is rebased). Each write bumps the
// storage's version, so a backward that saved the old values reports it.
#include "tensor/kernels/inplace.h"

#include "autograd/grad_mode.h"
#include "autograd/ops.h"
#include "autograd/recorder.h"
#include "tensor/kernels/copy.h"

namespace fluxion {

static bool has_tangents(const Tensor& t) { return t.defined() && !t.impl()->tangents.empty(); }

// Whether autograd must record the op: some operand is tracked (requires grad
// under grad mode, or carries a forward-mode tangent).
static bool tracked(const Tensor& self, const Tensor& other) {
  bool grad = GradMode::is_enabled() && (self.requires_grad() || (other.defined() && other.requires_grad()));
  return grad || has_tangents(self) || has_tangents(other);
}

static void check_writable(const Tensor& self, const char* op) {
  check(!(GradMode::is_enabled() && self.is_leaf() && self.requires_grad()), op,
        ": a leaf tensor that requires grad (shape ", self.shape(),
        ") cannot be modified in place; update it inside a fluxion::NoGradGuard (as optimizers do), or "
        "modify a .clone() of it");
  for (int64_t d = 0; d < self.dim(); ++d)
    check(self.strides()[d] != 0 || self.shape()[d] <= 1, op, ": the tensor written to (shape ", self.shape(),
          ") is an expanded view whose elements share memory; write into a .clone() instead");
}

// Writes `result` (computed from a copy of self's old values) into self's
// memory and makes its history self's. Only self's history can be rewritten:
// fluxion does not model PyTorch's CopySlices, which also rewrites the history
// of the other views of the same memory. So when another tensor shares self's
// memory (a view of it or its base, or an output saved for backward) the op
// is refused rather than leave that tensor's gradient silently wrong.
static Tensor& rebase(Tensor& self, const Tensor& result, const char* op) {
  // The write below happens outside apply(), so a tracer (jit::trace) could not replay it.
  autograd::on_read(self.tensor_data(), "an in-place op on a tensor in the graph (a write no trace records)");
  check(self.tensor_data().storage.use_count() == 1, op, ": the tensor written to (shape ", self.shape(),
        ") shares its memory with another tensor (a view of it, the tensor it is a view of, or a value saved for "
        "backward), whose history an in-place op in the graph cannot rewrite; use the out-of-place op "
        "(index_put instead of index_put_, x + y instead of x.add_(y)) or write into the base tensor before taking "
        "views");
  check(result.shape() == self.shape(), op, ": the result has shape ", result.shape(),
        " but the tensor written to has shape ", self.shape(), "; in-place ops cannot change a tensor's shape");
  kernels::copy_(self.tensor_data(), result.tensor_data());
  TensorImpl* impl = self.impl();
  impl->grad_fn = result.grad_fn();
  impl->output_nr = result.output_nr();
  impl->tangents = result.impl()->tangents;
  return self;
}

// Runs `f(old values of self)` recorded, or `kernel()` untracked.
template <class F, class K>
static Tensor& in_place(Tensor& self, const Tensor& other, const char* op, F f, K kernel) {
  check_writable(self, op);
  if (!tracked(self, other)) {
    kernel();
    return self;
  }
  Tensor old = self.clone();  // the op's node may save its input; self's memory is about to change
  return rebase(self, f(old).to(self.dtype()), op);
}

Tensor& Tensor::add_(const Tensor& other, double alpha) {
  return in_place(
      *this, other, "add_", [&](const Tensor& x) { return alpha == 1 ? x + other : x + other * alpha; },
      [&] { kernels::add_(tensor_data(), other.tensor_data(), alpha); });
}

Tensor& Tensor::mul_(const Tensor& other) {
  return in_place(
      *this, other, "mul_", [&](const Tensor& x) { return x * other; },
      [&] { kernels::mul_(tensor_data(), other.tensor_data()); });
}

Tensor& Tensor::mul_(double value) {
  return in_place(
      *this, Tensor{}, "mul_", [&](const Tensor& x) { return x * value; },
      [&] { kernels::mul_(tensor_data(), value); });
}

// copy_ and fill_ record y = where(true, new values, x): self's old values get
// a zero gradient, and self stays in the graph (as PyTorch's CopyBackwards).
static Tensor overwrite(const Tensor& x, const Tensor& values) {
  return where(ones_like(x, Bool), values.to(x.dtype()), x);
}

Tensor& Tensor::copy_(const Tensor& src) {
  return in_place(
      *this, src, "copy_", [&](const Tensor& x) { return overwrite(x, src); },
      [&] { kernels::copy_(tensor_data(), src.tensor_data()); });
}

Tensor& Tensor::fill_(double value) {
  return in_place(
      *this, Tensor{}, "fill_", [&](const Tensor& x) { return overwrite(x, scalar(value, x.dtype())); },
      [&] { kernels::fill_(tensor_data(), value); });
}

Tensor& Tensor::zero_() { return fill_(0); }

// index_put_ and masked_fill_ always go through the out-of-place op (there is
// no separate kernel path): untracked, the result is simply copied back.
Tensor& Tensor::index_put_(const std::vector<Index>& indices, const Tensor& values, bool accumulate) {
  check_writable(*this, "index_put_");
  if (!tracked(*this, values)) {
    NoGradGuard no_grad;
    kernels::copy_(tensor_data(), fluxion::index_put(*this, indices, values, accumulate).tensor_data());
    return *this;
  }
  return rebase(*this, fluxion::index_put(clone(), indices, values, accumulate), "index_put_");
}

Tensor& Tensor::index_put_(const std::vector<Index>& indices, double value) {
  return index_put_(indices, scalar(value, dtype()));
}

Tensor& Tensor::masked_fill_(const Tensor& mask, double value) {
  check_writable(*this, "masked_fill_");
  if (!tracked(*this, Tensor{})) {
    NoGradGuard no_grad;
    kernels::copy_(tensor_data(), fluxion::masked_fill(*this, mask, value).tensor_data());
    return *this;
  }
  return rebase(*this, fluxion::masked_fill(clone(), mask, value), "masked_fill_");
}

}  // namespace fluxion
