// SPDX-License-Identifier: MIT
// Batched tensors: what func::vmap (vmap.h) runs f on, after functorch's
// BatchedTensorImpl.
//
// vmap(f)(x) with x of shape [B, 3] calls f once, on a tensor that *looks*
// like one example: its shape() is [3]. Behind it, a batch record holds the
// whole batch (the physical value, [B, 3]), the dim the batch runs along,
// and the vmap level that made it. Every op goes through apply(); when an
// input is batched, apply() (apply.h) runs the op's batching rule on the
// physical values instead of its forward, and wraps the result as a batched
// tensor again:
//
//   logical   y = x.sum(0)          x: [3]         y: []
//   physical  y = x.sum(1)          x: [B, 3]      y: [B]   (the rule shifts dims by one)
//
// Levels nest: inside vmap(vmap(f)), x's value is itself batched at the
// outer level. apply() dispatches on the innermost level among the inputs,
// and the rule's ops, on values batched at outer levels, dispatch again, one
// level at a time. An input batched only at an outer level is, to the inner
// level, the same for every example (functorch's semantics).
//
// The logical TensorData of a batched tensor (TensorImpl::data) has the
// per-example shape, strides and dtype, and no values to read: its
// tensor_data() is an error, so a read of values outside an op (item(), a
// data-dependent shape) fails clearly instead of seeing one example.
#pragma once
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "autograd/tensor.h"

namespace fluxion {

namespace func {
/// Random numbers drawn inside vmap (torch.func's `randomness`): `error`
/// refuses them, `different` draws each example its own, `same` draws one
/// set shared by all examples.
enum class Randomness { error, different, same };
}  // namespace func

/// A tensor's batch record (TensorImpl::batched): `value` holds all examples,
/// the batch along dim `dim`; `level` is the vmap that made it.
struct Batched {
  Tensor value;
  int64_t dim;
  uint64_t level;
};

namespace batching {

/// Enters a vmap level of `size` examples for its lifetime (func::vmap makes one per call).
class VmapLevel {
 public:
  VmapLevel(int64_t size, func::Randomness randomness);
  ~VmapLevel();
  VmapLevel(const VmapLevel&) = delete;
  VmapLevel& operator=(const VmapLevel&) = delete;
  uint64_t id() const { return id_; }

 private:
  uint64_t id_;
};

/// `value` seen as one example: batched at `level` along dim `dim`.
Tensor make_batched(const Tensor& value, int64_t dim, uint64_t level);

/// A tensor as the op at `level` sees it: its physical value and batch dim,
/// or the tensor itself and no dim when it is not batched at that level.
struct Unwrapped {
  Tensor value;
  std::optional<int64_t> dim;
};
Unwrapped unwrap(const Tensor& t, uint64_t level);

inline bool any_batched(std::span<const Tensor> xs) {
  for (const Tensor& x : xs)
    if (x.defined() && x.impl()->batched) return true;
  return false;
}
/// The innermost vmap level among the inputs' batch records (an error for a
/// tensor from a vmap that has returned: it escaped, e.g. kept in a global).
uint64_t innermost_level(std::span<const Tensor> xs);

/// `value` with its batch dim `dim` (nullopt: unbatched, then expanded to
/// `size` examples) moved to the front: [B, ...].
Tensor to_front(const Tensor& value, std::optional<int64_t> dim, int64_t size);
/// `value` (batch at the front, logical rank `rank`) with size-1 dims
/// inserted after the batch dim up to logical rank `to`, so that it
/// broadcasts against other examples from the right as one example would.
Tensor pad_rank(const Tensor& value, int64_t rank, int64_t to);
/// Every defined input with its batch in front (to_front) and padded to the
/// largest rank among them (pad_rank): the operands of a kernel that
/// broadcasts its leading (batch) dims from the right, as solve's, whose
/// batch in front then lines up across operands whatever their own batch dims.
std::vector<Tensor> to_front_aligned(const std::vector<Tensor>& xs, const std::vector<std::optional<int64_t>>& dims,
                                     int64_t size);
/// Flat positions pos (batched along `dim`, or shared) into examples of n
/// elements each, as positions into the whole batch flattened to B n
/// elements: example b's position p becomes b n + p. [B k] -> [B k] (1-d).
/// For ops that write or reduce at flat positions (scatter_reduce's).
Tensor flat_positions(const Tensor& pos, std::optional<int64_t> dim, int64_t size, int64_t n);

/// t itself, or under vmap (nested or not) the physical value of its whole
/// batch, in no particular layout. For a decision an op makes on the host
/// from values (a class index check, a degree, a rank test): inside vmap it
/// is made once for all examples, as one example's values cannot be read.
/// Read it only through layout-free reductions (all, any, amax over all dims).
Tensor all_examples(Tensor t);

/// What a rule of the common form `Op batched(const BatchFront&) const`
/// gets: the inputs have their batch dim at the front, and the rule returns
/// the op with its dims and shapes rewritten for that (reductions, views).
struct BatchFront {
  int64_t size;        // B
  int64_t rank;        // logical rank of input 0
  uint64_t level = 0;  // the vmap level the rule runs at
  /// Logical dim d (negative counts from the end) as a physical dim.
  int64_t dim(int64_t d) const;
  std::vector<int64_t> dims(const std::vector<int64_t>& ds) const;
  /// A reduction's dims: empty (all dims) becomes every logical dim.
  std::vector<int64_t> reduce_dims(const std::vector<int64_t>& ds) const;
  /// [B] + s: a target shape (reshape, expand, sum_to) of one example, for the batch.
  Shape shape(const Shape& s) const;
  /// A tensor the op holds as a member (gather's index), batch in front:
  /// [B] + t.shape, its own examples when it is batched at this level, else
  /// t for every example (expanded, a view).
  Tensor front(const Tensor& t) const;
};

/// A random tensor of one example's `shape` drawn inside the active vmap
/// levels as their Randomness says (`draw` fills a shape; `op` names it in errors).
Tensor draw_random(const Shape& shape, const char* op, const std::function<Tensor(const Shape&)>& draw);

/// The one-time warning of the fallback loop, naming the op (once per op).
void warn_fallback(const char* op);
/// The ops that have run through the fallback loop in this process, sorted:
/// the ones still waiting for a batching rule.
std::vector<std::string> fallback_ops();
/// Outputs of example b of an op under the fallback loop, checked against
/// example 0's: a data-dependent shape (unique, nonzero) cannot be stacked.
void check_same_shape(const char* op, const Tensor& y0, const Tensor& yb, int64_t b);

}  // namespace batching
}  // namespace fluxion
