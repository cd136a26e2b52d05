// SPDX-License-Identifier: MIT
// In-place ops: add_, mul_, copy_, fill_, zero_. They are not recorded by
// autograd, so they are for tensors outside it: parameters updated under a
// NoGradGuard (as optimizers do), buffers, accumulators. Each bumps the
// storage's version, so a backward that saved the old values reports it.
#include "autograd/grad_mode.h"
#include "autograd/ops.h"
#include "tensor/kernels/copy.h"
#include "tensor/kernels/inplace.h"

namespace fluxion {

// Writing into a tensor that autograd tracks would silently detach the
// recorded graph from the values, so it is an error, as in PyTorch for leaves.
static void check_outside_autograd(const Tensor& t, const char* op, const Tensor* other = nullptr) {
  if (!GradMode::is_enabled()) return;
  check(!t.requires_grad(), op, ": in-place ops are not recorded by autograd and this tensor requires grad; ",
        t.is_leaf() ? "update it inside a fluxion::NoGradGuard (as optimizers do)"
                    : "use the out-of-place op instead (y = y + other)");
  check(!other || !other->requires_grad(), op,
        ": the other operand requires grad, but in-place ops are not recorded by autograd; use the out-of-place op");
}

Tensor& Tensor::add_(const Tensor& other, double alpha) {
  check_outside_autograd(*this, "add_", &other);
  kernels::add_(tensor_data(), other.tensor_data(), alpha);
  return *this;
}

Tensor& Tensor::mul_(const Tensor& other) {
  check_outside_autograd(*this, "mul_", &other);
  kernels::mul_(tensor_data(), other.tensor_data());
  return *this;
}

Tensor& Tensor::mul_(double value) {
  check_outside_autograd(*this, "mul_");
  kernels::mul_(tensor_data(), value);
  return *this;
}

Tensor& Tensor::copy_(const Tensor& src) {
  check_outside_autograd(*this, "copy_", &src);
  for (int64_t d = 0; d < dim(); ++d)
    check(strides()[d] != 0 || shape()[d] <= 1, "copy_: the tensor written to (shape ", to_string(shape()),
          ") is an expanded view whose elements share memory; write into a .clone() instead");
  kernels::copy_(tensor_data(), src.tensor_data());
  return *this;
}

Tensor& Tensor::fill_(double value) {
  check_outside_autograd(*this, "fill_");
  kernels::fill_(tensor_data(), value);
  return *this;
}

Tensor& Tensor::zero_() { return fill_(0); }

}  // namespace fluxion
