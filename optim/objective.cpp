// SPDX-License-Identifier: MIT
// minimize()'s view of f: values, gradients and Hessian-vector products at flat
// points, memoised and counted, eager or replayed from a jit::trace.
#include "optim/objective.h"

#include <algorithm>
#include <cstring>

#include "autograd/engine.h"
#include "autograd/forward_ad.h"
#include "autograd/ops.h"

namespace fluxion::optim::detail {

// Vec's copies are loops (a custom allocator keeps std::vector from memmove):
// the clones give them wide registers, here and in the methods' copy-heavy functions.
// The clones (FLUXION_SIMD_CLONES) stay on leaf loops, never on a function
// that calls f or an HVP: GCC derives "nothrow" for calls to a cloned function
// from its dispatcher, so their callers get no unwind entries and an
// exception from f passing through them would call std::terminate.
FLUXION_SIMD_CLONES Vec minus(const Vec& a, const Vec& b) {
  Vec d = a;
  axpy(-1, b, d);  // a + (-1) b rounds as a - b
  return d;
}

FLUXION_SIMD_CLONES Vec step(const Vec& x, double a, const Vec& p) {
  Vec y = x;
  axpy(a, p, y);
  return y;
}

Tensor to_tensor(const Vec& v, const Shape& shape) {
  TensorData d = TensorData::empty(shape, Float64);
  check((size_t)d.numel() == v.size(), "optim: ", v.size(), " values for shape ", shape);
  std::copy(v.begin(), v.end(), d.data<double>());
  return Tensor(std::move(d));
}

FLUXION_SIMD_CLONES Vec to_vec(const Tensor& t) {
  TensorData d = vec::contiguous(t.tensor_data(), Float64);
  const double* p = d.data<double>();
  return Vec(p, p + d.numel());
}

Objective::Objective(const ScalarFunction& f, const Tensor& x0, HvpMode mode, bool jit)
    : f_(f), shape_(x0.shape()), mode_(mode), jit_(jit) {}

Tensor Objective::to_tensor(const Vec& x) const { return detail::to_tensor(x, shape_); }

// f(x), checked to be a scalar.
static const Tensor& checked_scalar(const Tensor& y) {
  check(y.numel() == 1, "minimize: f must return a scalar, got shape ", y.shape());
  return y;
}

// grad f at xt; zeros when f's graph does not reach x. A value outside any
// graph (detached, computed under NoGradGuard, from a copy of x) has no
// gradient at all: reporting "converged" there would be a silent wrong answer.
static Tensor grad_of(const Tensor& y, const Tensor& xt, bool create_graph) {
  check(y.requires_grad(),
        "minimize: f's value does not depend on x through autograd (it does not require grad), so "
        "its gradient is missing; compute f from the tensor it is given, without detach(), item() or NoGradGuard");
  return autograd::grad({y}, {xt}, {.create_graph = create_graph, .allow_unused = true, .materialize_grads = true})[0];
}

// f(x) and grad f(x), the gradient undefined where f is not finite. With
// jit, both come from one trace (x -> [f, grad f]) recorded at the first point.
// jit: a trace's inputs are kept from call to call and overwritten (a trace
// copies what changed into arrays of its own), saving an allocation each.
const Tensor& Objective::staged(Tensor& t, const Vec& v) {
  if (!t.defined())
    t = to_tensor(v);
  else
    std::copy(v.begin(), v.end(), t.data<double>());
  return t;
}

std::pair<double, Tensor> Objective::value_and_grad(const Vec& x) {
  Tensor xt = jit_ ? staged(fg_x_, x) : to_tensor(x);
  if (!jit_) {
    xt.requires_grad_();
    Tensor y = checked_scalar(f_(xt));
    double f = y.item();
    return {f, std::isfinite(f) ? grad_of(y, xt, false) : Tensor()};
  }
  if (!fg_) {
    fg_ = jit::trace(
        [this](const std::vector<Tensor>& in) {
          Tensor y = checked_scalar(f_(in[0]));
          return std::vector<Tensor>{y, grad_of(y, in[0], false)};
        },
        {xt.detach().requires_grad_()});
  }
  std::vector<Tensor> fg = (*fg_)({xt});
  double f = fg[0].item();
  return {f, std::isfinite(f) ? fg[1] : Tensor()};
}

const Point& Objective::eval(const Vec& x) {
  for (const Point& p : memo_)  // the same bits, the same point
    if (p.x.size() == x.size() && std::memcmp(p.x.data(), x.data(), x.size() * sizeof(double)) == 0) return p;
  auto [f, g] = value_and_grad(x);
  memo_.push_front(Point{x, f, g.defined() ? to_vec(g) : Vec(x.size(), NAN)});
  ++nfev;
  if (memo_.size() > 8) memo_.pop_back();
  return memo_.front();
}

Point Objective::take(const Vec& x) {
  const Point* p = &eval(x);  // an element of the memo
  auto it = std::find_if(memo_.begin(), memo_.end(), [&](const Point& q) { return &q == p; });
  Point taken = std::move(*it);
  memo_.erase(it);
  return taken;
}

// H(x) v as a tensor, by the chosen mode; x requires grad.
Tensor Objective::hvp_of(const Tensor& xt, const Tensor& vt) const {
  if (mode_ == HvpMode::forward_over_reverse) {
    // The gradient computed at a dual point carries H v as its tangent.
    forward_ad::DualLevel level;
    Tensor y = f_(forward_ad::make_dual(xt, vt));
    if (!y.requires_grad()) return zeros_like(xt);
    Tensor g = autograd::grad({y}, {xt}, {.allow_unused = true, .materialize_grads = true})[0];
    Tensor hv = forward_ad::unpack_dual(g).tangent;
    return hv.defined() ? hv : zeros_like(xt);
  }
  Tensor g = grad_of(f_(xt), xt, true);
  if (!g.requires_grad()) return zeros_like(xt);  // f linear in x: H = 0
  return autograd::grad({g}, {xt}, {.grad_outputs = {vt}, .allow_unused = true, .materialize_grads = true})[0];
}

// jit: (x, v) -> H(x) v recorded once. A replay at the point of the last one
// re-runs only the steps that depend on v.
Vec Objective::hvp_traced(const Vec& x, const Vec& v) {
  const Tensor &xt = staged(hvp_x_, x), &vt = staged(hvp_v_, v);
  if (!hvp_trace_) {
    hvp_trace_ = jit::trace(
        [this](const std::vector<Tensor>& in) {
          return std::vector<Tensor>{hvp_of(in[0], in[1])};
        },
        {xt.detach().requires_grad_(), vt});
  }
  return to_vec((*hvp_trace_)({xt, vt})[0]);
}

Vec Objective::hvp(const Vec& x, const Vec& v) {
  ++nhvp;
  if (jit_) return hvp_traced(x, v);
  if (mode_ == HvpMode::forward_over_reverse) return to_vec(hvp_of(to_tensor(x).requires_grad_(), to_tensor(v)));
  // Reverse-over-reverse: differentiate <grad f, v> through the gradient's
  // recorded graph, built once per point and reused for every v there.
  if (!graph_leaf_.defined() || graph_x_ != x) {
    graph_x_ = x;
    graph_leaf_ = to_tensor(x).requires_grad_();
    graph_grad_ = grad_of(f_(graph_leaf_), graph_leaf_, true);
  }
  if (!graph_grad_.requires_grad()) return Vec(x.size(), 0.0);
  Tensor hv = autograd::grad({graph_grad_}, {graph_leaf_},
                             {.grad_outputs = {to_tensor(v)}, .retain_graph = true, .allow_unused = true,
                              .materialize_grads = true})[0];
  return to_vec(hv);
}

}  // namespace fluxion::optim::detail
