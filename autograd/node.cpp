// SPDX-License-Identifier: MIT
// Graph nodes: their creation order, their iterative release, and AccumulateGrad,
// the node that sums gradients into a leaf's .grad().
#include "autograd/node.h"

#include <atomic>

#include "autograd/grad_mode.h"
#include "autograd/ops.h"

namespace fluxion {

static std::atomic<uint64_t> g_next_sequence_nr{0};

Node::Node() : sequence_nr(g_next_sequence_nr++) {}

Node::~Node() {
  for (Edge& e : next_edges) release_node(std::move(e.node));
}

void release_node(std::shared_ptr<Node>&& node) {
  thread_local std::vector<std::shared_ptr<Node>> pending;
  thread_local bool draining = false;
  if (!node) return;
  if (node.use_count() > 1) {  // not the last owner: dropping it frees nothing
    node.reset();
    return;
  }
  pending.push_back(std::move(node));
  if (draining) return;  // an outer call is already looping
  draining = true;
  while (!pending.empty()) {
    std::shared_ptr<Node> last = std::move(pending.back());
    pending.pop_back();
    last.reset();  // may queue more nodes, never recurses deeply
  }
  draining = false;
}

AccumulateGrad::AccumulateGrad(const std::shared_ptr<TensorImpl>& leaf) : leaf_(leaf) {
  inputs.push_back({leaf->data.shape, leaf->data.dtype});
  outputs.push_back({leaf->data.shape, leaf->data.dtype});
}

TensorList AccumulateGrad::backward(TensorList&& grads) {
  std::shared_ptr<TensorImpl> leaf = leaf_.lock();
  if (!leaf) return {};  // the leaf is gone: no one can read its gradient
  Tensor g = grads[0];
  for (const Hook& hook : leaf->hooks) {
    Tensor r = hook(g);
    if (!r.defined()) continue;
    check(r.shape() == leaf->data.shape && r.dtype() == leaf->data.dtype, "backward: a hook on a leaf of shape ",
          leaf->data.shape, " (", dtype_name(leaf->data.dtype), ") returned a gradient of shape ",
          r.shape(), " (", dtype_name(r.dtype()), "); a hook must return a gradient like the one it got");
    g = r;
  }
  if (!g.defined()) return {};
  // Without create_graph the stored gradient is a plain tensor; with it the
  // gradient keeps its graph so it can be differentiated again.
  if (!GradMode::is_enabled()) g = g.detach();
  // Out of place: never write into a tensor the caller might still hold.
  std::lock_guard lock(mutex_);
  leaf->grad = leaf->grad.defined() ? leaf->grad + g : g;
  return {};
}

// A leaf's accumulator is made on first use, possibly by ops on several
// threads at once: a lock, one of a few picked by the leaf's address, makes
// them agree on one. It is never replaced, so once published (the release
// store of has_accumulator) every op reads it without the lock.
static std::mutex& accumulator_mutex(const TensorImpl* impl) {
  static std::mutex mutexes[16];
  return mutexes[((uintptr_t)impl >> 6) % 16];
}

Edge gradient_edge(const Tensor& t) {
  refresh_view(t);
  TensorImpl* impl = t.impl();
  if (impl->grad_fn) return {impl->grad_fn, impl->output_nr};
  if (!impl->requires_grad) return {};
  if (!impl->has_accumulator.load(std::memory_order_acquire)) {
    std::lock_guard lock(accumulator_mutex(impl));
    if (!impl->grad_accumulator) {
      impl->grad_accumulator = std::make_shared<AccumulateGrad>(t.impl_ptr());
      impl->has_accumulator.store(true, std::memory_order_release);
    }
  }
  return {impl->grad_accumulator, 0};
}

}  // namespace fluxion
