// SPDX-License-Identifier: MIT
// The flat parameter vector of flat_params.h.
#include "optim/flat_params.h"

#include "autograd/ops.h"

namespace fluxion::optim::detail {

void check_flat_params(const std::vector<Tensor>& params, const char* who) {
  check(!params.empty(), who, ": got an empty parameter list");
  for (const Tensor& p : params)
    check(p.requires_grad() && p.is_contiguous(), who,
          ": every parameter must be a contiguous leaf tensor that requires grad (call requires_grad_())");
}

void check_single_group(size_t num_groups, const char* who) {
  check(num_groups == 1, who, " doesn't support per-parameter options (parameter groups): got ", num_groups,
        " groups; pass all parameters in one group");
}

int state_count(const Optimizer& opt, const char* name) {
  if (opt.num_param_groups() == 0 || opt.group_params(0).empty() || !opt.has_state(opt.group_params(0)[0])) return 0;
  const auto& scalars = opt.state(opt.group_params(0)[0]).scalars;
  auto it = scalars.find(name);
  return it == scalars.end() ? 0 : (int)it->second;
}

Vec flatten(const std::vector<Tensor>& ts, const std::vector<Tensor>& like) {
  Vec v;
  for (size_t i = 0; i < like.size(); ++i) {
    if (i < ts.size() && ts[i].defined()) {
      Vec part = to_vec(ts[i]);
      v.insert(v.end(), part.begin(), part.end());
    } else {
      v.insert(v.end(), (size_t)like[i].numel(), 0.0);
    }
  }
  return v;
}

Vec flat_grad(const std::vector<Tensor>& params) {
  std::vector<Tensor> grads;
  for (const Tensor& p : params) grads.push_back(p.grad());
  return flatten(grads, params);
}

Vec param_values(const std::vector<Tensor>& params) { return flatten(params, params); }

void set_params(const std::vector<Tensor>& params, const Vec& x) {
  size_t k = 0;
  for (const Tensor& p : params) {
    dispatch_float(p.dtype(), "optimizer", [&](auto tag) {
      using T = decltype(tag);
      T* d = p.data<T>();
      for (int64_t i = 0; i < p.numel(); ++i) d[i] = static_cast<T>(x[k++]);
    });
    p.tensor_data().storage->version++;
  }
}

}  // namespace fluxion::optim::detail
