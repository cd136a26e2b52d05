// SPDX-License-Identifier: MIT
// Collectives on tensors over a ProcessGroup (torch.distributed and
// torch.distributed.nn.functional). Every rank of the group calls the same
// collectives in the same order with tensors of the same dtype and shape
// (all_gather: the same shape after dim 0 on every rank).
//
// With n = world_size() and x_r the tensor of rank r:
//   all_reduce(x, sum)   y = x_0 + ... + x_{n-1} on every rank   (avg: / n; max, min elementwise)
//   broadcast(x, src)    y = x_src on every rank
//   all_gather(x)        y = cat(x_0, ..., x_{n-1}) along dim 0: (n * d0, ...)   (0-d x: (n))
//   reduce_scatter(x)    x: (n * k, ...) -> y_r = sum_q x_q[r k : (r + 1) k]: (k, ...)
// Float32, Float64 and Int64 (avg: floating only); any strides; zero-size.
//
// The blocking forms return a new tensor and are differentiable where PyTorch's
// are (the gradient of the sum over ranks of a loss on each rank):
//   all_reduce's VJP is all_reduce(grad) (sum, avg),  broadcast's is the sum of
//   grads at src (zero elsewhere),  all_gather's is reduce_scatter(grad, sum),
//   reduce_scatter's is all_gather(grad) (sum, avg: / n).
// Their JVPs run the same collective on the tangents, so tangents must exist
// on every rank or on none. The *_async forms start the collective and return
// a Work whose wait() gives the result; they record no graph.
#pragma once
#include <chrono>
#include <memory>
#include <optional>

#include "autograd/tensor.h"
#include "distributed/process_group.h"

namespace fluxion::distributed {

enum class ReduceOp { sum, avg, max, min };
const char* reduce_op_name(ReduceOp op);

/// A collective in flight (torch.distributed's Work).
class Work {
 public:
  struct State;
  explicit Work(std::shared_ptr<State> state) : state_(std::move(state)) {}
  Work(Work&&) noexcept = default;
  Work& operator=(Work&&) noexcept = default;
  /// A Work still running is kept alive until it ends: MPI writes into its buffers.
  ~Work();

  /// Waits (up to the group's timeout, or `timeout`) and returns the result
  /// (undefined for barrier). After a timeout the Work can be waited on again.
  Tensor wait(std::optional<std::chrono::milliseconds> timeout = {});
  /// Whether the collective has ended (MPI_Test; does not block).
  bool is_completed();

 private:
  std::shared_ptr<State> state_;
};

[[nodiscard]] Tensor all_reduce(const Tensor& x, ReduceOp op = ReduceOp::sum, ProcessGroup& group = world());
[[nodiscard]] Work all_reduce_async(const Tensor& x, ReduceOp op = ReduceOp::sum, ProcessGroup& group = world());

[[nodiscard]] Tensor broadcast(const Tensor& x, int src = 0, ProcessGroup& group = world());
[[nodiscard]] Work broadcast_async(const Tensor& x, int src = 0, ProcessGroup& group = world());

[[nodiscard]] Tensor all_gather(const Tensor& x, ProcessGroup& group = world());
[[nodiscard]] Work all_gather_async(const Tensor& x, ProcessGroup& group = world());

[[nodiscard]] Tensor reduce_scatter(const Tensor& x, ReduceOp op = ReduceOp::sum, ProcessGroup& group = world());
[[nodiscard]] Work reduce_scatter_async(const Tensor& x, ReduceOp op = ReduceOp::sum, ProcessGroup& group = world());

/// Returns when every rank of the group has called barrier.
void barrier(ProcessGroup& group = world());

}  // namespace fluxion::distributed
