// SPDX-License-Identifier: MIT
// The functional API, like torch.func and JAX: transforms that take a
// function and give back its derivatives.
//
//   auto f = [](const Tensor& x) { return (x.sin() * x).sum(); };
//   Tensor g = func::grad(f)(x);                    // ∇f(x)
//   auto [y, pullback] = func::vjp(f, x);           // pullback(u) = uᵀ J
//   auto [y2, jv] = func::jvp(f, x, v);             // J v, forward mode
//   Tensor hv = func::hvp(f, x, v);                 // H v, forward-over-reverse
//   Tensor J = func::jacrev(f)(x);                  // also func::jacfwd(f)(x)
//   Tensor J2 = func::jacobian(f, x, {.forward_mode = true});
//   Tensor H = func::hessian(f, x);
//
// A function is any callable Tensor -> Tensor (lambda, function, functor), or
// std::vector<Tensor> -> Tensor for several inputs, where the transforms return
// one result per input (PyTorch's tuples).
//
// Inputs are treated as fresh variables: f's gradient is taken w.r.t. them,
// whatever else requires grad. Transforms nest (grad of grad, jvp of grad,
// jacfwd of jacrev): when an input already requires grad (an outer transform
// or user graph is watching) or carries a tangent, the results stay
// differentiable in it; otherwise they are plain tensors.
#pragma once
#include <concepts>
#include <functional>
#include <utility>
#include <vector>

#include "autograd/tensor.h"

namespace fluxion::func {

/// Callables of one tensor returning a tensor.
template <class F>
concept TensorFunction = std::invocable<const F&, const Tensor&> &&
    std::convertible_to<std::invoke_result_t<const F&, const Tensor&>, Tensor>;
/// Callables of several tensors (a vector) returning a tensor. A callable of one
/// Tensor is never tried with a vector: the check would instantiate a generic
/// lambda ([](const auto& x) {...}) with a vector and fail inside its body.
/// So a generic lambda is taken as a function of one Tensor; for several inputs
/// write the parameter type: [](const std::vector<Tensor>& xs) {...}.
template <class F>
concept TensorsFunction = !TensorFunction<F> && std::invocable<const F&, const std::vector<Tensor>&> &&
                          std::convertible_to<std::invoke_result_t<const F&, const std::vector<Tensor>&>, Tensor>;

enum class HvpMethod {
  forward_over_reverse,  // jvp of grad: one forward + backward carrying tangents (the default, cheapest)
  reverse_over_reverse,  // grad of <grad, v>: double backward
};
struct HvpOptions {
  HvpMethod method = HvpMethod::forward_over_reverse;
};
struct JacobianOptions {
  bool forward_mode = false;  // false: func::jacrev (reverse mode); true: func::jacfwd (forward mode)
};

using Pullback = std::function<std::vector<Tensor>(const Tensor&)>;

namespace detail {
using Fn = std::function<Tensor(const std::vector<Tensor>&)>;
// The transforms, written once for functions of several tensors (functional.cpp).
std::pair<Tensor, std::vector<Tensor>> value_and_grad(const Fn& f, const std::vector<Tensor>& xs);
std::pair<Tensor, Pullback> vjp(const Fn& f, const std::vector<Tensor>& xs);
std::pair<Tensor, Tensor> jvp(const Fn& f, const std::vector<Tensor>& xs, const std::vector<Tensor>& vs);
std::vector<Tensor> hvp(const Fn& f, const std::vector<Tensor>& xs, const std::vector<Tensor>& vs,
                        const HvpOptions& opts);
std::vector<Tensor> jacrev(const Fn& f, const std::vector<Tensor>& xs, const std::vector<int64_t>& argnums);
std::vector<Tensor> jacfwd(const Fn& f, const std::vector<Tensor>& xs, const std::vector<int64_t>& argnums);
std::vector<Tensor> jacobian(const Fn& f, const std::vector<Tensor>& xs, const JacobianOptions& opts);
std::vector<std::vector<Tensor>> hessian(const Fn& f, const std::vector<Tensor>& xs);

template <class F>
Fn of_one(F f) {  // a function of one tensor seen as a function of a vector of one
  return [f = std::move(f)](const std::vector<Tensor>& xs) -> Tensor { return f(xs[0]); };
}
template <class F>
Fn of_many(F f) {
  return [f = std::move(f)](const std::vector<Tensor>& xs) -> Tensor { return f(xs); };
}
}  // namespace detail

// ---- reverse mode ------------------------------------------------------------

/// value_and_grad(f)(x) -> {f(x), ∇f(x)}; f must return one element.
template <TensorFunction F>
auto value_and_grad(F f) {
  return [f = detail::of_one(std::move(f))](const Tensor& x) {
    auto [y, gs] = detail::value_and_grad(f, {x});
    return std::pair<Tensor, Tensor>{y, gs[0]};
  };
}
/// value_and_grad(f)(xs) -> {f(xs), {∂f/∂x_i}}.
template <TensorsFunction F>
auto value_and_grad(F f) {
  return [f = detail::of_many(std::move(f))](const std::vector<Tensor>& xs) { return detail::value_and_grad(f, xs); };
}

/// grad(f)(x) -> ∇f(x), the gradient of a scalar function, as a new function.
template <TensorFunction F>
auto grad(F f) {
  return [f = detail::of_one(std::move(f))](const Tensor& x) { return detail::value_and_grad(f, {x}).second[0]; };
}
/// grad(f)(xs) -> {∂f/∂x_i}.
template <TensorsFunction F>
auto grad(F f) {
  return [f = detail::of_many(std::move(f))](const std::vector<Tensor>& xs) {
    return detail::value_and_grad(f, xs).second;
  };
}

/// vjp(f, x) -> {f(x), pullback} with pullback(u) = {uᵀ J} (u has f(x)'s shape).
/// The pullback may be called many times; the graph lives as long as it does.
template <TensorFunction F>
std::pair<Tensor, Pullback> vjp(F f, const Tensor& x) {
  return detail::vjp(detail::of_one(std::move(f)), {x});
}
template <TensorsFunction F>
std::pair<Tensor, Pullback> vjp(F f, const std::vector<Tensor>& xs) {
  return detail::vjp(detail::of_many(std::move(f)), xs);
}

// ---- forward mode ------------------------------------------------------------

/// jvp(f, x, v) -> {f(x), J v}, in one forward pass carrying the tangent v.
template <TensorFunction F>
std::pair<Tensor, Tensor> jvp(F f, const Tensor& x, const Tensor& v) {
  return detail::jvp(detail::of_one(std::move(f)), {x}, {v});
}
/// jvp(f, xs, vs) -> {f(xs), sum_i J_i v_i}; an undefined v_i means zero.
template <TensorsFunction F>
std::pair<Tensor, Tensor> jvp(F f, const std::vector<Tensor>& xs, const std::vector<Tensor>& vs) {
  return detail::jvp(detail::of_many(std::move(f)), xs, vs);
}

// ---- second order and full matrices --------------------------------------------

/// hvp(f, x, v) -> H v, the Hessian of a scalar f times v, without forming H.
template <TensorFunction F>
Tensor hvp(F f, const Tensor& x, const Tensor& v, const HvpOptions& opts = {}) {
  return detail::hvp(detail::of_one(std::move(f)), {x}, {v}, opts)[0];
}
/// hvp(f, xs, vs) -> {sum_j H_ij v_j}.
template <TensorsFunction F>
std::vector<Tensor> hvp(F f, const std::vector<Tensor>& xs, const std::vector<Tensor>& vs,
                        const HvpOptions& opts = {}) {
  return detail::hvp(detail::of_many(std::move(f)), xs, vs, opts);
}

/// jacrev(f, argnums)(x) -> J of shape f(x).shape + x.shape, as torch.func.jacrev:
/// f recorded once, then one reverse pass with the rows of an identity as a
/// batch of cotangents (vmap). For a function of several tensors, J w.r.t.
/// xs[argnums]; the other inputs are constants.
template <TensorFunction F>
auto jacrev(F f, int64_t argnums = 0) {
  return [f = detail::of_one(std::move(f)), argnums](const Tensor& x) { return detail::jacrev(f, {x}, {argnums})[0]; };
}
template <TensorsFunction F>
auto jacrev(F f, int64_t argnums = 0) {
  return [f = detail::of_many(std::move(f)), argnums](const std::vector<Tensor>& xs) {
    return detail::jacrev(f, xs, {argnums})[0];
  };
}
/// jacfwd(f, argnums)(x) -> J of shape f(x).shape + x.shape, as torch.func.jacfwd:
/// one forward pass with the columns of an identity as a batch of tangents (vmap).
template <TensorFunction F>
auto jacfwd(F f, int64_t argnums = 0) {
  return [f = detail::of_one(std::move(f)), argnums](const Tensor& x) { return detail::jacfwd(f, {x}, {argnums})[0]; };
}
template <TensorsFunction F>
auto jacfwd(F f, int64_t argnums = 0) {
  return [f = detail::of_many(std::move(f)), argnums](const std::vector<Tensor>& xs) {
    return detail::jacfwd(f, xs, {argnums})[0];
  };
}

/// jacobian(f, x) -> J of shape f(x).shape + x.shape: jacrev(f)(x), or jacfwd(f)(x) with forward_mode.
template <TensorFunction F>
Tensor jacobian(F f, const Tensor& x, const JacobianOptions& opts = {}) {
  return detail::jacobian(detail::of_one(std::move(f)), {x}, opts)[0];
}
/// jacobian(f, xs) -> {J_i} with J_i of shape f(xs).shape + x_i.shape.
template <TensorsFunction F>
std::vector<Tensor> jacobian(F f, const std::vector<Tensor>& xs, const JacobianOptions& opts = {}) {
  return detail::jacobian(detail::of_many(std::move(f)), xs, opts);
}

/// hessian(f, x) -> H of shape x.shape + x.shape for f returning one element:
/// jacrev(jacrev(f))(x): the gradient recorded once, one batched reverse pass over it.
template <TensorFunction F>
Tensor hessian(F f, const Tensor& x) {
  return detail::hessian(detail::of_one(std::move(f)), {x})[0][0];
}
/// hessian(f, xs) -> H[i][j] = ∂²f/∂x_i∂x_j of shape x_i.shape + x_j.shape.
template <TensorsFunction F>
std::vector<std::vector<Tensor>> hessian(F f, const std::vector<Tensor>& xs) {
  return detail::hessian(detail::of_many(std::move(f)), xs);
}

}  // namespace fluxion::func
