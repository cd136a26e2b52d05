// SPDX-License-Identifier: MIT
// odeint: checks the inputs, runs the chosen solver, stacks the outputs.
#include "odeint/odeint.h"

#include "autograd/grad_mode.h"
#include "autograd/ops.h"
#include "odeint/solver.h"

namespace fluxion::odeint {

Tensor odeint(const Func& func, const Tensor& y0, const Tensor& t, const Options& opts) {
  check(static_cast<bool>(func), "odeint: func is empty");
  check(y0.defined() && y0.is_floating_point(), "odeint: y0 must be a floating tensor (float32 or float64)");
  std::vector<double> ts = detail::output_times(t, "odeint");
  detail::Settings s = detail::settings(opts, y0, "odeint");
  Stats local;
  Stats& stats = opts.stats ? *opts.stats : local;
  stats = {};
  if (s.jit && GradMode::is_enabled() && !detail::is_stiff(s.method))
    return detail::odeint_replayed(func, y0, ts, s, stats);
  std::vector<detail::State> states = detail::solve_func(func, y0, ts, s, stats);
  std::vector<Tensor> ys;
  ys.reserve(states.size());
  for (detail::State& st : states) ys.push_back(st[0]);
  return stack(ys, 0);
}

}  // namespace fluxion::odeint
