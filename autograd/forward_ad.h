// SPDX-License-Identifier: MIT
// Forward mode: a tangent rides on a tensor (a "dual tensor") inside a level,
// and every op computes its output's tangent with its JVP rule.
//
//   fluxion::forward_ad::DualLevel level;                 // enter a level
//   auto x = forward_ad::make_dual(x0, v);                // x carries tangent v
//   auto y = f(x);
//   auto [y0, Jv] = forward_ad::unpack_dual(y);           // Jv = J_f(x0) v
//
// Levels nest (forward-over-forward, forward-over-reverse ...). Each level has
// an id never reused, so a tangent from a level that has ended is ignored, and
// when an op computes the tangent for level L it sees its inputs without their
// level-L tangents (no perturbation confusion).
#pragma once
#include <cstdint>
#include <vector>

#include "autograd/tensor.h"

namespace fluxion::forward_ad {

/// Levels nest at most this deep on one thread. The work of an op grows as
/// 2^depth (each level differentiates the tangent computations of the levels
/// inside it), so deeper nesting is refused with an error instead of
/// exhausting memory; derivatives of order above 8 are rare in practice.
inline constexpr size_t kMaxDualLevels = 16;

class DualLevel {
 public:
  DualLevel();
  ~DualLevel();
  DualLevel(const DualLevel&) = delete;
  DualLevel& operator=(const DualLevel&) = delete;
  uint64_t id() const { return id_; }

 private:
  uint64_t id_;
};

/// The innermost active level's id; an error when no level is active.
uint64_t current_level();
/// Active level ids, outermost first.
const std::vector<uint64_t>& active_levels();

/// A view of `primal` carrying `tangent` (same shape) at `level`
/// (default: the innermost). Differentiable w.r.t. primal in reverse mode.
[[nodiscard]] Tensor make_dual(const Tensor& primal, const Tensor& tangent, uint64_t level = 0);

struct Unpacked {
  Tensor primal;   // the value, without the tangent of this level
  Tensor tangent;  // undefined when the tensor carries none at this level
};
[[nodiscard]] Unpacked unpack_dual(const Tensor& t, uint64_t level = 0);

/// The tangent of `t` at an active `level`, or undefined.
Tensor tangent_of(const Tensor& t, uint64_t level);
/// A tensor equal to t, still in its graph, without the tangent of `level`.
Tensor strip_level(const Tensor& t, uint64_t level);
/// Attaches `tangent` to t at `level` (replacing any there).
void set_tangent(const Tensor& t, const Tensor& tangent, uint64_t level);

}  // namespace fluxion::forward_ad
