// SPDX-License-Identifier: MIT
// In-place ops: add_, mul_, copy_, fill_, zero_, index_put_, masked_fill_,
// fused_adam_, and the views they write through.
//
// Outside autograd (no grad mode, or no operand tracked) they run the kernel
// on the tensor's memory. On a tensor in the graph they are recorded as
// PyTorch records them: the out-of-place op runs on a copy of the old values,
// its result is written into the tensor's memory, and the tensor's history
// becomes that op's node (its grad_fn is rebased). Each write bumps the
// storage's version, so a backward that saved the old values reports it.
//
// Views share their base's memory, so a write through one changes the base
// and every other view of it. As in PyTorch:
//   - an in-place op on a view v of base b rebases b's history onto
//     b' = CopySlices(b, f(v)): b with v's elements replaced by the result;
//   - a view's history is a function of its base's: after any write to the
//     memory, a view's grad_fn (and tangents) are regenerated on their next
//     read as v = as_strided(b) (refresh_view), so gradients through the base
//     and through every view, made before or after the write, stay right.
#include "tensor/kernels/inplace.h"

#include <mutex>

#include "autograd/apply.h"
#include "autograd/fused_optim.h"
#include "autograd/grad_mode.h"
#include "autograd/ops.h"
#include "autograd/ops/indexing.h"
#include "autograd/ops_math.h"
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
  const Tensor& base = self.impl()->view_base;
  if (GradMode::is_enabled() && base.defined()) {
    check(!(base.is_leaf() && base.requires_grad()), op, ": the tensor written to (shape ", self.shape(),
          ") is a view of a leaf tensor that requires grad (shape ", base.shape(),
          "); update the leaf inside a fluxion::NoGradGuard (as optimizers do), or take the view of a .clone() of it");
    check(!base.requires_grad() || self.requires_grad(), op, ": the tensor written to (shape ", self.shape(),
          ") is a view made under NoGradGuard of a tensor that requires grad (shape ", base.shape(),
          "), so the write cannot be recorded in the base's history; write inside the NoGradGuard too, or take "
          "the view outside it");
  }
  for (int64_t d = 0; d < self.dim(); ++d)
    check(self.strides()[d] != 0 || self.shape()[d] <= 1, op, ": the tensor written to (shape ", self.shape(),
          ") is an expanded view whose elements share memory; write into a .clone() instead");
}

// Inside vmap, an in-place op would write a whole batch through a tensor that
// shows one example, or write per-example values into a tensor captured from
// outside (one memory for all examples); both are refused, as torch.func
// refuses the second.
static void check_not_batched(const Tensor& self, const Tensor& other, const char* op) {
  bool batched = (self.defined() && self.impl()->batched) || (other.defined() && other.impl()->batched);
  check(!batched, "vmap: ", op, " on a tensor of per-example shape ", self.shape(),
        " inside vmap: in-place ops on batched tensors, or with batched values written into a tensor captured "
        "from outside vmap, are not supported; use the out-of-place op (x = x + y instead of x.add_(y))");
}

// Where each element of the view v sits in its base, as the base's flat
// (row-major) index: an Int64 tensor of v's shape. Both are geometries over
// one memory: a scratch copy of that memory holds, at each base element, its
// flat index; read through v's geometry it gives the positions.
static Tensor positions_in_base(const TensorData& base, const TensorData& v, const char* op) {
  TensorData memory = kernels::full({(int64_t)(base.storage->nbytes / dtype_size(base.dtype))}, -1, Int64);
  kernels::copy_(memory.as_strided(base.shape, base.strides, base.offset), positions_of(base.shape).tensor_data());
  Tensor pos(kernels::contiguous(memory.as_strided(v.shape, v.strides, v.offset)));
  check(pos.numel() == 0 || pos.min().item() >= 0, op, ": the view written to (shape ", v.shape, ", strides ",
        v.strides, ", offset ", v.offset, ") reaches memory outside its base (shape ", base.shape,
        "); write into the base, or into a .clone() of the view");
  return pos;
}

// CopySlices: y = base with y[v] = src, the history an in-place op on a view v
// gives v's base (PyTorch's CopySlices). pos: v's elements' flat indices in
// base, without repeats (an expanded view cannot be written to).
//   vjp: dbase = grad with v's positions zeroed;  dsrc = grad.flatten()[pos]
//   jvp: dy = dbase with dy[v] = dsrc
// No forward: the in-place op has already written src into the memory, so
// only the node is recorded (through apply's record, in the general op shape).
struct CopySlices {
  static constexpr const char* name = "CopySlices";
  static constexpr Save save = Save::nothing;
  Tensor pos;  // Int64, v's shape
  std::vector<Tensor> vjp(const std::vector<Tensor>& grads, const Saved& s) const {
    Tensor g = grads[0].reshape({-1}), p = pos.reshape({-1});
    return {s.needs_grad(0) ? index_copy_flat(g, p, zeros({p.numel()}, g.dtype())).reshape(grads[0].shape()) : Tensor{},
            s.needs_grad(1) ? g.index_select(0, p).reshape(pos.shape()) : Tensor{}};
  }
  std::vector<Tensor> jvp(const std::vector<Tensor>& dxs, const Saved& s) const {
    DType t = dxs[0].defined() ? dxs[0].dtype() : dxs[1].dtype();
    Tensor dbase = dxs[0].defined() ? dxs[0] : zeros(s.input_shape(0), t);
    Tensor dsrc = dxs[1].defined() ? dxs[1] : zeros(pos.shape(), t);
    return {index_copy_flat(dbase.reshape({-1}), pos.reshape({-1}), dsrc.reshape({-1})).reshape(dbase.shape())};
  }
};

// Writes `result` (computed from a copy of self's old values) into self's
// memory and rewrites the history: self's own, or for a view its base's
// (self's is then regenerated from the base, as any view's after a write).
static Tensor& rebase(Tensor& self, const Tensor& result, const char* op) {
  // The write below happens outside apply(), so a tracer (jit::trace) could not replay it.
  autograd::on_read(self.tensor_data(), "an in-place op on a tensor in the graph (a write no trace records)");
  check(result.shape() == self.shape(), op, ": the result has shape ", result.shape(),
        " but the tensor written to has shape ", self.shape(), "; in-place ops cannot change a tensor's shape");
  TensorImpl* impl = self.impl();
  if (!impl->view_base.defined()) {
    kernels::copy_(self.tensor_data(), result.tensor_data());
    impl->grad_fn = result.grad_fn();
    impl->output_nr = result.output_nr();
    impl->tangents = result.impl()->tangents;
    return self;
  }
  const Tensor& base = impl->view_base;
  Tensor pos = positions_in_base(base.tensor_data(), self.tensor_data(), op);
  // The base before the write: its data, history and tangents (the inputs of CopySlices).
  auto before = std::make_shared<TensorImpl>();
  before->data = base.tensor_data();
  before->grad_fn = base.impl()->grad_fn;
  before->output_nr = base.impl()->output_nr;
  before->tangents = base.impl()->tangents;
  kernels::copy_(self.tensor_data(), result.tensor_data());
  const Tensor inputs[2] = {Tensor(std::move(before)), result};
  detail::record(CopySlices{pos}, inputs, std::span<const Tensor>(&base, 1));
  return self;
}

// Regenerates a stale view's grad_fn and tangents as those of as_strided(base)
// (PyTorch's AsStridedBackward), under a lock: concurrent readers of one view
// would otherwise both write it. Grad mode is on for the replay, as the view
// was made in the graph whatever mode it is now read in.
void refresh_view(const Tensor& t) {
  TensorImpl* v = t.impl();
  if (!v || !v->view_base.defined()) return;
  uint64_t version = v->data.storage->version;
  if (v->view_version.load(std::memory_order_acquire) == version) return;
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  if (v->view_version.load(std::memory_order_relaxed) == version) return;
  const Tensor& base = v->view_base;  // never a view, so never refreshed: no recursion
  if (v->grad_fn || !v->tangents.empty() || base.requires_grad() || !base.impl()->tangents.empty()) {
    EnableGradGuard grad_mode;
    Tensor replay = as_strided(base, v->data.shape, v->data.strides, v->data.offset);
    v->grad_fn = replay.impl()->grad_fn;
    v->output_nr = replay.impl()->output_nr;
    v->tangents = replay.impl()->tangents;
  }
  v->view_version.store(version, std::memory_order_release);
}

namespace detail {
void mark_views(std::span<const Tensor> xs, std::span<const Tensor> ys) {
  for (const Tensor& y : ys) {
    // impl()->data rather than tensor_data(): only the storage is compared,
    // and a tensor batched by vmap refuses tensor_data() but has a storage.
    const Storage* memory = y.defined() ? y.impl()->data.storage.get() : nullptr;
    if (!memory) continue;
    for (const Tensor& x : xs)
      if (x.defined() && x.impl()->data.storage.get() == memory) {
        TensorImpl* v = y.impl();
        v->view_base = x.impl()->view_base.defined() ? x.impl()->view_base : x;
        v->view_version.store(memory->version, std::memory_order_relaxed);
        break;
      }
  }
}
}  // namespace detail

// Runs `f(old values of self)` recorded, or `kernel()` untracked.
template <class F, class K>
static Tensor& in_place(Tensor& self, const Tensor& other, const char* op, F f, K kernel) {
  check_not_batched(self, other, op);
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
  check_not_batched(*this, values, "index_put_");
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
  check_not_batched(*this, mask, "masked_fill_");
  check_writable(*this, "masked_fill_");
  if (!tracked(*this, Tensor{})) {
    NoGradGuard no_grad;
    kernels::copy_(tensor_data(), fluxion::masked_fill(*this, mask, value).tensor_data());
    return *this;
  }
  return rebase(*this, fluxion::masked_fill(clone(), mask, value), "masked_fill_");
}

void fused_adam_(const Tensor& p, const Tensor& grad, const Tensor& exp_avg, const Tensor& exp_avg_sq,
                 const Tensor& max_exp_avg_sq, const kernels::AdamStep& step) {
  check(grad.defined(), "fused_adam_: the parameter (shape ", p.shape(),
        ") has no gradient; skip it, as optimizers do");
  for (const Tensor* t : {&p, &exp_avg, &exp_avg_sq, &max_exp_avg_sq}) {
    if (!t->defined()) continue;
    check_not_batched(*t, grad, "fused_adam_");
    check(!tracked(*t, grad), "fused_adam_: a tensor it writes (shape ", t->shape(),
          ") is tracked by autograd; run the optimizer step inside a fluxion::NoGradGuard");
  }
  Tensor target = p.is_contiguous() ? p : p.contiguous();
  TensorData vmax = max_exp_avg_sq.defined() ? max_exp_avg_sq.tensor_data() : TensorData();
  kernels::adam_(target.tensor_data(), grad.to(p.dtype()).contiguous().tensor_data(), exp_avg.tensor_data(),
                 exp_avg_sq.tensor_data(), max_exp_avg_sq.defined() ? &vmax : nullptr, step);
  if (target.impl() != p.impl()) {
    NoGradGuard no_grad;
    Tensor(p).copy_(target);
  }
}

}  // namespace fluxion
