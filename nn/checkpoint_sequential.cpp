// SPDX-License-Identifier: MIT
// checkpoint_sequential (checkpoint_sequential.h): a Sequential cut into
// segments, each but the last run through autograd::checkpoint.
#include "nn/checkpoint_sequential.h"

#include <memory>

namespace fluxion::nn {

Tensor checkpoint_sequential(const Sequential& seq, size_t segments, const Tensor& x,
                             const autograd::CheckpointOptions& opts) {
  size_t n = seq.size();
  check(segments >= 1 && segments <= n, "checkpoint_sequential: segments must be in [1, ", n, "] for a Sequential of ",
        n, " modules, got ", segments);
  // PyTorch's split: segments - 1 checkpointed runs of n / segments modules,
  // then the rest (n / segments + n % segments modules) run normally.
  size_t size = n / segments, end = 0;
  Tensor y = x;
  // A copy of seq shares its modules: the recomputation in backward runs the
  // same parameters, and finds them even if seq itself is gone by then.
  auto modules = std::make_shared<Sequential>(seq);
  for (size_t start = 0; start + size < size * segments; start += size) {
    end = start + size;
    y = autograd::checkpoint([modules, start, end](const Tensor& h) { return modules->forward(h, start, end); }, y,
                             opts);
  }
  return seq.forward(y, end, n);
}

}  // namespace fluxion::nn
