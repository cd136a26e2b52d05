// SPDX-License-Identifier: MIT
// optim::Optimizer — the base of every optimizer, as in torch.optim:
// parameter groups (each with its own hyper-parameters), per-parameter state
// (momentum buffers, moment estimates, step counts ...), zero_grad(),
// step() and step(closure) for methods that re-evaluate the loss (L-BFGS).
//
//   fx::optim::Adam opt(net->parameters(), {.lr = 1e-3});
//   opt.zero_grad();  loss.backward();  opt.step();
//
// A concrete optimizer derives from OptimizerWith<Options>, whose groups
// carry an `Options` struct (which must have a `double lr`), and implements
// step(). Schedulers and save/load see only this base.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "autograd/ops.h"
#include "autograd/tensor.h"
#include "nn/module.h"

namespace fluxion::optim {

/// Re-evaluates the model: zero the gradients, compute the loss, call
/// backward, return the loss. Called with grad mode on.
using Closure = std::function<Tensor()>;

/// One parameter's state (PyTorch's optimizer.state[p]): named tensors
/// ("exp_avg", "momentum_buffer" ...) and numbers ("step").
struct ParamState {
  std::map<std::string, Tensor> tensors;
  std::map<std::string, double> scalars;
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;

  /// One update from the current gradients. With a closure, calls it first
  /// (grad enabled) and returns its loss; else returns an undefined Tensor.
  virtual Tensor step(const Closure& closure = nullptr) = 0;
  /// Sets every parameter's gradient to undefined (set_to_none, PyTorch's default).
  void zero_grad();

  virtual size_t num_param_groups() const = 0;
  virtual const std::vector<Tensor>& group_params(size_t group) const = 0;
  /// The learning rate of a group: what schedulers read and write.
  virtual double lr(size_t group) const = 0;
  virtual void set_lr(size_t group, double lr) = 0;
  /// The lr of a group when a scheduler first asked (PyTorch's "initial_lr"):
  /// what every schedule of this optimizer scales, however many are chained.
  double initial_lr(size_t group);

  /// The state of parameter p, created empty on first use.
  ParamState& state(const Tensor& p) { return state_[p.impl()]; }
  /// The state of parameter p, which must exist (see has_state).
  const ParamState& state(const Tensor& p) const;
  bool has_state(const Tensor& p) const { return state_.count(p.impl()) > 0; }

  /// Everything needed to resume: each group's lr and size, and every
  /// parameter's state, named "param_groups.<g>.lr", "state.<i>.tensor.<name>",
  /// "state.<i>.scalar.<name>" with i the parameter's index over all groups.
  nn::StateDict state_dict() const;
  /// Restores state_dict() output into an optimizer of the same type built
  /// over the same parameter groups; an Error names the first mismatch.
  void load_state_dict(const nn::StateDict& sd);
  /// Whether each parameter's state tensors have that parameter's shape and
  /// dtype (checked at load); false for optimizers over one flat vector.
  virtual bool param_shaped_state() const { return true; }

 protected:
  /// Calls the closure with grad mode on (for step(closure)).
  static Tensor evaluate(const Closure& closure);
  /// Checks a new group's parameters: non-empty, floating leaves, each in one group only.
  void check_new_params(const std::vector<Tensor>& params) const;

 private:
  std::unordered_map<const TensorImpl*, ParamState> state_;
  std::map<size_t, double> initial_lrs_;
};

/// A parameter group: its parameters and its hyper-parameters.
template <class Options>
struct ParamGroup {
  std::vector<Tensor> params;
  Options options;
};

template <class Options>
class OptimizerWith : public Optimizer {
 public:
  OptimizerWith(std::vector<Tensor> params, Options defaults) : defaults_(defaults) {
    add_param_group({std::move(params), defaults});
  }
  OptimizerWith(std::vector<ParamGroup<Options>> groups, Options defaults) : defaults_(defaults) {
    for (auto& g : groups) add_param_group(std::move(g));
  }
  /// Virtual so that whole-vector methods (LBFGS) can refuse a second group.
  virtual void add_param_group(ParamGroup<Options> group) {
    check_new_params(group.params);
    groups_.push_back(std::move(group));
  }
  std::vector<ParamGroup<Options>>& param_groups() { return groups_; }
  const std::vector<ParamGroup<Options>>& param_groups() const { return groups_; }
  const Options& defaults() const { return defaults_; }

  size_t num_param_groups() const override { return groups_.size(); }
  const std::vector<Tensor>& group_params(size_t g) const override { return group(g).params; }
  double lr(size_t g) const override { return group(g).options.lr; }
  void set_lr(size_t g, double lr) override { groups_[index(g)].options.lr = lr; }

 protected:
  /// The gradient an update rule sees: negated when maximising, plus the
  /// L2 term weight_decay * p (for options that have those fields).
  static Tensor l2_grad(const Tensor& p, const Options& o) {
    Tensor g = o.maximize ? -p.grad() : p.grad();
    return o.weight_decay != 0 ? g + o.weight_decay * p : g;
  }

  std::vector<ParamGroup<Options>> groups_;
  Options defaults_;

 private:
  size_t index(size_t g) const {
    check(g < groups_.size(), "optimizer: parameter group ", g, " does not exist (there are ", groups_.size(), ")");
    return g;
  }
  const ParamGroup<Options>& group(size_t g) const { return groups_[index(g)]; }
};

/// The optimizer's state_dict() -> path, in the format of nn/serialize.h.
void save(const Optimizer& optimizer, const std::string& path);
/// path -> the optimizer's state (groups' lrs and every parameter's state).
void load(Optimizer& optimizer, const std::string& path);

}  // namespace fluxion::optim
