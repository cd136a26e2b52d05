// SPDX-License-Identifier: MIT
// The Tape: what jit::trace installs on apply()'s recording hook
// (autograd/recorder.h) while fn runs. It turns each reported op into a Step
// on slots, one slot per distinct array seen: the inputs, each step's
// outputs, and constants (arrays an op read that no step made). Arrays are
// known by their storage and view, so Tensors that alias one array
// (detach(), a saved output) find the same slot.
#pragma once
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "autograd/recorder.h"
#include "jit/trace.h"

namespace fluxion::jit::detail {

class Tape final : public autograd::Recorder {
 public:
  std::vector<TensorData> slots;
  std::vector<char> computed;      // an input or a step's output (else a constant)
  std::vector<uint64_t> versions;  // the storage's version when first seen
  std::vector<Step> steps;

  Tape();
  /// A new slot holding d.
  int32_t add(const TensorData& d, bool is_computed);
  /// The slot of d; -1 when its storage was never seen.
  int32_t find(const TensorData& d, bool* views_computed = nullptr) const;
  /// How many slots hold views of this storage.
  size_t views_of(const Storage* storage) const;
  /// Whether some view of d's storage was computed from the inputs.
  bool is_traced(const TensorData& d) const;

  void record(autograd::RecordedOp&& op, std::span<const Tensor> inputs, std::span<const Tensor> outputs) override;
  /// Fails when `data` was computed from the trace's inputs: reading it as a C++ value would be frozen.
  void on_read(const TensorData& data, const char* what) override;

 private:
  int32_t input_slot(const Tensor& t);
  std::unordered_map<const Storage*, SmallVector<int32_t, 2>> by_storage_;
};

}  // namespace fluxion::jit::detail
