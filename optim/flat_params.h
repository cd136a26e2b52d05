// SPDX-License-Identifier: MIT
// Internal to optim/: a parameter list seen as one flat double vector, the
// view the module-style second-order optimizers (LBFGS, NewtonCG) work in,
// as torch.optim.LBFGS gathers its parameters' gradients into flat_grad.
#pragma once
#include <algorithm>
#include <cmath>
#include <vector>

#include "autograd/tensor.h"
#include "optim/objective.h"
#include "optim/optimizer.h"

namespace fluxion::optim::detail {

/// who's parameters: at least one, each requiring grad and contiguous (they are written in place).
void check_flat_params(const std::vector<Tensor>& params, const char* who);
/// torch's restriction for whole-vector methods: exactly one parameter group.
void check_single_group(size_t num_groups, const char* who);
/// ts concatenated, an undefined ts[i] counting as zeros shaped like like[i].
Vec flatten(const std::vector<Tensor>& ts, const std::vector<Tensor>& like);
/// The parameters' gradients, flat (zeros where a gradient is undefined).
Vec flat_grad(const std::vector<Tensor>& params);
Vec param_values(const std::vector<Tensor>& params);
/// Writes x (flat) into the parameters' storage, outside autograd.
void set_params(const std::vector<Tensor>& params, const Vec& x);

/// A counter kept in the state of opt's first parameter ("n_iter",
/// "func_evals" ...), as torch.optim.LBFGS keeps them; 0 if absent.
int state_count(const Optimizer& opt, const char* name);

inline double max_abs(const Vec& v) { return amax(v); }

}  // namespace fluxion::optim::detail
