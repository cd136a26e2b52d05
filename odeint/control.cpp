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

// One component's RMS_i( x_i / (atol_i + rtol * max(|a_i|, |b_i|)) ), for any value types.
template <class X, class A, class B>
double scaled_rms(const X* x, const A* a, const B* b, int64_t n, const std::vector<double>& atol, double rtol) {
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) {
    double tol = atol_at(atol, i) + rtol * std::max(std::abs((double)a[i]), std::abs((double)b[i]));
    double r = (double)x[i] / tol;
    sum += r * r;
  }
  return std::sqrt(sum / (double)n);
}

// The counted components of a state: component c's values at(c) (pointers) and numel(c).
// error_ratio and scaled_norm, written once over it for tensor and flat states.
struct TensorParts {
  const State& y;
  size_t count() const { return y.size(); }
  int64_t numel(size_t c) const { return y[c].numel(); }
  Doubles at(size_t c) const { return Doubles(y[c]); }
};

template <class T>
struct FlatParts {
  const FlatState<T>& y;
  struct Values {
    const T* p;
  };
  size_t count() const { return y.layout->numels.size(); }
  int64_t numel(size_t c) const { return y.layout->numels[c]; }
  Values at(size_t c) const { return {y.v.data() + offset(c)}; }
  int64_t offset(size_t c) const {
    int64_t off = 0;
    for (size_t i = 0; i < c; ++i) off += y.layout->numels[i];
    return off;
  }
};

template <class Parts>
double ratio_over(const std::vector<Parts>& ks, const std::vector<double>& w, const Parts& y0, const Parts& y1,
                  const Settings& s) {
  double ratio = 0;
  for (size_t c = 0; c < y0.count(); ++c) {
    int64_t n = y0.numel(c);
    if (!s.in_norm[c] || n == 0) continue;
    std::vector<double> err(n, 0.0);
    for (size_t j = 0; j < ks.size(); ++j) {
      if (w[j] == 0.0) continue;
      auto k = ks[j].at(c);
      for (int64_t i = 0; i < n; ++i) err[i] += w[j] * (double)k.p[i];
    }
    auto a = y0.at(c), b = y1.at(c);
    double rms = scaled_rms(err.data(), a.p, b.p, n, s.atol[c], s.rtol);
    if (!(rms <= 1e300)) return NAN;  // NaN or Inf somewhere: the step cannot be trusted
    ratio = std::max(ratio, rms);
  }
  return ratio;
}

template <class Parts>
double norm_over(const Parts& x, const Parts& y, const Settings& s) {
  double norm = 0;
  for (size_t c = 0; c < x.count(); ++c) {
    int64_t n = x.numel(c);
    if (!s.in_norm[c] || n == 0) continue;
    auto a = x.at(c), b = y.at(c);
    norm = std::max(norm, scaled_rms(a.p, b.p, b.p, n, s.atol[c], s.rtol));
  }
  return norm;
}

}  // namespace

double error_ratio(const std::vector<State>& ks, const std::vector<double>& w, const State& y0, const State& y1,
                   const Settings& s) {
  std::vector<TensorParts> kp;
  for (const State& k : ks) kp.push_back({k});
  return ratio_over(kp, w, TensorParts{y0}, TensorParts{y1}, s);
}

template <class T>
double error_ratio(const std::vector<FlatState<T>>& ks, const std::vector<double>& w, const FlatState<T>& y0,
                   const FlatState<T>& y1, const Settings& s) {
  std::vector<FlatParts<T>> kp;
  for (const FlatState<T>& k : ks) kp.push_back({k});
  return ratio_over(kp, w, FlatParts<T>{y0}, FlatParts<T>{y1}, s);
}

double scaled_norm(const State& x, const State& y, const Settings& s) {
  return norm_over(TensorParts{x}, TensorParts{y}, s);
}

template <class T>
double scaled_norm(const FlatState<T>& x, const FlatState<T>& y, const Settings& s) {
  return norm_over(FlatParts<T>{x}, FlatParts<T>{y}, s);
}

bool all_finite(const State& x) {
  for (const Tensor& t : x) {
    Doubles d(t);
    for (int64_t i = 0; i < t.numel(); ++i)
      if (!std::isfinite(d.p[i])) return false;
  }
  return true;
}

template <class T>
bool all_finite(const FlatState<T>& x) {
  return std::all_of(x.v.begin(), x.v.end(), [](T v) { return std::isfinite(v); });
}

// HNW I, II.4: h0 from |y0| / |f0|, one explicit Euler step to estimate the
// second derivative, then h1 = (0.01 / max(d1, d2))^(1/order); take min(100 h0, h1).
template <class S>
double initial_step(const FieldOf<S>& f, double t0, const S& y0, const S& f0, int order, double direction,
                    const Settings& s, Stats& stats) {
  NoGradGuard no_grad;
  double d0 = scaled_norm(y0, y0, s), d1 = scaled_norm(f0, y0, s);
  double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
  S y1 = lincomb(std::vector<const S*>{&y0, &f0}, {1.0, direction * h0});
  S f1 = f(t0 + direction * h0, y1);
  ++stats.nfe;
  S df = lincomb(std::vector<const S*>{&f1, &f0}, {1.0, -1.0});
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

// Steps that shrink under an explicit method usually mean a stiff problem;
// under a stiff one, a singularity or tolerances the numbers cannot meet.
constexpr const char* kTryStiff = "the problem may be stiff: try Method::rodas5 or Method::rosenbrock23";

void check_progress(double t, double h, int64_t steps, const Settings& s, bool nonfinite) {
  if (nonfinite && std::abs(h) <= 1e-12 * std::max(1.0, std::abs(t)))
    fail(s.who, ": func returned NaN or Inf near t = ", t, " (every smaller step failed too); check func for ",
         "overflow or a singularity there");
  const bool stiff = is_stiff(s.method);
  check(std::abs(h) > 16 * 2.220446049250313e-16 * std::max(1.0, std::abs(t)), s.who, ": step size underflow (h = ", h,
        ") at t = ", t, "; ",
        stiff ? "func may have a singularity there, or atol be below what roundoff allows" : kTryStiff,
        stiff ? "" : ", or func have a singularity there");
  if (steps >= s.max_num_steps)
    fail(s.who, ": max_num_steps (", s.max_num_steps, ") exceeded at t = ", t, " with step size h = ", h, "; ",
         stiff ? "raise max_num_steps or loosen rtol/atol" : kTryStiff, stiff ? "" : ", or raise max_num_steps");
}

// Cubic Hermite basis: h00 = (1 + 2s)(1 - s)^2, h10 = s(1 - s)^2, h01 = s^2(3 - 2s), h11 = s^2(s - 1).
template <class S>
S hermite(const S& y0, const S& f0, const S& y1, const S& f1, double h, double s) {
  double h00 = (1 + 2 * s) * (1 - s) * (1 - s), h10 = s * (1 - s) * (1 - s), h01 = s * s * (3 - 2 * s),
         h11 = s * s * (s - 1);
  return lincomb(std::vector<const S*>{&y0, &f0, &y1, &f1}, {h00, h * h10, h01, h * h11});
}

#define FLUXION_FLAT_STATE(T)                                                                                      \
  template double error_ratio(const std::vector<FlatState<T>>&, const std::vector<double>&, const FlatState<T>&, \
                              const FlatState<T>&, const Settings&);                                             \
  template double scaled_norm(const FlatState<T>&, const FlatState<T>&, const Settings&);                        \
  template bool all_finite(const FlatState<T>&);
FLUXION_FLAT_STATE(float)
FLUXION_FLAT_STATE(double)
#undef FLUXION_FLAT_STATE
#define FLUXION_STATE(S)                                                                                     \
  template double initial_step(const FieldOf<S>&, double, const S&, const S&, int, double, const Settings&, \
                               Stats&);                                                                      \
  template S hermite(const S&, const S&, const S&, const S&, double, double);
FLUXION_STATE(State)
FLUXION_STATE(FlatState<float>)
FLUXION_STATE(FlatState<double>)
#undef FLUXION_STATE

TimedFunc wrap_timed(const Func& func, const Tensor& y0, const std::string& who) {
  Shape shape = y0.shape();
  DType dtype = y0.dtype();
  return [func, shape, dtype, who](const Tensor& t, const State& y) -> State {
    Tensor dy = func(t, y[0]);
    if (!dy.defined()) fail(who, ": func returned an undefined tensor at t = ", t.item());
    if (dy.shape() != shape)
      fail(who, ": func returned shape ", to_string(dy.shape()), " at t = ", t.item(), " but y0 has shape ",
           to_string(shape), "; dy/dt must have the shape of y");
    if (dy.dtype() != dtype) dy = dy.to(dtype);
    return {dy};
  };
}

StateFunc wrap(const Func& func, const Tensor& y0, const std::string& who) {
  DType dtype = y0.dtype();
  return [f = wrap_timed(func, y0, who), dtype](double t, const State& y) {
    return f(scalar(t, dtype), y);
  };
}

std::vector<State> solve_func(const Func& func, const Tensor& y0, const std::vector<double>& ts, const Settings& s,
                              Stats& stats) {
  if (is_stiff(s.method)) return solve_rosenbrock(wrap_timed(func, y0, s.who), {y0}, ts, s, stats);
  if (s.jit) return recorded(func, y0, ts.front(), s)->replayed.solve({y0}, ts, s, stats);
  return solve(wrap(func, y0, s.who), {y0}, ts, s, stats);
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
      fail(s.who, ": a step of ", *s.min_step, " (min_step) from t = ", t, " missed the tolerances; ",
           is_stiff(s.method) ? "loosen rtol/atol" : kTryStiff, ", or lower min_step");
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
  s.jit_cache = opts.jit_cache;
  check(!opts.jit_cache || opts.jit, who, ": jit_cache keeps jit's recordings; set jit = true too");
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
