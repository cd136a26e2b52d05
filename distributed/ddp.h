// SPDX-License-Identifier: MIT
// nn::DistributedDataParallel — data-parallel training over a ProcessGroup
// (torch.nn.parallel.DistributedDataParallel): every rank holds a replica of
// the module and a different part of each batch; after backward() every
// replica holds the gradient averaged over the ranks, so identical optimizer
// steps keep the replicas identical.
//
//   auto net = std::make_shared<Net>();
//   fx::nn::DistributedDataParallel ddp(net);      // rank 0's parameters and buffers everywhere
//   fx::optim::SGD opt(net->parameters(), {.lr = 0.1});
//   for (auto& batch : loader) {                   // this rank's shard (data::DistributedSampler)
//     opt.zero_grad();
//     ddp.forward(batch[0]).pipe(loss).backward();  // gradients all-reduced during backward
//     opt.step();
//   }
//
// How: parameters are grouped, in reverse registration order (roughly the
// order backward produces their gradients), into buckets of at most
// bucket_cap_mb. A hook on each parameter copies its gradient into its
// bucket's flat buffer; when a bucket is full its non-blocking all-reduce
// starts, so communication overlaps the rest of backward. The hook of the last
// gradient waits for every bucket and writes the averages into .grad().
// Buckets start in a fixed order on every rank, as MPI requires.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "distributed/collectives.h"
#include "nn/module.h"

namespace fluxion::nn {

struct DistributedDataParallelOptions {
  double bucket_cap_mb = 25;                   // PyTorch's default bucket size
  bool broadcast_buffers = true;               // rank 0's buffers (BatchNorm's running stats) at every forward
  distributed::ProcessGroup* group = nullptr;  // null: distributed::world()
};

namespace detail {

// The bucketing and all-reduce logic, independent of the module's forward signature.
class Reducer {
 public:
  Reducer(StateDict params, StateDict buffers, const DistributedDataParallelOptions& opts);
  ~Reducer();
  Reducer(const Reducer&) = delete;
  Reducer& operator=(const Reducer&) = delete;
  /// Before each forward: checks the last backward reduced every gradient, and
  /// broadcasts the buffers.
  void prepare_forward();
  bool sync = true;  // false inside no_sync()
  size_t bucket_count() const { return buckets_.size(); }

 private:
  struct Bucket {
    std::vector<size_t> params;    // indices into params_
    std::vector<int64_t> offsets;  // of each parameter in the flat buffer
    Tensor flat;                   // this step's local gradients, (numel)
    size_t pending = 0;            // gradients still to arrive
    std::optional<distributed::Work> work;
    Tensor reduced;  // the averaged buffer after wait()
  };
  void verify_same_model();
  void broadcast_state();
  void build_buckets(double cap_mb);
  Tensor on_grad(size_t i, const Tensor& grad);
  void start_ready_buckets();
  Tensor finish(size_t last);

  StateDict params_, buffers_;
  distributed::ProcessGroup* group_;
  bool broadcast_buffers_;
  std::vector<Bucket> buckets_;
  std::vector<size_t> bucket_of_;  // parameter -> bucket
  std::vector<bool> ready_;        // parameter's gradient arrived in this backward
  size_t next_bucket_ = 0;         // the next bucket to start (they start in order)
  size_t arrived_ = 0;             // gradients arrived in this backward
  size_t trainable_ = 0;           // parameters that require grad
  std::shared_ptr<bool> alive_;    // the hooks outlive the reducer; they check this
};

}  // namespace detail

template <class M>
class DistributedDataParallel : public Module {
 public:
  explicit DistributedDataParallel(std::shared_ptr<M> module, const DistributedDataParallelOptions& opts = {})
      : module_(register_module("module", std::move(module))),
        reducer_(module_->named_parameters(), module_->named_buffers(), opts) {}

  /// The wrapped module's forward, after prepare_forward() (see Reducer).
  template <class... Args>
  auto forward(Args&&... args) {
    reducer_.prepare_forward();
    return module_->forward(std::forward<Args>(args)...);
  }
  const std::shared_ptr<M>& module() const { return module_; }
  size_t bucket_count() const { return reducer_.bucket_count(); }

  /// Inside the guard's scope backward accumulates local gradients without
  /// communicating; the first backward after it all-reduces the sum.
  class NoSyncGuard {
   public:
    explicit NoSyncGuard(detail::Reducer& r) : r_(r) { r_.sync = false; }
    ~NoSyncGuard() { r_.sync = true; }
    NoSyncGuard(const NoSyncGuard&) = delete;
    NoSyncGuard& operator=(const NoSyncGuard&) = delete;

   private:
    detail::Reducer& r_;
  };
  [[nodiscard]] NoSyncGuard no_sync() { return NoSyncGuard(reducer_); }

 private:
  std::shared_ptr<M> module_;
  detail::Reducer reducer_;
};

}  // namespace fluxion::nn
