// SPDX-License-Identifier: MIT
// One backward pass's bookkeeping: pass ids, restoring the nodes' scratch
// fields, and summing the gradients that arrive at a node.
#include "autograd/graph_task.h"

#include "autograd/grad_mode.h"
#include "autograd/ops.h"
#include "autograd/recorder.h"
#include "tensor/kernels/copy.h"
#include "tensor/kernels/loops.h"

namespace fluxion::autograd::detail {

static thread_local uint64_t g_next_pass = 1;

GraphTask::GraphTask() : id_(g_next_pass++) {}

GraphTask::~GraphTask() {
  for (auto it = states_.rbegin(); it != states_.rend(); ++it) it->node->scratch = it->saved;
}

// When the engine is the only owner of the slot's tensor (it made it by an
// earlier sum) the sum is done in place: a leaf used by n ops receives n
// gradients, and a new tensor per partial sum would be n allocations in a
// pass that otherwise does little work per op. Not while recording (a
// recorder sees only ops, and would miss the write) nor when the sum must be
// differentiable (create_graph, tangents).
void accumulate(Tensor& slot, const Tensor& g) {
  if (!slot.defined()) {
    slot = g;
    return;
  }
  const TensorData& s = slot.tensor_data();
  bool owned = slot.impl_ptr().use_count() == 1 && s.storage.use_count() == 1 && !slot.requires_grad() &&
               slot.impl()->tangents.empty();
  if (owned && !GradMode::is_enabled() && !recorder() && s.is_contiguous() && s.shape == g.shape() &&
      s.dtype == g.dtype() && !g.requires_grad() && g.impl()->tangents.empty()) {
    TensorData gc = kernels::contiguous(g.tensor_data());
    dispatch(s.dtype, [&](auto tag) {
      using T = decltype(tag);
      kernels::flat_zip(s.data<T>(), s.data<T>(), gc.data<T>(), s.numel(), [](T a, T b) { return a + b; });
    });
    return;
  }
  slot = slot + g;
}

}  // namespace fluxion::autograd::detail
