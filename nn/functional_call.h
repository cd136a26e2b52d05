// SPDX-License-Identifier: MIT
// func::functional_call, as torch.func.functional_call: a module's forward run
// with given tensors in place of its parameters and buffers, so that the
// function transforms (grad, vmap, jacrev, ...) can take a module's weights as
// arguments:
//
//   auto loss = [&](const std::vector<Tensor>& a) {          // a[0], a[1]: the weights
//     Tensor out = func::functional_call(model, {{"fc.weight", a[0]}, {"fc.bias", a[1]}}, a[2]);
//     return (out - a[3]).square().mean();
//   };
//   auto g = func::vmap(func::grad(loss), {std::nullopt, std::nullopt, 0, 0})({w, b, xs, ys});
//
// The call runs on a copy of the module tree (Module::with_tensors) whose
// named entries are the given tensors and whose other tensors are shared with
// the module: the module itself is never modified, and gradients flow to the
// given tensors. The module must be cloneable (every built-in layer is; a user
// module derives from nn::Cloneable, see nn/module.h).
#pragma once
#include <memory>
#include <utility>

#include "nn/holder.h"
#include "nn/module.h"

namespace fluxion::func {

/// module's forward(args...) with the parameters and buffers named in `tensors`
/// replaced by them (names as named_parameters(): "layers.0.weight").
template <class M, class... Args>
requires std::derived_from<M, nn::Module>
auto functional_call(const std::shared_ptr<M>& module, const nn::StateDict& tensors, Args&&... args) {
  check(module != nullptr, "functional_call: the module is null; pass a constructed module");
  auto copy = std::static_pointer_cast<M>(module->with_tensors(tensors));
  return copy->forward(std::forward<Args>(args)...);
}

/// The same for a module held as model(x) (nn::ModuleHolder, FLUXION_MODULE).
template <class Impl, class... Args>
auto functional_call(const nn::ModuleHolder<Impl>& module, const nn::StateDict& tensors, Args&&... args) {
  return functional_call(module.ptr(), tensors, std::forward<Args>(args)...);
}

}  // namespace fluxion::func
