// SPDX-License-Identifier: MIT
// optim::LBFGS: torch.optim.LBFGS's step, line for line, over the flat
// parameter vector; its memory is read from and written back to the state of
// the first parameter, so that save/load resumes it exactly.
#include "optim/lbfgs.h"

#include <cmath>
#include <deque>
#include <exception>

#include "autograd/ops.h"
#include "optim/flat_params.h"
#include "optim/line_search.h"
#include "optim/quasi_newton.h"

namespace fluxion::optim {

using detail::dot;
using detail::max_abs;
using detail::Vec;

namespace {

void check_options(const LBFGSOptions& o) {
  check(o.lr > 0 && o.max_iter > 0 && o.history_size > 0, "LBFGS: lr, max_iter and history_size must be positive");
  check(!o.max_eval || *o.max_eval > 0, "LBFGS: max_eval must be positive, got ", o.max_eval.value_or(0));
}

// torch's state['d'], ['t'], ... as flat double vectors. The pairs are
// saved as torch names them: old_dirs (y, the change of gradient), old_stps
// (s, the step), ro (1 / <y, s>), H_diag (gamma).
struct Memory {
  Vec d, prev_flat_grad;
  double t = 0, prev_loss = 0;
  detail::LbfgsHistory h;
};

// Reads the memory, checking its sizes against n parameters' elements (a
// state loaded from another model would otherwise index out of range).
Memory read_memory(const ParamState& s, size_t n) {
  Memory m;
  auto vec = [&](const char* name) {
    auto it = s.tensors.find(name);
    return it == s.tensors.end() ? Vec{} : detail::to_vec(it->second);
  };
  auto scalar = [&](const char* name, double dflt) {
    auto it = s.scalars.find(name);
    return it == s.scalars.end() ? dflt : it->second;
  };
  auto rows = [&](const char* name) {
    Vec flat = vec(name);
    std::deque<Vec> out;
    for (size_t k = 0; k + n <= flat.size(); k += n) out.emplace_back(flat.begin() + k, flat.begin() + k + n);
    check(flat.size() == out.size() * n, "LBFGS: the state's ", name, " has ", flat.size(),
          " values, not a multiple of the parameters' ", n, " elements (was it saved for another model?)");
    return out;
  };
  m.d = vec("d"), m.prev_flat_grad = vec("prev_flat_grad");
  m.h.y = rows("old_dirs"), m.h.s = rows("old_stps");
  Vec ro = vec("ro");
  m.h.rho.assign(ro.begin(), ro.end());
  m.t = scalar("t", 0), m.prev_loss = scalar("prev_loss", 0), m.h.gamma = scalar("H_diag", 1);
  bool started = scalar("n_iter", 0) > 0;
  check(!started || (m.d.size() == n && m.prev_flat_grad.size() == n), "LBFGS: the state's d has ", m.d.size(),
        " values but the parameters have ", n, " elements (was it saved for another model?)");
  check(m.h.s.size() == m.h.y.size() && m.h.rho.size() == m.h.y.size(),
        "LBFGS: the state's old_dirs, old_stps and ro have different lengths");
  return m;
}

void write_memory(const Memory& m, ParamState& s, size_t n) {
  auto rows = [&](const std::deque<Vec>& pairs) {
    Vec flat;
    for (const Vec& r : pairs) flat.insert(flat.end(), r.begin(), r.end());
    return detail::to_tensor(flat, {(int64_t)pairs.size(), (int64_t)n});
  };
  s.tensors["d"] = detail::to_tensor(m.d, {(int64_t)n});
  s.tensors["prev_flat_grad"] = detail::to_tensor(m.prev_flat_grad, {(int64_t)n});
  s.tensors["old_dirs"] = rows(m.h.y);
  s.tensors["old_stps"] = rows(m.h.s);
  s.tensors["ro"] = detail::to_tensor(Vec(m.h.rho.begin(), m.h.rho.end()), {(int64_t)m.h.rho.size()});
  s.scalars["t"] = m.t, s.scalars["prev_loss"] = m.prev_loss, s.scalars["H_diag"] = m.h.gamma;
}

}  // namespace

LBFGS::LBFGS(std::vector<Tensor> params, LBFGSOptions defaults) : OptimizerWith(std::move(params), defaults) {
  check_options(defaults);
  detail::check_flat_params(groups_[0].params, "LBFGS");
}

void LBFGS::add_param_group(ParamGroup<LBFGSOptions>) { detail::check_single_group(groups_.size() + 1, "LBFGS"); }

int LBFGS::func_evals() const { return detail::state_count(*this, "func_evals"); }

int LBFGS::n_iter() const { return detail::state_count(*this, "n_iter"); }

Tensor LBFGS::step(const Closure& closure) {
  check(bool(closure), "LBFGS.step: needs a closure that zeroes the gradients, computes the loss, calls "
                       "backward() and returns the loss");
  detail::check_single_group(groups_.size(), "LBFGS");  // param_groups() is mutable
  const std::vector<Tensor>& params = groups_[0].params;
  detail::check_flat_params(params, "LBFGS");
  const LBFGSOptions o = groups_[0].options;  // lr as the scheduler left it
  check_options(o);
  const int max_eval = o.max_eval.value_or(o.max_iter * 5 / 4);
  ParamState& s = state(params[0]);
  // A closure that throws (here or in the line search, after the parameters
  // moved) leaves the memory and the parameters as they were before this step.
  struct Rollback {
    ParamState& slot;
    ParamState before;
    const std::vector<Tensor>& params;
    Vec x;
    int uncaught = std::uncaught_exceptions();
    ~Rollback() {
      if (std::uncaught_exceptions() <= uncaught) return;
      slot = std::move(before);
      detail::set_params(params, x);
    }
  } rollback{s, s, params, detail::param_values(params)};
  double& state_func_evals = s.scalars["func_evals"];
  double& state_n_iter = s.scalars["n_iter"];

  Tensor orig_loss = evaluate(closure);
  double loss = orig_loss.item();
  int evals = 1;
  ++state_func_evals;
  Vec g = detail::flat_grad(params);
  if (max_abs(g) <= o.tolerance_grad) return orig_loss;
  Memory m = read_memory(s, g.size());
  for (int iter = 1; iter <= o.max_iter; ++iter) {
    ++state_n_iter;
    if (state_n_iter == 1) {  // steepest descent to begin with
      m.d = g;
      vec::scale(-1, m.d);
      m.h.clear();
    } else {  // L-BFGS with the newest pair, if its curvature is positive (torch's test)
      Vec y = detail::minus(g, m.prev_flat_grad), s_k = m.d;
      vec::scale(m.t, s_k);
      double ys = dot(y, s_k);
      if (ys > 1e-10) m.h.push(std::move(s_k), y, ys, dot(y, y), (size_t)o.history_size);
      m.d = g;
      vec::scale(-1, m.d);
      detail::lbfgs_two_loop(m.h, m.d);
    }
    m.prev_flat_grad = g;
    m.prev_loss = loss;
    double g1 = 0;  // torch's |g|_1, summed in order
    for (double v : g) g1 += std::abs(v);
    m.t = state_n_iter == 1 ? std::min(1.0, 1.0 / g1) * o.lr : o.lr;
    double gtd = dot(g, m.d);
    if (gtd > -o.tolerance_change) break;  // not a descent direction any more
    int ls_evals = 0;
    Vec x0 = detail::param_values(params);
    if (o.line_search == LineSearch::strong_wolfe) {
      struct Sample {
        double t, loss;
        Vec g;
      };
      std::vector<Sample> seen;
      Phi phi = [&](double t) {
        detail::set_params(params, detail::step(x0, t, m.d));
        double l = evaluate(closure).item();
        seen.push_back({t, l, detail::flat_grad(params)});
        return PhiValue{l, dot(seen.back().g, m.d)};
      };
      LineSearchResult ls = strong_wolfe(phi, loss, gtd, m.t, {.max_evals = 25});
      ls_evals = ls.evals;
      m.t = ls.status == LineSearchStatus::ok ? ls.alpha : 0;
      detail::set_params(params, detail::step(x0, m.t, m.d));
      for (const Sample& smp : seen)
        if (smp.t == m.t) loss = smp.loss, g = smp.g;
      if (m.t == 0) g = m.prev_flat_grad, loss = m.prev_loss;
    } else {
      detail::set_params(params, detail::step(x0, m.t, m.d));
      if (iter != o.max_iter) {
        loss = evaluate(closure).item();
        g = detail::flat_grad(params);
        ls_evals = 1;
      }
    }
    evals += ls_evals;
    state_func_evals += ls_evals;
    if (iter == o.max_iter || evals >= max_eval || max_abs(g) <= o.tolerance_grad) break;
    if (max_abs(m.d) * std::abs(m.t) <= o.tolerance_change) break;
    if (std::abs(loss - m.prev_loss) < o.tolerance_change) break;
  }
  write_memory(m, s, g.size());
  return orig_loss;
}

}  // namespace fluxion::optim
