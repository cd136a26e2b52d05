// SPDX-License-Identifier: MIT
// jit::trace's fusion pass, and the fused step it makes.
#include <algorithm>
#include <memory>
#include <unordered_map>

#include "autograd/trace.h"
#include "tensor/kernels/copy.h"

namespace fluxion::jit::detail {
namespace {

// Fusion: a run of consecutive elementwise steps with a `scalar` rule (Add,
// Sub, Mul, Div, Neg), of one shape and dtype, that depend on the same trace
// inputs, becomes one step streaming blocks of values through all of them:
// one dispatch and one allocation per value something else reads, instead of
// one per op. Each op still runs its own loop over the block, so the results
// are bit for bit those of the ops run one by one.
template <class T>
struct Fused {
  struct Instr {
    void (*fn)(T*, const T*, const T*, int64_t);
    int32_t dst, a, b;  // registers; b = -1 for unary ops
  };
  static constexpr int64_t kBlock = 256;
  Shape shape;
  size_t num_inputs = 0;  // registers 0 .. num_inputs - 1 hold the step's inputs
  std::vector<Instr> code;
  std::vector<int32_t> out_regs;  // the register of each of the step's outputs

  void run(std::vector<TensorData>& slots, const Step& st) const {
    int64_t n = numel(shape);
    thread_local std::vector<T> scratch;
    scratch.resize((num_inputs + code.size()) * kBlock);
    T* reg = scratch.data();
    struct Source {
      const T* p;  // null: a scalar, filled once
      int64_t step;
    };
    SmallVector<Source, 8> src(num_inputs);
    std::vector<TensorData> copies;  // inputs too tangled to stream, made contiguous
    for (size_t k = 0; k < num_inputs; ++k) {
      const TensorData& d = slots[st.in[k]];
      if (d.numel() == 1 && n != 1) {
        std::fill(reg + k * kBlock, reg + (k + 1) * kBlock, *d.data<T>());
        src[k] = {nullptr, 0};
        continue;
      }
      kernels::Rows<1> r = kernels::rows_of<1>(d.shape, {d.strides});
      if (r.rows <= 1) {
        src[k] = {d.data<T>(), r.strides[0].empty() ? 1 : r.strides[0].back()};
        continue;
      }
      copies.push_back(kernels::contiguous(d));
      src[k] = {copies.back().data<T>(), 1};
    }
    SmallVector<TensorData, 4> outs;
    for (size_t j = 0; j < out_regs.size(); ++j) outs.push_back(TensorData::empty(shape, dtype_of<T>()));
    for (int64_t start = 0; start < n; start += kBlock) {
      int64_t len = std::min(kBlock, n - start);
      for (size_t k = 0; k < num_inputs; ++k) {
        if (!src[k].p) continue;
        T* r = reg + k * kBlock;
        const T* p = src[k].p + start * src[k].step;
        if (src[k].step == 1) std::copy(p, p + len, r);
        else if (src[k].step == 2) for (int64_t i = 0; i < len; ++i) r[i] = p[2 * i];
        else for (int64_t i = 0; i < len; ++i) r[i] = p[i * src[k].step];
      }
      for (const Instr& c : code) c.fn(reg + c.dst * kBlock, reg + c.a * kBlock, c.b >= 0 ? reg + c.b * kBlock : nullptr, len);
      for (size_t j = 0; j < out_regs.size(); ++j)
        std::copy(reg + out_regs[j] * kBlock, reg + out_regs[j] * kBlock + len, outs[j].data<T>() + start);
    }
    for (size_t j = 0; j < outs.size(); ++j) slots[st.out[j]] = std::move(outs[j]);
  }
};

class Fuser {
 public:
  Fuser(std::vector<Step>&& steps, const std::vector<TensorData>& slots, const std::vector<int32_t>& outputs,
        size_t num_inputs)
      : steps_(std::move(steps)), slots_(slots), deps_(slots.size(), 0), readers_(slots.size()), is_output_(slots.size(), 0) {
    for (size_t i = 0; i < num_inputs; ++i) deps_[i] = i < 64 ? uint64_t(1) << i : ~uint64_t(0);
    for (size_t k = 0; k < steps_.size(); ++k) {
      uint64_t m = 0;
      for (int32_t i : steps_[k].in)
        if (i >= 0) m |= deps_[i], readers_[i].push_back(k);
      for (int32_t o : steps_[k].out) deps_[o] = m;
    }
    for (int32_t o : outputs)
      if (o >= 0) is_output_[o] = 1;
  }

  std::vector<Step> run() {
    result_.reserve(steps_.size());
    for (size_t k = 0; k < steps_.size(); ++k) {
      bool ok = fusible(steps_[k]);
      if (!ok || (!group_.empty() && !joins(steps_[k]))) flush();
      if (ok) group_.push_back(k);
      else result_.push_back(std::move(steps_[k]));
    }
    flush();
    return std::move(result_);
  }

 private:
  bool fusible(const Step& st) const {
    if (st.out.size() != 1 || st.out[0] < 0) return false;
    const TensorData& y = slots_[st.out[0]];
    if (!y.defined() || !(y.dtype == Float64 ? st.block64 != nullptr : y.dtype == Float32 && st.block32 != nullptr))
      return false;
    for (int32_t i : st.in) {
      if (i < 0 || !slots_[i].defined() || slots_[i].dtype != y.dtype) return false;
      if (slots_[i].shape != y.shape && slots_[i].numel() != 1) return false;
    }
    return true;
  }
  bool joins(const Step& st) const {
    int32_t first = steps_[group_.front()].out[0], o = st.out[0];
    return slots_[o].shape == slots_[first].shape && slots_[o].dtype == slots_[first].dtype && deps_[o] == deps_[first];
  }

  void flush() {
    if (group_.size() == 1) result_.push_back(std::move(steps_[group_[0]]));
    if (group_.size() > 1) {
      DType dtype = slots_[steps_[group_[0]].out[0]].dtype;
      if (dtype == Float64) result_.push_back(fuse<double>());
      else result_.push_back(fuse<float>());
    }
    group_.clear();
  }

  template <class T>
  Step fuse() {
    size_t first = group_.front(), last = group_.back();
    std::unordered_map<int32_t, int32_t> reg;  // slot -> register
    Step f;
    for (size_t k : group_)  // inputs: read by the group, made outside it
      for (int32_t i : steps_[k].in)
        if (!reg.count(i) && !made_in_group(i)) {
          reg[i] = (int32_t)f.in.size();
          f.in.push_back(i);
        }
    auto prog = std::make_shared<Fused<T>>();
    prog->shape = slots_[steps_[first].out[0]].shape;
    prog->num_inputs = f.in.size();
    f.ops = 0;
    for (size_t k : group_) {
      const Step& st = steps_[k];
      int32_t dst = (int32_t)(prog->num_inputs + prog->code.size());
      auto fn = std::is_same_v<T, double> ? (void (*)(T*, const T*, const T*, int64_t))st.block64
                                          : (void (*)(T*, const T*, const T*, int64_t))st.block32;
      prog->code.push_back({fn, dst, reg.at(st.in[0]), st.in.size() > 1 ? reg.at(st.in[1]) : -1});
      reg[st.out[0]] = dst;
      f.ops += st.ops;
      f.fused += (f.fused.empty() ? "" : ", ") + std::string(st.name);
      // kept in memory when read after the group, or returned
      bool read_later = is_output_[st.out[0]];
      for (size_t r : readers_[st.out[0]]) read_later = read_later || r > last || r < first;
      if (read_later) f.out.push_back(st.out[0]), prog->out_regs.push_back(dst);
    }
    f.name = "Fused";
    f.run = [prog](std::vector<TensorData>& slots, const Step& st) { prog->run(slots, st); };
    return f;
  }
  bool made_in_group(int32_t slot) const {
    for (size_t k : group_)
      if (steps_[k].out[0] == slot) return true;
    return false;
  }

  std::vector<Step> steps_, result_;
  const std::vector<TensorData>& slots_;
  std::vector<uint64_t> deps_;                // which trace inputs each slot depends on (bit i: input i)
  std::vector<std::vector<size_t>> readers_;  // the steps that read each slot
  std::vector<char> is_output_;
  std::vector<size_t> group_;  // consecutive fusible steps being collected
};

}  // namespace

std::vector<Step> fuse(std::vector<Step>&& steps, const std::vector<TensorData>& slots,
                       const std::vector<int32_t>& outputs, size_t num_inputs) {
  return Fuser(std::move(steps), slots, outputs, num_inputs).run();
}

}  // namespace fluxion::jit::detail
