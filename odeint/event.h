// SPDX-License-Identifier: MIT
// odeint_event: integrate until an event function crosses zero, as
// torchdiffeq's odeint_event and SciPy's solve_ivp events, differentiably.
//
//   // a ball dropped from height h: y = (height, velocity), the event is height = 0
//   auto f = [&](const Tensor& t, const Tensor& y) { return stack({y[1], -g * ones_like(y[1])}); };
//   auto hit = [](const Tensor& t, const Tensor& y) { return y[0]; };
//   EventSolution e = odeint::odeint_event(f, y0, 0.0, hit, {.direction = {-1}});
//   e.t.backward();   // d t_event / d y0 (and / d g when g requires grad)
//
// The crossing is located on each accepted step's dense output by root
// finding, on plain numbers; then the state at the event is re-solved with
// the graph, and the event time is made differentiable by the implicit
// function theorem: g(t*, y(t*)) = 0 gives
//   dt*/dθ = -(∂g/∂y · dy(t*)/dθ + ∂g/∂θ) / (∂g/∂t + ∂g/∂y · f(t*, y(t*))),
// built from differentiable ops so that backward (first order) needs nothing special.
#pragma once
#include <optional>
#include <vector>

#include "odeint/odeint.h"

namespace fluxion::odeint {

/// event_fn(t, y) -> a 0-d tensor or a 1-D tensor of k event values.
using EventFunc = std::function<Tensor(const Tensor& t, const Tensor& y)>;

struct EventOptions {
  double rtol = 1e-7;
  Tolerance atol = 1e-9;
  /// An adaptive method, searched on its dense output: an explicit method's own,
  /// rosenbrock23's cubic Hermite interpolant, rodas5's steps from the step's start.
  Method method = Method::dopri5;
  /// Per event (one value applies to all): +1 fires only on a rising crossing, -1 only on a
  /// falling one, 0 on both. As SciPy, a value that reaches zero counts as a crossing.
  std::vector<int> direction = {0};
  /// Per event (one value applies to all): whether it ends the solve. Non-terminal events
  /// are recorded in EventSolution::times and the solve goes on.
  std::vector<bool> terminal = {true};
  /// Where to give up when no terminal event fires; without it the solve runs until
  /// max_num_steps and then fails, naming the time reached.
  std::optional<double> t_end;
  int64_t max_num_steps = 100000;
  Stats* stats = nullptr;  // evaluations and steps of the search (the re-solve is not counted)
  /// Set: the re-solve to the event runs odeint_adjoint with these params (the tensors
  /// func reads besides y), so backward solves the adjoint system instead of going
  /// through the steps (torchdiffeq's odeint_interface=odeint_adjoint).
  std::optional<std::vector<Tensor>> adjoint_params;
};

struct EventSolution {
  Tensor t;                      // 0-d: the terminal event's time (or t_end), differentiable
  Tensor y;                      // the state there, differentiable (including through t)
  int64_t index = -1;            // which event ended the solve; -1 when none did (t = t_end)
  std::vector<double> times;     // every event crossed, in order, terminal one included
  std::vector<int64_t> indices;  // and which event each was
};

/// Solves dy/dt = func(t, y) from (t0, y0) until a terminal event fires. t0 may be a
/// 0-d tensor requiring grad (a later phase started at an earlier event's time).
[[nodiscard]] EventSolution odeint_event(const Func& func, const Tensor& y0, const Tensor& t0,
                                         const EventFunc& event_fn, const EventOptions& opts = {});
[[nodiscard]] EventSolution odeint_event(const Func& func, const Tensor& y0, double t0, const EventFunc& event_fn,
                                         const EventOptions& opts = {});

}  // namespace fluxion::odeint
