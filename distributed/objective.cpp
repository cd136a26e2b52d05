// SPDX-License-Identifier: MIT
// sum_over_ranks: two linear ops, transposes of each other, carry the sum
// over ranks through forward, reverse and forward-over-reverse passes
// (Megatron-LM's f and g operators):
//   Copy:         y = x on every rank;         dx = sum_q grad_q;  dy = dx
//   SumOverRanks: y = sum_q x_q on every rank; dx = grad;          dy = sum_q dx_q
// F(x) = SumOverRanks(f_r(Copy(x))) then has grad F = sum_r grad f_r on every
// rank, and H v = sum_r H_r v whichever way minimize forms the HVP.
#include "distributed/objective.h"

#include "autograd/apply.h"
#include "distributed/collectives.h"

namespace fluxion::distributed {

namespace {

Tensor sum_over(const Tensor& x, ProcessGroup& group);

struct SumOverRanks {
  static constexpr const char* name = "SumOverRanks";
  static constexpr Save save = Save::nothing;
  ProcessGroup* group;
  TensorData forward(const TensorData& x) const {
    return all_reduce_async(Tensor(x), ReduceOp::sum, *group).wait().tensor_data();
  }
  // every rank's y is the one global value, so its cotangent passes through once
  Tensor vjp(const Tensor& grad, const Saved&) const { return grad; }
  Tensor jvp(const Tensor& dx, const Saved&) const { return sum_over(dx, *group); }
};

struct Copy {
  static constexpr const char* name = "CopyToRanks";
  static constexpr Save save = Save::nothing;
  ProcessGroup* group;
  TensorData forward(const TensorData& x) const { return x; }
  // x feeds every rank's f_r: its gradient sums the ranks' cotangents
  Tensor vjp(const Tensor& grad, const Saved&) const { return sum_over(grad, *group); }
  Tensor jvp(const Tensor& dx, const Saved&) const { return dx; }
};

Tensor sum_over(const Tensor& x, ProcessGroup& group) { return apply(SumOverRanks{&group}, x); }

}  // namespace

optim::ScalarFunction sum_over_ranks(optim::ScalarFunction local, ProcessGroup& group) {
  return [local = std::move(local), g = &group](const Tensor& x) {
    return apply(SumOverRanks{g}, local(apply(Copy{g}, x)));
  };
}

}  // namespace fluxion::distributed
