// SPDX-License-Identifier: MIT
// The stiff solvers' step-size loop (rosenbrock23 and Rodas5, their steps in
// rosenbrock.h). The state (a list of tensors) is flattened into one vector
// of doubles; J = df/dy and T = df/dt come from fluxion's own autograd (one
// reverse pass per row, at leaf copies), M = I / (h gamma) - J is factored
// once per step and reused by every stage, and after a rejection J and T are
// reused too (same t and y). No graph is recorded here: a gradient comes from
// replaying the accepted steps with tensor ops (rosenbrock_replay.cpp). With
// Options::jit, f and its derivatives replay recorded kernels (Problem).
#include "odeint/rosenbrock.h"

#include <cmath>
#include <optional>

#include "autograd/engine.h"
#include "autograd/grad_mode.h"
#include "autograd/ops.h"
#include "jit/trace.h"
#include "odeint/solver.h"
#include "tensor/small_vector.h"

namespace fluxion::odeint::detail {

namespace {

using Vec = std::vector<double>;

// LU with partial pivoting of an n x n row-major matrix m (kept, for the refinement).
struct LU {
  int64_t n;
  Vec m, a;  // a: L below the diagonal (unit diagonal implied), U on and above it
  std::vector<int64_t> piv;
  bool singular = false;
  LU(Vec m_, int64_t n_) : n(n_), m(std::move(m_)), a(m), piv(n_) {
    for (int64_t k = 0; k < n; ++k) {
      int64_t p = k;
      for (int64_t i = k + 1; i < n; ++i)
        if (std::abs(a[i * n + k]) > std::abs(a[p * n + k])) p = i;
      piv[k] = p;
      if (a[p * n + k] == 0.0) {
        singular = true;
        return;
      }
      if (p != k)
        for (int64_t j = 0; j < n; ++j) std::swap(a[k * n + j], a[p * n + j]);
      for (int64_t i = k + 1; i < n; ++i) {
        double l = a[i * n + k] /= a[k * n + k];
        for (int64_t j = k + 1; j < n; ++j) a[i * n + j] -= l * a[k * n + j];
      }
    }
  }
  // m^-1 b with one step of iterative refinement in working precision:
  //   x = (LU)^-1 b,  x += (LU)^-1 (b - m x).
  // Partial pivoting is stable normwise, but rows of very different scales
  // (forward sensitivities solved beside Robertson's state: entries from 1e-2
  // to 1e8) lose the small rows' digits, enough to break the state's linear
  // invariant and collapse the step; one refinement step makes the solve
  // componentwise stable (Skeel 1980), for n^2 more work.
  Vec solve(const Vec& b) const {
    Vec x = substitute(b), r = b;
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < n; ++j) r[i] -= m[i * n + j] * x[j];
    Vec dx = substitute(std::move(r));
    for (int64_t i = 0; i < n; ++i) x[i] += dx[i];
    return x;
  }

 private:
  Vec substitute(Vec b) const {
    for (int64_t k = 0; k < n; ++k) {
      std::swap(b[k], b[piv[k]]);
      for (int64_t i = k + 1; i < n; ++i) b[i] -= a[i * n + k] * b[k];
    }
    for (int64_t k = n - 1; k >= 0; --k) {
      for (int64_t j = k + 1; j < n; ++j) b[k] -= a[k * n + j] * b[j];
      b[k] /= a[k * n + k];
    }
    return b;
  }
};

// The field as the steps see it: doubles in, doubles out. With Options::jit,
// f and f with its derivatives are each recorded with jit::trace at their
// first use and replayed after, on flat arrays of the state's dtype.
struct Problem {
  const TimedFunc& f;
  Layout layout;
  Stats& stats;
  const Settings& s;
  std::optional<jit::Trace> f_trace, jacobian_trace;

  Vec eval(double t, const Vec& y) {
    ++stats.nfe;
    return run(f_trace, false, t, y)[0];
  }
  // f, J = df/dy (row-major) and T = df/dt at (t, y).
  void jacobian(double t, const Vec& y, Vec& f0, Vec& J, Vec& T) {
    ++stats.nfe;
    ++stats.njac;
    std::vector<Vec> out = run(jacobian_trace, true, t, y);
    f0 = std::move(out[0]), J = std::move(out[1]), T = std::move(out[2]);
  }

  // in = (t, the state's components) -> {f flattened}
  std::vector<Tensor> values(const std::vector<Tensor>& in) const {
    NoGradGuard no_grad;
    return {flat(f(in[0], State(in.begin() + 1, in.end())))};
  }
  // in = (t, the state's components) -> {f flattened, the n rows of J, the n
  // entries of T}: one reverse pass per row, at leaf copies, so no graph
  // outlives the call.
  std::vector<Tensor> derivatives(const std::vector<Tensor>& in) const {
    EnableGradGuard grad_on;
    const int64_t n = layout.n;
    Tensor tv = in[0].detach().requires_grad_();
    State ys;
    for (size_t c = 1; c < in.size(); ++c) ys.push_back(in[c].detach().requires_grad_());
    Tensor out = flat(f(tv, ys));
    std::vector<Tensor> result{out.detach()}, dts;
    if (!out.requires_grad()) {  // f depends on neither t nor y
      result.resize(1 + n, zeros({n}, layout.dtype));
      result.resize(1 + 2 * n, zeros({}, layout.dtype));
      return result;
    }
    std::vector<Tensor> wrt = ys;
    wrt.push_back(tv);
    for (int64_t i = 0; i < n; ++i) {
      std::vector<double> e(n, 0.0);
      e[i] = 1.0;
      std::vector<Tensor> g = autograd::grad({out}, wrt,
                                             {.grad_outputs = {tensor(e, {n}, layout.dtype)},
                                              .retain_graph = true,
                                              .allow_unused = true,
                                              .materialize_grads = true});
      dts.push_back(g.back());
      g.pop_back();
      result.push_back(flat(g));
    }
    result.insert(result.end(), dts.begin(), dts.end());
    return result;
  }

  // {f} or {f, J, T} at (t, y), through autograd's ops or replayed from `trace`.
  std::vector<Vec> run(std::optional<jit::Trace>& trace, bool with_derivatives, double t, const Vec& y) {
    auto fn = [&](const std::vector<Tensor>& in) { return with_derivatives ? derivatives(in) : values(in); };
    const int64_t n = layout.n;
    const size_t outputs = with_derivatives ? 1 + 2 * (size_t)n : 1;
    // fn's outputs end to end: f [n], then J's rows [n] each, then T's entries
    auto offset = [n](size_t k) { return k <= (size_t)n ? (int64_t)k * n : n * n + (int64_t)k - 1; };
    Vec all((size_t)offset(outputs));
    if (!s.jit || !trace) {
      std::vector<Tensor> in{scalar(t, layout.dtype)};
      for (const Tensor& c : layout.state(y)) in.push_back(c);
      if (s.jit) {
        trace = jit::trace(fn, in);
      } else {
        std::vector<Tensor> parts = fn(in);
        for (size_t k = 0; k < outputs; ++k) {
          std::vector<double> v = parts[k].to_vector<double>();
          std::copy(v.begin(), v.end(), all.begin() + offset(k));
        }
      }
    }
    if (s.jit) {
      dispatch_float(layout.dtype, s.who.c_str(), [&](auto tag) {
        using T = decltype(tag);
        const T tt = (T)t;
        const std::vector<T> yv(y.begin(), y.end());
        SmallVector<const T*, 8> in{&tt};
        const T* at = yv.data();
        for (int64_t numel : layout.numels) in.push_back(at), at += numel;
        std::vector<T> buffer(all.size());
        std::vector<T*> to;
        for (size_t k = 0; k < outputs; ++k) to.push_back(buffer.data() + offset(k));
        trace->template run<T>(in, to);
        std::copy(buffer.begin(), buffer.end(), all.begin());
      });
    }
    std::vector<Vec> out{Vec(all.begin(), all.begin() + n)};
    if (with_derivatives) {
      out.emplace_back(all.begin() + n, all.begin() + n + n * n);
      out.emplace_back(all.begin() + n + n * n, all.end());
    }
    return out;
  }
};

}  // namespace

bool wants_graph(const TimedFunc& f, double t0, const State& y0) {
  if (!GradMode::is_enabled()) return false;
  for (const Tensor& c : y0)
    if (c.requires_grad()) return true;
  State probe;
  for (const Tensor& c : y0) probe.push_back(c.detach());
  for (const Tensor& c : f(scalar(t0, y0[0].dtype()), probe))
    if (c.requires_grad()) return true;  // f reads a tensor that requires grad
  return false;
}

namespace {

// Vectors of doubles as a backend of the steps in rosenbrock.h.
struct Doubles {
  using V = Vec;
  Problem& p;
  LU lu;  // of M = I / (h gamma) - J
  V f(double t, const V& y) { return p.eval(t, y); }
  V solve(const V& r) const { return lu.solve(r); }
  V comb(const std::vector<const V*>& xs, const std::vector<double>& cs) const {
    V out(xs[0]->size(), 0.0);
    for (size_t j = 0; j < xs.size(); ++j)
      for (size_t i = 0; i < out.size(); ++i) out[i] += cs[j] * (*xs[j])[i];
    return out;
  }
};

}  // namespace

double stiff_gamma(Method m) { return m == Method::rodas5 ? Rodas5::gamma : ros23_gamma(); }

std::vector<State> solve_rosenbrock(const TimedFunc& f, const State& y0, const std::vector<double>& ts,
                                    const Settings& s, Stats& stats) {
  Problem p{f, Layout(y0), stats, s};
  const Layout& L = p.layout;
  int64_t n = L.n;
  // rosenbrock23 interpolates outputs (cubic Hermite); Rodas5 steps onto each output time.
  const bool dense = s.method == Method::rosenbrock23;
  const double gamma = stiff_gamma(s.method);
  bool graph = wants_graph(f, ts.front(), y0);
  std::vector<State> out{y0};
  std::vector<StiffStep> accepted;
  double dir = ts.size() > 1 && ts.back() < ts.front() ? -1 : 1;
  double t = ts.front();
  Vec y = L.flat(y0), F0, J, T;
  p.jacobian(t, y, F0, J, T);
  bool fresh_jacobian = true;
  if (!all_finite(L.state(F0))) fail(s.who, ": func returned NaN or Inf at the initial time t = ", t);
  StateFunc sf = [&](double tt, const State& yy) { return L.state(p.eval(tt, L.flat(yy))); };
  double h = 0;
  if (ts.size() > 1) {
    Stats ignored;
    int order = dense ? 3 : 5;
    h = s.first_step ? dir * *s.first_step : initial_step(sf, t, L.state(y), L.state(F0), order, dir, s, ignored);
    h = bounded_step(h, s, t, false);
    stats.nfe += ignored.nfe;
  }
  // A step of size hh solves with M = I / (hh gamma) - J, factored here.
  auto factor = [&](double hh) {
    Vec M(n * n);
    for (int64_t i = 0; i < n * n; ++i) M[i] = -J[i];
    for (int64_t i = 0; i < n; ++i) M[i * n + i] += 1.0 / (hh * gamma);
    ++stats.nlu;
    return Doubles{p, LU(M, n)};
  };
  Controller control(dense ? 3 : 5);
  int64_t steps = 0;
  bool nonfinite = false;
  for (size_t next = 1; next < ts.size();) {
    check_progress(t, h, steps++, s, nonfinite);
    if (!fresh_jacobian) p.jacobian(t, y, F0, J, T);
    fresh_jacobian = true;
    // Without dense output, a step that would pass the next output time (or
    // stop within 1% of it) ends on it instead.
    bool clipped = !dense && dir * (ts[next] - (t + 1.01 * h)) <= 0;
    double hs = clipped ? ts[next] - t : h;
    if (s.callback_step) s.callback_step(t, L.state(y), hs);
    Doubles b = factor(hs);
    double ratio = NAN;
    RosenbrockStep<Vec> st;
    if (!b.lu.singular) {
      st = dense ? ros23_step(b, t, hs, y, F0, T) : rodas5_step(b, t, hs, y, F0, T);
      ratio = error_ratio({L.state(st.err)}, {1.0}, L.state(y), L.state(st.y1), s);
    }
    nonfinite = !std::isfinite(ratio);
    bool accept;
    double fac = control.factor(ratio, accept);
    if (!accept) {
      ++stats.rejected;
      if (s.callback_reject_step) s.callback_reject_step(t, L.state(y), hs);
      h = bounded_step(hs * fac, s, t, true);
      continue;  // same (t, y): J and T stay valid
    }
    ++stats.accepted;
    if (s.callback_accept_step) s.callback_accept_step(t, L.state(y), hs);
    double t1 = clipped ? ts[next] : t + hs;
    StiffStep step{t, hs, {}};
    for (; next < ts.size() && dir * (ts[next] - t1) <= 0; ++next) {
      double theta = ts[next] == t1 ? 1.0 : (ts[next] - t) / hs;
      step.thetas.push_back(theta);
      if (!graph)
        out.push_back(theta == 1.0 ? L.state(st.y1)
                                   : hermite(L.state(y), L.state(F0), L.state(st.y1), L.state(st.f1), hs, theta));
    }
    if (graph) accepted.push_back(std::move(step));
    if (s.on_step) {  // events, kept trajectories: each accepted step's dense output
      // rosenbrock23: cubic Hermite. rodas5: a step of theta h from the step's
      // start with its J and T (one more LU, six evaluations), a point as
      // accurate as a step, where a cubic through the ends would err by
      // O(h^4) across rodas5's long steps (Hermite remains the fallback).
      Vec f1 = st.f1;
      auto interpolant = [&](double theta) {
        if (theta == 0.0 || theta == 1.0) return L.state(theta == 0.0 ? y : st.y1);
        if (!dense) {
          Doubles partial = factor(theta * hs);
          if (!partial.lu.singular) return L.state(rodas5_step(partial, t, theta * hs, y, F0, T).y1);
        }
        if (f1.empty()) f1 = p.eval(t1, st.y1);
        return hermite(L.state(y), L.state(F0), L.state(st.y1), L.state(f1), hs, theta);
      };
      if (s.on_step(t, t1, interpolant)) break;
    }
    t = t1;
    y = std::move(st.y1);
    fresh_jacobian = false;
    h = bounded_step(clipped ? std::max(std::abs(hs * fac), std::abs(h)) * dir : hs * fac, s, t, false);
  }
  return graph ? replay_rosenbrock(f, y0, accepted, s.method) : out;
}

}  // namespace fluxion::odeint::detail
