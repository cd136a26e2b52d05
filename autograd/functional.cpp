// SPDX-License-Identifier: MIT
// The functional API (functional.h): every transform is a few lines over the
// engine (autograd::grad) and forward mode (forward_ad), written once for
// functions of several tensors.
#include "autograd/functional.h"

#include "autograd/engine.h"
#include "autograd/forward_ad.h"
#include "autograd/apply.h"
#include "autograd/ops.h"
#include "tensor/kernels/copy.h"

namespace fluxion::func::detail {

namespace {

// Identity that records a node, so that an input which is already in a graph
// can be differentiated on its own (its gradient is captured at this node).
struct Alias {
  static constexpr const char* name = "Alias";
  static constexpr Save save = Save::nothing;
  TensorData forward(const TensorData& x) const { return x; }
  Tensor vjp(const Tensor& grad, const Saved&) const { return grad; }   // d/dx x = 1
  Tensor jvp(const Tensor& dx, const Saved&) const { return dx; }
};

// Whether an outer transform or user graph watches the inputs: then results
// are computed with create_graph, so they stay differentiable in the inputs.
bool watched(const std::vector<Tensor>& xs) {
  if (!GradMode::is_enabled()) return false;
  for (const Tensor& x : xs)
    if (x.requires_grad()) return true;
  return false;
}

// The same data and forward-mode tangents as t, without t's graph.
Tensor without_graph(const Tensor& t, bool requires_grad) {
  auto impl = same_values(t);
  impl->tangents = t.impl()->tangents;
  impl->requires_grad = requires_grad;
  return Tensor(std::move(impl));
}

// The variables f is differentiated w.r.t.: a fresh leaf per input, or an
// Alias of it when it is watched (so the outer graph sees through).
std::vector<Tensor> variables(const std::vector<Tensor>& xs, bool watch, const char* op) {
  std::vector<Tensor> vars;
  for (size_t i = 0; i < xs.size(); ++i) {
    check(xs[i].defined(), op, ": input ", i, " is an undefined tensor");
    check(xs[i].is_floating_point(), op, ": input ", i, " has dtype ", dtype_name(xs[i].dtype()),
          "; derivatives need Float32 or Float64 inputs");
    vars.push_back(watch && xs[i].requires_grad() ? apply(Alias{}, xs[i]) : without_graph(xs[i], true));
  }
  return vars;
}

Tensor call(const Fn& f, const std::vector<Tensor>& vars, const char* op) {
  Tensor y = f(vars);
  check(y.defined(), op, ": the function returned an undefined tensor");
  return y;
}

// uᵀ J for y = f(vars): one reverse pass; inputs y does not depend on get zeros.
std::vector<Tensor> pull(const Tensor& y, const std::vector<Tensor>& vars, const Tensor& u, bool retain, bool create) {
  if (!y.requires_grad()) {
    std::vector<Tensor> zeros;
    for (const Tensor& v : vars) zeros.push_back(zeros_like(v));
    return zeros;
  }
  return autograd::grad({y}, vars,
                        {.grad_outputs = {u}, .retain_graph = retain || create, .create_graph = create, .allow_unused = true,
                         .materialize_grads = true});
}

// A tensor of `like`'s shape and dtype, zero but for a 1 at flat index k.
Tensor basis(const Tensor& like, int64_t k) {
  TensorData e = kernels::full(like.shape(), 0, like.dtype());
  dispatch(e.dtype, [&](auto tag) { e.data<decltype(tag)>()[k] = 1; });
  return Tensor(std::move(e));
}

// Stacks `parts` (each of shape `part`) into one plain tensor of shape
// lead + part, in the order given (parts[r] fills the r-th block).
Tensor assemble(const std::vector<Tensor>& parts, const Shape& lead, const Shape& part, DType dtype) {
  Shape shape = lead;
  shape.insert(shape.end(), part.begin(), part.end());
  TensorData out = kernels::full(shape, 0, dtype);
  int64_t n = numel(part);
  for (size_t r = 0; r < parts.size(); ++r)
    kernels::copy_(out.as_strided(part, contiguous_strides(part), (int64_t)r * n), parts[r].tensor_data());
  return Tensor(std::move(out));
}

// Same as assemble, with the parts as columns: shape part + lead.
Tensor assemble_columns(const std::vector<Tensor>& cols, const Shape& part, const Shape& lead, DType dtype) {
  Tensor rows = assemble(cols, lead, part, dtype);  // lead + part
  int64_t a = numel(lead), b = numel(part);
  Shape shape = part;
  shape.insert(shape.end(), lead.begin(), lead.end());
  return Tensor(kernels::contiguous(rows.tensor_data().as_strided({b, a}, {1, b}, 0))).reshape(shape);
}

}  // namespace

std::pair<Tensor, std::vector<Tensor>> value_and_grad(const Fn& f, const std::vector<Tensor>& xs) {
  bool watch = watched(xs);
  EnableGradGuard enable;  // like torch.func.grad, works inside NoGradGuard too
  std::vector<Tensor> vars = variables(xs, watch, "func::grad");
  Tensor y = call(f, vars, "func::grad");
  check(y.numel() == 1, "func::grad: f must return a single element, got shape ", to_string(y.shape()),
        "; use func::vjp or func::jacobian for functions with several outputs");
  std::vector<Tensor> gs = pull(y, vars, ones_like(y), false, watch);
  return {watch ? y : without_graph(y, false), gs};
}

std::pair<Tensor, Pullback> vjp(const Fn& f, const std::vector<Tensor>& xs) {
  bool watch = watched(xs);
  EnableGradGuard enable;
  std::vector<Tensor> vars = variables(xs, watch, "func::vjp");
  Tensor y = call(f, vars, "func::vjp");
  Pullback pullback = [y, vars, watch](const Tensor& u) {
    check(u.defined() && u.shape() == y.shape(), "func::vjp: the pullback needs a cotangent of the output's shape ",
          to_string(y.shape()), ", got ", u.defined() ? to_string(u.shape()) : std::string("undefined"));
    EnableGradGuard enable;
    return pull(y, vars, u, true, watch);  // retain: the pullback may be called again
  };
  return {watch ? y : without_graph(y, false), std::move(pullback)};
}

std::pair<Tensor, Tensor> jvp(const Fn& f, const std::vector<Tensor>& xs, const std::vector<Tensor>& vs) {
  check(xs.size() == vs.size(), "func::jvp: got ", xs.size(), " inputs but ", vs.size(), " tangents");
  forward_ad::DualLevel level;
  std::vector<Tensor> duals;
  for (size_t i = 0; i < xs.size(); ++i) {
    check(xs[i].defined(), "func::jvp: input ", i, " is an undefined tensor");
    duals.push_back(vs[i].defined() ? forward_ad::make_dual(xs[i], vs[i], level.id()) : xs[i]);
  }
  Tensor y = call(f, duals, "func::jvp");
  auto [primal, tangent] = forward_ad::unpack_dual(y, level.id());
  return {primal, tangent.defined() ? tangent : zeros_like(primal)};
}

std::vector<Tensor> hvp(const Fn& f, const std::vector<Tensor>& xs, const std::vector<Tensor>& vs,
                        const HvpOptions& opts) {
  check(xs.size() == vs.size(), "func::hvp: got ", xs.size(), " inputs but ", vs.size(), " vectors");
  for (size_t i = 0; i < xs.size(); ++i)
    if (vs[i].defined())
      check(vs[i].shape() == xs[i].shape(), "func::hvp: v[", i, "] has shape ", to_string(vs[i].shape()),
            " but input ", i, " has shape ", to_string(xs[i].shape()));
  if (opts.method == HvpMethod::forward_over_reverse) {
    // H v = d/dε ∇f(x + ε v): the gradient's tangent when x carries tangent v.
    forward_ad::DualLevel level;
    std::vector<Tensor> duals;
    for (size_t i = 0; i < xs.size(); ++i)
      duals.push_back(vs[i].defined() ? forward_ad::make_dual(xs[i], vs[i], level.id()) : xs[i]);
    std::vector<Tensor> gs = value_and_grad(f, duals).second, hv;
    for (size_t i = 0; i < gs.size(); ++i) {
      Tensor t = forward_ad::unpack_dual(gs[i], level.id()).tangent;
      hv.push_back(t.defined() ? t : zeros_like(xs[i]));
    }
    return hv;
  }
  // H v = ∇_x <∇f(x), v>: differentiate the gradient once more.
  bool watch = watched(xs);
  EnableGradGuard enable;
  std::vector<Tensor> vars = variables(xs, watch, "func::hvp");
  Tensor y = call(f, vars, "func::hvp");
  check(y.numel() == 1, "func::hvp: f must return a single element, got shape ", to_string(y.shape()));
  std::vector<Tensor> gs = pull(y, vars, ones_like(y), true, true);
  Tensor gv;
  for (size_t i = 0; i < gs.size(); ++i)
    if (vs[i].defined() && gs[i].requires_grad()) gv = add_tangents(gv, (gs[i] * vs[i]).sum());
  if (!gv.defined()) gv = scalar(0, y.dtype());
  return pull(gv, vars, ones_like(gv), false, watch);
}

std::vector<Tensor> jacobian(const Fn& f, const std::vector<Tensor>& xs, const JacobianOptions& opts) {
  std::vector<Tensor> jac;
  if (opts.forward_mode) {  // column k of J_i = J_i e_k, one jvp each
    for (size_t i = 0; i < xs.size(); ++i) {
      std::vector<Tensor> vs(xs.size()), cols;
      Tensor y;
      for (int64_t k = 0; k < xs[i].numel(); ++k) {
        vs[i] = basis(xs[i], k);
        auto [value, col] = jvp(f, xs, vs);
        y = value;
        cols.push_back(col);
      }
      if (!y.defined()) y = f(xs);  // x_i has no elements: only the shape is needed
      jac.push_back(assemble_columns(cols, y.shape(), xs[i].shape(), y.dtype()));
    }
    return jac;
  }
  // Row r of J = e_rᵀ J, one reverse pass each over the same graph.
  EnableGradGuard enable;
  std::vector<Tensor> vars = variables(xs, false, "func::jacobian");
  Tensor y = call(f, vars, "func::jacobian");
  std::vector<std::vector<Tensor>> rows(xs.size());
  for (int64_t r = 0; r < y.numel(); ++r) {
    std::vector<Tensor> gs = pull(y, vars, basis(y, r), true, false);
    for (size_t i = 0; i < xs.size(); ++i) rows[i].push_back(gs[i]);
  }
  for (size_t i = 0; i < xs.size(); ++i) jac.push_back(assemble(rows[i], y.shape(), xs[i].shape(), y.dtype()));
  return jac;
}

std::vector<std::vector<Tensor>> hessian(const Fn& f, const std::vector<Tensor>& xs) {
  // Row (i, r) of H is ∇ of ∂f/∂x_i[r]: f and its gradient are recorded once
  // (create_graph), then each row is one reverse pass over the gradient's graph.
  EnableGradGuard enable;
  std::vector<Tensor> vars = variables(xs, false, "func::hessian");
  Tensor y = call(f, vars, "func::hessian");
  check(y.numel() == 1, "func::hessian: f must return a single element, got shape ", y.shape(),
        "; use func::jacobian for functions with several outputs");
  std::vector<Tensor> gs = pull(y, vars, ones_like(y), true, true);
  std::vector<std::vector<Tensor>> hess(xs.size(), std::vector<Tensor>(xs.size()));
  for (size_t i = 0; i < xs.size(); ++i) {
    std::vector<std::vector<Tensor>> rows(xs.size());
    for (int64_t r = 0; r < xs[i].numel(); ++r) {
      std::vector<Tensor> row = pull(gs[i], vars, basis(gs[i], r), true, false);
      for (size_t j = 0; j < xs.size(); ++j) rows[j].push_back(row[j]);
    }
    for (size_t j = 0; j < xs.size(); ++j) hess[i][j] = assemble(rows[j], xs[i].shape(), xs[j].shape(), y.dtype());
  }
  return hess;
}

}  // namespace fluxion::func::detail
