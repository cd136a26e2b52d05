// SPDX-License-Identifier: MIT
// The functional API (functional.h): every transform is a few lines over the
// engine (autograd::grad) and forward mode (forward_ad), written once for
// functions of several tensors.
#include "autograd/functional.h"

#include "autograd/apply.h"
#include "autograd/engine.h"
#include "autograd/forward_ad.h"
#include "autograd/ops.h"
#include "autograd/vmap.h"

namespace fluxion::func::detail {

namespace {

// Identity that records a node, so that an input which is already in a graph
// can be differentiated on its own (its gradient is captured at this node).
struct Alias {
  static constexpr const char* name = "Alias";
  static constexpr Save save = Save::nothing;
  TensorData forward(const TensorData& x) const { return x; }
  Tensor vjp(const Tensor& grad, const Saved&) const { return grad; }  // d/dx x = 1
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

// Input i as a variable f is differentiated w.r.t.: a fresh leaf, or an
// Alias of it when it is watched (so the outer graph sees through).
Tensor variable(const Tensor& x, size_t i, bool watch, const char* op) {
  check(x.defined(), op, ": input ", i, " is an undefined tensor");
  check(x.is_floating_point(), op, ": input ", i, " has dtype ", dtype_name(x.dtype()),
        "; derivatives need Float32 or Float64 inputs");
  return watch && x.requires_grad() ? apply(Alias{}, x) : without_graph(x, true);
}

std::vector<Tensor> variables(const std::vector<Tensor>& xs, bool watch, const char* op) {
  std::vector<Tensor> vars;
  for (size_t i = 0; i < xs.size(); ++i) vars.push_back(variable(xs[i], i, watch, op));
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
                        {.grad_outputs = {u},
                         .retain_graph = retain || create,
                         .create_graph = create,
                         .allow_unused = true,
                         .materialize_grads = true});
}

// argnums checked against the number of inputs.
void check_argnums(const std::vector<int64_t>& argnums, size_t n, const char* op) {
  for (int64_t a : argnums)
    check(a >= 0 && a < (int64_t)n, op, ": argnums ", a, " is out of range for a function of ", n,
          n == 1 ? " input" : " inputs", "; argnums counts the inputs from 0");
}

// 0, 1, ..., n - 1: argnums for every input.
std::vector<int64_t> all_of(size_t n) {
  std::vector<int64_t> all(n);
  for (size_t i = 0; i < n; ++i) all[i] = (int64_t)i;
  return all;
}

// shape a + shape b.
Shape joined(Shape a, const Shape& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

std::pair<Tensor, std::vector<Tensor>> value_and_grad(const Fn& f, const std::vector<Tensor>& xs) {
  bool watch = watched(xs);
  EnableGradGuard enable;  // like torch.func.grad, works inside NoGradGuard too
  std::vector<Tensor> vars = variables(xs, watch, "func::grad");
  Tensor y = call(f, vars, "func::grad");
  check(y.numel() == 1, "func::grad: f must return a single element, got shape ", y.shape(),
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
    if (!u.defined() || u.shape() != y.shape())
      fail("func::vjp: the pullback needs a cotangent of the output's shape ", y.shape(), ", got ",
           u.defined() ? to_string(u.shape()) : std::string("undefined"));
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
      check(vs[i].shape() == xs[i].shape(), "func::hvp: v[", i, "] has shape ", vs[i].shape(), " but input ",
            i, " has shape ", xs[i].shape());
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
  check(y.numel() == 1, "func::hvp: f must return a single element, got shape ", y.shape());
  std::vector<Tensor> gs = pull(y, vars, ones_like(y), true, true);
  Tensor gv;
  for (size_t i = 0; i < gs.size(); ++i)
    if (vs[i].defined() && gs[i].requires_grad()) gv = add_tangents(gv, (gs[i] * vs[i]).sum());
  if (!gv.defined()) gv = scalar(0, y.dtype());
  return pull(gv, vars, ones_like(gv), false, watch);
}

std::vector<Tensor> jacrev(const Fn& f, const std::vector<Tensor>& xs, const std::vector<int64_t>& argnums) {
  check_argnums(argnums, xs.size(), "func::jacrev");
  bool watch = watched(xs);
  EnableGradGuard enable;
  std::vector<Tensor> args = xs, wrt;
  for (int64_t a : argnums) wrt.push_back(args[a] = variable(xs[a], a, watch, "func::jacrev"));
  Tensor y = call(f, args, "func::jacrev");
  // Row r of J_a is e_rᵀ J_a: one reverse pass over f's graph, vmapped over
  // the rows of the identity I_m (m = y.numel()), so the cotangent is
  // batched and the graph is not. A single output needs no vmap: its row is 1.
  int64_t m = y.numel();
  std::vector<Tensor> rows;
  if (m == 1) {
    rows = pull(y, wrt, ones_like(y), false, watch);
  } else if (m > 0) {
    ManyFn pullback = [&](const std::vector<Tensor>& e) { return pull(y, wrt, e[0].view(y.shape()), false, watch); };
    rows = vmap(pullback, {eye(m, m, y.dtype())}, 0, 0, {});
  }
  std::vector<Tensor> jac;
  for (size_t k = 0; k < argnums.size(); ++k) {
    Shape shape = joined(y.shape(), xs[argnums[k]].shape());
    jac.push_back(m > 0 ? rows[k].reshape(shape) : zeros(shape, y.dtype()));
  }
  return jac;
}

std::vector<Tensor> jacfwd(const Fn& f, const std::vector<Tensor>& xs, const std::vector<int64_t>& argnums) {
  check_argnums(argnums, xs.size(), "func::jacfwd");
  // Column k of [J_a0 | J_a1 | ...] is J e_k: one forward pass carrying a
  // tangent, vmapped over the columns of the identity I_n (n = the number of
  // elements of all inputs in argnums); input a's tangent is its block of e_k.
  std::vector<int64_t> offset;
  int64_t n = 0;
  for (int64_t a : argnums) {
    offset.push_back(n);
    n += xs[a].numel();
  }
  if (n == 0) {  // no input element: only y's shape is needed
    Tensor y = call(f, xs, "func::jacfwd");
    std::vector<Tensor> jac;
    for (int64_t a : argnums) jac.push_back(zeros(joined(y.shape(), xs[a].shape()), y.dtype()));
    return jac;
  }
  ManyFn push = [&](const std::vector<Tensor>& e) {
    std::vector<Tensor> vs(xs.size());
    for (size_t k = 0; k < argnums.size(); ++k) {
      const Tensor& x = xs[argnums[k]];
      Tensor block = e[0].narrow(0, offset[k], x.numel()).view(x.shape());
      vs[argnums[k]] = vs[argnums[k]].defined() ? vs[argnums[k]] + block : block;
    }
    return std::vector<Tensor>{
        jvp([&f](const std::vector<Tensor>& a) { return call(f, a, "func::jacfwd"); }, xs, vs).second};
  };
  Tensor cols = vmap(push, {eye(n, n, xs[argnums[0]].dtype())}, 0, 0, {})[0];  // [n] + y.shape
  Shape yshape(cols.shape().begin() + 1, cols.shape().end());
  Tensor jt = cols.reshape({n, numel(yshape)}).t();  // [m, n]
  std::vector<Tensor> jac;
  for (size_t k = 0; k < argnums.size(); ++k) {
    const Tensor& x = xs[argnums[k]];
    jac.push_back(jt.narrow(1, offset[k], x.numel()).reshape(joined(yshape, x.shape())));
  }
  return jac;
}

std::vector<Tensor> jacobian(const Fn& f, const std::vector<Tensor>& xs, const JacobianOptions& opts) {
  std::vector<int64_t> all = all_of(xs.size());
  return opts.forward_mode ? jacfwd(f, xs, all) : jacrev(f, xs, all);
}

std::vector<std::vector<Tensor>> hessian(const Fn& f, const std::vector<Tensor>& xs) {
  // H = jacrev(jacrev(f)): f's gradient (all inputs, flattened and joined)
  // recorded once with create_graph, then one reverse pass over it with the
  // rows of an identity as a batch of cotangents. torch.func.hessian takes
  // jacfwd(jacrev), the same H (func::jacfwd(func::jacrev(f)) computes it
  // too): here the reverse pass over the recorded gradient is preferred, as
  // it does not re-run f's forward with a batch of tangents, and gives the
  // row loop's result bit for bit.
  Fn scalar = [&f](const std::vector<Tensor>& a) {
    Tensor y = call(f, a, "func::hessian");
    check(y.numel() == 1, "func::hessian: f must return a single element, got shape ", y.shape(),
          "; use func::jacrev or func::jacfwd for functions with several outputs");
    return y.reshape({});
  };
  std::vector<int64_t> all = all_of(xs.size());
  Fn gradient = [&](const std::vector<Tensor>& a) {
    std::vector<Tensor> gs = jacrev(scalar, a, all);
    if (gs.size() == 1) return gs[0].reshape({-1});
    for (Tensor& g : gs) g = g.reshape({-1});
    return cat(gs);
  };
  std::vector<Tensor> cols = jacrev(gradient, xs, all);  // cols[j]: [N] + x_j.shape (H is symmetric)
  std::vector<std::vector<Tensor>> hess(xs.size(), std::vector<Tensor>(xs.size()));
  int64_t off = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    for (size_t j = 0; j < xs.size(); ++j)
      hess[i][j] = cols[j].narrow(0, off, xs[i].numel()).reshape(joined(xs[i].shape(), xs[j].shape()));
    off += xs[i].numel();
  }
  return hess;
}

}  // namespace fluxion::func::detail
