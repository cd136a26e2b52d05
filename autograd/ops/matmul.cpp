// SPDX-License-Identifier: MIT
// Matrix products (torch.matmul semantics; kernels in tensor/kernels/matmul).
#include "autograd/apply.h"
#include "autograd/ops.h"
#include "tensor/kernels/inplace.h"
#include "tensor/kernels/matmul.h"

namespace fluxion {

// vmap's matmul on physical operands a, b with batch dims da, db (nullopt:
// shared by all examples); the result has the batch in front. One BLAS call
// on the folded batch when only a is batched and b is a matrix or vector
// (a layer's weights): [B, .., m, k] @ [k, n]. Otherwise each 1-D example
// becomes a row (a) or a column (b) matrix, the batched operands get size-1
// dims after B up to the wider example's rank, and matmul's broadcasting
// batch dims do the rest: [B, .., m, k] @ [B, .., k, n] -> [B, .., m, n].
static Tensor batched_matmul(Tensor a, std::optional<int64_t> da, Tensor b, std::optional<int64_t> db, int64_t size) {
  if (!db && b.dim() <= 2) return batching::to_front(a, da, size).matmul(b);
  int64_t ra = a.dim() - (da ? 1 : 0), rb = b.dim() - (db ? 1 : 0);
  if (da) a = batching::to_front(a, da, size);
  if (db) b = batching::to_front(b, db, size);
  bool row = ra == 1, col = rb == 1;
  if (row) a = a.unsqueeze(da ? 1 : 0), ra = 2;
  if (col) b = b.unsqueeze(-1), rb = 2;
  int64_t r = std::max(ra, rb);
  if (da) a = batching::pad_rank(a, ra, r);
  if (db) b = batching::pad_rank(b, rb, r);
  Tensor y = a.matmul(b);
  if (col) y = y.squeeze(-1);
  if (row) y = y.squeeze(col ? -1 : -2);
  return y;
}

// matmul: Y = A B.   dL/dA = G B^T,  dL/dB = A^T G;   dY = dA B + A dB.
// 1-D operands are treated as a row (A) or a column (B) and squeezed back;
// batch dims broadcast, and the engine sums the batch back down.
struct Matmul {
  static constexpr const char* name = "Matmul";
  static constexpr Save save = Save::inputs;
  TensorData forward(const TensorData& a, const TensorData& b) const { return kernels::matmul(a, b); }
  // forward, written into y (contiguous, of the output's shape): jit's unrolled programs
  void forward_into(std::span<const TensorData* const> xs, const TensorData& y) const {
    kernels::matmul_into(*xs[0], *xs[1], y);
  }
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
  std::vector<Tensor> vmap(const std::vector<Tensor>& xs, const std::vector<std::optional<int64_t>>& dims,
                           int64_t size) const {
    return {batched_matmul(xs[0], dims[0], xs[1], dims[1], size)};
  }
};

Tensor matmul(const Tensor& a, const Tensor& b) {
  kernels::matmul_shape(a.shape(), b.shape());  // shape errors before dtype work
  DType t = promote(a.dtype(), b.dtype());
  return apply(Matmul{}, a.dtype() == t ? a : a.to(t), b.dtype() == t ? b : b.to(t));
}

// linear: y = x w^T + b (PyTorch's F.linear), x: (*, in), w: (out, in), b: (out) or none.
//   dL/dx = G w,  dL/dw = G^T x,  dL/db = sum of G over the batch;  dy = dx w^T + x dw^T + db.
// A composite of transpose, matmul and add, promoted to one op for speed: a
// neural ODE evaluates a small network on one state thousands of times per
// step of training, and lesson 12's epoch spent most of its time in the
// per-op overhead of the three ops and of their seven backward ops.
struct Linear {
  static constexpr const char* name = "Linear";
  static constexpr Save save = Save::inputs;
  bool has_bias;
  std::vector<TensorData> forward(const std::vector<TensorData>& xs) const {
    const TensorData& w = xs[1];
    TensorData y = kernels::matmul(xs[0], w.as_strided({w.shape[1], w.shape[0]}, {w.strides[1], w.strides[0]}, w.offset));
    if (has_bias) kernels::add_(y, xs[2], 1);  // (*, out) += (out), broadcast
    return {y};
  }
  // forward, written into y (contiguous, of the output's shape): jit's unrolled programs
  void forward_into(std::span<const TensorData* const> xs, const TensorData& y) const {
    const TensorData& w = *xs[1];
    kernels::matmul_into(*xs[0], w.as_strided({w.shape[1], w.shape[0]}, {w.strides[1], w.strides[0]}, w.offset), y);
    if (has_bias) kernels::add_(y, *xs[2], 1);
  }
  std::vector<Tensor> vjp(const std::vector<Tensor>& grads, const Saved& s) const {
    Tensor x = s.input(0), w = s.input(1), g = grads[0];
    std::vector<Tensor> d(has_bias ? 3 : 2);
    if (s.needs_grad(0)) d[0] = g.matmul(w);  // (*, out) (out, in) -> (*, in)
    if (x.dim() == 1) {  // one sample: dw = g x^T, db = g
      if (s.needs_grad(1)) d[1] = g.unsqueeze(1).matmul(x.unsqueeze(0));
      if (has_bias && s.needs_grad(2)) d[2] = g;
    } else {  // fold the batch dims: (B, out)^T (B, in)
      Tensor g2 = g.reshape({-1, w.size(0)});
      if (s.needs_grad(1)) d[1] = g2.mT().matmul(x.reshape({-1, w.size(1)}));
      if (has_bias && s.needs_grad(2)) d[2] = g2.sum({0});
    }
    return d;
  }
  std::vector<Tensor> jvp(const std::vector<Tensor>& dxs, const Saved& s) const {
    Tensor x = s.input(0), w = s.input(1);
    Tensor dy = add_tangents(dxs[0].defined() ? dxs[0].matmul(w.mT()) : Tensor{},
                             dxs[1].defined() ? x.matmul(dxs[1].mT()) : Tensor{});
    if (has_bias && dxs[2].defined())
      dy = dy.defined() ? dy + dxs[2] : dxs[2].expand(kernels::matmul_shape(x.shape(), w.mT().shape()));
    return {dy};
  }
  // vmap: with shared weights, the batch folds into linear's own batch dims
  // (x [B, *, in] -> [B, *, out], one call); per-example weights go through
  // the batched matmul, and the bias is added with the batch in front.
  std::vector<Tensor> vmap(const std::vector<Tensor>& xs, const std::vector<std::optional<int64_t>>& dims,
                           int64_t size) const {
    bool shared = !dims[1] && (!has_bias || !dims[2]);
    if (shared) {
      std::vector<Tensor> args = xs;
      args[0] = batching::to_front(xs[0], dims[0], size);
      return apply_op(Linear{has_bias}, args);
    }
    Tensor w = dims[1] ? batching::to_front(xs[1], dims[1], size) : xs[1];
    std::optional<int64_t> dw = dims[1] ? std::optional<int64_t>(0) : std::nullopt;
    Tensor y = batched_matmul(xs[0], dims[0], w.transpose(-1, -2), dw, size);  // [B, *, out]
    if (!has_bias) return {y};
    if (!dims[2]) return {y + xs[2]};
    return {y + batching::pad_rank(batching::to_front(xs[2], dims[2], size), 1, y.dim() - 1)};
  }
};

Tensor linear(const Tensor& x, const Tensor& w, const Tensor& b) {
  check(w.dim() == 2, "linear: weight must be (out, in), got shape ", w.shape());
  check(x.dim() >= 1 && x.size(-1) == w.size(1), "linear: input of shape ", x.shape(),
        " must end in in_features = ", w.size(1), " (weight ", w.shape(), ")");
  if (b.defined() && !(b.dim() == 1 && b.size(0) == w.size(0)))
    fail("linear: bias of shape ", b.shape(), " must be (out_features) = (", w.size(0), ")");
  DType t = promote(x.dtype(), w.dtype());
  if (b.defined()) t = promote(t, b.dtype());
  auto as = [t](const Tensor& v) { return v.dtype() == t ? v : v.to(t); };
  if (!b.defined()) return apply_op(Linear{false}, {as(x), as(w)})[0];
  return apply_op(Linear{true}, {as(x), as(w), as(b)})[0];
}

Tensor dot(const Tensor& a, const Tensor& b) {
  check(a.dim() == 1 && b.dim() == 1, "dot: expects two 1-D tensors, got shapes ", a.shape(), " and ",
        b.shape());
  check(a.size(0) == b.size(0), "dot: the vectors have different lengths ", a.size(0), " and ", b.size(0));
  check(a.dtype() == b.dtype() || (a.is_floating_point() && b.is_floating_point()), "dot: dtypes ",
        dtype_name(a.dtype()), " and ", dtype_name(b.dtype()), " cannot be multiplied; convert one with .to()");
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
