// SPDX-License-Identifier: MIT
// Activation checkpointing (PyTorch's torch.utils.checkpoint): trade compute
// for memory. A checkpointed block keeps only its inputs; the activations it
// computes inside are dropped after the forward pass and recomputed, by
// running the block again, when backward reaches it.
//
//   auto block = [&](const Tensor& h) { return fc2(fc1(h).relu()).relu(); };
//   Tensor y = fx::autograd::checkpoint(block, x);   // as block(x), minus its activations
//   loss(y).backward();                                 // block runs again here
//
// Gradients reach everything the block uses: its inputs and the tensors it
// captures (a module's parameters), as with PyTorch's non-reentrant variant.
// The recomputation replays the random numbers of the forward pass
// (preserve_rng_state, the default), so dropout keeps its mask. It composes:
// backward with create_graph records through the recomputation (double
// backward, Hessian-vector products), tangents of forward mode flow through
// the block, and a checkpoint may sit inside another.
//
// fn must compute the same thing when run again: same inputs, same captured
// tensors, no state it changes between the calls (other than the generator).
#pragma once
#include <concepts>
#include <functional>
#include <type_traits>
#include <vector>

#include "autograd/tensor.h"

namespace fluxion::autograd {

struct CheckpointOptions {
  /// Restore the default generator's state before the recomputation, so it
  /// draws the numbers the forward pass drew (PyTorch's default, True).
  bool preserve_rng_state = true;
};

using CheckpointFn = std::function<std::vector<Tensor>(const std::vector<Tensor>&)>;

namespace detail {
std::vector<Tensor> checkpoint(CheckpointFn fn, const std::vector<Tensor>& inputs, const CheckpointOptions& opts);
}

/// fn(inputs), keeping none of the activations inside fn for backward; fn
/// returns a Tensor or a std::vector<Tensor>, and checkpoint returns the same.
/// (A callable of one Tensor takes the overload below; it is never tried with a
/// vector, which would instantiate a generic lambda's body with one.)
template <class F>
requires(!std::invocable<const F&, const Tensor&>) &&
    std::invocable<const F&, const std::vector<Tensor>&> auto checkpoint(F fn, const std::vector<Tensor>& inputs,
                                                                         const CheckpointOptions& opts = {}) {
  using R = std::remove_cvref_t<std::invoke_result_t<const F&, const std::vector<Tensor>&>>;
  static_assert(std::is_same_v<R, Tensor> || std::is_same_v<R, std::vector<Tensor>>,
                "autograd::checkpoint: fn must return a Tensor or a std::vector<Tensor>");
  if constexpr (std::is_same_v<R, Tensor>) {
    auto one = [fn = std::move(fn)](const std::vector<Tensor>& xs) { return std::vector<Tensor>{fn(xs)}; };
    return detail::checkpoint(std::move(one), inputs, opts)[0];
  } else {
    return detail::checkpoint(std::move(fn), inputs, opts);
  }
}

/// fn(x) for a block of one tensor: checkpoint(fn, x) -> fn(x).
template <class F>
requires std::invocable<const F&, const Tensor&> &&
    std::convertible_to<std::invoke_result_t<const F&, const Tensor&>, Tensor>
        Tensor checkpoint(F fn, const Tensor& x, const CheckpointOptions& opts = {}) {
  auto one = [fn = std::move(fn)](const std::vector<Tensor>& xs) { return std::vector<Tensor>{Tensor(fn(xs[0]))}; };
  return detail::checkpoint(std::move(one), {x}, opts)[0];
}

}  // namespace fluxion::autograd
