// SPDX-License-Identifier: MIT
// One backward pass's bookkeeping: the table from nodes to their states, and
// summing the gradients that arrive at a node.
#include "autograd/graph_task.h"

#include <algorithm>
#include <bit>

#include "autograd/grad_mode.h"
#include "autograd/ops.h"
#include "autograd/recorder.h"
#include "tensor/kernels/copy.h"
#include "tensor/kernels/loops.h"

namespace fluxion::autograd::detail {

void GraphTask::grow() {
  size_t size = std::max<size_t>(64, slots_.size() * 2);
  slots_.assign(size, Slot{});
  mask_ = size - 1;
  shift_ = 64 - std::countr_zero(size);
  for (uint32_t i = 0; i < states_.size(); ++i) insert(states_[i].node, i);
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
  if (slot.impl()->batched || g.impl()->batched) {  // under vmap: the batch is in the batch record
    slot = slot + g;
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
