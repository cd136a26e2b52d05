// SPDX-License-Identifier: MIT
// Options::jit: func recorded once with jit::trace, at its first evaluation,
// and its kernels replayed at every later one. A small state's field costs a
// few dozen nanoseconds of arithmetic and microseconds of autograd's
// bookkeeping (a node, a Tensor and a shape check per op); the replay runs the
// recorded kernels alone (with elementwise chains fused, jit/trace_fuse.cpp).
// A replay carries no graph, so a solve that must be differentiated through
// cannot use it: that is an error, named at the first evaluation.
#include "jit/trace.h"
#include "odeint/solver.h"

namespace fluxion::odeint::detail {

Func traced(const Func& func, const std::string& who) {
  auto recorded = std::make_shared<std::optional<jit::Trace>>();
  return [func, who, recorded](const Tensor& t, const Tensor& y) -> Tensor {
    if (!*recorded)
      *recorded = jit::trace(
          [&](const std::vector<Tensor>& in) {
            Tensor dy = func(in[0], in[1]);
            check(!dy.defined() || !dy.requires_grad(), who,
                  ": jit = true replays func's kernels without autograd, but func's result requires grad (y0, t or "
                  "a tensor func captures requires grad), so no gradient could flow through the solve; set jit = "
                  "false, solve under a NoGradGuard, or use odeint_adjoint, which replays both its solves");
            return std::vector<Tensor>{dy};
          },
          {t, y});
    return (**recorded)({t, y})[0];
  };
}

}  // namespace fluxion::odeint::detail
