// SPDX-License-Identifier: MIT
// Distributed second-order optimization: an objective that is a sum over data
// shards held by different ranks, F(x) = sum_r f_r(x), for optim::minimize.
//
//   auto f = fx::distributed::sum_over_ranks([&](const fx::Tensor& w) { return loss(w, my_shard); });
//   auto res = fx::optim::minimize(f, w0, {.method = fx::optim::Method::newton_cg});
//
// F(x), grad F = sum_r grad f_r and H v = sum_r H_r v are all-reduced inside
// the returned function, so every rank sees the same numbers, and L-BFGS,
// BFGS, Newton-CG and trust-NCG take the same steps on every rank, equal (up
// to rounding) to one process minimising over all the data. Every rank must
// call minimize with the same x0 and options (jit = false: a trace would
// replay the collectives outside this function's order guarantees).
#pragma once
#include "distributed/process_group.h"
#include "optim/minimize.h"

namespace fluxion::distributed {

/// x -> sum over the group's ranks of local(x); differentiable to any order in x.
[[nodiscard]] optim::ScalarFunction sum_over_ranks(optim::ScalarFunction local, ProcessGroup& group = world());

}  // namespace fluxion::distributed
