// SPDX-License-Identifier: MIT
// jit::trace: recording fn on a Tape (tape.h), the simplifications done once
// the recording ends, and the replay.
#include "jit/trace.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <sstream>
#include <tuple>

#include "jit/tape.h"
#include "tensor/error.h"
#include "tensor/small_vector.h"
#include "tensor/kernels/compare.h"
#include "tensor/kernels/copy.h"
#include "tensor/kernels/reduce.h"

namespace fluxion::jit {
namespace {

// Whether every element of d equals v (of an expanded scalar, the one element).
bool all_equal(TensorData d, double v) {
  if (std::all_of(d.strides.begin(), d.strides.end(), [](int64_t s) { return s == 0; }))
    d = d.as_strided({}, {}, d.offset);
  TensorData eq = kernels::compare(d, kernels::full({}, v, d.dtype), kernels::Compare::eq);
  return kernels::item(kernels::all(eq)) != 0;
}

// Simplifies the recorded program before it is kept, in one pass in order:
//  - values no replay can change are folded: constants only the trace holds
//    (the seeds and scalars fn made; not tensors it captured, which can be
//    written in place between replays) and steps computed from them alone;
//  - a product with ones or a sum with zeros (from the seed of a backward
//    pass, mostly) is the other operand;
//  - a stateless op applied twice to the same inputs (in either order, when
//    it commutes) is computed once.
// Dropped steps' outputs become aliases of what they equal.
void simplify(detail::Tape& rec, std::vector<int32_t>& outputs, size_t num_inputs) {
  size_t n = rec.slots.size();
  std::vector<char> frozen(n, 0);
  for (size_t s = num_inputs; s < n; ++s) {  // held by the slots alone
    const TensorData& d = rec.slots[s];
    frozen[s] = !rec.computed[s] && d.defined() && (size_t)d.storage.use_count() == rec.views_of(d.storage.get());
  }
  std::vector<int32_t> alias(n);
  for (size_t s = 0; s < n; ++s) alias[s] = (int32_t)s;
  using Key = std::tuple<const void*, int32_t, int32_t, int32_t>;  // a stateless op and up to three inputs
  std::map<Key, size_t> seen;                                      // -> its index in kept
  std::vector<detail::Step> kept;
  kept.reserve(rec.steps.size());
  for (detail::Step& st : rec.steps) {
    bool all_frozen = true;
    for (int32_t& i : st.in) {
      if (i >= 0) i = alias[i];
      all_frozen = all_frozen && (i < 0 || frozen[i]);
    }
    if (all_frozen) {  // its recorded outputs are its outputs forever
      for (int32_t o : st.out) frozen[o] = 1, rec.computed[o] = 0;
      continue;
    }
    if (st.identity && st.in.size() == 2 && st.out.size() == 1) {
      const TensorData& y = rec.slots[st.out[0]];
      bool dropped = false;
      for (int k = 0; k < 2 && !dropped; ++k) {
        int32_t c = st.in[k], x = st.in[1 - k];
        if (c < 0 || x < 0 || !frozen[c]) continue;
        const TensorData& xd = rec.slots[x];
        if (xd.shape != y.shape || xd.dtype != y.dtype || !all_equal(rec.slots[c], *st.identity)) continue;
        alias[st.out[0]] = x;
        dropped = true;
      }
      if (dropped) continue;
    }
    if (st.stateless_kind && st.in.size() <= 3) {
      int32_t in[3] = {-2, -2, -2};
      std::copy(st.in.begin(), st.in.end(), in);
      if (st.commutative && st.in.size() == 2 && in[0] > in[1]) std::swap(in[0], in[1]);
      auto [it, fresh] = seen.try_emplace(Key{st.stateless_kind, in[0], in[1], in[2]}, kept.size());
      if (!fresh) {
        const detail::Step& first = kept[it->second];
        for (size_t j = 0; j < st.out.size(); ++j) alias[st.out[j]] = first.out[j];
        continue;
      }
    }
    kept.push_back(std::move(st));
  }
  rec.steps = std::move(kept);
  for (int32_t& o : outputs)
    if (o >= 0) o = alias[o];
}

// A view (select, slice, ...) or a chain of views becomes one view of the
// contiguous array at its start, made from the recorded geometry: a replay
// makes each view read by other steps in one go, with none of the view op's
// shape arithmetic, and views that only other views read are dropped with the
// unneeded steps. (Shapes are fixed, so a view's strides and offset within its
// base are the same in every replay.) A reshape of the array itself stays a
// step: fusion reads through it.
void collapse_views(detail::Tape& rec) {
  std::vector<int32_t> base_of(rec.slots.size(), -1);
  for (detail::Step& st : rec.steps) {
    if (st.in.size() != 1 || st.out.size() != 1 || st.in[0] < 0 || st.out[0] < 0) continue;
    int32_t in = st.in[0], out = st.out[0];
    const TensorData &x = rec.slots[in], &y = rec.slots[out];
    if (!x.defined() || !y.defined() || x.storage != y.storage) continue;  // not a view
    int32_t b = base_of[in] >= 0 ? base_of[in] : in;
    const TensorData& base = rec.slots[b];
    if (!base.is_contiguous()) continue;
    base_of[out] = b;
    if (b == in && st.same_order) continue;  // a reshape of the base, which fusion reads through
    Shape shape = y.shape, strides = y.strides;
    int64_t offset = y.offset - base.offset;
    st.in[0] = b;
    st.name = "View";
    st.stateless_kind = nullptr;
    st.same_order = false;  // of its base, now
    st.forward = nullptr;
    st.run = [shape, strides, offset](std::vector<TensorData>& slots, const detail::Step& s) {
      const TensorData& from = slots[s.in[0]];
      slots[s.out[0]] = from.as_strided(shape, strides, from.offset + offset);
    };
  }
}

// Installs the recorder for the duration of fn, also when fn throws.
struct Recording {
  explicit Recording(detail::Tape* r) { autograd::set_recorder(r); }
  ~Recording() { autograd::set_recorder(nullptr); }
  Recording(const Recording&) = delete;
  Recording& operator=(const Recording&) = delete;
};

// The first byte of a contiguous array's elements.
char* bytes_of(const TensorData& t) {
  return static_cast<char*>(t.storage->data) + t.offset * (int64_t)dtype_size(t.dtype);
}

}  // namespace

Trace trace(const TraceFunction& fn, const std::vector<Tensor>& example_inputs) {
  check(!autograd::recorder(), "jit::trace: already recording a trace on this thread; traces do not nest");
  detail::Tape rec;
  for (size_t i = 0; i < example_inputs.size(); ++i) {
    const Tensor& x = example_inputs[i];
    check(x.defined(), "jit::trace: example input ", i, " is an undefined tensor");
    check(rec.find(x.tensor_data()) < 0, "jit::trace: example input ", i,
          " is the same tensor as an earlier one; pass distinct tensors (clone() one)");
    rec.add(x.tensor_data(), true);
  }
  std::vector<Tensor> outputs;
  {
    Recording on(&rec);
    outputs = fn(example_inputs);
  }
  for (size_t s = 0; s < rec.slots.size(); ++s)
    check(!rec.slots[s].defined() || rec.slots[s].storage->version == rec.versions[s],
          "jit::trace: a tensor (shape ", rec.slots[s].shape, ") was written in place (add_, copy_, ...) after an op "
          "read or made it while tracing; a replay runs only ops, so use out-of-place ops in a traced function");
  Trace t;
  for (const Tensor& x : example_inputs) t.input_types_.emplace_back(x.shape(), x.dtype());
  for (const Tensor& y : outputs) {
    int32_t s = y.defined() ? rec.find(y.tensor_data()) : -1;
    if (y.defined() && s < 0) s = rec.add(y.tensor_data(), false);  // made without ops from the inputs: a constant
    t.outputs_.push_back(s);
  }
  outputs.clear();  // and with them the autograd graph, which holds some constants too
  simplify(rec, t.outputs_, example_inputs.size());
  collapse_views(rec);
  // Keep the steps some output needs, in order; forget the values of the rest.
  std::vector<char> needed(rec.slots.size(), 0);
  for (int32_t s : t.outputs_)
    if (s >= 0) needed[s] = 1;
  std::vector<detail::Step> kept;
  kept.reserve(rec.steps.size());
  for (auto step = rec.steps.rbegin(); step != rec.steps.rend(); ++step) {
    bool wanted = false;
    for (int32_t o : step->out) wanted = wanted || needed[o];
    if (!wanted) continue;
    for (int32_t i : step->in)
      if (i >= 0) needed[i] = 1;
    kept.push_back(std::move(*step));
  }
  std::reverse(kept.begin(), kept.end());
  t.unrolled_ = detail::unroll(kept, rec.slots, t.outputs_, example_inputs.size());
  t.steps_ = detail::fuse(std::move(kept), rec.slots, t.outputs_, example_inputs.size());
  // Values a replay reads or writes stay; the rest (inside fused steps, or unneeded) go.
  std::fill(needed.begin(), needed.end(), 0);
  for (int32_t s : t.outputs_)
    if (s >= 0) needed[s] = 1;
  for (const detail::Step& step : t.steps_) {
    for (int32_t i : step.in)
      if (i >= 0) needed[i] = 1;
    for (int32_t o : step.out) needed[o] = 1;
  }
  for (size_t i = 0; i < example_inputs.size(); ++i) t.input_views_.push_back(detail::views_of(rec.slots, (int32_t)i));
  for (size_t s = 0; s < rec.slots.size(); ++s) {
    if (s < example_inputs.size()) {
      rec.slots[s] = kernels::clone(rec.slots[s]);  // a private copy: what the next call compares against
    } else if (!needed[s]) {
      rec.slots[s] = TensorData{};
    } else if (!rec.computed[s]) {
      t.constants_.push_back({(int32_t)s, rec.slots[s].storage->version});
    }
  }
  t.slots_ = std::move(rec.slots);
  t.note_output_versions();
  return t;
}

std::vector<Tensor> Trace::operator()(const std::vector<Tensor>& inputs) {
  size_t n = input_types_.size();
  check(inputs.size() == n, "jit::trace: the trace takes ", n, " inputs, got ", inputs.size());
  bool all = begin_replay();
  for (size_t i = 0; i < n; ++i) {
    const auto& [shape, dtype] = input_types_[i];
    check(inputs[i].defined(), "jit::trace: input ", i, " is an undefined tensor");
    const TensorData& d = inputs[i].tensor_data();
    check(d.shape == shape && d.dtype == dtype, "jit::trace: input ", i, " has shape ", d.shape, " and dtype ",
          dtype_name(d.dtype), " but the trace was recorded with shape ", shape, " and ", dtype_name(dtype),
          "; trace again for new shapes");
    if (d.is_contiguous())
      load(i, bytes_of(d), all);
    else
      load(i, bytes_of(kernels::contiguous(d)), all);
  }
  replay(all);
  std::vector<Tensor> out;
  out.reserve(outputs_.size());
  for (int32_t s : outputs_) out.push_back(s >= 0 ? Tensor(slots_[s]) : Tensor());
  return out;
}

template <class T>
void Trace::run(std::span<const T* const> inputs, std::span<T* const> outputs) {
  const DType dtype = dtype_of<T>();
  check(inputs.size() == input_types_.size() && outputs.size() == outputs_.size(), "jit::Trace::run: the trace takes ",
        input_types_.size(), " inputs and gives ", outputs_.size(), " outputs, got arrays for ", inputs.size(),
        " and ", outputs.size());
  for (size_t i = 0; i < inputs.size(); ++i)
    check(input_types_[i].second == dtype, "jit::Trace::run: input ", i, " was traced as ",
          dtype_name(input_types_[i].second), ", not ", dtype_name(dtype), "; pass arrays of its dtype");
  for (size_t k = 0; k < outputs_.size(); ++k)
    check(outputs_[k] >= 0 && slots_[outputs_[k]].dtype == dtype, "jit::Trace::run: output ", k, " is ",
          outputs_[k] < 0 ? "undefined" : dtype_name(slots_[outputs_[k]].dtype), ", not ", dtype_name(dtype),
          "; run() needs outputs of one dtype, all defined (call the trace instead)");
  if (unrolled_) {
    SmallVector<const void*, 8> in(inputs.begin(), inputs.end());
    SmallVector<void*, 8> out(outputs.begin(), outputs.end());
    unrolled_->run(in.data(), out.data());
    steps_run_ = num_steps();
    return;
  }
  bool all = begin_replay();
  for (size_t i = 0; i < inputs.size(); ++i) load(i, inputs[i], all);
  replay(all);
  for (size_t k = 0; k < outputs_.size(); ++k) {
    const TensorData& y = slots_[outputs_[k]];
    TensorData c = y.is_contiguous() ? y : kernels::contiguous(y);
    std::memcpy(outputs[k], c.data<T>(), sizeof(T) * (size_t)c.numel());
  }
}
template void Trace::run<float>(std::span<const float* const>, std::span<float* const>);
template void Trace::run<double>(std::span<const double* const>, std::span<double* const>);

bool Trace::begin_replay() {
  dirty_.assign(slots_.size(), 0);
  // An output handed out last time and since written in place: recompute everything.
  bool all = false;
  for (size_t k = 0; k < outputs_.size(); ++k)
    all = all || (outputs_[k] >= 0 && slots_[outputs_[k]].storage->version != output_versions_[k]);
  return all;
}

void Trace::load(size_t i, const void* bytes, bool all) {
  const auto& [shape, dtype] = input_types_[i];
  const size_t size = (size_t)numel(shape) * dtype_size(dtype);
  const TensorData& old = slots_[i];  // a private contiguous copy, or undefined after a failed replay
  if (!all && old.defined() && (size == 0 || std::memcmp(bytes_of(old), bytes, size) == 0)) return;
  TensorData copy = detail::reuse_or_empty(slots_, (int32_t)i, input_views_[i], shape, dtype);
  if (size > 0) std::memcpy(bytes_of(copy), bytes, size);
  slots_[i] = std::move(copy);
  dirty_[i] = 1;
}

void Trace::replay(bool all) {
  // A captured tensor (a constant) updated in place since: its dependants re-run, on its new values.
  for (auto& [s, version] : constants_) {
    if (!all && slots_[s].storage->version == version) continue;
    version = slots_[s].storage->version;
    dirty_[s] = 1;
  }
  steps_run_ = 0;
  try {
    for (const detail::Step& step : steps_) {
      bool run = false;
      for (int32_t i : step.in) run = run || (i >= 0 && dirty_[i]);
      if (!run) continue;
      detail::run_step(step, slots_);
      for (int32_t o : step.out) dirty_[o] = 1;
      steps_run_ += step.ops;
    }
  } catch (...) {
    for (size_t i = 0; i < input_types_.size(); ++i) slots_[i] = TensorData{};  // the next call starts afresh
    throw;
  }
  note_output_versions();
}

std::string Trace::str() const {
  std::vector<char> is_constant(slots_.size(), 0);
  for (const auto& [s, version] : constants_) is_constant[s] = 1;
  auto name = [&](int32_t s) {
    std::ostringstream os;
    if (s < 0) os << "none";
    else os << (is_constant[s] ? 'c' : '%') << s << slots_[s].shape;
    return os.str();
  };
  std::string out;
  for (const detail::Step& step : steps_) {
    for (size_t i = 0; i < step.out.size(); ++i) out += (i ? ", " : "") + name(step.out[i]);
    out += std::string(" = ") + step.name + (step.fused.empty() ? "" : "[" + step.fused + "]") + "(";
    for (size_t i = 0; i < step.in.size(); ++i) out += (i ? ", " : "") + name(step.in[i]);
    out += ")\n";
  }
  out += "return";
  for (size_t i = 0; i < outputs_.size(); ++i) out += (i ? ", " : " ") + name(outputs_[i]);
  return out + "\n";
}

size_t Trace::num_steps() const {
  size_t n = 0;
  for (const detail::Step& step : steps_) n += step.ops;
  return n;
}

void Trace::note_output_versions() {
  output_versions_.clear();
  for (int32_t s : outputs_) output_versions_.push_back(s >= 0 ? slots_[s].storage->version : 0);
}

}  // namespace fluxion::jit
