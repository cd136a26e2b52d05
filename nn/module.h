// SPDX-License-Identifier: MIT
// nn::Module — the base of every layer: a named tree of parameters and
// submodules, as in PyTorch. A module's forward is an ordinary method of the
// derived class with any signature (an MLP takes x, an ODE right-hand side
// takes (t, h)); nothing here is virtual except the destructor.
//
//   struct Net : fx::nn::Module {
//     std::shared_ptr<fx::nn::Linear> fc1, fc2;
//     Net() : fc1(register_module("fc1", std::make_shared<fx::nn::Linear>(2, 64))),
//             fc2(register_module("fc2", std::make_shared<fx::nn::Linear>(64, 3))) {}
//     fx::Tensor forward(const fx::Tensor& x) { return fc2->forward(fc1->forward(x).relu()); }
//   };
//
// Parameters are Tensor handles: the member (`weight`) and the registry entry
// alias the same tensor, so copying a module (or its shared_ptr) shares its
// parameters, as a Python reference would; to(dtype) and load() change them in
// place. For an independent copy build a new module and copy the weights:
// fresh->load_state_dict(net->state_dict()) (load copies the data).
//
// Built-in layers are callable, fc(x) == fc.forward(x); `std::cout << net`
// prints the module tree as PyTorch's repr does.
#pragma once
#include <concepts>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "autograd/tensor.h"

namespace fluxion::nn {

/// Named tensors in registration order: what save/load and optimizers exchange.
using StateDict = std::vector<std::pair<std::string, Tensor>>;

class Module {
 public:
  Module() = default;
  virtual ~Module() = default;  // virtual so that ModuleList::get<T> can downcast
  Module(const Module&) = default;
  Module& operator=(const Module&) = default;

  /// Makes `t` a leaf that requires grad and records it under `name`; returns it.
  Tensor register_parameter(const std::string& name, Tensor t);
  /// Records `m` as a child under `name` (its parameters become "name.*"); returns it.
  template <class M>
  std::shared_ptr<M> register_module(const std::string& name, std::shared_ptr<M> m) {
    add_child(name, m);
    return m;
  }

  /// Records a buffer: state saved in state_dict (when persistent) and moved by
  /// to(dtype), but not a parameter and never trained (BatchNorm's running_mean).
  /// An undefined tensor reserves the name. Returns `t`.
  Tensor register_buffer(const std::string& name, Tensor t, bool persistent = true);

  /// All parameters of this module and (if recurse) its descendants, each once.
  std::vector<Tensor> parameters(bool recurse = true) const;
  /// (dotted name, parameter): "layers.0.weight". Shared parameters appear once.
  StateDict named_parameters(bool recurse = true) const;
  /// (dotted name, buffer), in the order of named_parameters; undefined buffers skipped.
  StateDict named_buffers(bool recurse = true) const;
  std::vector<Tensor> buffers(bool recurse = true) const;
  /// (dotted name, module) for this module ("") and every descendant, depth first.
  std::vector<std::pair<std::string, Module*>> named_modules();
  /// This module and every descendant, depth first (named_modules without the names).
  std::vector<Module*> modules();
  /// fn on every descendant and then on this module (PyTorch's order); returns *this.
  Module& apply(const std::function<void(Module&)>& fn);
  /// The direct submodules, in registration order.
  std::vector<std::shared_ptr<Module>> children() const;
  const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& named_children() const { return children_; }

  /// Sets requires_grad on every parameter: requires_grad_(false) freezes the module.
  Module& requires_grad_(bool on = true);

  /// Training mode switches layers such as Dropout; applies to all descendants.
  Module& train(bool on = true);
  Module& eval() { return train(false); }
  bool is_training() const { return training_; }

  /// Sets every parameter's gradient to undefined (PyTorch's set_to_none=True).
  void zero_grad();
  /// Converts every parameter and floating buffer to `dtype` in place (handles stay valid).
  Module& to(DType dtype);

  /// The named parameters and persistent buffers, per module: its parameters, its
  /// buffers, then each child's (PyTorch's order). For save() and checkpoints.
  StateDict state_dict() const;
  /// Copies `sd` into the parameters and persistent buffers; names, shapes and dtypes
  /// must match exactly, else an Error names the first mismatch.
  void load_state_dict(const StateDict& sd);

  /// The text inside a layer's parentheses in its repr ("in_features=2, ..."); layers override it.
  virtual std::string extra_repr() const { return ""; }

 private:
  void add_child(const std::string& name, std::shared_ptr<Module> m);
  void check_new_name(const std::string& name, const char* what) const;

  bool training_ = true;
  struct Buffer {
    std::string name;
    Tensor value;
    bool persistent;
  };
  // visits (prefix, module) depth first in registration order
  void walk(const std::function<void(const std::string&, const Module&)>& fn) const;

  std::vector<std::pair<std::string, Tensor>> params_;
  std::vector<Buffer> buffers_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
};

/// The dynamic class name without namespaces or template arguments: "fluxion::nn::Linear" -> "Linear".
std::string class_name(const Module& m);
/// PyTorch's repr: the class name, extra_repr(), then each child indented as "(name): ...".
std::ostream& operator<<(std::ostream& os, const Module& m);
/// std::cout << net for a std::shared_ptr<Net> prints the tree too (not the pointer).
template <class M>
requires std::derived_from<M, Module> std::ostream& operator<<(std::ostream& os, const std::shared_ptr<M>& m) {
  return os << static_cast<const Module&>(*m);
}

}  // namespace fluxion::nn
