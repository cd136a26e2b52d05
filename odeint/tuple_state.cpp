// SPDX-License-Identifier: MIT
// States made of several tensors (torchdiffeq's tuple states). The tensors are
// flattened and concatenated into one vector, solved as one state, and the
// solution is split back, all with differentiable ops (reshape, cat, narrow),
// so every solver, the adjoint and both modes of differentiation work on them
// unchanged.
#include <memory>

#include "autograd/ops.h"
#include "odeint/adjoint.h"

namespace fluxion::odeint {

namespace {

// The states' shapes, to go between the list of tensors and one flat vector.
struct Packing {
  std::vector<Shape> shapes;
  std::vector<int64_t> numels;

  Packing(const std::vector<Tensor>& y0, const Options& opts, const std::string& who) {
    check(!y0.empty(), who, ": y0 is an empty list; pass at least one state tensor");
    for (size_t i = 0; i < y0.size(); ++i) {
      check(y0[i].defined() && y0[i].is_floating_point(), who, ": y0[", i,
            "] must be a floating tensor (float32 or float64)");
      check(y0[i].dtype() == y0[0].dtype(), who, ": y0[", i, "] is ", dtype_name(y0[i].dtype()), " but y0[0] is ",
            dtype_name(y0[0].dtype()), "; convert the states to one dtype with .to()");
      shapes.push_back(y0[i].shape());
      numels.push_back(y0[i].numel());
    }
    check(!opts.atol.per_component.defined(), who,
          ": a per-component atol needs a state of one tensor; with several, pass atol as one number");
  }

  // {y_1, ..., y_n} -> [sum_i numel(y_i)]
  Tensor pack(const std::vector<Tensor>& ys) const {
    std::vector<Tensor> flat;
    flat.reserve(ys.size());
    for (const Tensor& y : ys) flat.push_back(y.reshape({-1}));
    return cat(flat, 0);
  }

  // [lead..., sum_i numel(y_i)] -> {[lead..., y_1.shape...], ..., [lead..., y_n.shape...]}
  std::vector<Tensor> unpack(const Tensor& flat) const {
    Shape lead(flat.shape().begin(), flat.shape().end() - 1);
    std::vector<Tensor> ys;
    int64_t offset = 0;
    for (size_t i = 0; i < shapes.size(); ++i) {
      Shape s = lead;
      s.insert(s.end(), shapes[i].begin(), shapes[i].end());
      ys.push_back(flat.narrow(-1, offset, numels[i]).reshape(s));
      offset += numels[i];
    }
    return ys;
  }
};

// func on the list, seen as a function of the flat vector; its result checked against the states.
Func flat_func(const TupleFunc& func, std::shared_ptr<const Packing> p, const std::string& who) {
  check(static_cast<bool>(func), who, ": func is empty");
  return [func, p, who](const Tensor& t, const Tensor& y) {
    std::vector<Tensor> dys = func(t, p->unpack(y));
    check(dys.size() == p->shapes.size(), who, ": func returned ", dys.size(), " tensors for a state of ",
          p->shapes.size(), "; return one derivative per state tensor, in order");
    for (size_t i = 0; i < dys.size(); ++i)
      if (!dys[i].defined() || dys[i].shape() != p->shapes[i])
        fail(who, ": func's derivative ", i, " has shape ",
             dys[i].defined() ? to_string(dys[i].shape()) : "(undefined)", " at t = ", t.item(), " but y0[", i,
             "] has shape ", to_string(p->shapes[i]), "; return dy_", i, "/dt with its state's shape");
    return p->pack(dys);
  };
}

}  // namespace

std::vector<Tensor> odeint(const TupleFunc& func, const std::vector<Tensor>& y0, const Tensor& t, const Options& opts) {
  auto p = std::make_shared<const Packing>(y0, opts, "odeint");
  return p->unpack(odeint(flat_func(func, p, "odeint"), p->pack(y0), t, opts));
}

std::vector<Tensor> odeint_adjoint(const TupleFunc& func, const std::vector<Tensor>& params,
                                   const std::vector<Tensor>& y0, const Tensor& t, const Options& opts,
                                   const AdjointOptions& adjoint) {
  auto p = std::make_shared<const Packing>(y0, opts, "odeint_adjoint");
  return p->unpack(odeint_adjoint(flat_func(func, p, "odeint_adjoint"), params, p->pack(y0), t, opts, adjoint));
}

}  // namespace fluxion::odeint
