// SPDX-License-Identifier: MIT
// The batching hook of apply(): how an op runs when an input is batched by
// vmap (batched.h). Included at the end of apply.h.
//
// An op's batching rule is found in its struct, like its VJP and JVP, in one
// of three forms, tried in this order:
//   vmap(values, dims, size) -> outputs      a rule of its own: the physical
//       inputs, each with its batch dim (nullopt: the same for every example),
//       and the batch size B; it returns the outputs with the batch in front
//       (matmul, linear).
//   `elementwise` (the per-element rule the jit fuses) or `pointwise = true`:
//       a broadcasting elementwise op. The batch dims go to the front and each
//       batched input gets size-1 dims after it up to the widest example's
//       rank, so that examples broadcast from the right as they would alone.
//   batched(BatchFront) -> Op                the same op on inputs with the
//       batch in front, its dims shifted and shapes prefixed by B (reductions,
//       views, dim-taking ops); unbatched inputs are expanded to B examples.
// An op with none of them runs once per example, the slices stacked: slow
// but correct for every op, announced once by a warning naming the op.
// Ops declaring `data_dependent_shape = true` (unique) are an error.
//
// Then apply() records the op on the logical (batched) tensors as it would
// any op: its VJP and JVP rules run on batched tensors and are batched in
// turn, so grad and jvp compose with vmap in either order.
#pragma once
#include <utility>
#include <vector>

#include "autograd/apply.h"
#include "autograd/batched.h"
#include "autograd/ops.h"

namespace fluxion::detail {

template <class Op>
concept PointwiseOp = requires(double v) {
  Op::elementwise(v);
}
|| requires(double v) { Op::elementwise(v, v); }
|| requires { requires Op::pointwise; };
template <class Op>
concept FrontBatchable = requires(const Op& op, const batching::BatchFront& b) {
  { op.batched(b) } -> std::same_as<Op>;
};
template <class Op>
concept OwnBatchRule = requires(const Op& op, const std::vector<Tensor>& v,
                                const std::vector<std::optional<int64_t>>& d) {
  { op.vmap(v, d, int64_t{}) } -> std::same_as<std::vector<Tensor>>;
};

using BatchDims = std::vector<std::optional<int64_t>>;

// The physical outputs and the dim their batch runs along.
struct BatchedOutputs {
  std::vector<Tensor> values;
  int64_t dim;
};

template <class Op>
BatchedOutputs pointwise_rule(const Op& op, std::vector<Tensor> xs, const BatchDims& dims, int64_t size) {
  if (xs.size() == 1) return {apply_op(op, xs), *dims[0]};  // shape-preserving: the batch stays where it is
  int64_t rank = 0;
  for (size_t i = 0; i < xs.size(); ++i)
    if (xs[i].defined()) rank = std::max(rank, xs[i].dim() - (dims[i] ? 1 : 0));
  for (size_t i = 0; i < xs.size(); ++i)
    if (dims[i]) xs[i] = batching::pad_rank(batching::to_front(xs[i], dims[i], size), xs[i].dim() - 1, rank);
  return {apply_op(op, xs), 0};
}

template <class Op>
BatchedOutputs front_rule(const Op& op, std::vector<Tensor> xs, const BatchDims& dims, int64_t size, uint64_t level) {
  int64_t rank = xs[0].dim() - (dims[0] ? 1 : 0);
  for (size_t i = 0; i < xs.size(); ++i)
    if (xs[i].defined()) xs[i] = batching::to_front(xs[i], dims[i], size);
  // A reduction of one scalar example over "all its dims" has no physical dim
  // to name (dims {} would sum the whole batch): give it a dim of size 1.
  bool scalar_reduction = false;
  if constexpr (requires { op.keepdim; }) {
    if (rank == 0) {
      xs[0] = xs[0].unsqueeze(1);
      rank = 1;
      scalar_reduction = true;
    }
  }
  Op batched = op.batched(batching::BatchFront{.size = size, .rank = rank, .level = level});
  if constexpr (requires { op.keepdim; }) {
    if (scalar_reduction) batched.keepdim = false;  // the example's result is a scalar either way
  }
  return {apply_op(std::move(batched), xs), 0};
}

// No rule: one call per example (each input sliced at its batch dim), stacked.
template <class Op>
BatchedOutputs fallback_rule(const Op& op, const std::vector<Tensor>& xs, const BatchDims& dims, int64_t size) {
  batching::warn_fallback(Op::name);
  std::vector<std::vector<Tensor>> per_output;
  for (int64_t b = 0; b < size; ++b) {
    std::vector<Tensor> slices(xs.size());
    for (size_t i = 0; i < xs.size(); ++i) slices[i] = dims[i] ? xs[i].select(*dims[i], b) : xs[i];
    std::vector<Tensor> ys = apply_op(op, slices);
    per_output.resize(ys.size());
    for (size_t k = 0; k < ys.size(); ++k) {
      if (b > 0) batching::check_same_shape(Op::name, per_output[k][0], ys[k], b);
      per_output[k].push_back(ys[k]);
    }
  }
  BatchedOutputs out{.values = {}, .dim = 0};
  for (std::vector<Tensor>& ys : per_output) out.values.push_back(ys[0].defined() ? stack(ys, 0) : Tensor{});
  return out;
}

template <class Op>
std::vector<Tensor> apply_batched(Op op, const std::vector<Tensor>& inputs) {
  if constexpr (requires { requires Op::data_dependent_shape; })
    fail("vmap: ", Op::name,
         " returns a shape that depends on the values of its input, which differs from "
         "example to example, so its results cannot form one batched tensor (as in torch.func); call it "
         "outside vmap, or use a fixed-shape alternative (a mask with where(), sort)");
  uint64_t level = batching::innermost_level(inputs);
  std::vector<Tensor> values(inputs.size());
  BatchDims dims(inputs.size());
  int64_t size = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].defined()) continue;
    batching::Unwrapped u = batching::unwrap(inputs[i], level);
    values[i] = u.value;
    dims[i] = u.dim;
    if (u.dim) size = u.value.size(*u.dim);
  }
  BatchedOutputs out;
  if constexpr (OwnBatchRule<Op>)
    out = {op.vmap(values, dims, size), 0};
  else if constexpr (PointwiseOp<Op>)
    out = pointwise_rule(op, std::move(values), dims, size);
  else if constexpr (FrontBatchable<Op>)
    out = front_rule(op, std::move(values), dims, size, level);
  else
    out = fallback_rule(op, values, dims, size);
  std::vector<Tensor> ys;
  for (const Tensor& y : out.values) ys.push_back(y.defined() ? batching::make_batched(y, out.dim, level) : y);
  // The graph is recorded on the logical tensors, as for any op; the
  // recording hook is not told: the rule's ops on physical tensors report
  // themselves.
  record(std::move(op), inputs, ys);
  return ys;
}

}  // namespace fluxion::detail
