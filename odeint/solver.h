// SPDX-License-Identifier: MIT
// The solver's insides, shared by odeint, odeint_adjoint and the stiff solver.
//
// A state is a list of tensors (odeint solves one; the adjoint solves the
// augmented list (y, a, a_theta...) without concatenating it). Step-size
// control runs on doubles read from the tensors' data; the state updates are
// differentiable tensor ops, so the graph of a solve is the graph of its
// arithmetic and nothing else.
//
// A solve that needs no graph (Options::jit) steps on a FlatState instead: the
// components' numbers end to end in one array, updated by plain loops. The
// explicit methods are written once, as templates over the state type S
// (State or FlatState<float / double>), which provides lincomb, error_ratio,
// scaled_norm, all_finite and as_state.
#pragma once
#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "odeint/odeint.h"
#include "odeint/tableau.h"

namespace fluxion::jit {
class Trace;
}

namespace fluxion::odeint::detail {

using State = std::vector<Tensor>;
/// A field on states of type S.
template <class S>
using FieldOf = std::function<S(double t, const S& y)>;
using StateFunc = FieldOf<State>;
/// A field with t as a 0-d tensor of the state's dtype, so that the stiff
/// solver can take df/dt by autograd.
using TimedFunc = std::function<State(const Tensor& t, const State& y)>;

/// A state's components laid end to end in one array: their shapes, sizes and dtype.
struct Layout {
  std::vector<Shape> shapes;
  std::vector<int64_t> numels;
  DType dtype;
  int64_t n = 0;  // all the numbers

  explicit Layout(const State& y);
  /// The components' values end to end, as T.
  template <class T = double>
  std::vector<T> flat(const State& y) const;
  /// New tensors of the components' shapes holding v's values.
  template <class T>
  State state(const std::vector<T>& v) const;
};

template <class T>
struct Tape;
/// A state as numbers of its dtype T, laid out by `layout` (which outlives it).
/// In a solve differentiated through a tape (taped.cpp), `tape` records the
/// arithmetic and `entry` is where this value was made; otherwise both are unset.
template <class T>
struct FlatState {
  std::vector<T> v;
  const Layout* layout = nullptr;
  Tape<T>* tape = nullptr;
  int32_t entry = -1;
};

/// The state's components end to end as one differentiable vector [n].
[[nodiscard]] Tensor flat(const State& y);

/// y = sum_j c[j] * xs[j] for tensors of one shape, as one differentiable op
/// (a stage of dopri5 is one op, not twelve). Zero coefficients are skipped.
[[nodiscard]] Tensor lincomb(const std::vector<Tensor>& xs, const std::vector<double>& cs);
/// lincomb applied component by component to states; on flat states, the
/// same sum in the same order and precision as the tensor op's kernel.
[[nodiscard]] State lincomb(const std::vector<const State*>& xs, const std::vector<double>& cs);
template <class T>
[[nodiscard]] FlatState<T> lincomb(const std::vector<const FlatState<T>*>& xs, const std::vector<double>& cs);

/// The state as tensors (for callbacks and outputs).
inline const State& as_state(const State& y) { return y; }
inline State as_state(State&& y) { return std::move(y); }
template <class T>
State as_state(const FlatState<T>& y) {
  return y.layout->state(y.v);
}

/// How a solve is controlled (already checked and converted to doubles).
struct Settings {
  Method method = Method::dopri5;
  double rtol = 1e-7;
  std::vector<std::vector<double>> atol;  // per state component: 1 value or numel values
  std::vector<bool> in_norm;              // components counted by the error norm (seminorm)
  std::optional<double> step_size, first_step, min_step, max_step;
  std::vector<double> step_t, jump_t;
  /// Options' callbacks, on the whole state.
  std::function<void(double t, const State&y, double h)> callback_step, callback_accept_step, callback_reject_step;
  int64_t max_num_steps = 100000;
  std::string who = "odeint";  // names the caller in errors
  bool jit = false;            // Options::jit
  std::shared_ptr<JitCache> jit_cache;  // Options::jit_cache
  /// Adaptive explicit methods call this after every accepted step from t0 to t1,
  /// with the step's dense output (theta in [0, 1]); returning true ends the solve
  /// there, without the outputs after t1. Events are found this way.
  std::function<bool(double t0, double t1, const std::function<State(double theta)>& dense)> on_step;
};

/// Mixed error ratio: the max over counted components of
///   RMS_i( err_i / (atol_i + rtol * max(|y0_i|, |y1_i|)) ).
/// err is given as sum_j w[j] * ks[j]; NaN when anything is not finite.
double error_ratio(const std::vector<State>& ks, const std::vector<double>& w, const State& y0, const State& y1,
                   const Settings& s);
template <class T>
double error_ratio(const std::vector<FlatState<T>>& ks, const std::vector<double>& w, const FlatState<T>& y0,
                   const FlatState<T>& y1, const Settings& s);
/// RMS of x / (atol + rtol |y|) over counted components (Hairer's d0, d1, d2).
double scaled_norm(const State& x, const State& y, const Settings& s);
template <class T>
double scaled_norm(const FlatState<T>& x, const FlatState<T>& y, const Settings& s);
bool all_finite(const State& x);
template <class T>
bool all_finite(const FlatState<T>& x);

/// Hairer's automatic first step (HNW I, II.4), signed like `direction`.
template <class S>
double initial_step(const FieldOf<S>& f, double t0, const S& y0, const S& f0, int order, double direction,
                    const Settings& s, Stats& stats);

/// The PI step-size controller: Hairer's dopri5 exponents. Safety 0.85, a
/// little below the usual 0.9: a more cautious step is rejected less often,
/// which more than pays for its smaller size. Hairer seeds the previous error
/// ratio with 1e-4, which damps the first growth by 0.69; seeded with 1 the
/// first step grows as an I controller would, so a short integration window is
/// not spent creeping up from a damped first step.
class Controller {
 public:
  explicit Controller(int order) : expo_(1.0 / order - 0.75 * beta_) {}
  /// New |h| factor after a step with this error ratio, and whether to accept it.
  double factor(double ratio, bool& accept);

 private:
  static constexpr double beta_ = 0.04, safety_ = 0.85, fac_min_ = 0.2, fac_max_ = 10.0;
  double expo_;
  double prev_ratio_ = 1.0;  // no memory term before the first accepted step
  bool last_rejected_ = false;
};

/// Fails with the time reached when h has underflowed or too many steps ran.
void check_progress(double t, double h, int64_t steps, const Settings& s, bool nonfinite);
/// h with |h| clamped into [min_step, max_step]; after a rejected step, falling
/// below min_step is an error naming t instead.
double bounded_step(double h, const Settings& s, double t, bool after_reject);

/// Cubic Hermite interpolation on [t0, t0 + h] at theta in [0, 1].
template <class S>
[[nodiscard]] S hermite(const S& y0, const S& f0, const S& y1, const S& f1, double h, double theta);

/// Integrates from ts[0] through every ts[i] with an explicit method; the
/// states at those times. Instantiated for State and FlatState<float / double>.
template <class S>
std::vector<S> solve(const FieldOf<S>& f, const S& y0, const std::vector<double>& ts, const Settings& s,
                     Stats& stats);
template <class S>
std::vector<S> solve_adaptive(const FieldOf<S>& f, const S& y0, const std::vector<double>& ts, const Settings& s,
                              Stats& stats);
/// The stiff solvers, rosenbrock23 and rodas5, with Jacobians from autograd. Step-size
/// control and the linear algebra run on doubles; when a gradient is wanted
/// (y0 or a tensor f captures requires grad) the accepted steps are replayed
/// with differentiable tensor ops (rosenbrock_replay.cpp).
std::vector<State> solve_rosenbrock(const TimedFunc& f, const State& y0, const std::vector<double>& ts,
                                    const Settings& s, Stats& stats);
/// An accepted step of the stiff solver and the outputs inside it (t + theta h).
struct StiffStep {
  double t, h;
  std::vector<double> thetas;
};
/// The states at every output of `steps`, as a differentiable function of y0
/// and of the tensors f captures (outs[0] is y0).
std::vector<State> replay_rosenbrock(const TimedFunc& f, const State& y0, const std::vector<StiffStep>& steps,
                                     Method method);
/// The stiff methods (rosenbrock23, rodas5) and their gamma (M = I / (h gamma) - J).
inline bool is_stiff(Method m) { return m == Method::rosenbrock23 || m == Method::rodas5; }
double stiff_gamma(Method m);
/// Whether a solve from y0 must record a graph: grad mode is on and y0, or
/// a tensor f captures, requires grad.
bool wants_graph(const TimedFunc& f, double t0, const State& y0);

/// Wraps a user func, checking the shape and dtype it returns.
TimedFunc wrap_timed(const Func& func, const Tensor& y0, const std::string& who);
/// The same with t as a double.
StateFunc wrap(const Func& func, const Tensor& y0, const std::string& who);
/// Solves y' = func(t, y) from y0 with the solver s names: the stiff one, an
/// explicit one replayed on flat states (s.jit), or an explicit one through autograd.
std::vector<State> solve_func(const Func& func, const Tensor& y0, const std::vector<double>& ts, const Settings& s,
                              Stats& stats);

/// Options::jit (replayed.cpp): a field recorded by jit::trace at its first
/// evaluation and replayed at every later one, solved on flat states. The
/// recording sees t and the first `inputs` components of the state (the rest
/// only as their shapes, for fields like the adjoint's whose value does not
/// read them) and must return the derivative of every component; one
/// recording serves every solve of this object.
struct ReplayedTrace;
class Replayed {
 public:
  Replayed(TimedFunc field, size_t inputs);
  /// Records the field at (t, y) now instead of at the first evaluation; returns
  /// the tensors it read that require grad (those it captured, not y's).
  std::vector<Tensor> record(double t, const State& y, const std::string& who);
  std::vector<State> solve(const State& y0, const std::vector<double>& ts, const Settings& s, Stats& stats);
  /// The same on a flat state (which may be on a tape), its layout's dtype being T.
  template <class T>
  std::vector<FlatState<T>> solve(const FlatState<T>& y0, const std::vector<double>& ts, const Settings& s,
                                  Stats& stats);

 private:
  template <class T>
  FlatState<T> eval(double t, const FlatState<T>& y, const std::string& who);
  TimedFunc field_;
  size_t inputs_;
  std::shared_ptr<ReplayedTrace> trace_;  // the recording, made at the first evaluation
};
/// A solve's accepted steps, kept so that y(t) can be read anywhere in the span
/// afterwards (odeint_adjoint's interpolating mode). Each step's dense output is
/// sampled at theta = 0, 1/4, 1/2, 3/4, 1 and kept as the quartic through those
/// points, in powers of theta = (t - t_k) / h_k: exactly the dense output of
/// dopri5 and of the cubic Hermite methods, and for rodas5, whose dense output
/// is a step of its own, within a step's error of the solution.
class Trajectory {
 public:
  /// A Settings::on_step that records each accepted step (it never ends the solve).
  std::function<bool(double, double, const std::function<State(double)>&)> recorder();
  /// y(t) from the step holding t (the first or last step's quartic beyond the
  /// ends), differentiable w.r.t. the 0-d tensor t when it requires grad.
  [[nodiscard]] State at(const Tensor& t) const;

 private:
  std::vector<double> t0_, h_;
  std::vector<std::array<State, 5>> c_;  // y = c0 + theta (c1 + theta (c2 + theta (c3 + theta c4)))
};
/// Validated output times as doubles (1-D, at least one, strictly monotone).
std::vector<double> output_times(const Tensor& t, const std::string& who);
/// Options -> Settings for a one-component state like y0.
Settings settings(const Options& opts, const Tensor& y0, const std::string& who);

/// A recording of func (Options::jit) for states of one shape and dtype: the
/// field recorded, the tensors it read that require grad, and, once a taped
/// solve has needed it, the recording of func's VJP.
struct Recorded {
  Replayed replayed;
  std::vector<Tensor> captured;
  std::shared_ptr<jit::Trace> vjp;
};
/// The recording of func for states like y0: s.jit_cache's when it holds one,
/// else recorded now, at (t0, y0), and kept in s.jit_cache if there is one.
std::shared_ptr<Recorded> recorded(const Func& func, const Tensor& y0, double t0, const Settings& s);

/// odeint with Options::jit under grad mode (taped.cpp): the replayed solve,
/// which, when y0 or a tensor func reads requires grad, keeps a tape of its
/// arithmetic and is differentiated by a reverse sweep over it. The states at
/// every time in ts, [len(ts), y0.shape...].
Tensor odeint_replayed(const Func& func, const Tensor& y0, const std::vector<double>& ts, const Settings& s,
                       Stats& stats);

}  // namespace fluxion::odeint::detail
