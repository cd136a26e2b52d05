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
// Copy semantics. Parameters are Tensor handles: the member (`weight`) and the
// registry entry alias the same tensor, so copying a module's shared_ptr (or the
// module itself) shares its parameters, as a Python reference would; to(dtype)
// and load() change them in place. clone() is copy.deepcopy (libtorch's
// Cloneable): new parameters and buffers with the same values, dtype,
// requires_grad and grad, children cloned recursively (a child or tensor shared
// twice stays shared once in the copy). Every built-in layer is cloneable; a
// user module derives from nn::Cloneable<Net> instead of nn::Module:
//
//   struct Net : fx::nn::Cloneable<Net> {
//     std::shared_ptr<fx::nn::Linear> fc;  fx::Tensor scale;   // members as usual
//     Net() { ... register_module / register_parameter ... }
//     void rebind(const fx::nn::CloneMap& map) override { map(fc, scale); }
//   };
//   auto copy = net->clone();          // std::shared_ptr<Net>, trains on its own
//
// The rule: clone() copy-constructs the module (members still alias the
// original's), replaces every registered parameter, buffer and child by its
// copy, then calls rebind(map) on the copy; rebind must pass every member that
// holds a registered tensor or child (Tensor, shared_ptr<M>, vectors of them)
// to map(...), which re-points each to its copy. A class deriving from a module
// with its own rebind calls Base::rebind(map) too. A member forgotten there
// would share the original's tensor: clone() detects that (the original's
// handle gains a user) and throws an Error naming the entry.
//
// Built-in layers are callable, fc(x) == fc.forward(x); `std::cout << net`
// prints the module tree as PyTorch's repr does.
#pragma once
#include <concepts>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <typeinfo>
#include <unordered_map>
#include <utility>
#include <vector>

#include "autograd/tensor.h"

namespace fluxion::nn {

/// Named tensors in registration order: what save/load and optimizers exchange.
using StateDict = std::vector<std::pair<std::string, Tensor>>;

class Module;

/// What clone() hands to rebind(): the copy of every registered tensor and child of
/// the original. map(a, b, ...) re-points each member to its copy; members that
/// hold nothing registered (an undefined tensor, a constant) are left as they are.
class CloneMap {
 public:
  template <class... Ts>
  void operator()(Ts&... members) const {
    (repoint(members), ...);
  }

 private:
  friend class Module;
  void repoint(Tensor& t) const;
  template <class M>
  requires std::derived_from<M, Module>
  void repoint(std::shared_ptr<M>& m) const {
    if (auto it = modules_.find(static_cast<const Module*>(m.get())); it != modules_.end())
      m = std::static_pointer_cast<M>(it->second);
  }
  template <class T>
  void repoint(std::vector<T>& v) const {
    for (T& x : v) repoint(x);
  }
  Tensor copy(const Tensor& t);  // the deep copy of t, made once per tensor
  std::unordered_map<const TensorImpl*, Tensor> tensors_;
  std::unordered_map<const Module*, std::shared_ptr<Module>> modules_;
  bool share_unmapped_ = false;  // with_tensors(): tensors not in tensors_ stay shared, not copied
};

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

  /// A deep copy of this module and its descendants (see "Copy semantics" above);
  /// an Error for a module that does not derive from nn::Cloneable.
  std::shared_ptr<Module> clone() const;
  /// A copy of the module tree whose parameters and buffers named in `tensors`
  /// ("fc.weight") are those tensors themselves, not copies, and whose other
  /// tensors are shared with this module; this module is untouched. What
  /// func::functional_call runs forward on. Names must exist and shapes match.
  std::shared_ptr<Module> with_tensors(const StateDict& tensors) const;

  /// The text inside a layer's parentheses in its repr ("in_features=2, ..."); layers override it.
  virtual std::string extra_repr() const { return ""; }

 protected:
  /// Called by clone() on the copy once its registry holds the copies: pass every
  /// member holding a registered tensor or child to map(...). Nothing by default.
  virtual void rebind(const CloneMap& map) { (void)map; }

 private:
  /// A new D copy-constructed from *this: what nn::Cloneable<D> provides.
  virtual std::shared_ptr<Module> copy_self() const;
  std::shared_ptr<Module> clone_into(CloneMap& map) const;
  // clone_into, then checks that no member of the copy still holds a tensor the map replaced
  std::shared_ptr<Module> clone_checked(CloneMap& map, const char* op) const;
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

/// The base of a cloneable module D (CRTP, as libtorch's): it supplies D's copy
/// for clone(), which then returns std::shared_ptr<D>. Base is Module or a
/// module class that D extends (BatchNorm1d extends BatchNormBase).
template <class D, class Base = Module>
class Cloneable : public Base {
 public:
  using Base::Base;
  std::shared_ptr<D> clone() const { return std::static_pointer_cast<D>(Module::clone()); }

 private:
  std::shared_ptr<Module> copy_self() const override {
    if (typeid(*this) != typeid(D))
      fail("clone: ", class_name(*this), " extends a cloneable module but is not itself ",
           "cloneable; derive it from nn::Cloneable<", class_name(*this), ", Base> so that the copy has its type");
    return std::make_shared<D>(static_cast<const D&>(*this));
  }
};

/// PyTorch's repr: the class name, extra_repr(), then each child indented as "(name): ...".
std::ostream& operator<<(std::ostream& os, const Module& m);
/// std::cout << net for a std::shared_ptr<Net> prints the tree too (not the pointer).
template <class M>
requires std::derived_from<M, Module> std::ostream& operator<<(std::ostream& os, const std::shared_ptr<M>& m) {
  return os << static_cast<const Module&>(*m);
}

}  // namespace fluxion::nn
