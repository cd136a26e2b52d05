// SPDX-License-Identifier: MIT
// nn::Module: the registry of parameters, buffers and children, dotted names,
// modes, freezing, dtype conversion, state-dict loading and deep copies.
#include "nn/module.h"

#include <cxxabi.h>

#include <cstdlib>
#include <typeinfo>
#include <unordered_set>

#include "autograd/grad_mode.h"
#include "autograd/node.h"
#include "autograd/ops.h"

namespace fluxion::nn {

void Module::check_new_name(const std::string& name, const char* what) const {
  check(!name.empty() && name.find('.') == std::string::npos, what, ": name '", name,
        "' must be non-empty and contain no '.' (dots separate nested modules)");
  for (const auto& [n, p] : params_) check(n != name, what, ": a parameter named '", name, "' already exists");
  for (const auto& b : buffers_) check(b.name != name, what, ": a buffer named '", name, "' already exists");
  for (const auto& [n, m] : children_) check(n != name, what, ": a submodule named '", name, "' already exists");
}

Tensor Module::register_parameter(const std::string& name, Tensor t) {
  check_new_name(name, "register_parameter");
  check(t.defined() && t.is_floating_point(), "register_parameter: '", name, "' must be a defined floating tensor");
  if (!t.is_leaf()) t = t.detach();
  t.requires_grad_(true);
  params_.emplace_back(name, t);
  return t;
}

Tensor Module::register_buffer(const std::string& name, Tensor t, bool persistent) {
  check_new_name(name, "register_buffer");
  if (t.defined() && t.requires_grad()) t = t.detach();  // a buffer is state, not a trained leaf
  buffers_.push_back({name, t, persistent});
  return t;
}

void Module::add_child(const std::string& name, std::shared_ptr<Module> m) {
  check_new_name(name, "register_module");
  check(m != nullptr, "register_module: submodule '", name, "' is null");
  children_.emplace_back(name, std::move(m));
}

void Module::walk(const std::function<void(const std::string&, const Module&)>& fn) const {
  // An explicit stack of (prefix, module), visited in registration order.
  std::vector<std::pair<std::string, const Module*>> stack{{"", this}};
  while (!stack.empty()) {
    auto [prefix, m] = stack.back();
    stack.pop_back();
    fn(prefix, *m);
    for (auto it = m->children_.rbegin(); it != m->children_.rend(); ++it)
      stack.emplace_back(prefix + it->first + ".", it->second.get());
  }
}

StateDict Module::named_parameters(bool recurse) const {
  StateDict out;
  std::unordered_set<const TensorImpl*> seen;
  auto visit = [&](const std::string& prefix, const Module& m) {
    for (const auto& [name, p] : m.params_)
      if (seen.insert(p.impl()).second) out.emplace_back(prefix + name, p);
  };
  if (recurse)
    walk(visit);
  else
    visit("", *this);
  return out;
}

StateDict Module::named_buffers(bool recurse) const {
  StateDict out;
  auto visit = [&](const std::string& prefix, const Module& m) {
    for (const auto& b : m.buffers_)
      if (b.value.defined()) out.emplace_back(prefix + b.name, b.value);
  };
  if (recurse)
    walk(visit);
  else
    visit("", *this);
  return out;
}

StateDict Module::state_dict() const {
  StateDict out;
  std::unordered_set<const TensorImpl*> seen;
  walk([&](const std::string& prefix, const Module& m) {
    for (const auto& [name, p] : m.params_)
      if (seen.insert(p.impl()).second) out.emplace_back(prefix + name, p);
    for (const auto& b : m.buffers_)
      if (b.persistent && b.value.defined()) out.emplace_back(prefix + b.name, b.value);
  });
  return out;
}

std::vector<Tensor> Module::parameters(bool recurse) const {
  std::vector<Tensor> out;
  for (auto& [name, p] : named_parameters(recurse)) out.push_back(p);
  return out;
}

std::vector<Tensor> Module::buffers(bool recurse) const {
  std::vector<Tensor> out;
  for (auto& [name, b] : named_buffers(recurse)) out.push_back(b);
  return out;
}

std::vector<std::pair<std::string, Module*>> Module::named_modules() {
  std::vector<std::pair<std::string, Module*>> out;
  walk([&](const std::string& prefix, const Module& m) {
    // walk gives "a.b." prefixes; a module's own name drops the trailing dot
    out.emplace_back(prefix.empty() ? prefix : prefix.substr(0, prefix.size() - 1), const_cast<Module*>(&m));
  });
  return out;
}

std::vector<Module*> Module::modules() {
  std::vector<Module*> out;
  for (const auto& [name, m] : named_modules()) out.push_back(m);
  return out;
}

std::vector<std::shared_ptr<Module>> Module::children() const {
  std::vector<std::shared_ptr<Module>> out;
  for (const auto& [name, m] : children_) out.push_back(m);
  return out;
}

Module& Module::apply(const std::function<void(Module&)>& fn) {
  // children first, then this module (torch.nn.Module.apply); module trees are shallow, so recursion is fine
  for (auto& [name, m] : children_) m->apply(fn);
  fn(*this);
  return *this;
}

Module& Module::requires_grad_(bool on) {
  for (const Tensor& p : parameters()) Tensor(p).requires_grad_(on);
  return *this;
}

Module& Module::train(bool on) {
  training_ = on;
  for (auto& [name, m] : children_) m->train(on);
  return *this;
}

void Module::zero_grad() {
  for (const Tensor& p : parameters()) p.zero_grad();
}

Module& Module::to(DType dtype) {
  check(is_floating(dtype), "Module::to: parameters must stay floating, got ", dtype_name(dtype));
  for (const Tensor& p : parameters()) {
    if (p.dtype() == dtype) continue;
    // Replace the data behind the handle, so every alias (members, optimizers) sees it.
    p.impl()->data = p.detach().to(dtype).tensor_data();
    p.zero_grad();
  }
  for (const Tensor& b : buffers())
    if (b.is_floating_point() && b.dtype() != dtype) b.impl()->data = b.to(dtype).tensor_data();
  return *this;
}

void Module::load_state_dict(const StateDict& sd) {
  StateDict own = state_dict();
  for (size_t i = 0; i < own.size(); ++i) {
    const auto& [name, p] = own[i];
    const Tensor* src = nullptr;
    for (const auto& [n, t] : sd)
      if (n == name) src = &t;
    check(src != nullptr, "load_state_dict: entry '", name, "' is missing from the state dict");
    check(src->shape() == p.shape(), "load_state_dict: entry '", name, "' has shape ", p.shape(),
          " in the module but ", src->shape(), " in the state dict");
    check(src->dtype() == p.dtype(), "load_state_dict: entry '", name, "' has dtype ", dtype_name(p.dtype()),
          " in the module but ", dtype_name(src->dtype()), " in the state dict; convert one with to(dtype)");
  }
  for (const auto& [n, t] : sd) {
    bool known = false;
    for (const auto& [name, p] : own) known = known || name == n;
    check(known, "load_state_dict: the state dict has an entry '", n, "' that the module does not have");
  }
  NoGradGuard no_grad;
  for (const auto& [name, p] : own)
    for (const auto& [n, t] : sd)
      if (n == name) Tensor(p).copy_(t);
}

void CloneMap::repoint(Tensor& t) const {
  if (!t.defined()) return;
  if (auto it = tensors_.find(t.impl()); it != tensors_.end()) t = it->second;
}

Tensor CloneMap::copy(const Tensor& t) {
  if (!t.defined()) return t;
  auto [it, fresh] = tensors_.try_emplace(t.impl());
  if (fresh && share_unmapped_) {
    it->second = t;
  } else if (fresh) {
    NoGradGuard no_grad;
    Tensor c = t.detach().clone();
    if (t.requires_grad()) c.requires_grad_(true);
    if (t.grad().defined()) c.set_grad(t.grad().detach().clone());
    it->second = c;
  }
  return it->second;
}

std::shared_ptr<Module> Module::copy_self() const {
  fail("clone: ", class_name(*this), " is not cloneable; derive it from nn::Cloneable<", class_name(*this),
       "> instead of nn::Module (and re-point its member handles in rebind, see nn/module.h)");
}

std::shared_ptr<Module> Module::clone_into(CloneMap& map) const {
  if (auto it = map.modules_.find(this); it != map.modules_.end()) return it->second;  // shared child: copy once
  std::shared_ptr<Module> c = copy_self();
  map.modules_[this] = c;
  for (auto& [name, p] : c->params_) p = map.copy(p);
  for (auto& b : c->buffers_) b.value = map.copy(b.value);
  for (auto& [name, child] : c->children_) child = child->clone_into(map);
  c->rebind(map);
  return c;
}

std::shared_ptr<Module> Module::clone_checked(CloneMap& map, const char* op) const {
  // How many handles each registered tensor (that the map replaces) and child of
  // the original has: a member of the copy that rebind() missed still points at
  // the original and shows up as one more.
  struct Use {
    std::string name;
    const void* handle;  // the registry's std::shared_ptr, of TensorImpl or Module
    bool module;
    long count;
  };
  auto count = [](const Use& u) {
    return u.module ? static_cast<const std::shared_ptr<Module>*>(u.handle)->use_count()
                    : static_cast<const std::shared_ptr<TensorImpl>*>(u.handle)->use_count();
  };
  auto replaced = [&](const Tensor& t) {  // by a different tensor (with_tensors keeps some as they are)
    if (!t.defined()) return false;
    if (!map.share_unmapped_) return true;
    auto it = map.tensors_.find(t.impl());
    return it != map.tensors_.end() && it->second.impl() != t.impl();
  };
  std::vector<Use> uses;
  walk([&](const std::string& prefix, const Module& m) {
    for (const auto& [name, p] : m.params_)
      if (replaced(p)) uses.push_back({prefix + name, &p.impl_ptr(), false, 0});
    for (const auto& b : m.buffers_)
      if (replaced(b.value)) uses.push_back({prefix + b.name, &b.value.impl_ptr(), false, 0});
    for (const auto& [name, child] : m.children_) uses.push_back({prefix + name, &child, true, 0});
  });
  for (Use& u : uses) u.count = count(u);
  std::shared_ptr<Module> copy = clone_into(map);
  for (const Use& u : uses)
    if (count(u) != u.count)
      fail(op, ": the copy of ", class_name(*this), " still shares '", u.name,
           "' with the original; pass the member that holds it to map(...) in the rebind() of its module");
  return copy;
}

std::shared_ptr<Module> Module::clone() const {
  CloneMap map;
  return clone_checked(map, "clone");
}

std::shared_ptr<Module> Module::with_tensors(const StateDict& tensors) const {
  StateDict own = named_parameters();
  for (auto& entry : named_buffers()) own.push_back(std::move(entry));
  CloneMap map;
  map.share_unmapped_ = true;
  for (const auto& [name, t] : tensors) {
    const Tensor* mine = nullptr;
    for (const auto& [n, p] : own)
      if (n == name) mine = &p;
    if (!mine)
      fail("functional_call: ", class_name(*this), " has no parameter or buffer named '", name,
           "'; the names are those of named_parameters() and named_buffers() (\"fc.weight\")");
    if (!t.defined() || t.shape() != mine->shape())
      fail("functional_call: '", name, "' has shape ", mine->shape(), " in ", class_name(*this), " but ",
           t.defined() ? to_string(t.shape()) : std::string("undefined"), " was given; pass a tensor of that shape");
    map.tensors_[mine->impl()] = t;
  }
  return clone_checked(map, "functional_call");
}

std::string class_name(const Module& m) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> full(abi::__cxa_demangle(typeid(m).name(), nullptr, nullptr, &status),
                                              std::free);
  std::string name = status == 0 ? full.get() : typeid(m).name();
  name = name.substr(0, name.find('<'));  // Loss2<...> -> Loss2
  size_t colon = name.rfind("::");
  return colon == std::string::npos ? name : name.substr(colon + 2);
}

static void print_module(std::ostream& os, const Module& m, const std::string& indent) {
  os << class_name(m) << "(" << m.extra_repr();
  if (!m.named_children().empty()) {
    os << "\n";
    for (const auto& [name, child] : m.named_children()) {
      os << indent << "  (" << name << "): ";
      print_module(os, *child, indent + "  ");
      os << "\n";
    }
    os << indent;
  }
  os << ")";
}

std::ostream& operator<<(std::ostream& os, const Module& m) {
  print_module(os, m, "");
  return os;
}

}  // namespace fluxion::nn
