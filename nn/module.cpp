// SPDX-License-Identifier: MIT
// nn::Module: the registry of parameters and children, dotted names, modes,
// dtype conversion and state-dict loading.
#include "nn/module.h"

#include <unordered_set>

#include "autograd/grad_mode.h"
#include "autograd/node.h"
#include "autograd/ops.h"

namespace fluxion::nn {

void Module::check_new_name(const std::string& name, const char* what) const {
  check(!name.empty() && name.find('.') == std::string::npos, what, ": name '", name,
        "' must be non-empty and contain no '.' (dots separate nested modules)");
  for (const auto& [n, p] : params_) check(n != name, what, ": a parameter named '", name, "' already exists");
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

void Module::add_child(const std::string& name, std::shared_ptr<Module> m) {
  check_new_name(name, "register_module");
  check(m != nullptr, "register_module: submodule '", name, "' is null");
  children_.emplace_back(name, std::move(m));
}

StateDict Module::named_parameters(bool recurse) const {
  StateDict out;
  std::unordered_set<const TensorImpl*> seen;
  // An explicit stack of (prefix, module), visited in registration order.
  std::vector<std::pair<std::string, const Module*>> stack{{"", this}};
  while (!stack.empty()) {
    auto [prefix, m] = stack.back();
    stack.pop_back();
    for (const auto& [name, p] : m->params_)
      if (seen.insert(p.impl()).second) out.emplace_back(prefix + name, p);
    if (!recurse) break;
    for (auto it = m->children_.rbegin(); it != m->children_.rend(); ++it)
      stack.emplace_back(prefix + it->first + ".", it->second.get());
  }
  return out;
}

std::vector<Tensor> Module::parameters(bool recurse) const {
  std::vector<Tensor> out;
  for (auto& [name, p] : named_parameters(recurse)) out.push_back(p);
  return out;
}

std::vector<std::shared_ptr<Module>> Module::children() const {
  std::vector<std::shared_ptr<Module>> out;
  for (const auto& [name, m] : children_) out.push_back(m);
  return out;
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
  return *this;
}

void Module::load_state_dict(const StateDict& sd) {
  StateDict own = named_parameters();
  for (size_t i = 0; i < own.size(); ++i) {
    const auto& [name, p] = own[i];
    const Tensor* src = nullptr;
    for (const auto& [n, t] : sd)
      if (n == name) src = &t;
    check(src != nullptr, "load_state_dict: parameter '", name, "' is missing from the state dict");
    check(src->shape() == p.shape(), "load_state_dict: parameter '", name, "' has shape ", to_string(p.shape()),
          " in the module but ", to_string(src->shape()), " in the state dict");
    check(src->dtype() == p.dtype(), "load_state_dict: parameter '", name, "' has dtype ", dtype_name(p.dtype()),
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

}  // namespace fluxion::nn
