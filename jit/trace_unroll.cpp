// SPDX-License-Identifier: MIT
// Trace::run's unrolled program. A trace on a few numbers (an ODE's vector
// field on a state of a handful of components, say) spends its replay on the
// steps' fixed costs - a TensorData per value, a dispatch and a loop set-up
// per op - not on arithmetic. When every step is elementwise (an op with an
// elementwise rule, Step::block64/32) or only moves elements (a view, cat,
// flip, a copying reshape: Step::moves), the whole trace becomes
// straight-line code over one array of numbers, `mem`, in which every value
// has a row-major range:
//   - an elementwise step is its rule over the output's range, reading the
//     operands' ranges (an operand broadcast to the output is gathered first);
//   - a step that moves elements is a gather, mem[dst + i] = mem[index[i]],
//     or nothing at all when its output is a contiguous range of an input
//     (one row of a matrix, a reshape): it then names those same numbers.
// Where a moving step takes each element from is found once, by running the
// step on its inputs' addresses: with every input element replaced by its
// own position in mem, each output element holds the position it copies.
// The results are bit for bit the steps': the same rules on the same numbers.
#include <cmath>
#include <cstring>

#include "jit/trace.h"
#include "tensor/kernels/copy.h"

namespace fluxion::jit::detail {
namespace {

// Traces on more numbers than this are not unrolled: their steps' loops pay for their set-up.
constexpr int64_t kMaxNumbers = 4096;

template <class T>
class UnrolledOf final : public Unrolled {
 public:
  // fn over n numbers at dst, a and b (b < 0 for a unary rule); with fn null,
  // a gather of n numbers from the positions index[a], index[a + 1], ...
  struct Instr {
    void (*fn)(T*, const T*, const T*, int64_t);
    int32_t dst, a, b, n;
  };
  struct Range {
    int32_t at, n;
  };
  struct Constant {  // a tensor the trace read but did not make: reloaded when written in place
    TensorData data;
    uint64_t version;
    int32_t at;
  };
  std::vector<T> mem;
  std::vector<int32_t> index;
  std::vector<Instr> code;
  std::vector<Range> inputs, outputs;
  std::vector<Constant> constants;

  void run(const void* const* in, void* const* out) override {
    T* m = mem.data();
    for (size_t k = 0; k < inputs.size(); ++k) std::memcpy(m + inputs[k].at, in[k], sizeof(T) * inputs[k].n);
    for (Constant& c : constants)
      if (c.data.storage->version != c.version) load(c);
    for (const Instr& c : code) {
      if (c.fn) {
        c.fn(m + c.dst, m + c.a, c.b >= 0 ? m + c.b : nullptr, c.n);
      } else {
        const int32_t* from = index.data() + c.a;
        for (int32_t i = 0; i < c.n; ++i) m[c.dst + i] = m[from[i]];
      }
    }
    for (size_t k = 0; k < outputs.size(); ++k) std::memcpy(out[k], m + outputs[k].at, sizeof(T) * outputs[k].n);
  }
  void load(Constant& c) {
    TensorData d = kernels::contiguous(c.data);
    std::memcpy(mem.data() + c.at, d.data<T>(), sizeof(T) * (size_t)d.numel());
    c.version = c.data.storage->version;
  }
};

template <class T>
class Unroller {
 public:
  Unroller(const std::vector<TensorData>& slots) : slots_(slots), at_(slots.size(), -1), probe_(slots.size()) {}

  std::unique_ptr<Unrolled> run(const std::vector<Step>& steps, const std::vector<int32_t>& outputs,
                                size_t num_inputs) {
    for (size_t i = 0; i < num_inputs; ++i) {
      if (!of_type((int32_t)i) || !place((int32_t)i)) return nullptr;
      u_->inputs.push_back({at_[i], (int32_t)slots_[i].numel()});
    }
    for (const Step& st : steps)
      if (!(st.moves ? moving(st) : elementwise(st))) return nullptr;
    for (int32_t o : outputs) {
      if (!readable(o)) return nullptr;
      u_->outputs.push_back({at_[o], (int32_t)slots_[o].numel()});
    }
    u_->mem.assign((size_t)size_, T(0));
    for (auto& c : u_->constants) u_->load(c);
    return std::move(u_);
  }

 private:
  bool of_type(int32_t s) const { return s >= 0 && slots_[s].defined() && slots_[s].dtype == dtype_of<T>(); }
  // A range of mem for slot s.
  bool place(int32_t s) {
    at_[s] = (int32_t)size_;
    size_ += slots_[s].numel();
    return size_ <= kMaxNumbers;
  }
  // Whether step inputs can read slot s: placed, or a constant, placed now.
  bool readable(int32_t s) {
    if (!of_type(s)) return false;
    if (at_[s] >= 0) return true;
    if (!place(s)) return false;
    u_->constants.push_back({slots_[s], slots_[s].storage->version, at_[s]});
    return true;
  }
  // Slot s's elements replaced by their positions in mem.
  TensorData positions(int32_t s) const {
    TensorData d = TensorData::empty(slots_[s].shape, dtype_of<T>());
    T* p = d.data<T>();
    for (int64_t k = 0; k < d.numel(); ++k) p[k] = T(at_[s] + k);
    return d;
  }
  // The numbers at the positions `from` holds: a range of them when they are
  // consecutive, else a gather into a new range; -1 if a position lies
  // outside the ranges of `sources`.
  int32_t gather(const TensorData& from, const SmallVector<int32_t, 4>& sources) {
    TensorData d = kernels::contiguous(from);
    const T* p = d.data<T>();
    int64_t n = d.numel();
    std::vector<int32_t> where((size_t)n);
    for (int64_t k = 0; k < n; ++k) {
      bool inside = false;
      for (int32_t s : sources) inside = inside || (p[k] >= T(at_[s]) && p[k] < T(at_[s] + slots_[s].numel()));
      if (!inside || p[k] != std::floor(p[k])) return -1;
      where[k] = (int32_t)p[k];
    }
    bool consecutive = true;
    for (int64_t k = 1; k < n && consecutive; ++k) consecutive = where[k] == where[0] + k;
    if (n > 0 && consecutive) return where[0];
    int32_t dst = (int32_t)size_;
    size_ += n;
    u_->code.push_back({nullptr, dst, (int32_t)u_->index.size(), -1, (int32_t)n});
    u_->index.insert(u_->index.end(), where.begin(), where.end());
    return size_ <= kMaxNumbers ? dst : -1;
  }
  // A view, cat, ...: run on its inputs' positions, its outputs tell where each element comes from.
  bool moving(const Step& st) {
    for (int32_t s : st.in) {
      if (!readable(s)) return false;
      probe_[s] = positions(s);
    }
    run_step(st, probe_);
    for (int32_t o : st.out) {
      const TensorData& y = probe_[o];
      if (o < 0 || !y.defined() || y.dtype != dtype_of<T>() || y.shape != slots_[o].shape) return false;
      at_[o] = gather(y, st.in);
      if (at_[o] < 0) return false;
    }
    for (int32_t s : st.in) probe_[s] = TensorData{};
    for (int32_t o : st.out) probe_[o] = TensorData{};
    return true;
  }
  // An op with an elementwise rule: that rule over the output's range.
  bool elementwise(const Step& st) {
    auto fn = std::is_same_v<T, double> ? (void (*)(T*, const T*, const T*, int64_t))st.block64
                                        : (void (*)(T*, const T*, const T*, int64_t))st.block32;
    if (!fn || st.out.size() != 1 || st.in.empty() || st.in.size() > 2 || !of_type(st.out[0])) return false;
    const TensorData& y = slots_[st.out[0]];
    int32_t operand[2] = {-1, -1};
    for (size_t k = 0; k < st.in.size(); ++k) {
      int32_t s = st.in[k];
      if (!readable(s)) return false;
      if (slots_[s].shape == y.shape) {
        operand[k] = at_[s];
        continue;
      }
      std::optional<Shape> strides = broadcast_strides(slots_[s].shape, y.shape);
      if (!strides) return false;
      TensorData p = positions(s);
      operand[k] = gather(p.as_strided(y.shape, *strides, 0), {s});
      if (operand[k] < 0) return false;
    }
    if (!place(st.out[0])) return false;
    u_->code.push_back({fn, at_[st.out[0]], operand[0], operand[1], (int32_t)y.numel()});
    return true;
  }
  // The strides that read a contiguous array of shape `from` broadcast to `to`, if it broadcasts.
  static std::optional<Shape> broadcast_strides(const Shape& from, const Shape& to) {
    if (from.size() > to.size()) return std::nullopt;
    Shape strides(to.size(), 0);
    int64_t stride = 1;
    for (size_t k = 0; k < from.size(); ++k) {
      size_t d = from.size() - 1 - k, e = to.size() - 1 - k;
      if (from[d] != to[e] && from[d] != 1) return std::nullopt;
      strides[e] = from[d] == 1 ? 0 : stride;
      stride *= from[d];
    }
    return strides;
  }

  const std::vector<TensorData>& slots_;
  std::vector<int32_t> at_;  // each slot's range in mem (its first position), -1 before it is placed
  std::vector<TensorData> probe_;
  int64_t size_ = 0;
  std::unique_ptr<UnrolledOf<T>> u_ = std::make_unique<UnrolledOf<T>>();
};

}  // namespace

std::unique_ptr<Unrolled> unroll(const std::vector<Step>& steps, const std::vector<TensorData>& slots,
                                 const std::vector<int32_t>& outputs, size_t num_inputs) {
  if (outputs.empty() || outputs[0] < 0 || !slots[outputs[0]].defined()) return nullptr;
  DType dtype = slots[outputs[0]].dtype;
  if (dtype == Float64) return Unroller<double>(slots).run(steps, outputs, num_inputs);
  if (dtype == Float32) return Unroller<float>(slots).run(steps, outputs, num_inputs);
  return nullptr;
}

}  // namespace fluxion::jit::detail
