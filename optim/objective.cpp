// SPDX-License-Identifier: MIT
#include "optim/objective.h"

#include "autograd/engine.h"
#include "autograd/forward_ad.h"
#include "autograd/ops.h"

namespace fluxion::optim::detail {

Objective::Objective(const ScalarFunction& f, const Tensor& x0, HvpMode mode) : f_(f), shape_(x0.shape()), mode_(mode) {}

Tensor Objective::to_tensor(const Vec& x) const { return tensor(x, shape_, Float64); }

// f(x) as a double, checked to be a scalar.
static double scalar_value(const Tensor& y) {
  check(y.numel() == 1, "minimize: f must return a scalar, got shape ", to_string(y.shape()));
  return y.item();
}

// grad f at xt; zeros when f does not depend on x.
static Vec gradient(const Tensor& y, const Tensor& xt, bool create_graph, Tensor* keep = nullptr) {
  if (!y.requires_grad()) return Vec((size_t)xt.numel(), 0.0);
  Tensor g = autograd::grad({y}, {xt}, {.create_graph = create_graph, .allow_unused = true, .materialize_grads = true})[0];
  if (keep) *keep = g;
  return g.to_vector<double>();
}

const Point& Objective::eval(const Vec& x) {
  for (const Point& p : memo_)
    if (p.x == x) return p;
  Tensor xt = to_tensor(x).requires_grad_();
  Tensor y = f_(xt);
  Point p{x, scalar_value(y), {}};
  p.g = std::isfinite(p.f) ? gradient(y, xt, false) : Vec(x.size(), NAN);
  ++nfev;
  memo_.push_front(std::move(p));
  if (memo_.size() > 8) memo_.pop_back();
  return memo_.front();
}

Vec Objective::hvp(const Vec& x, const Vec& v) {
  ++nhvp;
  if (mode_ == HvpMode::forward_over_reverse) {
    // The gradient computed at a dual point carries H v as its tangent.
    Tensor xt = to_tensor(x).requires_grad_();
    forward_ad::DualLevel level;
    Tensor y = f_(forward_ad::make_dual(xt, to_tensor(v)));
    if (!y.requires_grad()) return Vec(x.size(), 0.0);
    Tensor g = autograd::grad({y}, {xt}, {.allow_unused = true, .materialize_grads = true})[0];
    Tensor hv = forward_ad::unpack_dual(g).tangent;
    return hv.defined() ? hv.to_vector<double>() : Vec(x.size(), 0.0);
  }
  // Reverse-over-reverse: differentiate <grad f, v> through the gradient's
  // recorded graph, built once per point and reused for every v there.
  if (!graph_leaf_.defined() || graph_x_ != x) {
    graph_x_ = x;
    graph_leaf_ = to_tensor(x).requires_grad_();
    Tensor y = f_(graph_leaf_);
    graph_grad_ = Tensor();
    gradient(y, graph_leaf_, true, &graph_grad_);
  }
  if (!graph_grad_.defined() || !graph_grad_.requires_grad()) return Vec(x.size(), 0.0);
  Tensor hv = autograd::grad({graph_grad_}, {graph_leaf_},
                             {.grad_outputs = {to_tensor(v)}, .retain_graph = true, .allow_unused = true,
                              .materialize_grads = true})[0];
  return hv.to_vector<double>();
}

}  // namespace fluxion::optim::detail
