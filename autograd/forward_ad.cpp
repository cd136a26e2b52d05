// SPDX-License-Identifier: MIT
// Forward mode: dual levels (a stack per thread), and tangents attached to
// tensors by level, so that nested levels do not see each other's perturbations.
#include "autograd/forward_ad.h"

#include <algorithm>
#include <atomic>

#include "autograd/apply.h"
#include "autograd/node.h"
#include "autograd/ops.h"

namespace fluxion::forward_ad {

static thread_local std::vector<uint64_t> g_levels;
static std::atomic<uint64_t> g_next_level{1};  // ids unique across threads

DualLevel::DualLevel() : id_(0) {
  check(g_levels.size() < kMaxDualLevels, "forward_ad::DualLevel: ", g_levels.size(),
        " levels are already active on this thread and the limit is ", kMaxDualLevels,
        " (an op's work grows as 2^depth); nest fewer forward-mode transforms");
  id_ = g_next_level++;
  g_levels.push_back(id_);
}

DualLevel::~DualLevel() {
  // Levels end innermost first; a level id is never reused, so tangents
  // left on tensors from this level are simply never looked at again.
  auto it = std::find(g_levels.begin(), g_levels.end(), id_);
  if (it != g_levels.end()) g_levels.erase(it);
}

const std::vector<uint64_t>& active_levels() { return g_levels; }

uint64_t current_level() {
  check(!g_levels.empty(), "forward_ad: no dual level is active; create a fluxion::forward_ad::DualLevel first");
  return g_levels.back();
}

static bool is_active(uint64_t level) { return std::find(g_levels.begin(), g_levels.end(), level) != g_levels.end(); }

Tensor tangent_of(const Tensor& t, uint64_t level) {
  refresh_view(t);
  for (const auto& [l, tangent] : t.impl()->tangents)
    if (l == level) return is_active(level) ? tangent : Tensor{};
  return {};
}

void set_tangent(const Tensor& t, const Tensor& tangent, uint64_t level) {
  auto& tangents = t.impl()->tangents;
  std::erase_if(tangents, [&](const auto& p) { return p.first == level || !is_active(p.first); });
  if (tangent.defined()) tangents.emplace_back(level, tangent);
}

Tensor strip_level(const Tensor& t, uint64_t level) {
  if (!tangent_of(t, level).defined()) return t;
  // A new handle to the same data, in the same place in the graph (same
  // grad_fn, or for a leaf its AccumulateGrad), minus the level's tangent.
  auto impl = same_values(t);
  Edge e = gradient_edge(t);
  impl->grad_fn = std::move(e.node);
  impl->output_nr = e.input_nr;
  for (const auto& p : t.impl()->tangents)
    if (p.first != level && is_active(p.first)) impl->tangents.push_back(p);
  return Tensor(std::move(impl));
}

// make_dual's primal view: identity forward, identity rules.
struct MakeDual {
  static constexpr const char* name = "MakeDual";
  static constexpr bool pointwise = true;  // an identity on values: vmap runs it on the whole batch (batching.h)
  static constexpr Save save = Save::nothing;
  TensorData forward(const TensorData& x) const { return x; }
  Tensor vjp(const Tensor& grad, const Saved&) const { return grad; }
  Tensor jvp(const Tensor& dx, const Saved&) const { return dx; }
};

Tensor make_dual(const Tensor& primal, const Tensor& tangent, uint64_t level) {
  if (level == 0) level = current_level();
  check(is_active(level), "make_dual: level ", level, " is not active");
  check(primal.is_floating_point(), "make_dual: the primal must be a floating tensor, got ",
        dtype_name(primal.dtype()));
  check(tangent.shape() == primal.shape(), "make_dual: tangent shape ", tangent.shape(),
        " must equal primal shape ", primal.shape());
  Tensor dual = apply(MakeDual{}, primal);
  // Not a view of the primal: its tangent is its own, never regenerated from the primal's.
  dual.impl()->view_base = Tensor();
  set_tangent(dual, tangent.dtype() == primal.dtype() ? tangent : tangent.to(primal.dtype()), level);
  return dual;
}

Unpacked unpack_dual(const Tensor& t, uint64_t level) {
  if (level == 0) level = current_level();
  return {strip_level(t, level), tangent_of(t, level)};
}

}  // namespace fluxion::forward_ad
