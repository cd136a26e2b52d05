// SPDX-License-Identifier: MIT
// checkpoint_sequential (PyTorch's torch.utils.checkpoint.checkpoint_sequential):
// runs a Sequential in `segments` pieces, all but the last checkpointed, so
// backward keeps only each checkpointed segment's input and recomputes the
// segment's activations when it reaches it (autograd/checkpoint.h).
//
//   auto net = std::make_shared<fx::nn::Sequential>(/* 64 layers */);
//   Tensor y = fx::nn::checkpoint_sequential(*net, 8, x);   // as net->forward(x)
//
// As in PyTorch, a segment holds size() / segments modules; the first
// segments - 1 of them are checkpointed, and the rest of the modules (the
// last segment and the remainder of the division) run normally: their
// activations are needed at once by backward, so recomputing them saves nothing.
#pragma once
#include "autograd/checkpoint.h"
#include "nn/container.h"

namespace fluxion::nn {

/// seq.forward(x), with every segment but the last checkpointed; 1 <= segments <= seq.size().
[[nodiscard]] Tensor checkpoint_sequential(const Sequential& seq, size_t segments, const Tensor& x,
                                           const autograd::CheckpointOptions& opts = {});

}  // namespace fluxion::nn
