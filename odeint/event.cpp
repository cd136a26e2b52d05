// SPDX-License-Identifier: MIT
// odeint_event: the search (each accepted step's dense output; root finding by the Illinois
// method, on plain numbers) and the differentiable answer (a re-solve to the
// event with the graph, and the implicit-function rule for the event time,
// see event.h).
#include "odeint/event.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "autograd/engine.h"
#include "autograd/grad_mode.h"
#include "autograd/ops.h"
#include "odeint/adjoint.h"
#include "odeint/solver.h"

namespace fluxion::odeint {

namespace {

constexpr const char* kWho = "odeint_event";

Tensor component(const Tensor& v, int64_t i) { return v.dim() == 0 ? v : v.select(0, i); }

/// The event values at (t, y) as doubles.
std::vector<double> event_values(const EventFunc& g, double t, const Tensor& y) {
  const Tensor v = g(scalar(t, y.dtype()), y);
  if (!(v.defined() && v.dim() <= 1 && v.numel() > 0 && v.is_floating_point()))
    fail(kWho, ": event_fn must return a floating 0-d tensor or a 1-D tensor of event values, got ",
         v.defined() ? to_string(v.shape()) : std::string("an undefined tensor"));
  return v.to(Float64).reshape({-1}).to_vector<double>();
}

/// SciPy's rule: a crossing is a value that reaches zero from the allowed side.
bool crosses(double a, double b, int direction) {
  if (a == 0 && b == 0) return false;  // identically zero over the step: nothing crossed
  const bool up = a <= 0 && b >= 0, down = a >= 0 && b <= 0;
  return direction > 0 ? up : direction < 0 ? down : up || down;
}

/// A root of phi on [0, 1] given phi(0) = a and phi(1) = b of opposite signs (or zero):
/// regula falsi with the Illinois modification (the stale end's value is halved), to
/// a width of `tol` in theta.
double root(const std::function<double(double)>& phi, double a, double b, double tol) {
  if (a == 0) return 0;
  if (b == 0) return 1;
  double lo = 0, hi = 1, flo = a, fhi = b;
  int side = 0;
  for (int it = 0; it < 200 && hi - lo > tol; ++it) {
    double m = (lo * fhi - hi * flo) / (fhi - flo);
    if (!(m > lo && m < hi)) m = 0.5 * (lo + hi);
    const double fm = phi(m);
    if (fm == 0) return m;
    if ((fm < 0) == (flo < 0)) {
      lo = m, flo = fm;
      if (side == -1) fhi /= 2;
      side = -1;
    } else {
      hi = m, fhi = fm;
      if (side == 1) flo /= 2;
      side = 1;
    }
  }
  return std::abs(flo) < std::abs(fhi) ? lo : hi;
}

/// One value per event: a single value applies to all.
template <class T>
T per_event(const std::vector<T>& v, size_t i) {
  return v.size() == 1 ? v[0] : v[i];
}

}  // namespace

EventSolution odeint_event(const Func& func, const Tensor& y0, double t0, const EventFunc& event_fn,
                           const EventOptions& opts) {
  check(y0.defined() && y0.is_floating_point(), kWho, ": y0 must be a floating tensor (float32 or float64)");
  return odeint_event(func, y0, scalar(t0, y0.dtype()), event_fn, opts);
}

EventSolution odeint_event(const Func& func, const Tensor& y0, const Tensor& t0, const EventFunc& event_fn,
                           const EventOptions& opts) {
  check(static_cast<bool>(func) && static_cast<bool>(event_fn), kWho, ": func and event_fn must not be empty");
  check(y0.defined() && y0.is_floating_point(), kWho, ": y0 must be a floating tensor (float32 or float64)");
  check(t0.defined() && t0.dim() == 0, kWho, ": t0 must be a number or a 0-d tensor");
  const bool stiff = detail::is_stiff(opts.method);
  check(stiff || tableau(opts.method).adaptive(), kWho, ": method ", method_name(opts.method),
        " has no error control; events need an adaptive method such as dopri5 or rodas5");
  const double ta = t0.item(), tend = opts.t_end.value_or(INFINITY);
  check(tend != ta, kWho, ": t_end equals t0 (", ta, ")");
  const Options o{.rtol = opts.rtol, .atol = opts.atol, .method = opts.method, .max_num_steps = opts.max_num_steps};
  detail::Settings s = detail::settings(o, y0, kWho);
  const detail::TimedFunc timed = detail::wrap_timed(func, y0, kWho);
  const bool graph = detail::wants_graph(timed, ta, {y0}) || (GradMode::is_enabled() && t0.requires_grad());

  // ---- the search, on values --------------------------------------------------------
  std::vector<double> times;
  std::vector<int64_t> indices;
  int64_t fired = -1;
  Tensor y_found;
  {
    NoGradGuard no_grad;
    const Tensor y0d = y0.detach();
    std::vector<double> ga = event_values(event_fn, ta, y0d);
    const size_t k = ga.size();
    check((opts.direction.size() == 1 || opts.direction.size() == k) &&
              (opts.terminal.size() == 1 || opts.terminal.size() == k),
          kWho, ": event_fn returns ", k, " values; direction and terminal need 1 or ", k, " entries, got ",
          opts.direction.size(), " and ", opts.terminal.size());
    s.on_step = [&](double t, double t1, const std::function<detail::State(double)>& dense) {
      const Tensor y1 = dense(1.0)[0];
      const std::vector<double> gb = event_values(event_fn, t1, y1);
      const double tol = 4 * DBL_EPSILON * std::max(std::abs(t), std::abs(t1)) / std::abs(t1 - t);
      std::vector<std::pair<double, int64_t>> hits;  // (theta, event)
      for (size_t i = 0; i < k; ++i) {
        if (!crosses(ga[i], gb[i], per_event(opts.direction, i))) continue;
        auto phi = [&](double theta) { return event_values(event_fn, t + theta * (t1 - t), dense(theta)[0])[i]; };
        const double theta = root(phi, ga[i], gb[i], std::max(tol, 1e-300));
        const double te = t + theta * (t1 - t);
        const bool again = theta == 0 && !times.empty() && times.back() == te && indices.back() == int64_t(i);
        if (!again) hits.push_back({theta, int64_t(i)});  // a zero at the step start already counted
      }
      std::sort(hits.begin(), hits.end());
      ga = gb;
      for (auto [theta, i] : hits) {
        times.push_back(t + theta * (t1 - t));
        indices.push_back(i);
        if (per_event(opts.terminal, size_t(i))) {
          fired = i;
          y_found = dense(theta)[0];
          return true;
        }
      }
      return false;
    };
    Stats local;
    Stats& stats = opts.stats ? *opts.stats : local;
    stats = {};
    std::vector<detail::State> ends =
        stiff ? detail::solve_rosenbrock(timed, {y0d}, {ta, tend}, s, stats)
              : detail::solve_adaptive(detail::wrap(func, y0d, kWho), {y0d}, {ta, tend}, s, stats);
    if (fired < 0) y_found = ends.back()[0];  // no terminal event: the state at t_end
  }

  // ---- the answer, with the graph ---------------------------------------------------
  const double te = fired >= 0 ? times.back() : tend;
  EventSolution out{.t = scalar(te, y0.dtype()), .y = y_found, .index = fired, .times = times, .indices = indices};
  if (!graph) return out;
  // y(t; t0, y0) moves with its start time as dy/dt0 = -Φ f(t0, y0): shift y0 to carry that.
  Tensor y0e = y0;
  if (t0.requires_grad()) y0e = y0 - timed(t0.detach(), {y0.detach()})[0].detach() * (t0 - t0.detach());
  const Tensor span = tensor({ta, te}, y0.dtype());
  const Tensor y_event = te == ta              ? y0e
                         : opts.adjoint_params ? odeint_adjoint(func, *opts.adjoint_params, y0e, span, o)[1]
                                               : odeint(func, y0e, span, o)[1];
  out.y = y_event;
  if (fired < 0) return out;
  // D = ∂g/∂t + ∂g/∂y · f, the rate at which the event value crosses zero, on values.
  const Tensor tt = out.t.detach().requires_grad_(), yy = y_event.detach().requires_grad_();
  const Tensor f_event = timed(tt.detach(), {yy.detach()})[0].detach();
  const std::vector<Tensor> dg =
      autograd::grad({component(event_fn(tt, yy), fired)}, {tt, yy}, {.allow_unused = true, .materialize_grads = true});
  const double rate = dg[0].item() + (dg[1] * f_event).sum().item();
  check(std::isfinite(rate) && rate != 0, kWho, ": event ", fired, " touches zero at t = ", te,
        " without crossing it (d/dt of its value is ", rate, " there), so the event time has no derivative");
  const Tensor g_live = component(event_fn(out.t, y_event), fired);  // zero in value; carries ∂g/∂θ and ∂g/∂y
  out.t = out.t - (g_live - g_live.detach()) / rate;
  out.y = y_event + f_event * (out.t - out.t.detach());  // the state moves with the event time
  return out;
}

}  // namespace fluxion::odeint
