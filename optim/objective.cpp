// SPDX-License-Identifier: MIT
#include "optim/objective.h"

#include <algorithm>
#include <cstring>

#include "autograd/engine.h"
#include "autograd/forward_ad.h"
#include "autograd/ops.h"
#include "tensor/kernels/copy.h"
#include "tensor/kernels/loops.h"

namespace fluxion::optim::detail {

// Without fused multiply-adds: with them, two identical L-BFGS runs in one
// process differed in the last bit (the vectorised loop's split into peeled,
// vector and remainder parts follows the data's alignment, and the parts did
// not round alike).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
#endif
FLUXION_SIMD_CLONES static double dot32(const double* __restrict a, const double* __restrict b, size_t n) {
  double s[32] = {};
  size_t i = 0;
  for (; i + 32 <= n; i += 32)
    for (size_t k = 0; k < 32; ++k) s[k] += a[i + k] * b[i + k];
  for (; i < n; ++i) s[0] += a[i] * b[i];
  for (size_t w = 16; w > 0; w /= 2)  // pairwise: s[k] += s[k + w]
    for (size_t k = 0; k < w; ++k) s[k] += s[k + w];
  return s[0];
}
double dot(const Vec& a, const Vec& b) { return dot32(a.data(), b.data(), a.size()); }

// The reductions over |a_i| and the finiteness test, with 32 running values
// too (one chain of dependent adds costs four cycles per element):
// acc = join(acc, x) over a, lane by lane, then the lanes joined pairwise.
// Joining a lane as if it were an element suits all three: a lane's sum of
// |a_i| is its own abs, a lane's max too, and a lane of 0 or NaN times 0 is itself.
template <class Join>
FLUXION_SIMD_CLONES static double fold32(const double* __restrict a, size_t n, Join join) {
  double s[32] = {};
  size_t i = 0;
  for (; i + 32 <= n; i += 32)
    for (size_t k = 0; k < 32; ++k) s[k] = join(s[k], a[i + k]);
  for (; i < n; ++i) s[0] = join(s[0], a[i]);
  for (size_t w = 16; w > 0; w /= 2)
    for (size_t k = 0; k < w; ++k) s[k] = join(s[k], s[k + w]);
  return s[0];
}
double asum(const Vec& a) {
  return fold32(a.data(), a.size(), [](double s, double x) { return s + std::abs(x); });
}
double amax(const Vec& a) {
  return fold32(a.data(), a.size(), [](double m, double x) { return m < std::abs(x) ? std::abs(x) : m; });
}
// x * 0 is 0 for finite x and NaN for an infinity or a NaN
bool all_finite(const Vec& a) {
  return fold32(a.data(), a.size(), [](double s, double x) { return s + x * 0.0; }) == 0;
}

FLUXION_SIMD_CLONES static void axpy_n(double a, const double* __restrict x, double* __restrict y, size_t n) {
  for (size_t i = 0; i < n; ++i) y[i] += a * x[i];
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC pop_options
#endif
void axpy(double a, const Vec& x, Vec& y) { axpy_n(a, x.data(), y.data(), x.size()); }

// Vec's copies are loops (a custom allocator keeps std::vector from memmove):
// these clones give them wide registers.
FLUXION_SIMD_CLONES Vec step(const Vec& x, double a, const Vec& p) {
  Vec y = x;
  axpy(a, p, y);
  return y;
}

Tensor to_tensor(const Vec& v, const Shape& shape) {
  TensorData d = TensorData::empty(shape, Float64);
  check((size_t)d.numel() == v.size(), "optim: ", v.size(), " values for shape ", to_string(shape));
  std::copy(v.begin(), v.end(), d.data<double>());
  return Tensor(std::move(d));
}

FLUXION_SIMD_CLONES Vec to_vec(const Tensor& t) {
  TensorData d = kernels::contiguous(kernels::to_dtype(t.tensor_data(), Float64));
  const double* p = d.data<double>();
  return Vec(p, p + d.numel());
}

Objective::Objective(const ScalarFunction& f, const Tensor& x0, HvpMode mode, bool jit)
    : f_(f), shape_(x0.shape()), mode_(mode), jit_(jit) {}

Tensor Objective::to_tensor(const Vec& x) const { return detail::to_tensor(x, shape_); }

// f(x), checked to be a scalar.
static const Tensor& checked_scalar(const Tensor& y) {
  check(y.numel() == 1, "minimize: f must return a scalar, got shape ", to_string(y.shape()));
  return y;
}

// grad f at xt; zeros when f does not depend on x.
static Tensor grad_of(const Tensor& y, const Tensor& xt, bool create_graph) {
  if (!y.requires_grad()) return zeros_like(xt);
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

FLUXION_SIMD_CLONES const Point& Objective::eval(const Vec& x) {
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
