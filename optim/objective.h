// SPDX-License-Identifier: MIT
// Internal to optim/: f, its gradient and Hessian-vector products at points
// given as flat double vectors, with counting and a small memo (a repeated
// point costs nothing, as SciPy's MemoizeJac), and the flat vectors (Vec) the
// methods are written in.
#pragma once
#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include "autograd/tensor.h"
#include "jit/trace.h"
#include "optim/minimize.h"
#include "tensor/allocator.h"
#include "tensor/vec.h"

namespace fluxion::optim::detail {

// The optimizers' vectors come from the tensor block cache: minimize() in a
// loop reuses them instead of re-faulting heap pages on every call.
using Vec = std::vector<double, CachingAllocator<double>>;
/// A Float64 tensor of the given shape holding v, and back.
Tensor to_tensor(const Vec& v, const Shape& shape);
Vec to_vec(const Tensor& t);

// The vector arithmetic on Vecs is tensor/vec.h's (SIMD-cloned, no FMA).
using vec::all_finite;
using vec::amax;
using vec::asum;
using vec::axpy;
using vec::dot;
using vec::norm;
/// a - b
Vec minus(const Vec& a, const Vec& b);
/// x + a * p
Vec step(const Vec& x, double a, const Vec& p);

struct Point {
  Vec x;
  double f = 0;
  Vec g;
};

class Objective {
 public:
  /// jit: record f's gradient and HVPs once with jit::trace and replay them.
  Objective(const ScalarFunction& f, const Tensor& x0, HvpMode mode, bool jit);
  /// f and grad f at x (memoised over the last few points).
  const Point& eval(const Vec& x);
  /// The same, moved out of the memo: for the point a method steps to.
  Point take(const Vec& x);
  /// H(x) v.
  Vec hvp(const Vec& x, const Vec& v);
  int nfev = 0, nhvp = 0;
  Tensor to_tensor(const Vec& x) const;

 private:
  const ScalarFunction& f_;
  Shape shape_;
  HvpMode mode_;
  bool jit_;
  std::deque<Point> memo_;
  std::optional<jit::Trace> fg_, hvp_trace_;
  Tensor fg_x_, hvp_x_, hvp_v_;  // the traces' inputs, overwritten for each call
  const Tensor& staged(Tensor& t, const Vec& v);
  std::pair<double, Tensor> value_and_grad(const Vec& x);
  Vec hvp_traced(const Vec& x, const Vec& v);
  Tensor hvp_of(const Tensor& xt, const Tensor& vt) const;
  // reverse-over-reverse keeps the gradient's graph at one point for all its HVPs
  Vec graph_x_;
  Tensor graph_leaf_, graph_grad_;
};

}  // namespace fluxion::optim::detail
