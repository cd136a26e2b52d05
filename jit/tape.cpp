// SPDX-License-Identifier: MIT
// The Tape (tape.h): each op apply() reports becomes a Step on slots; and the
// slot helpers a replay uses (views_of, reuse_or_empty).
#include "jit/tape.h"

#include "tensor/error.h"

namespace fluxion::jit::detail {

static bool same_view(const TensorData& a, const TensorData& b) {
  return a.storage == b.storage && a.offset == b.offset && a.dtype == b.dtype && a.shape == b.shape &&
         a.strides == b.strides;
}

// The step that runs a recorded op again on the replay's values.
static Step step_for(autograd::RecordedOp&& op) {
  Step s;
  s.name = op.name;
  s.stateless_kind = op.kind;
  s.identity = op.identity;
  s.commutative = op.commutative;
  s.block64 = op.block64;
  s.block32 = op.block32;
  s.into = std::move(op.into);
  s.moves = op.moves;
  s.write = std::move(op.write);
  s.forward = std::move(op.forward);
  return s;
}

Tape::Tape() {  // room for a typical small program, so recording does not keep regrowing
  slots.reserve(256);
  computed.reserve(256);
  versions.reserve(256);
  steps.reserve(128);
  by_storage_.reserve(256);
}

int32_t Tape::add(const TensorData& d, bool is_computed) {
  slots.push_back(d);
  computed.push_back(is_computed);
  versions.push_back(d.defined() ? d.storage->version : 0);
  int32_t i = (int32_t)slots.size() - 1;
  if (d.defined()) by_storage_[d.storage.get()].push_back(i);
  return i;
}

int32_t Tape::find(const TensorData& d, bool* views_computed) const {
  auto it = by_storage_.find(d.storage.get());
  if (it == by_storage_.end()) return -1;
  for (auto s = it->second.rbegin(); s != it->second.rend(); ++s) {  // the latest alias first
    if (same_view(slots[*s], d)) return *s;
    if (views_computed && computed[*s]) *views_computed = true;
  }
  return -1;
}

int32_t Tape::input_slot(const Tensor& t) {
  if (!t.defined()) return -1;
  const TensorData& d = t.tensor_data();
  bool views_computed = false;
  int32_t s = find(d, &views_computed);
  if (s >= 0) return s;
  check(!views_computed, "jit::trace: an op read a view (shape ", d.shape,
        ") of a traced tensor that was not made by an op, so a replay could not follow it; "
        "make the view with a Tensor method (select, reshape, ...)");
  return add(d, false);
}

size_t Tape::views_of(const Storage* storage) const {
  auto it = by_storage_.find(storage);
  return it == by_storage_.end() ? 0 : it->second.size();
}

bool Tape::is_traced(const TensorData& d) const {
  auto it = by_storage_.find(d.storage.get());
  if (it == by_storage_.end()) return false;
  for (int32_t s : it->second)
    if (computed[s]) return true;
  return false;
}

void Tape::record(autograd::RecordedOp&& op, std::span<const Tensor> inputs, std::span<const Tensor> outputs) {
  Step step = step_for(std::move(op));
  for (const Tensor& x : inputs) step.in.push_back(input_slot(x));
  for (const Tensor& y : outputs) step.out.push_back(add(y.defined() ? y.tensor_data() : TensorData{}, true));
  if (inputs.size() == 1 && outputs.size() == 1 && inputs[0].defined() && outputs[0].defined()) {
    const TensorData &x = inputs[0].tensor_data(), &y = outputs[0].tensor_data();
    step.moves = step.moves || x.storage == y.storage;  // a view
    step.same_order = x.storage == y.storage && x.offset == y.offset && x.numel() == y.numel() && x.is_contiguous() &&
                      y.is_contiguous();
  }
  steps.push_back(std::move(step));
}

void Tape::on_read(const TensorData& data, const char* what) {
  if (!is_traced(data)) return;
  fail("jit::trace: ", what, " reads the value of a tensor (shape ", data.shape,
       ") computed from the trace's inputs; a trace keeps only tensor ops, so that C++ value would be frozen "
       "at its traced value. Keep it a tensor (use where, clamp, ...), or do not trace this function");
}

bool recording() { return dynamic_cast<Tape*>(autograd::recorder()) != nullptr; }

SmallVector<int32_t, 4> views_of(const std::vector<TensorData>& recorded, int32_t s) {
  SmallVector<int32_t, 4> views;
  for (size_t v = 0; v < recorded.size(); ++v)
    if ((int32_t)v != s && recorded[v].defined() && recorded[v].storage == recorded[s].storage)
      views.push_back((int32_t)v);
  return views;
}

TensorData reuse_or_empty(const std::vector<TensorData>& slots, int32_t s, const SmallVector<int32_t, 4>& views,
                          const Shape& shape, DType dtype) {
  const TensorData& old = slots[s];
  if (old.defined() && old.dtype == dtype && old.shape == shape && old.offset == 0 && old.is_contiguous()) {
    long holders = 1;
    for (int32_t v : views) holders += slots[v].storage == old.storage;
    if (old.storage.use_count() == holders) return old;
  }
  return TensorData::empty(shape, dtype);
}

void run_step(const Step& step, std::vector<TensorData>& slots) {
  if (!step.forward) return step.run(slots, step);
  constexpr size_t kInline = 4;  // the inputs and outputs of all but a few ops (cat, ...)
  const TensorData* xs_inline[kInline];
  TensorData* ys_inline[kInline];
  std::vector<const TensorData*> xs_heap;
  std::vector<TensorData*> ys_heap;
  const TensorData** xs = xs_inline;
  TensorData** ys = ys_inline;
  if (step.in.size() > kInline) xs = (xs_heap.resize(step.in.size()), xs_heap.data());
  if (step.out.size() > kInline) ys = (ys_heap.resize(step.out.size()), ys_heap.data());
  for (size_t i = 0; i < step.in.size(); ++i) xs[i] = &slot(slots, step.in[i]);
  for (size_t i = 0; i < step.out.size(); ++i) ys[i] = &slots[step.out[i]];
  step.forward({xs, step.in.size()}, {ys, step.out.size()});
}

}  // namespace fluxion::jit::detail
