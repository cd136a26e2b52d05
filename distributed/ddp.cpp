// SPDX-License-Identifier: MIT
// DistributedDataParallel's reducer: the model check across ranks, the
// broadcast from rank 0, gradient buckets and their all-reduce from hooks.
#include "distributed/ddp.h"

#include <algorithm>
#include <cstdint>
#include <sstream>

#include "autograd/grad_mode.h"
#include "autograd/ops.h"
#include "tensor/error.h"

namespace fluxion::nn::detail {

namespace dist = fluxion::distributed;

Reducer::Reducer(StateDict params, StateDict buffers, const DistributedDataParallelOptions& opts)
    : params_(std::move(params)),
      buffers_(std::move(buffers)),
      group_(opts.group ? opts.group : &dist::world()),
      broadcast_buffers_(opts.broadcast_buffers),
      alive_(std::make_shared<bool>(true)) {
  check(opts.bucket_cap_mb > 0, "DistributedDataParallel: bucket_cap_mb must be positive, got ", opts.bucket_cap_mb);
  verify_same_model();
  broadcast_state();
  build_buckets(opts.bucket_cap_mb);
  std::weak_ptr<bool> alive = alive_;
  for (size_t i = 0; i < params_.size(); ++i) {
    if (!params_[i].second.requires_grad()) continue;
    params_[i].second.register_hook(
        [this, alive, i](const Tensor& g) { return alive.expired() ? Tensor() : on_grad(i, g); });
  }
}

Reducer::~Reducer() = default;

// Every rank must hold the same parameters (count, shapes, dtypes): rank 0's
// list, as Int64 (ndim, dims..., dtype) per parameter, is broadcast and each
// rank compares; the first mismatch of each rank is gathered so that every
// rank throws the same error instead of some waiting in a collective forever.
void Reducer::verify_same_model() {
  std::vector<int64_t> sig;
  for (const auto& [name, p] : params_) {
    sig.push_back(p.dim());
    sig.insert(sig.end(), p.shape().begin(), p.shape().end());
    sig.push_back((int64_t)p.dtype());
  }
  NoGradGuard no_grad;
  int64_t len0 = dist::broadcast(tensor(std::vector<int64_t>{(int64_t)sig.size()}, {1}), 0, *group_).item<int64_t>();
  Tensor local = tensor(sig, {(int64_t)sig.size()});
  Tensor sig0 = dist::broadcast(len0 == (int64_t)sig.size() ? local : zeros({len0}, Int64), 0, *group_);
  std::vector<int64_t> ref = sig0.to_vector<int64_t>();
  // Walk both lists parameter by parameter: the first index whose entry differs.
  int64_t bad = -1;
  size_t a = 0;
  for (size_t i = 0; i < params_.size() && bad < 0; ++i) {
    size_t n = (size_t)params_[i].second.dim() + 2;
    if (a + n > ref.size() ||
        !std::equal(sig.begin() + (int64_t)a, sig.begin() + (int64_t)(a + n), ref.begin() + (int64_t)a))
      bad = (int64_t)i;
    a += n;
  }
  if (bad < 0 && a != ref.size()) bad = (int64_t)params_.size();  // rank 0 has more parameters
  std::vector<int64_t> all = dist::all_gather(tensor(std::vector<int64_t>{bad}, {1}), *group_).to_vector<int64_t>();
  std::ostringstream os;
  for (size_t r = 0; r < all.size(); ++r)
    if (all[r] >= 0) os << (os.tellp() > 0 ? ", " : "") << "rank " << r << " at parameter " << all[r];
  if (os.tellp() == 0) return;
  std::ostringstream here;
  if (bad >= 0 && bad < (int64_t)params_.size())
    here << " (on this rank, " << group_->rank() << ", parameter " << bad << " is '" << params_[(size_t)bad].first
         << "' of shape " << to_string(params_[(size_t)bad].second.shape()) << " and "
         << dtype_name(params_[(size_t)bad].second.dtype()) << ")";
  else if (bad >= 0)
    here << " (this rank, " << group_->rank() << ", has " << params_.size() << " parameters, fewer than rank 0)";
  fail("DistributedDataParallel: the models differ in parameter count, shapes or dtypes from rank 0's: ", os.str(),
       here.str(), "; build the same model on every rank");
}

// Rank 0's parameters and buffers, copied in place into every replica.
void Reducer::broadcast_state() {
  NoGradGuard no_grad;
  for (auto& [name, p] : params_) p.copy_(dist::broadcast(p.detach(), 0, *group_));
  for (auto& [name, b] : buffers_) b.copy_(dist::broadcast(b, 0, *group_));
}

// Buckets of one dtype and at most cap_mb, filled in reverse parameter order.
void Reducer::build_buckets(double cap_mb) {
  const double cap = cap_mb * 1024 * 1024;
  bucket_of_.assign(params_.size(), SIZE_MAX);
  double bytes = 0;
  for (size_t k = params_.size(); k-- > 0;) {
    const Tensor& p = params_[k].second;
    if (!p.requires_grad()) continue;
    ++trainable_;
    double size = (double)p.numel() * (double)dtype_size(p.dtype());
    if (buckets_.empty() || bytes + size > cap || params_[buckets_.back().params[0]].second.dtype() != p.dtype()) {
      buckets_.emplace_back();
      bytes = 0;
    }
    Bucket& b = buckets_.back();
    b.offsets.push_back(b.params.empty() ? 0 : b.offsets.back() + params_[b.params.back()].second.numel());
    b.params.push_back(k);
    bucket_of_[k] = buckets_.size() - 1;
    bytes += size;
  }
}

void Reducer::prepare_forward() {
  if (arrived_ > 0) {  // the last backward stopped before every gradient had arrived
    std::ostringstream os;
    for (size_t i = 0; i < params_.size(); ++i)
      if (params_[i].second.requires_grad() && !ready_[i])
        os << (os.tellp() > 0 ? ", " : "") << "'" << params_[i].first << "'";
    arrived_ = 0;
    for (Bucket& b : buckets_) b.work.reset();
    fail(
        "DistributedDataParallel: expected to have finished reduction in the prior iteration before starting a new "
        "one: parameters ",
        os.str(),
        " received no gradient in the last backward, so their buckets were never "
        "all-reduced; make every parameter take part in the loss on every rank, or call requires_grad_(false) on "
        "the unused ones before wrapping the module");
  }
  if (!broadcast_buffers_ || buffers_.empty()) return;
  NoGradGuard no_grad;
  for (auto& [name, b] : buffers_) b.copy_(dist::broadcast(b, 0, *group_));
}

// Hook of parameter i: grad is this backward's gradient; the all-reduce takes
// the sum with what .grad() accumulated under no_sync().
Tensor Reducer::on_grad(size_t i, const Tensor& grad) {
  if (!sync) return grad;
  NoGradGuard no_grad;
  if (arrived_ == 0) {  // the first gradient of this backward
    ready_.assign(params_.size(), false);
    next_bucket_ = 0;
    for (Bucket& b : buckets_) {
      const Tensor& p0 = params_[b.params[0]].second;
      b.flat = empty({b.offsets.back() + params_[b.params.back()].second.numel()}, p0.dtype());
      b.pending = b.params.size();
      b.work.reset();
    }
  }
  check(!ready_[i], "DistributedDataParallel: parameter '", params_[i].first, "' received two gradients in one ",
        "backward (backward through the model twice without a forward); call forward again before backward");
  const Tensor& p = params_[i].second;
  Tensor local = p.grad().defined() ? p.grad() + grad : grad;
  Bucket& b = buckets_[bucket_of_[i]];
  size_t slot = (size_t)(std::find(b.params.begin(), b.params.end(), i) - b.params.begin());
  b.flat.slice(0, b.offsets[slot], b.offsets[slot] + p.numel()).copy_(local.reshape({p.numel()}));
  ready_[i] = true;
  ++arrived_;
  --b.pending;
  start_ready_buckets();
  return arrived_ == trainable_ ? finish(i) : grad;
}

void Reducer::start_ready_buckets() {
  while (next_bucket_ < buckets_.size() && buckets_[next_bucket_].pending == 0) {
    Bucket& b = buckets_[next_bucket_++];
    b.work.emplace(dist::all_reduce_async(b.flat, dist::ReduceOp::avg, *group_));
  }
}

// Every gradient has arrived: wait for the buckets and set each .grad() to its
// averaged slice. The engine accumulates the returned gradient into parameter
// `last` after this hook, so its .grad() is cleared and its average returned.
Tensor Reducer::finish(size_t last) {
  Tensor result;
  for (Bucket& b : buckets_) {
    Tensor avg = b.work->wait();
    b.work.reset();
    for (size_t s = 0; s < b.params.size(); ++s) {
      const Tensor& p = params_[b.params[s]].second;
      Tensor g = avg.slice(0, b.offsets[s], b.offsets[s] + p.numel()).reshape(p.shape());
      if (b.params[s] == last) {
        p.zero_grad();
        result = g;
      } else {
        p.set_grad(g);
      }
    }
  }
  arrived_ = 0;
  return result;
}

}  // namespace fluxion::nn::detail
