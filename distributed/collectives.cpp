// SPDX-License-Identifier: MIT
// Collectives on tensors: each starts a non-blocking MPI collective on a
// contiguous copy of its input; the differentiable forms are ops (apply.h)
// whose forward waits for it and whose rules are collectives again.
#include "distributed/collectives.h"

#include <cstring>
#include <mutex>
#include <vector>

#include "autograd/apply.h"
#include "autograd/grad_mode.h"
#include "autograd/ops.h"
#include "tensor/error.h"

namespace fluxion::distributed {

struct Work::State {
  MPI_Request request = MPI_REQUEST_NULL;
  TensorData send, out;  // kept alive while MPI reads and writes them
  ProcessGroup* group = nullptr;
  const char* op = "";
  bool average = false;  // divide the sum by world_size() when done
  bool has_out = true;
  bool done = false;
  void finish() {
    done = true;
    if (!average || out.numel() == 0) return;
    dispatch_float(out.dtype, op, [&](auto tag) {
      using T = decltype(tag);
      T* p = out.data<T>();
      for (int64_t i = 0; i < out.numel(); ++i) p[i] /= (T)group->world_size();
    });
  }
};

const char* reduce_op_name(ReduceOp op) {
  switch (op) {
    case ReduceOp::sum:
      return "sum";
    case ReduceOp::avg:
      return "avg";
    case ReduceOp::max:
      return "max";
    case ReduceOp::min:
      return "min";
  }
  return "?";
}

namespace {

MPI_Datatype mpi_type(DType t, const char* op) {
  switch (t) {
    case DType::Float32:
      return MPI_FLOAT;
    case DType::Float64:
      return MPI_DOUBLE;
    case DType::Int64:
      return MPI_INT64_T;
    default:
      fail(op, ": dtype ", dtype_name(t), " is not supported; collectives take Float32, Float64 and Int64 (use .to())");
  }
}

MPI_Op mpi_op(ReduceOp op, DType t, const char* name) {
  check(op != ReduceOp::avg || t != DType::Int64, name,
        ": avg of an Int64 tensor would round; use sum, or .to(Float64)");
  switch (op) {
    case ReduceOp::max:
      return MPI_MAX;
    case ReduceOp::min:
      return MPI_MIN;
    default:
      return MPI_SUM;
  }
}

// The first element's address; x is contiguous (or empty).
void* bytes(const TensorData& x) {
  return static_cast<char*>(x.storage->data) + x.offset * (int64_t)dtype_size(x.dtype);
}

void mpi_check(int rc, const char* op) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(rc, text, &len);
  fail(op, ": MPI failed: ", std::string(text, (size_t)len),
       "; do all ranks call the same collectives with tensors of the same dtype and shape?");
}

// A contiguous view (or copy) of x's data, and the state of a collective on it.
std::shared_ptr<Work::State> begin(const Tensor& x, ProcessGroup& group, const char* op) {
  check(x.defined(), op, ": the tensor is undefined");
  group.enter(op);
  auto s = std::make_shared<Work::State>();
  s->send = x.contiguous().tensor_data();
  s->group = &group;
  s->op = op;
  return s;
}

void check_grad_rule(const Tensor& x, ReduceOp op, const char* name) {
  check(op == ReduceOp::sum || op == ReduceOp::avg || !x.requires_grad() || !GradMode::is_enabled(), name, ": ",
        reduce_op_name(op), " has no gradient rule (as in PyTorch); detach the input or use sum or avg");
}

// All-gather's output shape: (n * d0, ...), or (n) for a 0-d x.
Shape gathered_shape(const Shape& s, int n) {
  Shape y = s.empty() ? Shape{1} : s;
  y[0] *= n;
  return y;
}

// The ops: forward waits for the collective; the rules are collectives too.
struct AllReduce {
  static constexpr const char* name = "AllReduce";
  static constexpr Save save = Save::nothing;
  ReduceOp op;
  ProcessGroup* group;
  TensorData forward(const TensorData& x) const { return all_reduce_async(Tensor(x), op, *group).wait().tensor_data(); }
  // y = sum_q x_q on every rank: d(sum_q L_q)/dx_r = sum_q grad_q (avg: / n)
  Tensor vjp(const Tensor& grad, const Saved&) const { return all_reduce(grad, op, *group); }
  Tensor jvp(const Tensor& dx, const Saved&) const { return all_reduce(dx, op, *group); }
};

struct Broadcast {
  static constexpr const char* name = "Broadcast";
  static constexpr Save save = Save::nothing;
  int src;
  ProcessGroup* group;
  TensorData forward(const TensorData& x) const { return broadcast_async(Tensor(x), src, *group).wait().tensor_data(); }
  // y_q = x_src: dx_src = sum_q grad_q, dx_r = 0 for r != src
  Tensor vjp(const Tensor& grad, const Saved&) const {
    Tensor total = all_reduce(grad, ReduceOp::sum, *group);
    return group->rank() == src ? total : total * 0.0;
  }
  Tensor jvp(const Tensor& dx, const Saved&) const { return broadcast(dx, src, *group); }
};

struct AllGather {
  static constexpr const char* name = "AllGather";
  static constexpr Save save = Save::inputs;
  ProcessGroup* group;
  TensorData forward(const TensorData& x) const { return all_gather_async(Tensor(x), *group).wait().tensor_data(); }
  // y = cat_q x_q: dx_r = sum_q grad_q[slice r], a reduce-scatter (then x's shape back for 0-d x)
  Tensor vjp(const Tensor& grad, const Saved& s) const {
    return reduce_scatter(grad, ReduceOp::sum, *group).reshape(s.input_shape(0));
  }
  Tensor jvp(const Tensor& dx, const Saved&) const { return all_gather(dx, *group); }
};

struct ReduceScatter {
  static constexpr const char* name = "ReduceScatter";
  static constexpr Save save = Save::nothing;
  ReduceOp op;
  ProcessGroup* group;
  TensorData forward(const TensorData& x) const {
    return reduce_scatter_async(Tensor(x), op, *group).wait().tensor_data();
  }
  // y_r = sum_q x_q[slice r]: dx_q = cat_r grad_r (avg: / n), an all-gather
  Tensor vjp(const Tensor& grad, const Saved&) const {
    Tensor g = all_gather(grad, *group);
    return op == ReduceOp::avg ? g / (double)group->world_size() : g;
  }
  Tensor jvp(const Tensor& dx, const Saved&) const { return reduce_scatter(dx, op, *group); }
};

// Works that were dropped while running: MPI still owns their buffers.
std::mutex g_orphans_mutex;
std::vector<std::shared_ptr<Work::State>> g_orphans;

}  // namespace

Work::~Work() {
  if (!state_ || state_->done || state_->request == MPI_REQUEST_NULL) return;
  int done = 0;
  MPI_Test(&state_->request, &done, MPI_STATUS_IGNORE);
  if (done) return;
  std::lock_guard lock(g_orphans_mutex);
  g_orphans.push_back(std::move(state_));
}

Tensor Work::wait(std::optional<std::chrono::milliseconds> timeout) {
  check(state_ != nullptr, "Work::wait: this Work was moved from");
  if (!state_->done) {
    state_->group->wait(state_->request, state_->op, timeout.value_or(state_->group->timeout()));
    state_->finish();
  }
  return state_->has_out ? Tensor(state_->out) : Tensor();
}

bool Work::is_completed() {
  check(state_ != nullptr, "Work::is_completed: this Work was moved from");
  if (state_->done) return true;
  int done = 0;
  MPI_Test(&state_->request, &done, MPI_STATUS_IGNORE);
  if (done) state_->finish();
  return state_->done;
}

Work all_reduce_async(const Tensor& x, ReduceOp op, ProcessGroup& group) {
  auto s = begin(x, group, "all_reduce");
  MPI_Datatype t = mpi_type(x.dtype(), s->op);
  MPI_Op reduce = mpi_op(op, x.dtype(), s->op);
  s->out = TensorData::empty(x.shape(), x.dtype());
  s->average = op == ReduceOp::avg;
  mpi_check(MPI_Iallreduce(bytes(s->send), bytes(s->out), (int)x.numel(), t, reduce, group.comm(), &s->request), s->op);
  return Work(s);
}

Work broadcast_async(const Tensor& x, int src, ProcessGroup& group) {
  check(src >= 0 && src < group.world_size(), "broadcast: src rank ", src, " is outside the group of ",
        group.world_size(), " ranks");
  auto s = begin(x, group, "broadcast");
  MPI_Datatype t = mpi_type(x.dtype(), s->op);
  s->out = TensorData::empty(x.shape(), x.dtype());
  if (group.rank() == src && x.numel() > 0)
    std::memcpy(bytes(s->out), bytes(s->send), (size_t)x.numel() * dtype_size(x.dtype()));
  mpi_check(MPI_Ibcast(bytes(s->out), (int)x.numel(), t, src, group.comm(), &s->request), s->op);
  return Work(s);
}

Work all_gather_async(const Tensor& x, ProcessGroup& group) {
  auto s = begin(x, group, "all_gather");
  MPI_Datatype t = mpi_type(x.dtype(), s->op);
  s->out = TensorData::empty(gathered_shape(x.shape(), group.world_size()), x.dtype());
  int count = (int)x.numel();
  mpi_check(MPI_Iallgather(bytes(s->send), count, t, bytes(s->out), count, t, group.comm(), &s->request), s->op);
  return Work(s);
}

Work reduce_scatter_async(const Tensor& x, ReduceOp op, ProcessGroup& group) {
  int n = group.world_size();
  check(x.dim() >= 1 && x.size(0) % n == 0, "reduce_scatter: the input's dim 0 must be a multiple of the ", "group's ",
        n, " ranks, got shape ", x.shape(), "; pad it or gather into (n * k, ...)");
  auto s = begin(x, group, "reduce_scatter");
  MPI_Datatype t = mpi_type(x.dtype(), s->op);
  MPI_Op reduce = mpi_op(op, x.dtype(), s->op);
  Shape y = x.shape();
  y[0] /= n;
  s->out = TensorData::empty(y, x.dtype());
  s->average = op == ReduceOp::avg;
  mpi_check(MPI_Ireduce_scatter_block(bytes(s->send), bytes(s->out), (int)s->out.numel(), t, reduce, group.comm(),
                                      &s->request),
            s->op);
  return Work(s);
}

void barrier(ProcessGroup& group) {
  group.enter("barrier");
  auto s = std::make_shared<Work::State>();
  s->group = &group;
  s->op = "barrier";
  s->has_out = false;
  mpi_check(MPI_Ibarrier(group.comm(), &s->request), s->op);
  Work(s).wait();
}

Tensor all_reduce(const Tensor& x, ReduceOp op, ProcessGroup& group) {
  check_grad_rule(x, op, "all_reduce");
  return apply(AllReduce{op, &group}, x);
}
Tensor broadcast(const Tensor& x, int src, ProcessGroup& group) { return apply(Broadcast{src, &group}, x); }
Tensor all_gather(const Tensor& x, ProcessGroup& group) { return apply(AllGather{&group}, x); }
Tensor reduce_scatter(const Tensor& x, ReduceOp op, ProcessGroup& group) {
  check_grad_rule(x, op, "reduce_scatter");
  return apply(ReduceScatter{op, &group}, x);
}

}  // namespace fluxion::distributed
