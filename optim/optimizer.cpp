// SPDX-License-Identifier: MIT
// optim::Optimizer: zero_grad, the closure call, parameter checks, and the
// state dict that lets training resume after save/load.
#include "optim/optimizer.h"

#include <cxxabi.h>

#include <cstdlib>
#include <typeinfo>
#include <unordered_set>

#include "autograd/grad_mode.h"
#include "autograd/node.h"
#include "autograd/ops.h"
#include "nn/serialize.h"

namespace fluxion::optim {

void Optimizer::zero_grad() {
  for (size_t g = 0; g < num_param_groups(); ++g)
    for (const Tensor& p : group_params(g)) p.zero_grad();
}

double Optimizer::initial_lr(size_t group) {
  auto it = initial_lrs_.find(group);
  if (it == initial_lrs_.end()) it = initial_lrs_.emplace(group, lr(group)).first;
  return it->second;
}

const ParamState& Optimizer::state(const Tensor& p) const {
  auto it = state_.find(p.impl());
  check(it != state_.end(), "optimizer: this parameter has no state yet (check has_state(p) first)");
  return it->second;
}

Tensor Optimizer::evaluate(const Closure& closure) {
  if (!closure) return Tensor();
  EnableGradGuard grad_on;
  return closure();
}

void Optimizer::check_new_params(const std::vector<Tensor>& params) const {
  check(!params.empty(), "optimizer: a parameter group needs at least one parameter");
  std::unordered_set<const TensorImpl*> seen;
  for (size_t g = 0; g < num_param_groups(); ++g)
    for (const Tensor& p : group_params(g)) seen.insert(p.impl());
  for (const Tensor& p : params) {
    check(p.defined() && p.is_floating_point(), "optimizer: parameters must be defined floating tensors");
    check(p.is_leaf(), "optimizer: can only optimize leaf tensors, but a parameter was computed by ",
          p.grad_fn() ? p.grad_fn()->name() : "an op", " (pass x.detach().requires_grad_() instead)");
    check(seen.insert(p.impl()).second, "optimizer: a parameter appears twice (in one group or in two groups)");
  }
}

// The number in an entry name such as "state.12.tensor.exp_avg".
static size_t parse_index(const std::string& digits, const std::string& name) {
  bool ok = !digits.empty() && digits.size() < 10 && digits.find_first_not_of("0123456789") == std::string::npos;
  check(ok, "optimizer.load_state_dict: malformed entry name '", name, "'");
  return std::stoul(digits);
}

// "fluxion::optim::Adam": saved as an entry "type.<name>", so that a state is
// loaded only into the optimizer type that wrote it.
static std::string type_name(const Optimizer& opt) {
  const char* mangled = typeid(opt).name();
  int status = 0;
  char* name = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  std::string out = status == 0 && name ? name : mangled;
  std::free(name);
  return out;
}

nn::StateDict Optimizer::state_dict() const {
  nn::StateDict sd;
  sd.emplace_back("type." + type_name(*this), tensor(std::vector<int64_t>{0}, {}));
  size_t i = 0;
  for (size_t g = 0; g < num_param_groups(); ++g) {
    std::string prefix = "param_groups." + std::to_string(g) + ".";
    sd.emplace_back(prefix + "lr", scalar(lr(g), Float64));
    sd.emplace_back(prefix + "num_params", tensor(std::vector<int64_t>{(int64_t)group_params(g).size()}, {}));
    for (const Tensor& p : group_params(g)) {
      auto it = state_.find(p.impl());
      std::string sp = "state." + std::to_string(i++) + ".";
      if (it == state_.end()) continue;
      for (const auto& [name, t] : it->second.tensors) sd.emplace_back(sp + "tensor." + name, t.detach().clone());
      for (const auto& [name, v] : it->second.scalars) sd.emplace_back(sp + "scalar." + name, scalar(v, Float64));
    }
  }
  return sd;
}

void Optimizer::load_state_dict(const nn::StateDict& sd) {
  std::vector<Tensor> flat;
  for (size_t g = 0; g < num_param_groups(); ++g)
    for (const Tensor& p : group_params(g)) flat.push_back(p);
  auto find = [&](const std::string& name) -> const Tensor& {
    for (const auto& [n, t] : sd)
      if (n == name) return t;
    fail("optimizer.load_state_dict: entry '", name, "' is missing (was the state saved from another optimizer?)");
  };
  std::string type = type_name(*this);
  for (const auto& [name, t] : sd)
    if (name.rfind("type.", 0) == 0)
      check(name.substr(5) == type, "optimizer.load_state_dict: the state was saved from a ", name.substr(5),
            ", not a ", type, "; load it into the same kind of optimizer");
  for (size_t g = 0; g < num_param_groups(); ++g) {
    std::string prefix = "param_groups." + std::to_string(g) + ".";
    int64_t n = (int64_t)find(prefix + "num_params").item();
    check(n == (int64_t)group_params(g).size(), "optimizer.load_state_dict: group ", g, " has ",
          group_params(g).size(), " parameters but the saved state has ", n);
  }
  std::unordered_map<const TensorImpl*, ParamState> state;
  std::vector<double> lrs(num_param_groups());
  for (const auto& [name, t] : sd) {
    auto bad = [&]() { fail("optimizer.load_state_dict: unexpected entry '", name, "'"); };
    if (name.rfind("type.", 0) == 0) continue;
    if (name.rfind("param_groups.", 0) == 0) {
      size_t dot = name.find('.', 13);
      if (dot == std::string::npos) bad();
      size_t g = parse_index(name.substr(13, dot - 13), name);
      check(g < num_param_groups(), "optimizer.load_state_dict: the saved state has group ", g, " but there are ",
            num_param_groups(), " groups");
      std::string field = name.substr(dot + 1);
      if (field == "lr") lrs[g] = t.item();
      else if (field != "num_params") bad();
      continue;
    }
    if (name.rfind("state.", 0) != 0) bad();
    size_t dot = name.find('.', 6);
    if (dot == std::string::npos) bad();
    size_t i = parse_index(name.substr(6, dot - 6), name);
    check(i < flat.size(), "optimizer.load_state_dict: state for parameter ", i, " but there are only ", flat.size());
    std::string rest = name.substr(dot + 1);
    ParamState& s = state[flat[i].impl()];
    if (rest.rfind("tensor.", 0) == 0) {
      const Tensor& p = flat[i];
      check(!param_shaped_state() || (t.shape() == p.shape() && t.dtype() == p.dtype()),
            "optimizer.load_state_dict: entry '", name, "' has shape ", t.shape(), " (",
            dtype_name(t.dtype()), ") but parameter ", i, " has shape ", p.shape(), " (",
            dtype_name(p.dtype()), "); was the state saved for another model?");
      s.tensors[rest.substr(7)] = t.detach().clone();
    } else if (rest.rfind("scalar.", 0) == 0)
      s.scalars[rest.substr(7)] = t.item();
    else bad();
  }
  for (size_t g = 0; g < num_param_groups(); ++g) set_lr(g, lrs[g]);
  state_ = std::move(state);
}

void save(const Optimizer& optimizer, const std::string& path) { nn::save_state_dict(optimizer.state_dict(), path); }

void load(Optimizer& optimizer, const std::string& path) { optimizer.load_state_dict(nn::load_state_dict(path)); }

}  // namespace fluxion::optim
