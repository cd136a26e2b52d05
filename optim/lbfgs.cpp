// SPDX-License-Identifier: MIT
#include "optim/lbfgs.h"

#include <cmath>

#include "autograd/engine.h"
#include "autograd/grad_mode.h"
#include "autograd/ops.h"
#include "optim/line_search.h"
#include "optim/objective.h"

namespace fluxion::optim {

using detail::dot;
using detail::Vec;

namespace {

void check_params(const std::vector<Tensor>& params, const char* who) {
  check(!params.empty(), who, ": got an empty parameter list");
  for (const Tensor& p : params)
    check(p.defined() && p.is_floating_point() && p.requires_grad() && p.is_leaf() && p.is_contiguous(), who,
          ": every parameter must be a contiguous floating leaf tensor that requires grad");
}

Vec flatten(const std::vector<Tensor>& ts, const std::vector<Tensor>& like) {
  Vec v;
  for (size_t i = 0; i < like.size(); ++i) {
    if (i < ts.size() && ts[i].defined()) {
      Vec part = ts[i].to_vector<double>();
      v.insert(v.end(), part.begin(), part.end());
    } else {
      v.insert(v.end(), (size_t)like[i].numel(), 0.0);
    }
  }
  return v;
}

// Writes x (flat) into the parameters' storage, outside autograd.
void set_params(const std::vector<Tensor>& params, const Vec& x) {
  size_t k = 0;
  for (const Tensor& p : params) {
    dispatch_float(p.dtype(), "optimizer", [&](auto tag) {
      using T = decltype(tag);
      T* d = p.data<T>();
      for (int64_t i = 0; i < p.numel(); ++i) d[i] = static_cast<T>(x[k++]);
    });
    p.tensor_data().storage->version++;
  }
}

Vec param_values(const std::vector<Tensor>& params) { return flatten(params, params); }

double max_abs(const Vec& v) {
  double m = 0;
  for (double x : v) m = std::max(m, std::abs(x));
  return m;
}

}  // namespace

LBFGS::LBFGS(std::vector<Tensor> params, LBFGSOptions opts) : params_(std::move(params)), o_(opts) {
  check_params(params_, "LBFGS");
  check(o_.lr > 0 && o_.max_iter > 0 && o_.history_size > 0, "LBFGS: lr, max_iter and history_size must be positive");
  if (!o_.max_eval) o_.max_eval = o_.max_iter * 5 / 4;
}

void LBFGS::zero_grad() {
  for (const Tensor& p : params_) p.zero_grad();
}

Vec LBFGS::flat_grad() const {
  std::vector<Tensor> grads;
  for (const Tensor& p : params_) grads.push_back(p.grad());
  return flatten(grads, params_);
}

void LBFGS::add_to_params(double t, const Vec& d) {
  Vec x = param_values(params_);
  detail::axpy(t, d, x);
  set_params(params_, x);
}

Tensor LBFGS::step(const std::function<Tensor()>& closure) {
  Tensor orig_loss = closure();
  double loss = orig_loss.item();
  int evals = 1;
  ++func_evals_;
  Vec g = flat_grad();
  if (max_abs(g) <= o_.tolerance_grad) return orig_loss;
  for (int iter = 1; iter <= o_.max_iter; ++iter) {
    ++n_iter_;
    if (n_iter_ == 1) {  // steepest descent to begin with
      d_ = g;
      for (double& v : d_) v = -v;
      old_dirs_.clear(), old_stps_.clear(), ro_.clear();
      h_diag_ = 1;
    } else {  // L-BFGS two-loop recursion with the newest pair (if its curvature is positive)
      Vec y = g, s = d_;
      detail::axpy(-1, prev_grad_, y);
      for (double& v : s) v *= t_;
      double ys = dot(y, s);
      if (ys > 1e-10) {
        if ((int)old_dirs_.size() == o_.history_size) old_dirs_.pop_front(), old_stps_.pop_front(), ro_.pop_front();
        old_dirs_.push_back(y), old_stps_.push_back(s), ro_.push_back(1 / ys);
        h_diag_ = ys / dot(y, y);
      }
      Vec q = g;
      for (double& v : q) v = -v;
      std::vector<double> al(old_dirs_.size());
      for (size_t i = old_dirs_.size(); i-- > 0;) {
        al[i] = dot(old_stps_[i], q) * ro_[i];
        detail::axpy(-al[i], old_dirs_[i], q);
      }
      for (double& v : q) v *= h_diag_;
      for (size_t i = 0; i < old_dirs_.size(); ++i) {
        double be = dot(old_dirs_[i], q) * ro_[i];
        detail::axpy(al[i] - be, old_stps_[i], q);
      }
      d_ = std::move(q);
    }
    prev_grad_ = g;
    prev_loss_ = loss;
    double g1 = 0;
    for (double v : g) g1 += std::abs(v);
    t_ = n_iter_ == 1 ? std::min(1.0, 1.0 / g1) * o_.lr : o_.lr;
    double gtd = dot(g, d_);
    if (gtd > -o_.tolerance_change) break;  // not a descent direction any more
    int ls_evals = 0;
    if (o_.line_search == LineSearch::strong_wolfe) {
      Vec x0 = param_values(params_);
      struct Sample {
        double t, loss;
        Vec g;
      };
      std::vector<Sample> seen;
      Phi phi = [&](double t) {
        Vec x = x0;
        detail::axpy(t, d_, x);
        set_params(params_, x);
        double l = closure().item();
        seen.push_back({t, l, flat_grad()});
        return PhiValue{l, dot(seen.back().g, d_)};
      };
      LineSearchResult ls = strong_wolfe(phi, loss, gtd, t_, {.max_evals = 25});
      ls_evals = ls.evals;
      t_ = ls.status == LineSearchStatus::ok ? ls.alpha : 0;
      Vec x = x0;
      detail::axpy(t_, d_, x);
      set_params(params_, x);
      for (const Sample& smp : seen)
        if (smp.t == t_) loss = smp.loss, g = smp.g;
      if (t_ == 0) g = prev_grad_, loss = prev_loss_;
    } else {
      add_to_params(t_, d_);
      if (iter != o_.max_iter) {
        loss = closure().item();
        g = flat_grad();
        ls_evals = 1;
      }
    }
    evals += ls_evals;
    func_evals_ += ls_evals;
    if (iter == o_.max_iter || evals >= *o_.max_eval || max_abs(g) <= o_.tolerance_grad) break;
    if (max_abs(d_) * std::abs(t_) <= o_.tolerance_change) break;
    if (std::abs(loss - prev_loss_) < o_.tolerance_change) break;
  }
  return orig_loss;
}

NewtonCG::NewtonCG(std::vector<Tensor> params, NewtonCGOptions opts) : params_(std::move(params)), o_(opts) {
  check_params(params_, "NewtonCG");
  check(o_.lr > 0 && o_.max_iter > 0 && o_.cg_max_iter > 0, "NewtonCG: lr, max_iter and cg_max_iter must be positive");
}

void NewtonCG::zero_grad() {
  for (const Tensor& p : params_) p.zero_grad();
}

Tensor NewtonCG::step(const std::function<Tensor()>& closure) {
  Tensor first;
  for (int iter = 0; iter < o_.max_iter; ++iter) {
    // The gradient with its graph, so that H v = d<g, v>/dparams by a second backward.
    Tensor loss = closure();
    ++func_evals_;
    if (!first.defined()) first = loss.detach();
    std::vector<Tensor> gs = autograd::grad({loss}, params_, {.create_graph = true, .allow_unused = true,
                                                              .materialize_grads = true});
    Vec g = flatten(gs, params_);
    if (max_abs(g) <= o_.tolerance_grad) break;
    auto hvp = [&](const Vec& v) {
      ++hvp_evals_;
      std::vector<Tensor> vs;
      size_t k = 0;
      for (const Tensor& p : params_) {
        Vec part(v.begin() + k, v.begin() + k + p.numel());
        k += p.numel();
        vs.push_back(tensor(part, p.shape(), p.dtype()));
      }
      std::vector<Tensor> gv;
      for (size_t i = 0; i < gs.size(); ++i)
        if (gs[i].requires_grad()) gv.push_back(gs[i]);
      if (gv.empty()) return Vec(v.size(), 0.0);
      std::vector<Tensor> outs, seeds;
      for (size_t i = 0; i < gs.size(); ++i)
        if (gs[i].requires_grad()) outs.push_back(gs[i]), seeds.push_back(vs[i]);
      return flatten(autograd::grad(outs, params_, {.grad_outputs = seeds, .retain_graph = true, .allow_unused = true}),
                     params_);
    };
    // CG on H p = -g, truncated at residual min(0.5, sqrt|g|)|g| or negative curvature.
    size_t n = g.size();
    double gn = std::sqrt(dot(g, g)), tol = std::min(0.5, std::sqrt(gn)) * gn;
    Vec p(n, 0.0), r = g, d = g;
    for (double& v : d) v = -v;
    double rr = dot(r, r);
    for (int i = 0; i < o_.cg_max_iter && std::sqrt(rr) > tol; ++i) {
      Vec Hd = hvp(d);
      double curv = dot(d, Hd);
      if (curv <= 0) {
        if (i == 0) p = d;  // negative curvature at once: steepest descent
        break;
      }
      double a = rr / curv;
      detail::axpy(a, d, p);
      detail::axpy(a, Hd, r);
      double rr_next = dot(r, r);
      for (size_t k = 0; k < n; ++k) d[k] = -r[k] + rr_next / rr * d[k];
      rr = rr_next;
    }
    Vec x0 = param_values(params_);
    double t = o_.lr;
    if (o_.line_search == LineSearch::strong_wolfe) {
      Phi phi = [&](double a) {
        Vec x = x0;
        detail::axpy(a, p, x);
        set_params(params_, x);
        Tensor l = closure();
        ++func_evals_;
        Vec gl = flatten(autograd::grad({l}, params_, {.allow_unused = true, .materialize_grads = true}), params_);
        return PhiValue{l.item(), dot(gl, p)};
      };
      LineSearchResult ls = strong_wolfe(phi, loss.item(), dot(g, p), o_.lr);
      t = ls.status == LineSearchStatus::ok ? ls.alpha : 0;
    }
    detail::axpy(t, p, x0);
    set_params(params_, x0);
    if (t == 0) break;
  }
  return first;
}

}  // namespace fluxion::optim
