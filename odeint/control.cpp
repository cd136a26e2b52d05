// SPDX-License-Identifier: MIT
// Step-size control on doubles: the mixed rtol/atol error norm, Hairer's
// automatic first step, the PI controller, and the checks that turn a
// failing solve into an error naming the time it reached.
#include <algorithm>
#include <cmath>

#include "autograd/grad_mode.h"
#include "autograd/ops.h"
#include "odeint/solver.h"

namespace fluxion::odeint::detail {

namespace {

// Values of a tensor as doubles (a copy only when it is not float64 and contiguous).
struct Doubles {
  explicit Doubles(const Tensor& t) {
    const TensorData& d = t.tensor_data();
    if (d.dtype == Float64 && d.is_contiguous()) {
      p = d.data<double>();
    } else {
      copy = t.to_vector<double>();
      p = copy.data();
    }
  }
  const double* p;
  std::vector<double> copy;
};

double atol_at(const std::vector<double>& atol, int64_t i) { return atol.size() == 1 ? atol[0] : atol[i]; }

}  // namespace

double error_ratio(const std::vector<State>& ks, const std::vector<double>& w, const State& y0, const State& y1,
                   const Settings& s) {
  double ratio = 0;
  for (size_t c = 0; c < y0.size(); ++c) {
    if (!s.in_norm[c] || y0[c].numel() == 0) continue;
    int64_t n = y0[c].numel();
    std::vector<double> err(n, 0.0);
    for (size_t j = 0; j < ks.size(); ++j) {
      if (w[j] == 0.0) continue;
      Doubles k(ks[j][c]);
      for (int64_t i = 0; i < n; ++i) err[i] += w[j] * k.p[i];
    }
    Doubles a(y0[c]), b(y1[c]);
    double sum = 0;
    for (int64_t i = 0; i < n; ++i) {
      double tol = atol_at(s.atol[c], i) + s.rtol * std::max(std::abs(a.p[i]), std::abs(b.p[i]));
      double r = err[i] / tol;
      sum += r * r;
    }
    double rms = std::sqrt(sum / (double)n);
    if (!(rms <= 1e300)) return NAN;  // NaN or Inf somewhere: the step cannot be trusted
    ratio = std::max(ratio, rms);
  }
  return ratio;
}

double scaled_norm(const State& x, const State& y, const Settings& s) {
  double norm = 0;
  for (size_t c = 0; c < x.size(); ++c) {
    if (!s.in_norm[c] || x[c].numel() == 0) continue;
    Doubles a(x[c]), b(y[c]);
    double sum = 0;
    for (int64_t i = 0; i < x[c].numel(); ++i) {
      double r = a.p[i] / (atol_at(s.atol[c], i) + s.rtol * std::abs(b.p[i]));
      sum += r * r;
    }
    norm = std::max(norm, std::sqrt(sum / (double)x[c].numel()));
  }
  return norm;
}

bool all_finite(const State& x) {
  for (const Tensor& t : x) {
    Doubles d(t);
    for (int64_t i = 0; i < t.numel(); ++i)
      if (!std::isfinite(d.p[i])) return false;
  }
  return true;
}

// HNW I, II.4: h0 from |y0| / |f0|, one explicit Euler step to estimate the
// second derivative, then h1 = (0.01 / max(d1, d2))^(1/order); take min(100 h0, h1).
double initial_step(const StateFunc& f, double t0, const State& y0, const State& f0, int order, double direction,
                    const Settings& s, Stats& stats) {
  NoGradGuard no_grad;
  double d0 = scaled_norm(y0, y0, s), d1 = scaled_norm(f0, y0, s);
  double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
  State y1 = lincomb(std::vector<const State*>{&y0, &f0}, {1.0, direction * h0});
  State f1 = f(t0 + direction * h0, y1);
  ++stats.nfe;
  State df = lincomb(std::vector<const State*>{&f1, &f0}, {1.0, -1.0});
  double d2 = scaled_norm(df, y0, s) / h0;
  double h1 = (d1 <= 1e-15 && d2 <= 1e-15) ? std::max(1e-6, h0 * 1e-3) : std::pow(0.01 / std::max(d1, d2), 1.0 / order);
  double h = std::min(100 * h0, h1);
  return direction * (std::isfinite(h) && h > 0 ? h : 1e-6);
}

// Hairer's PI control: fac = safety * ratio^-expo * prev_ratio^beta, clamped
// to [0.2, 10]; no growth right after a rejection.
double Controller::factor(double ratio, bool& accept) {
  accept = ratio <= 1.0;
  if (!accept) {
    last_rejected_ = true;
    if (!std::isfinite(ratio)) return fac_min_;
    return std::max(fac_min_, safety_ * std::pow(ratio, -expo_));
  }
  double fac = ratio == 0 ? fac_max_ : safety_ * std::pow(ratio, -expo_) * std::pow(prev_ratio_, beta_);
  fac = std::clamp(fac, fac_min_, fac_max_);
  if (last_rejected_) fac = std::min(fac, 1.0);
  prev_ratio_ = std::max(ratio, 1e-4);
  last_rejected_ = false;
  return fac;
}

void check_progress(double t, double h, int64_t steps, const Settings& s, bool nonfinite) {
  if (nonfinite && std::abs(h) <= 1e-12 * std::max(1.0, std::abs(t)))
    fail(s.who, ": func returned NaN or Inf near t = ", t, " (every smaller step failed too); check func for ",
         "overflow or a singularity there");
  check(std::abs(h) > 16 * 2.220446049250313e-16 * std::max(1.0, std::abs(t)), s.who, ": step size underflow (h = ", h,
        ") at t = ", t, "; the problem may be stiff (try method rosenbrock23) or have a singularity there");
  if (steps >= s.max_num_steps) {
    if (s.method != Method::rosenbrock23)
      fail(s.who, ": max_num_steps (", s.max_num_steps, ") exceeded at t = ", t, " with step size h = ", h,
           "; a step size this small for an explicit method usually means a stiff problem: use "
           "Method::rosenbrock23, or raise max_num_steps");
    fail(s.who, ": max_num_steps (", s.max_num_steps, ") exceeded at t = ", t, " with step size h = ", h,
         "; raise max_num_steps or loosen rtol/atol");
  }
}

// Cubic Hermite basis: h00 = (1 + 2s)(1 - s)^2, h10 = s(1 - s)^2, h01 = s^2(3 - 2s), h11 = s^2(s - 1).
State hermite(const State& y0, const State& f0, const State& y1, const State& f1, double h, double s) {
  double h00 = (1 + 2 * s) * (1 - s) * (1 - s), h10 = s * (1 - s) * (1 - s), h01 = s * s * (3 - 2 * s),
         h11 = s * s * (s - 1);
  return lincomb(std::vector<const State*>{&y0, &f0, &y1, &f1}, {h00, h * h10, h01, h * h11});
}

TimedFunc wrap_timed(const Func& func, const Tensor& y0, const std::string& who) {
  Shape shape = y0.shape();
  DType dtype = y0.dtype();
  return [func, shape, dtype, who](const Tensor& t, const State& y) -> State {
    Tensor dy = func(t, y[0]);
    check(dy.defined(), who, ": func returned an undefined tensor at t = ", t.item());
    if (dy.shape() != shape)
      fail(who, ": func returned shape ", to_string(dy.shape()), " at t = ", t.item(), " but y0 has shape ",
           to_string(shape), "; dy/dt must have the shape of y");
    if (dy.dtype() != dtype) dy = dy.to(dtype);
    return {dy};
  };
}

StateFunc wrap(const Func& func, const Tensor& y0, const std::string& who, bool jit) {
  DType dtype = y0.dtype();
  return [f = wrap_timed(jit ? traced(func, who) : func, y0, who), dtype](double t, const State& y) {
    return f(scalar(t, dtype), y);
  };
}

std::vector<double> output_times(const Tensor& t, const std::string& who) {
  check(t.defined() && t.dim() == 1 && t.numel() >= 1, who, ": t must be a 1-D tensor of output times, got shape ",
        t.defined() ? to_string(t.shape()) : std::string("(undefined)"));
  std::vector<double> ts = t.to_vector<double>();
  for (size_t i = 0; i < ts.size(); ++i) check(std::isfinite(ts[i]), who, ": t[", i, "] = ", ts[i], " is not finite");
  double dir = ts.size() > 1 && ts[1] < ts[0] ? -1 : 1;
  for (size_t i = 1; i < ts.size(); ++i)
    check(dir * (ts[i] - ts[i - 1]) > 0, who, ": t must be strictly increasing or strictly decreasing, but t[", i,
          "] = ", ts[i], " follows t[", i - 1, "] = ", ts[i - 1]);
  return ts;
}

double bounded_step(double h, const Settings& s, double t, bool after_reject) {
  double a = std::abs(h);
  if (s.max_step) a = std::min(a, *s.max_step);
  if (s.min_step && a < *s.min_step) {
    if (after_reject)
      fail(s.who, ": a step of ", *s.min_step, " (min_step) from t = ", t,
           " missed the tolerances; the problem may be stiff there (try rosenbrock23), or lower min_step");
    a = *s.min_step;
  }
  return std::copysign(a, h);
}

Settings settings(const Options& opts, const Tensor& y0, const std::string& who) {
  Settings s;
  s.method = opts.method;
  s.rtol = opts.rtol;
  s.step_size = opts.step_size;
  s.first_step = opts.first_step;
  s.min_step = opts.min_step;
  s.step_t = opts.step_t;
  s.jump_t = opts.jump_t;
  check((opts.step_t.empty() && opts.jump_t.empty()) || (!is_stiff(opts.method) && tableau(opts.method).adaptive()),
        who, ": step_t and jump_t need an adaptive explicit method (dopri5, tsit5, ...), not ",
        method_name(opts.method));
  for (double v : opts.step_t) check(std::isfinite(v), who, ": step_t holds ", v);
  for (double v : opts.jump_t) check(std::isfinite(v), who, ": jump_t holds ", v);
  s.max_step = opts.max_step;
  auto on_state = [](const std::function<void(double, const Tensor&, double)>& cb) {
    return cb ? [cb](double t, const State& y, double h) { cb(t, y[0], h); }
              : std::function<void(double, const State&, double)>();
  };
  s.callback_step = on_state(opts.callback_step);
  s.callback_accept_step = on_state(opts.callback_accept_step);
  s.callback_reject_step = on_state(opts.callback_reject_step);
  s.max_num_steps = opts.max_num_steps;
  s.who = who;
  s.jit = opts.jit;
  check(!opts.jit || !is_stiff(opts.method), who, ": jit = true is for the explicit methods; ",
        method_name(opts.method), " differentiates func for its Jacobians, which a replay cannot");
  check(opts.rtol >= 0, who, ": rtol must be >= 0, got ", opts.rtol);
  if (opts.atol.per_component.defined()) {
    // expand's rule (trailing dims equal or 1, no more dims than y0), checked here to name the option.
    const Shape &a = opts.atol.per_component.shape(), &y = y0.shape();
    bool fits = a.size() <= y.size();
    for (size_t i = 1; fits && i <= a.size(); ++i) fits = a[a.size() - i] == 1 || a[a.size() - i] == y[y.size() - i];
    check(fits, who, ": atol of shape ", a, " does not broadcast to y0's shape ", y,
          "; pass one number, or a tensor of y0's shape (or one that broadcasts to it, e.g. [",
          y.empty() ? 1 : y.back(), "] for a per-column tolerance)");
    s.atol = {opts.atol.per_component.expand(y).to_vector<double>()};
  } else {
    s.atol = {{opts.atol.value}};
  }
  for (double a : s.atol[0]) check(a >= 0, who, ": atol must be >= 0, got ", a);
  check(opts.rtol > 0 || std::any_of(s.atol[0].begin(), s.atol[0].end(), [](double a) { return a > 0; }), who,
        ": rtol and atol cannot both be zero");
  if (opts.step_size) check(*opts.step_size > 0, who, ": step_size must be > 0, got ", *opts.step_size);
  if (opts.first_step) check(*opts.first_step > 0, who, ": first_step must be > 0, got ", *opts.first_step);
  if (opts.min_step) check(*opts.min_step > 0, who, ": min_step must be > 0, got ", *opts.min_step);
  if (opts.max_step) check(*opts.max_step > 0, who, ": max_step must be > 0, got ", *opts.max_step);
  if (opts.min_step && opts.max_step)
    check(*opts.min_step <= *opts.max_step, who, ": min_step (", *opts.min_step, ") exceeds max_step (", *opts.max_step,
          ")");
  check(opts.max_num_steps > 0, who, ": max_num_steps must be > 0, got ", opts.max_num_steps);
  s.in_norm = {true};
  return s;
}

}  // namespace fluxion::odeint::detail
