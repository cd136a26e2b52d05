// SPDX-License-Identifier: MIT
// The Tensor handle: data access and the autograd fields. The ops' methods
// (x.sin(), x.sum() ...) are defined beside their op in autograd/ops/.
#include "autograd/tensor.h"

#include "autograd/batched.h"
#include "autograd/engine.h"
#include "autograd/node.h"
#include "autograd/ops.h"
#include "autograd/recorder.h"
#include "tensor/kernels/copy.h"

namespace fluxion {

Tensor::Tensor(TensorData data, bool requires_grad) : impl_(std::make_shared<TensorImpl>()) {
  impl_->data = std::move(data);
  if (requires_grad) requires_grad_(true);
}

// Drops the node that made this tensor without recursing down its chain.
TensorImpl::~TensorImpl() { release_node(std::move(grad_fn)); }

static void check_defined(const TensorImpl* impl) {
  if (!impl) fail("Tensor: this tensor is undefined (default-constructed, or a gradient that was never computed)");
}

const TensorData& Tensor::meta() const {
  check_defined(impl_.get());
  return impl_->data;
}

const TensorData& Tensor::tensor_data() const {
  check_defined(impl_.get());
  if (impl_->batched)
    fail("vmap: a batched tensor of per-example shape ", to_string(impl_->data.shape),
         " had its values read outside an op (item(), to_vector(), a data-dependent shape as in nonzero, "
         "unique or masked_select, or a branch on values); vmap cannot split such a read by example: "
         "compute it outside vmap, or write it with ops such as where()");
  return impl_->data;
}

std::shared_ptr<TensorImpl> same_values(const Tensor& t) {
  auto impl = std::make_shared<TensorImpl>();
  impl->data = t.impl()->data;
  impl->batched = t.impl()->batched;
  return impl;
}

template <class T>
T* Tensor::data() const {
  const TensorData& d = tensor_data();
  check(d.dtype == dtype_of<T>(), "data<T>: tensor has dtype ", dtype_name(d.dtype), " but T is ",
        dtype_name(dtype_of<T>()));
  check(d.is_contiguous(), "data<T>: tensor of shape ", d.shape,
        " is not contiguous; call .contiguous() first");
  return d.data<T>();
}
template float* Tensor::data<float>() const;
template double* Tensor::data<double>() const;
template int64_t* Tensor::data<int64_t>() const;
template int32_t* Tensor::data<int32_t>() const;
template bool* Tensor::data<bool>() const;

double Tensor::item() const {
  autograd::on_read(tensor_data(), "item()");
  return kernels::item(tensor_data());
}

int64_t Tensor::item_int64() const {
  if (dtype() != Int64) return static_cast<int64_t>(item());
  autograd::on_read(tensor_data(), "item()");
  check(numel() == 1, "item: expected a tensor with one element but got shape ", shape(),
        "; reduce it first (e.g. .sum()) or index an element");
  return *tensor_data().data<int64_t>();
}

template <class T>
std::vector<T> Tensor::to_vector() const {
  autograd::on_read(tensor_data(), "to_vector()");
  TensorData c = kernels::contiguous(kernels::to_dtype(tensor_data(), dtype_of<T>()));
  return std::vector<T>(c.data<T>(), c.data<T>() + c.numel());
}
template std::vector<float> Tensor::to_vector<float>() const;
template std::vector<double> Tensor::to_vector<double>() const;
template std::vector<int64_t> Tensor::to_vector<int64_t>() const;
template std::vector<int32_t> Tensor::to_vector<int32_t>() const;
template std::vector<bool> Tensor::to_vector<bool>() const;

double Tensor::at(std::initializer_list<int64_t> index) const {
  const TensorData& d = tensor_data();
  autograd::on_read(d, "at()");
  check((int64_t)index.size() == d.dim(), "at: got ", index.size(), " indices for a tensor with ", d.dim(), " dims");
  int64_t off = d.offset, k = 0;
  for (int64_t i : index) {
    int64_t n = d.shape[k];
    check(i >= -n && i < n, "at: index ", i, " is out of range for dim ", k, " of size ", n);
    off += (i < 0 ? i + n : i) * d.strides[k++];
  }
  return dispatch_all(d.dtype, [&](auto tag) {
    using T = decltype(tag);
    return static_cast<double>(static_cast<const T*>(d.storage->data)[off]);
  });
}

bool Tensor::requires_grad() const {
  check_defined(impl_.get());
  refresh_view(*this);
  return impl_->requires_grad || impl_->grad_fn != nullptr;
}

Tensor& Tensor::requires_grad_(bool on) {
  check_defined(impl_.get());
  check(is_leaf(), "requires_grad_: only leaf tensors can change requires_grad; this one was computed by ",
        impl_->grad_fn ? impl_->grad_fn->name() : "", " (use detach().requires_grad_() for a new leaf)");
  check(!on || is_floating(impl_->data.dtype), "requires_grad_: only floating tensors can require grad, got ",
        dtype_name(impl_->data.dtype));
  impl_->requires_grad = on;
  return *this;
}

bool Tensor::is_leaf() const {
  check_defined(impl_.get());
  refresh_view(*this);
  return impl_->grad_fn == nullptr;
}

Tensor Tensor::grad() const {
  check_defined(impl_.get());
  return impl_->grad;
}

void Tensor::set_grad(const Tensor& g) const {
  check_defined(impl_.get());
  check(!g.defined() || g.shape() == shape(), "set_grad: gradient shape ", g.defined() ? g.shape() : Shape{},
        " does not match tensor shape ", shape());
  impl_->grad = g;
}

void Tensor::zero_grad() const {
  check_defined(impl_.get());
  impl_->grad = Tensor();
}

const std::shared_ptr<Node>& Tensor::grad_fn() const {
  check_defined(impl_.get());
  refresh_view(*this);
  return impl_->grad_fn;
}

uint32_t Tensor::output_nr() const {
  check_defined(impl_.get());
  refresh_view(*this);
  return impl_->output_nr;
}

void Tensor::backward(const Tensor& grad, const BackwardOptions& opts) const {
  autograd::backward({*this}, grad.defined() ? std::vector<Tensor>{grad} : std::vector<Tensor>{}, opts);
}

Tensor Tensor::detach() const {
  check_defined(impl_.get());
  // A batched tensor detaches its batch, else an outer grad would see through.
  if (const Batched* b = impl_->batched.get()) return batching::make_batched(b->value.detach(), b->dim, b->level);
  return Tensor(impl_->data);
}

void Tensor::register_hook(Hook hook) const {
  check(requires_grad(), "register_hook: the tensor does not require grad, so no gradient will reach the hook");
  if (is_leaf()) {
    impl_->hooks.push_back(std::move(hook));
  } else {
    impl_->grad_fn->pre_hooks.emplace_back(impl_->output_nr, std::move(hook));
  }
}

void Tensor::retain_grad() const {
  if (is_leaf() || impl_->retains_grad) return;
  impl_->retains_grad = true;
  // A weak pointer: the hook lives in the node, which must not own the tensor.
  std::weak_ptr<TensorImpl> weak = impl_;
  impl_->grad_fn->pre_hooks.emplace_back(impl_->output_nr, [weak](const Tensor& g) {
    if (auto impl = weak.lock())
      impl->grad = impl->grad.defined() ? Tensor(impl->grad.tensor_data()) + g.detach() : g.detach();
    return Tensor();
  });
}

uint64_t Tensor::version() const { return meta().storage->version; }

}  // namespace fluxion
