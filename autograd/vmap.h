// SPDX-License-Identifier: MIT
// func::vmap: vectorizing map, as torch.func.vmap and jax.vmap.
//
//   auto f = [](const Tensor& x) { return x.dot(x); };     // one example: x of shape [3]
//   Tensor y = func::vmap(f)(xs);                            // xs: [B, 3] -> y: [B]
//
// f is written for one example and called once, on batched tensors that show
// one example's shape (batched.h); each op inside runs on the whole batch at
// once through its batching rule (batching.h). in_dims gives, per input, the
// dim its batch runs along, or nullopt for an input shared by every example;
// out_dims where the batch goes in each output. Per-sample gradients:
//
//   auto loss = [](const std::vector<Tensor>& a) { ... a[0] params, a[1] x, a[2] y ... };
//   std::vector<Tensor> g = func::vmap(func::grad(loss), {std::nullopt, 0, 0})({w, xs, ys});
//
// vmap nests (vmap of vmap, one level each) and composes with grad, vjp and
// jvp in either order.
#pragma once
#include <initializer_list>
#include <optional>
#include <vector>

#include "autograd/batched.h"
#include "autograd/functional.h"

namespace fluxion::func {

/// Callables of several tensors returning several (func::grad of a function of several tensors).
template <class F>
concept TensorsToTensorsFunction =
    !TensorFunction<F> && std::invocable<const F&, const std::vector<Tensor>&> &&
    std::convertible_to<std::invoke_result_t<const F&, const std::vector<Tensor>&>, std::vector<Tensor>>;

/// Batch dims of the inputs (in_dims) or outputs (out_dims): one for all
/// (`0`, `std::nullopt`) or one per tensor (`{std::nullopt, 0, 0}`); a dim
/// may be negative (counted from the end); nullopt means not mapped.
struct Dims {
  Dims(int64_t d) : dims{d} {}                  // NOLINT(google-explicit-constructor): written as a bare 0
  Dims(std::nullopt_t) : dims{std::nullopt} {}  // NOLINT(google-explicit-constructor)
  Dims(std::initializer_list<std::optional<int64_t>> ds) : dims(ds), per_tensor(true) {}
  Dims(std::vector<std::optional<int64_t>> ds) : dims(std::move(ds)), per_tensor(true) {}  // NOLINT
  std::vector<std::optional<int64_t>> dims;
  bool per_tensor = false;
};

struct VmapOptions {
  Randomness randomness = Randomness::error;
  /// Run the batch this many examples at a time (less memory); none: all at once.
  std::optional<int64_t> chunk_size;
};

namespace detail {
using ManyFn = std::function<std::vector<Tensor>(const std::vector<Tensor>&)>;
/// vmap over a function of several tensors returning several (vmap.cpp).
std::vector<Tensor> vmap(const ManyFn& f, const std::vector<Tensor>& xs, const Dims& in_dims, const Dims& out_dims,
                         const VmapOptions& opts);
}  // namespace detail

/// vmap(f)(x): f mapped over dim in_dim of x; the batch at out_dim of the result.
template <TensorFunction F>
auto vmap(F f, Dims in_dims = 0, Dims out_dims = 0, VmapOptions opts = {}) {
  return [f = std::move(f), in_dims, out_dims, opts](const Tensor& x) -> Tensor {
    auto many = [&f](const std::vector<Tensor>& xs) { return std::vector<Tensor>{f(xs[0])}; };
    return detail::vmap(many, {x}, in_dims, out_dims, opts)[0];
  };
}
/// vmap(f)(xs) for f of several tensors returning one.
template <TensorsFunction F>
auto vmap(F f, Dims in_dims = 0, Dims out_dims = 0, VmapOptions opts = {}) {
  return [f = std::move(f), in_dims, out_dims, opts](const std::vector<Tensor>& xs) -> Tensor {
    auto many = [&f](const std::vector<Tensor>& a) { return std::vector<Tensor>{f(a)}; };
    return detail::vmap(many, xs, in_dims, out_dims, opts)[0];
  };
}
/// vmap(f)(xs) for f of several tensors returning several (e.g. func::grad(f)).
template <TensorsToTensorsFunction F>
auto vmap(F f, Dims in_dims = 0, Dims out_dims = 0, VmapOptions opts = {}) {
  return [f = std::move(f), in_dims, out_dims, opts](const std::vector<Tensor>& xs) -> std::vector<Tensor> {
    return detail::vmap([&f](const std::vector<Tensor>& a) -> std::vector<Tensor> { return f(a); }, xs, in_dims,
                        out_dims, opts);
  };
}

}  // namespace fluxion::func
