// SPDX-License-Identifier: MIT
// nn::ModuleHolder and FLUXION_MODULE: libtorch's TORCH_MODULE, so that a user
// module is called as model(x) with whatever arguments its forward takes.
// Write the module as NetImpl, then FLUXION_MODULE(Net) declares Net, a handle
// that owns a std::shared_ptr<NetImpl>:
//
//   struct NetImpl : fx::nn::Cloneable<NetImpl> {
//     NetImpl(int64_t in, int64_t out) { ... }
//     fx::Tensor forward(const fx::Tensor& x) { ... }
//   };
//   FLUXION_MODULE(Net);
//
//   Net model(2, 3);                    // make_shared<NetImpl>(2, 3)
//   fx::Tensor y = model(x);            // model->forward(x)
//   fx::optim::Adam opt(model->parameters(), {.lr = 1e-3});
//   Net copy = model.clone();           // a deep copy (NetImpl must be Cloneable)
//
// Copying a Net shares the module, as copying the shared_ptr does. Where an API
// takes a std::shared_ptr (register_module, odeint_adjoint) pass model.ptr().
#pragma once
#include <concepts>
#include <cstddef>
#include <memory>
#include <ostream>
#include <utility>

#include "nn/module.h"

namespace fluxion::nn {

template <class Impl>
class ModuleHolder {
 public:
  /// Constructs the module from the arguments (none: Impl's default constructor).
  template <class... Args>
  requires std::constructible_from<Impl, Args...>
  explicit ModuleHolder(Args&&... args) : impl_(std::make_shared<Impl>(std::forward<Args>(args)...)) {}
  /// An empty holder, assigned later (libtorch's `Net net{nullptr}`).
  ModuleHolder(std::nullptr_t) {}
  /// Holds an existing module (shared, not copied).
  ModuleHolder(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

  /// model(args...) is model->forward(args...).
  template <class... Args>
  decltype(auto) operator()(Args&&... args) const {
    return get().forward(std::forward<Args>(args)...);
  }
  Impl* operator->() const { return &get(); }
  Impl& operator*() const { return get(); }
  const std::shared_ptr<Impl>& ptr() const { return impl_; }
  bool is_empty() const { return impl_ == nullptr; }

 private:
  Impl& get() const {
    check(impl_ != nullptr, "ModuleHolder: the holder is empty (made from nullptr); assign a module to it first");
    return *impl_;
  }
  std::shared_ptr<Impl> impl_;
};

/// std::cout << model prints the module tree.
template <class Impl>
std::ostream& operator<<(std::ostream& os, const ModuleHolder<Impl>& m) {
  return os << static_cast<const Module&>(*m);
}

}  // namespace fluxion::nn

/// Declares Name as a ModuleHolder of Name##Impl (libtorch's TORCH_MODULE), with
/// clone() returning a Name.
#define FLUXION_MODULE(Name)                                     \
  class Name : public ::fluxion::nn::ModuleHolder<Name##Impl> {  \
   public:                                                       \
    using ::fluxion::nn::ModuleHolder<Name##Impl>::ModuleHolder; \
    Name clone() const { return Name(ptr()->clone()); }          \
  }
