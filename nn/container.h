// SPDX-License-Identifier: MIT
// Containers: Sequential (a chain of one-input modules) and ModuleList (an
// indexable list of any modules). Modules have no virtual forward, so
// Sequential type-erases each member's `Tensor forward(const Tensor&)` into a
// function pointer when it is added (one that casts the module back to its type,
// so a clone() only re-points the modules).
//
//   auto net = std::make_shared<fx::nn::Sequential>(
//       fx::nn::Linear(2, 64), fx::nn::ReLU(), fx::nn::Linear(64, 3));
//   fx::Tensor logits = net->forward(x);           // x: (B, 2) -> (B, 3)
//   net->named_parameters();                        // "0.weight", "0.bias", "2.weight", ...
#pragma once
#include <concepts>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "nn/module.h"

namespace fluxion::nn {

/// A module with a one-tensor forward: what Sequential can chain.
template <class M>
concept UnaryModule = std::derived_from<M, Module> && requires(M& m, const Tensor& x) {
  { m.forward(x) } -> std::convertible_to<Tensor>;
};

namespace detail {
template <class T>
struct shared_ptr_element {
  using type = void;
};
template <class T>
struct shared_ptr_element<std::shared_ptr<T>> {
  using type = T;
};
/// A module passed by value is moved into a new shared_ptr; a shared_ptr is kept.
template <class M>
auto as_shared(M&& m) {
  using D = std::remove_cvref_t<M>;
  if constexpr (std::is_void_v<typename shared_ptr_element<D>::type>) {
    return std::make_shared<D>(std::forward<M>(m));
  } else {
    return D(std::forward<M>(m));
  }
}
}  // namespace detail

class Sequential : public Cloneable<Sequential> {
 public:
  Sequential() = default;
  /// Each argument is a module (copied into a shared_ptr) or a shared_ptr to one.
  template <class... Ms>
  requires(sizeof...(Ms) > 1 || (sizeof...(Ms) == 1 && !(std::is_same_v<std::remove_cvref_t<Ms>, Sequential> &&
                                                         ...))) explicit Sequential(Ms&&... modules) {
    (push_back(detail::as_shared(std::forward<Ms>(modules))), ...);
  }

  /// Appends `m` under the name "<index>".
  template <UnaryModule M>
  void push_back(std::shared_ptr<M> m) {
    register_module(std::to_string(steps_.size()), m);
    steps_.push_back({m, [](Module& mod, const Tensor& x) { return Tensor(static_cast<M&>(mod).forward(x)); }});
  }
  template <UnaryModule M>
  requires(!std::is_lvalue_reference_v<M>) void push_back(M&& m) { push_back(std::make_shared<M>(std::move(m))); }

  /// x through every module in order.
  Tensor forward(const Tensor& x) const {
    Tensor y = x;
    for (const Step& s : steps_) y = s.forward(*s.module, y);
    return y;
  }
  Tensor operator()(const Tensor& x) const { return forward(x); }
  /// x through modules start .. end - 1 only (PyTorch's seq[start:end](x)).
  Tensor forward(const Tensor& x, size_t start, size_t end) const {
    check(start <= end && end <= steps_.size(), "Sequential::forward: modules [", start, ", ", end,
          ") are out of range for ", steps_.size(), " modules");
    Tensor y = x;
    for (size_t i = start; i < end; ++i) y = steps_[i].forward(*steps_[i].module, y);
    return y;
  }
  /// The output of every step on x, in order (what utils::summary prints the shapes of).
  std::vector<Tensor> forward_each(const Tensor& x) const {
    std::vector<Tensor> ys;
    for (const Step& s : steps_) ys.push_back(s.forward(*s.module, ys.empty() ? x : ys.back()));
    return ys;
  }
  size_t size() const { return steps_.size(); }
  /// The i-th module (type-erased); ptr<M>(i) casts it back.
  std::shared_ptr<Module> operator[](size_t i) const { return at(i); }
  template <class M>
  std::shared_ptr<M> ptr(size_t i) const {
    auto m = std::dynamic_pointer_cast<M>(at(i));
    check(m != nullptr, "Sequential::ptr: module ", i, " is not of the requested type");
    return m;
  }

 protected:
  void rebind(const CloneMap& map) override {
    for (Step& s : steps_) map(s.module);
  }

 private:
  struct Step {
    std::shared_ptr<Module> module;
    Tensor (*forward)(Module&, const Tensor&);  // module's forward, cast back to its type
  };
  std::shared_ptr<Module> at(size_t i) const {
    check(i < steps_.size(), "Sequential: index ", i, " is out of range for ", steps_.size(), " modules");
    return steps_[i].module;
  }
  std::vector<Step> steps_;
};

/// Any modules, registered as "0", "1", ...; call their forwards yourself.
class ModuleList : public Cloneable<ModuleList> {
 public:
  ModuleList() = default;
  template <class M>
  void push_back(std::shared_ptr<M> m) {
    register_module(std::to_string(items_.size()), m);
    items_.push_back(std::move(m));
  }
  size_t size() const { return items_.size(); }
  std::shared_ptr<Module> operator[](size_t i) const {
    check(i < items_.size(), "ModuleList: index ", i, " is out of range for ", items_.size(), " modules");
    return items_[i];
  }
  /// The i-th module as its own type (an Error if it is another type).
  template <class M>
  std::shared_ptr<M> get(size_t i) const {
    auto m = std::dynamic_pointer_cast<M>((*this)[i]);
    check(m != nullptr, "ModuleList::get: module ", i, " is not of the requested type");
    return m;
  }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }

 protected:
  void rebind(const CloneMap& map) override { map(items_); }

 private:
  std::vector<std::shared_ptr<Module>> items_;
};

}  // namespace fluxion::nn
