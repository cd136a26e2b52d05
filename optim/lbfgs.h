// SPDX-License-Identifier: MIT
// Module-style second-order optimizers over a list of parameters, driven by a
// closure that re-evaluates the loss (like torch.optim.LBFGS). Both derive
// from optim::Optimizer, so zero_grad(), param_groups(), LR schedulers and
// optim::save/load work on them as on SGD or Adam:
//
//   optim::LBFGS opt(net->parameters(), {.line_search = optim::LineSearch::strong_wolfe});
//   for (int epoch = 0; epoch < 20; ++epoch)
//     opt.step([&] { opt.zero_grad(); auto loss = mse(net->forward(x), y); loss.backward(); return loss; });
//
// LBFGS follows torch.optim.LBFGS (see docs/guide.md for strong Wolfe): max_iter per
// step(), max_eval = 1.25 max_iter by default, first step scaled by
// min(1, 1/|g|_1) * lr, history of `history_size` pairs, no line search
// (fixed step lr) or strong Wolfe; stops on tolerance_grad (max |g|) or
// tolerance_change (in the step or the loss). Its memory lives, as in torch,
// in the state of the first parameter: tensors d, prev_flat_grad, old_dirs
// and old_stps (rows = pairs), ro; scalars t, H_diag, prev_loss, n_iter,
// func_evals; all Float64 over the flat parameter vector. Like torch, it
// takes exactly one parameter group; lesson 16 draws its path with strong
// Wolfe. NewtonCG takes truncated Newton steps with Hessian-vector products
// (reverse-over-reverse through the closure's loss), for modules whose loss
// is twice differentiable. Both run the same algorithms as minimize()'s
// lbfgs and newton_cg methods (quasi_newton.h, conjugate_gradient.h).
#pragma once
#include <optional>
#include <vector>

#include "optim/optimizer.h"

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

class LBFGS : public OptimizerWith<LBFGSOptions> {
 public:
  LBFGS(std::vector<Tensor> params, LBFGSOptions defaults = {});
  /// Runs up to max_iter iterations, reading the group's lr (a scheduler may
  /// change it between steps); closure zeroes the gradients, computes the
  /// loss, calls backward() and returns the loss. Returns the first loss.
  Tensor step(const Closure& closure) override;
  /// Always an Error: LBFGS optimizes one flat vector, one group.
  void add_param_group(ParamGroup<LBFGSOptions> group) override;
  bool param_shaped_state() const override { return false; }
  int func_evals() const;  // over all steps (state "func_evals")
  int n_iter() const;      // over all steps (state "n_iter")
};

struct NewtonCGOptions {
  double lr = 1;
  int max_iter = 10;     // Newton iterations per step()
  int cg_max_iter = 50;  // CG iterations per Newton iteration
  double tolerance_grad = 1e-7;
  LineSearch line_search = LineSearch::strong_wolfe;
};

class NewtonCG : public OptimizerWith<NewtonCGOptions> {
 public:
  NewtonCG(std::vector<Tensor> params, NewtonCGOptions defaults = {});
  /// closure computes and returns the loss WITHOUT calling backward():
  /// NewtonCG differentiates it itself, twice. Returns the first loss.
  Tensor step(const Closure& closure) override;
  /// Always an Error: a Newton step is over one flat vector, one group.
  void add_param_group(ParamGroup<NewtonCGOptions> group) override;
  bool param_shaped_state() const override { return false; }
  int func_evals() const;  // over all steps (state "func_evals")
  int hvp_evals() const;   // over all steps (state "hvp_evals")
};

}  // namespace fluxion::optim
