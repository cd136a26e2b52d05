// SPDX-License-Identifier: MIT
// Module-style second-order optimizers over a list of parameters, driven by a
// closure that re-evaluates the loss (like torch.optim.LBFGS):
//
//   optim::LBFGS opt(net->parameters(), {.line_search = optim::LineSearch::strong_wolfe});
//   for (int epoch = 0; epoch < 20; ++epoch)
//     opt.step([&] { opt.zero_grad(); auto loss = mse(net->forward(x), y); loss.backward(); return loss; });
//
// LBFGS follows torch.optim.LBFGS step for step: max_iter inner iterations per
// step(), max_eval = 1.25 max_iter by default, first step scaled by
// min(1, 1/|g|_1) * lr, history of `history_size` pairs, no line search
// (fixed step lr) or strong Wolfe; stops on tolerance_grad (max |g|) or
// tolerance_change (in the step or the loss). NewtonCG takes truncated Newton
// steps with Hessian-vector products (reverse-over-reverse through the
// closure's loss), for modules whose loss is twice differentiable.
#pragma once
#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include "autograd/tensor.h"

namespace fluxion::optim {

enum class LineSearch { none, strong_wolfe };

struct LBFGSOptions {
  double lr = 1;
  int max_iter = 20;
  std::optional<int> max_eval;  // default: max_iter * 5 / 4
  double tolerance_grad = 1e-7;
  double tolerance_change = 1e-9;
  int history_size = 100;
  LineSearch line_search = LineSearch::none;
};

class LBFGS {
 public:
  LBFGS(std::vector<Tensor> params, LBFGSOptions opts = {});
  /// Runs up to max_iter iterations; closure zeroes the gradients, computes
  /// the loss, calls backward() and returns the loss. Returns the first loss.
  Tensor step(const std::function<Tensor()>& closure);
  void zero_grad();
  int func_evals() const { return func_evals_; }  // over all steps
  int n_iter() const { return n_iter_; }

 private:
  std::vector<double> flat_grad() const;
  void add_to_params(double t, const std::vector<double>& d);
  std::vector<Tensor> params_;
  LBFGSOptions o_;
  // state carried across step() calls, as torch keeps it
  std::vector<double> d_, prev_grad_;
  double t_ = 0, prev_loss_ = 0, h_diag_ = 1;
  std::deque<std::vector<double>> old_dirs_, old_stps_;
  std::deque<double> ro_;
  int func_evals_ = 0, n_iter_ = 0;
};

struct NewtonCGOptions {
  double lr = 1;
  int max_iter = 10;           // Newton iterations per step()
  int cg_max_iter = 50;        // CG iterations per Newton iteration
  double tolerance_grad = 1e-7;
  LineSearch line_search = LineSearch::strong_wolfe;
};

class NewtonCG {
 public:
  NewtonCG(std::vector<Tensor> params, NewtonCGOptions opts = {});
  /// closure computes and returns the loss WITHOUT calling backward():
  /// NewtonCG differentiates it itself, twice. Returns the first loss.
  Tensor step(const std::function<Tensor()>& closure);
  void zero_grad();
  int func_evals() const { return func_evals_; }
  int hvp_evals() const { return hvp_evals_; }

 private:
  std::vector<Tensor> params_;
  NewtonCGOptions o_;
  int func_evals_ = 0, hvp_evals_ = 0;
};

}  // namespace fluxion::optim
