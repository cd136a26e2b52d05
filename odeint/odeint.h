// SPDX-License-Identifier: MIT
// odeint: solve dy/dt = func(t, y) at a list of output times, differentiably.
//
//   auto f = [](const Tensor& t, const Tensor& y) { return -2 * t * y; };
//   Tensor ys = odeint::odeint(f, y0, t, {.rtol = 1e-7, .atol = 1e-9, .method = Method::dopri5});
//   // ys: [len(t), y0.shape...], ys[0] == y0
//
// Every stage is made of differentiable tensor ops, so backward through the
// solve (and second derivatives) works; odeint_adjoint (adjoint.h) instead
// solves the adjoint system backwards with memory flat in the number of steps.
// Names, options and defaults follow torchdiffeq; lesson 12 uses it.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "autograd/tensor.h"

namespace fluxion::odeint {

/// func(t, y) -> dy/dt; t is a 0-d tensor with y's dtype.
using Func = std::function<Tensor(const Tensor& t, const Tensor& y)>;

enum class Method {
  // fixed grid (one step per output interval, or .step_size)
  euler,
  midpoint,
  heun,
  heun3,
  rk4,
  // adaptive, embedded error estimate
  adaptive_heun,
  fehlberg2,
  bosh3,
  dopri5,
  tsit5,
  dopri8,
  // adaptive, linearly implicit (stiff problems): Rosenbrock methods of order 2(3) and 5(4)
  rosenbrock23,
  rodas5,
};
std::string method_name(Method m);

/// A tolerance: one number, or a tensor broadcastable to y0 (per component).
struct Tolerance {
  Tolerance(double v) : value(v) {}                     // NOLINT: implicit, so `.atol = 1e-9` reads naturally
  Tolerance(Tensor t) : per_component(std::move(t)) {}  // NOLINT
  double value = 0;
  Tensor per_component;
};

/// What one solve cost; filled when Options::stats points somewhere (reset
/// at the start of every solve, not accumulated across solves).
struct Stats {
  int64_t nfe = 0;       // evaluations of func
  int64_t accepted = 0;  // steps kept
  int64_t rejected = 0;  // steps retried with a smaller h
  int64_t njac = 0;      // Jacobians (stiff solvers)
  int64_t nlu = 0;       // LU factorisations (stiff solvers)
};

/// Recordings of func kept between solves (Options::jit_cache). With jit = true
/// every solve records func afresh; a training loop that solves with the same
/// func at every step can record it once instead, at its first solve:
///   auto cache = std::make_shared<odeint::JitCache>();
///   for (...) { Tensor ys = odeint::odeint(func, y0, t, {.jit = true, .jit_cache = cache}); ... }
/// What a recording freezes (C++ control flow, shapes) it then freezes across
/// solves, and so does which tensors func reads: their values are read at
/// every replay (an optimizer's in-place steps are seen), but a tensor func
/// reads in place of one it read when recorded is not. One recording per
/// shape and dtype of the state.
class JitCache {
 public:
  JitCache();
  ~JitCache();
  JitCache(const JitCache&) = delete;
  JitCache& operator=(const JitCache&) = delete;
  struct Entries;  // the recordings (odeint/jit_cache.cpp)
  Entries& entries() { return *entries_; }

 private:
  std::unique_ptr<Entries> entries_;
};

/// Fields in torchdiffeq's keyword order (rtol, atol, method, then its options).
struct Options {
  double rtol = 1e-7;
  Tolerance atol = 1e-9;
  Method method = Method::dopri5;
  std::optional<double> step_size;   // fixed-grid methods: the grid spacing
  std::optional<double> first_step;  // adaptive methods: skip the automatic first step
  std::optional<double> min_step;    // adaptive methods: a step rejected below this is an error
  std::optional<double> max_step;    // adaptive methods: |h| never exceeds this
  /// Adaptive explicit methods: times the steps must land on (step_t), and discontinuities of
  /// func they must not step across (jump_t): a step ends on the jump with func evaluated just
  /// before it, and the next starts with func evaluated just after it (torchdiffeq's perturb).
  std::vector<double> step_t, jump_t;
  // Steps (accepted + rejected) before giving up. Finite, so that an explicit
  // method on a stiff problem (or a span like [0, 1e300]) stops within about a
  // second with an error instead of running for minutes; 10^5 is ~100 times
  // what a smooth problem needs at tight tolerances, and allows fixed grids of
  // up to 10^5 steps. (Diffrax stops at 4096, torchdiffeq never.)
  int64_t max_num_steps = 100000;
  Stats* stats = nullptr;  // optional out-param: function evaluations, steps
  /// Record func once with jit::trace and replay its kernels at every evaluation,
  /// several times faster for small states, where autograd's bookkeeping outweighs
  /// the arithmetic (the stiff methods record func's Jacobian too). func must be
  /// straight-line tensor code (no branch on a value of t or y; see jit/trace.h).
  /// When y0 or a tensor func reads requires grad, an explicit method's solve keeps
  /// a tape of its arithmetic and backward sweeps it, replaying func's VJP (recorded
  /// once): the gradient of backprop through the steps, first order and reverse
  /// mode only. odeint_adjoint replays func in its forward solve and, in an explicit
  /// method's backward solve, the adjoint dynamics, recorded once.
  bool jit = false;
  /// With jit: keep func's recordings here and reuse them in later solves (see JitCache).
  std::shared_ptr<JitCache> jit_cache;
  /// torchdiffeq's callbacks, called with the step's start (t, y) and its size h: before
  /// every attempted step, after each accepted one, after each rejected one.
  std::function<void(double t, const Tensor&y, double h)> callback_step, callback_accept_step, callback_reject_step;
};

/// The solution at every time in t (1-D, strictly increasing or decreasing):
/// shape [len(t), y0.shape...]. Throws fluxion::Error naming the time reached
/// on bad input, NaN/Inf from func, step underflow or too many steps.
[[nodiscard]] Tensor odeint(const Func& func, const Tensor& y0, const Tensor& t, const Options& opts = {});

/// A state made of several tensors of one dtype, each with its own shape
/// (torchdiffeq's tuple state): func(t, {y_1, ..., y_n}) returns {dy_1/dt, ..., dy_n/dt}.
///   auto f = [](const Tensor& t, const std::vector<Tensor>& s) { return std::vector{s[1], -s[0]}; };
///   std::vector<Tensor> xv = odeint::odeint(f, {x0, v0}, t);   // xv[i]: [len(t), y0[i].shape...]
/// The state is solved as the tensors' elements concatenated in order (what
/// the step callbacks see), so the error norm is the RMS over all of them, as
/// in torchdiffeq; atol is one number.
using TupleFunc = std::function<std::vector<Tensor>(const Tensor& t, const std::vector<Tensor>& y)>;
[[nodiscard]] std::vector<Tensor> odeint(const TupleFunc& func, const std::vector<Tensor>& y0, const Tensor& t,
                                         const Options& opts = {});

}  // namespace fluxion::odeint
