// SPDX-License-Identifier: MIT
// Matrix products (torch.matmul semantics; kernels in tensor/kernels/matmul).
#include "autograd/function.h"
#include "autograd/ops.h"
#include "tensor/kernels/matmul.h"

namespace fluxion {

// matmul: Y = A B.   dL/dA = G B^T,  dL/dB = A^T G;   dY = dA B + A dB.
// 1-D operands are treated as a row (A) or a column (B) and squeezed back;
// batch dims broadcast, and the engine sums the batch back down.
struct Matmul {
  static constexpr const char* name = "Matmul";
  static constexpr Save save = Save::inputs;
  TensorData forward(const TensorData& a, const TensorData& b) const { return kernels::matmul(a, b); }
  std::array<Tensor, 2> vjp(const Tensor& grad, const Saved& s) const {
    Tensor a = s.input(0), b = s.input(1);
    Tensor A = a.dim() == 1 ? a.unsqueeze(0) : a;   // [.., n, k]
    Tensor B = b.dim() == 1 ? b.unsqueeze(-1) : b;  // [.., k, m]
    Tensor G = grad.reshape(kernels::matmul_shape(A.shape(), B.shape()));  // [.., n, m]
    Tensor da, db;
    if (s.needs_grad(0)) {
      da = G.matmul(B.transpose(-1, -2));
      if (a.dim() == 1) da = sum_to(da, A.shape()).reshape(a.shape());
    }
    if (s.needs_grad(1)) {
      db = A.transpose(-1, -2).matmul(G);
      if (b.dim() == 1) db = sum_to(db, B.shape()).reshape(b.shape());
    }
    return {da, db};
  }
  Tensor jvp(const Tensor& da, const Tensor& db, const Saved& s) const {
    return add_tangents(da.defined() ? da.matmul(s.input(1)) : Tensor{}, db.defined() ? s.input(0).matmul(db) : Tensor{});
  }
};

Tensor matmul(const Tensor& a, const Tensor& b) {
  kernels::matmul_shape(a.shape(), b.shape());  // shape errors before dtype work
  DType t = promote(a.dtype(), b.dtype());
  return apply(Matmul{}, a.dtype() == t ? a : a.to(t), b.dtype() == t ? b : b.to(t));
}

Tensor dot(const Tensor& a, const Tensor& b) {
  check(a.dim() == 1 && b.dim() == 1, "dot: expects two 1-D tensors, got shapes ", a.shape(), " and ",
        b.shape());
  return matmul(a, b);
}

// outer(a, b)_ij = a_i b_j, as a column times a row
Tensor outer(const Tensor& a, const Tensor& b) {
  check(a.dim() == 1 && b.dim() == 1, "outer: expects two 1-D tensors, got shapes ", a.shape(), " and ",
        b.shape());
  return a.unsqueeze(1) * b.unsqueeze(0);
}

Tensor Tensor::matmul(const Tensor& other) const { return fluxion::matmul(*this, other); }
Tensor Tensor::dot(const Tensor& other) const { return fluxion::dot(*this, other); }
Tensor Tensor::outer(const Tensor& other) const { return fluxion::outer(*this, other); }

}  // namespace fluxion
