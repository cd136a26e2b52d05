// SPDX-License-Identifier: MIT
// The generic explicit Runge-Kutta stepper and the two drivers that use it:
// fixed grid (euler ... rk4) and adaptive (adaptive_heun ... dopri8), with
// outputs at the requested times by the method's dense output. Written once
// over the state type: tensors, or flat arrays for replayed solves (solver.h).
#include <algorithm>
#include <cmath>

#include "odeint/solver.h"

namespace fluxion::odeint::detail {

namespace {

template <class S>
struct Step {
  std::vector<S> k;  // the stage derivatives k_0 ... k_{s-1}
  S y1;
};

// One step of any explicit tableau from (t, y) with k_0 = f0 given:
//   y_i = y + h sum_j a_ij k_j,  k_i = f(t + c_i h, y_i),  y1 = y + h sum_i b_i k_i
template <class S>
Step<S> rk_step(const FieldOf<S>& f, const Tableau& tab, double t, const S& y, const S& f0, double h, Stats& stats) {
  int s = tab.stages();
  Step<S> st;
  st.k.reserve(s);
  st.k.push_back(f0);
  bool have_y1 = false;
  std::vector<const S*> terms{&y};
  std::vector<double> w{1.0};
  for (int i = 1; i < s; ++i) {
    terms.push_back(&st.k[i - 1]);
    w.push_back(h * tab.a[i][i - 1]);
    for (int j = 0; j < i - 1; ++j) w[j + 1] = h * tab.a[i][j];
    S yi = lincomb(terms, w);
    double ti = tab.c[i] == 1.0 ? t + h : t + tab.c[i] * h;
    st.k.push_back(f(ti, yi));
    ++stats.nfe;
    if (i == s - 1 && tab.fsal()) st.y1 = std::move(yi), have_y1 = true;
  }
  if (!have_y1) {
    std::vector<const S*> all{&y};
    std::vector<double> wb{1.0};
    for (int i = 0; i < s; ++i) all.push_back(&st.k[i]), wb.push_back(h * tab.b[i]);
    st.y1 = lincomb(all, wb);
  }
  return st;
}

// dopri5's continuous extension (Hairer's contd5), written as weights on
// y0, y1 and the stages so that one lincomb evaluates it:
//   y(theta) = y0 + A ydiff + B (h k1 - ydiff) + C (2 ydiff - h k1 - h k7) + D h sum_j d_j k_j
//   A = theta, B = theta(1 - theta), C = theta^2 (1 - theta), D = theta^2 (1 - theta)^2
template <class S>
S dopri5_dense(const Tableau& tab, const S& y0, const Step<S>& st, double h, double theta) {
  double A = theta, B = theta * (1 - theta), C = theta * B, D = B * B;
  double w1 = A - B + 2 * C;
  std::vector<const S*> terms{&y0, &st.y1};
  std::vector<double> w{1 - w1, w1};
  for (int j = 0; j < 7; ++j) {
    terms.push_back(&st.k[j]);
    w.push_back(h * D * tab.d[j]);
  }
  w[2] += h * (B - C);
  w[8] += -h * C;
  return lincomb(terms, w);
}

// The quartic through y0, y1, f0, f1 and y_mid = y0 + h sum_i mid_i k_i:
//   p(x) = y0 + x h f0 + x^2 c + x^3 b + x^4 a  matched at x = 0, 1/2, 1, collected
// into weights on y0, y1, y_mid, h f0, h f1 (the last stage of FSAL methods).
template <class S>
S quartic_dense(const Tableau& tab, const S& y0, const Step<S>& st, const S& f1, double h, double x) {
  double x2 = x * x, x3 = x2 * x, x4 = x3 * x;
  double wy0 = 1 - 11 * x2 + 18 * x3 - 8 * x4, wy1 = -5 * x2 + 14 * x3 - 8 * x4, wmid = 16 * x2 - 32 * x3 + 16 * x4;
  double wf0 = x - 4 * x2 + 5 * x3 - 2 * x4, wf1 = x2 - 3 * x3 + 2 * x4;
  std::vector<const S*> terms{&y0, &st.y1, &f1};
  std::vector<double> w{wy0 + wmid, wy1, h * wf1};
  for (int j = 0; j < tab.stages(); ++j) {
    terms.push_back(&st.k[j]);
    w.push_back(h * wmid * tab.mid[j]);
  }
  w[3] += h * wf0;
  return lincomb(terms, w);
}

}  // namespace

template <class S>
std::vector<S> solve_fixed(const FieldOf<S>& f, const S& y0, const std::vector<double>& ts, const Settings& s,
                           Stats& stats) {
  const Tableau& tab = tableau(s.method);
  std::vector<double> grid = ts;
  double dir = ts.back() >= ts.front() ? 1 : -1;
  if (s.step_size) {
    double span = std::abs(ts.back() - ts.front());
    double n = std::ceil(span / *s.step_size - 1e-9);
    check(n < (double)s.max_num_steps, s.who, ": step_size ", *s.step_size, " needs ", n,
          " steps, more than max_num_steps (", s.max_num_steps, ")");
    grid.clear();
    for (int64_t i = 0; i < (int64_t)n; ++i) grid.push_back(ts.front() + dir * (double)i * *s.step_size);
    grid.push_back(ts.back());
  }
  std::vector<S> out{y0};
  S y = y0;
  size_t next = 1;
  for (size_t g = 0; g + 1 < grid.size() && next < ts.size(); ++g) {
    double t = grid[g], h = grid[g + 1] - grid[g];
    if (s.callback_step) s.callback_step(t, as_state(y), h);
    S f0 = f(t, y);
    ++stats.nfe;
    Step<S> st = rk_step(f, tab, t, y, f0, h, stats);
    ++stats.accepted;
    if (s.callback_accept_step) s.callback_accept_step(t, as_state(y), h);
    if (!all_finite(st.y1))
      fail(s.who, ": the state became NaN or Inf in the step from t = ", t, " to t = ", t + h,
           " (func returned NaN/Inf or the step is too large for ", method_name(s.method),
           "; try a smaller step_size)");
    for (; next < ts.size() && dir * (ts[next] - grid[g + 1]) <= 0; ++next) {
      double theta = (ts[next] - t) / h;  // linear interpolation inside the step, as torchdiffeq
      out.push_back(theta == 1.0 ? st.y1 : lincomb(std::vector<const S*>{&y, &st.y1}, {1 - theta, theta}));
    }
    y = std::move(st.y1);
  }
  return out;
}

namespace {

/// The step_t and jump_t points strictly inside (from, to), in the direction of
/// integration; a point in both lists is a jump.
std::vector<std::pair<double, bool>> landing_points(const Settings& s, double from, double to, double dir) {
  std::vector<std::pair<double, bool>> out;
  for (double v : s.step_t) out.push_back({v, false});
  for (double v : s.jump_t) out.push_back({v, true});
  std::erase_if(out, [&](const auto& p) { return dir * (p.first - from) <= 0 || dir * (p.first - to) >= 0; });
  std::sort(out.begin(), out.end(), [&](const auto& a, const auto& b) {
    return a.first != b.first ? dir * (a.first - b.first) < 0 : a.second > b.second;
  });
  out.erase(std::unique(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first == b.first; }),
            out.end());
  return out;
}

}  // namespace

template <class S>
std::vector<S> solve_adaptive(const FieldOf<S>& f, const S& y0, const std::vector<double>& ts, const Settings& s,
                              Stats& stats) {
  const Tableau& tab = tableau(s.method);
  std::vector<S> out{y0};
  if (ts.size() == 1) return out;
  double dir = ts.back() > ts.front() ? 1 : -1;
  double t = ts.front();
  S y = y0, f0 = f(t, y);
  ++stats.nfe;
  if (!all_finite(f0)) fail(s.who, ": func returned NaN or Inf at the initial time t = ", t);
  double h = s.first_step ? dir * *s.first_step : initial_step(f, t, y, f0, tab.order, dir, s, stats);
  h = bounded_step(h, s, t, false);
  Controller control(tab.order);
  std::vector<double> we(tab.stages());
  int64_t steps = 0;
  bool nonfinite = false;
  const std::vector<std::pair<double, bool>> marks = landing_points(s, t, ts.back(), dir);
  size_t mark = 0;
  for (size_t next = 1; next < ts.size();) {
    check_progress(t, h, steps++, s, nonfinite);
    // A step that would reach the next landing point ends on it instead (hs, not h, is taken).
    while (mark < marks.size() && dir * (marks[mark].first - t) <= 0) ++mark;
    const bool landing = mark < marks.size() && dir * (t + h - marks[mark].first) >= 0;
    const bool to_jump = landing && marks[mark].second;
    const double hs = landing ? marks[mark].first - t : h, t_end = t + hs;
    // Before a jump, stages at or past it see func just before it. Built only for
    // such a step: a std::function with these captures allocates.
    FieldOf<S> before;
    if (to_jump)
      before = [&](double tt, const S& yy) {
        return f(dir * (tt - t_end) >= 0 ? std::nextafter(t_end, t) : tt, yy);
      };
    const FieldOf<S>& field = to_jump ? before : f;
    if (s.callback_step) s.callback_step(t, as_state(y), hs);
    Step<S> st = rk_step(field, tab, t, y, f0, hs, stats);
    for (int j = 0; j < tab.stages(); ++j) we[j] = hs * tab.e[j];
    double ratio = error_ratio(st.k, we, y, st.y1, s);
    nonfinite = !std::isfinite(ratio);
    bool accept;
    double fac = control.factor(ratio, accept);
    if (!accept) {
      ++stats.rejected;
      if (s.callback_reject_step) s.callback_reject_step(t, as_state(y), hs);
      h = bounded_step(hs * fac, s, t, true);
      continue;
    }
    ++stats.accepted;
    if (s.callback_accept_step) s.callback_accept_step(t, as_state(y), hs);
    const double t1 = landing ? marks[mark].first : t_end;
    S f1;
    if (tab.fsal()) {
      f1 = st.k.back();
    } else {
      f1 = field(t1, st.y1);
      ++stats.nfe;
    }
    auto dense = [&](double theta) {
      if (theta == 1.0) return st.y1;
      if (tab.dense == Dense::dopri5) return dopri5_dense(tab, y, st, hs, theta);
      if (tab.dense == Dense::quartic) return quartic_dense(tab, y, st, f1, hs, theta);
      return hermite(y, f0, st.y1, f1, hs, theta);
    };
    for (; next < ts.size() && dir * (ts[next] - t1) <= 0; ++next)
      out.push_back(dense(ts[next] == t1 ? 1.0 : (ts[next] - t) / hs));
    if (s.on_step && s.on_step(t, t1, [&](double theta) { return as_state(dense(theta)); })) return out;
    t = t1;
    y = std::move(st.y1);
    if (to_jump) {  // past the jump func is another function: start it afresh, just after the jump
      f0 = f(std::nextafter(t, t + dir), y);
      ++stats.nfe;
    } else {
      f0 = std::move(f1);
    }
    // a step shortened to land keeps the size the controller would have allowed
    h = bounded_step(landing ? dir * std::max(std::abs(hs * fac), std::abs(h)) : hs * fac, s, t, false);
  }
  return out;
}

template <class S>
std::vector<S> solve(const FieldOf<S>& f, const S& y0, const std::vector<double>& ts, const Settings& s,
                     Stats& stats) {
  check(!is_stiff(s.method), s.who, ": ", method_name(s.method), " needs df/dt; call solve_rosenbrock");
  if (tableau(s.method).adaptive()) return solve_adaptive(f, y0, ts, s, stats);
  return solve_fixed(f, y0, ts, s, stats);
}

#define FLUXION_SOLVE(S)                                                                                     \
  template std::vector<S> solve(const FieldOf<S>&, const S&, const std::vector<double>&, const Settings&,   \
                                Stats&);                                                                     \
  template std::vector<S> solve_adaptive(const FieldOf<S>&, const S&, const std::vector<double>&, const Settings&, \
                                         Stats&);
FLUXION_SOLVE(State)
FLUXION_SOLVE(FlatState<float>)
FLUXION_SOLVE(FlatState<double>)
#undef FLUXION_SOLVE

}  // namespace fluxion::odeint::detail
