// SPDX-License-Identifier: MIT
// Trace::run's unrolled program. A trace on a few numbers (an ODE's vector
// field on a state of a handful of components, or a small network on one
// state) spends its replay on the steps' fixed costs - a new array per value,
// a dispatch and a loop set-up per op - not on arithmetic. When every step is
// elementwise (an op with an elementwise rule, Step::block64/32), only moves
// elements (a view, cat, flip, a copying reshape: Step::moves) or can write
// into a given array (Step::write: matmul, linear), the whole trace becomes
// straight-line code over one array of numbers, `mem`, where every value
// lives, as an array with its own strides:
//   - an elementwise step is its rule over the output's range, reading its
//     operands' ranges (an operand that is strided or broadcast to the
//     output is gathered into a range first);
//   - a view is nothing at all: it reads the same numbers with other strides;
//     a step that copies elements is a gather, mem[dst + i] = mem[index[i]];
//   - an op that writes into a given array writes into its output's range,
//     reading its operands where they live, with their strides.
// Where a moving step takes each element from is found once, by running the
// step on positions: on arrays with the inputs' strides over a tensor that
// holds, at each place, its own position in mem. A view of those comes out
// a view (its strides and offset are the value's); a copy holds, at each
// element, the position it copies. The results are bit for bit the steps':
// the same kernels and rules, on the same numbers, laid out the same way.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>

#include "jit/trace.h"
#include "tensor/kernels/copy.h"

namespace fluxion::jit::detail {
namespace {

// Traces on more numbers than this are not unrolled: their steps' loops pay
// for their set-up, and mem (which keeps every value) stays within L2.
constexpr int64_t kMaxNumbers = 16384;

template <class T>
class UnrolledOf final : public Unrolled {
 public:
  // fn over n numbers at dst, a and b (b < 0 for a unary rule); with fn null,
  // calls[call], or when call < 0 a gather of n numbers from the positions
  // index[a], index[a + 1], ...
  struct Instr {
    void (*fn)(T*, const T*, const T*, int64_t);
    int32_t dst, a, b, n, call;
  };
  struct Call {  // an op writing into its output's place in mem, from its operands' (arrays over mem)
    std::function<void(std::span<const TensorData* const>, const TensorData&)> write;
    std::vector<TensorData> args;
    TensorData out;
  };
  struct Range {
    int32_t at, n;
  };
  struct Constant {  // a tensor the trace read but did not make: reloaded when written in place
    TensorData data;
    uint64_t version;
    int32_t at;
  };
  TensorData mem;
  std::vector<int32_t> index;
  // `setup` computes what depends on constants alone (a scalar broadcast, a
  // transposed weight): run when they are loaded, not at every run.
  std::vector<Instr> setup, code;
  std::vector<Call> calls;
  std::vector<Range> inputs, outputs;
  std::vector<Constant> constants;

  void run(const void* const* in, void* const* out) override {
    T* m = mem.data<T>();
    for (size_t k = 0; k < inputs.size(); ++k) std::memcpy(m + inputs[k].at, in[k], sizeof(T) * inputs[k].n);
    bool reloaded = false;
    for (Constant& c : constants)
      if (c.data.storage->version != c.version) load(c), reloaded = true;
    if (reloaded) execute(setup);
    execute(code);
    for (size_t k = 0; k < outputs.size(); ++k) std::memcpy(out[k], m + outputs[k].at, sizeof(T) * outputs[k].n);
  }
  void load(Constant& c) {
    std::memcpy(mem.data<T>() + c.at, c.data.template data<T>(), sizeof(T) * (size_t)c.data.numel());
    c.version = c.data.storage->version;
  }
  void execute(const std::vector<Instr>& instrs) {
    T* m = mem.data<T>();
    for (const Instr& c : instrs) {
      if (c.fn) {
        c.fn(m + c.dst, m + c.a, c.b >= 0 ? m + c.b : nullptr, c.n);
      } else if (c.call >= 0) {
        const Call& k = calls[c.call];
        SmallVector<const TensorData*, 4> xs;
        for (const TensorData& a : k.args) xs.push_back(&a);
        k.write(xs, k.out);
      } else {
        const int32_t* from = index.data() + c.a;
        for (int32_t i = 0; i < c.n; ++i) m[c.dst + i] = m[from[i]];
      }
    }
  }
};

template <class T>
class Unroller {
 public:
  explicit Unroller(const std::vector<TensorData>& slots)
      : slots_(slots), at_(slots.size(), -1), strides_(slots.size()), probe_(slots.size()), fixed_(slots.size(), 0) {}

  std::unique_ptr<Unrolled> run(const std::vector<Step>& steps, const std::vector<int32_t>& outputs,
                                size_t num_inputs) {
    for (size_t i = 0; i < num_inputs; ++i) {
      if (!of_type((int32_t)i) || !place((int32_t)i)) return nullptr;
      u_->inputs.push_back({at_[i], (int32_t)slots_[i].numel()});
    }
    for (const Step& st : steps) {
      bool ok = st.write ? call(st) : st.moves ? moving(st) : elementwise(st);
      if (!ok) return nullptr;
    }
    for (int32_t o : outputs) {
      int32_t at = readable(o) ? contiguous(o, slots_[o].shape) : -1;
      if (at < 0) return nullptr;
      u_->outputs.push_back({at, (int32_t)slots_[o].numel()});
    }
    // mem, and the calls' arrays moved onto it from positions_ (where a number's position is its offset)
    u_->mem = TensorData::empty({std::max<int64_t>(size_, 1)}, dtype_of<T>());
    std::fill(u_->mem.template data<T>(), u_->mem.template data<T>() + size_, T(0));
    auto onto_mem = [&](TensorData& d) {
      if (d.defined()) d = u_->mem.as_strided(d.shape, d.strides, d.offset);
    };
    for (auto& c : u_->calls) {
      for (TensorData& a : c.args) onto_mem(a);
      onto_mem(c.out);
    }
    for (auto& c : u_->constants) u_->load(c);
    u_->execute(u_->setup);
    return std::move(u_);
  }

 private:
  bool of_type(int32_t s) const { return s >= 0 && slots_[s].defined() && slots_[s].dtype == dtype_of<T>(); }
  // A new row-major range of mem for n numbers; -1 past kMaxNumbers.
  int32_t allocate(int64_t n) {
    if (size_ + n > kMaxNumbers) return -1;
    size_ += n;
    return (int32_t)(size_ - n);
  }
  bool place(int32_t s) {
    at_[s] = allocate(slots_[s].numel());
    strides_[s] = contiguous_strides(slots_[s].shape);
    return at_[s] >= 0;
  }
  // Whether steps can read slot s: placed, or a contiguous constant, placed now.
  bool readable(int32_t s) {
    if (!of_type(s)) return false;
    if (at_[s] >= 0) return true;
    if (!slots_[s].is_contiguous() || !place(s)) return false;
    u_->constants.push_back({slots_[s], slots_[s].storage->version, at_[s]});
    fixed_[s] = 1;
    return true;
  }
  // Slot s as an array over `over` (mem, or the positions of its numbers).
  TensorData on(const TensorData& over, int32_t s) const {
    return over.as_strided(slots_[s].shape, strides_[s], at_[s]);
  }
  // The positions `from` holds, row-major; nullopt if one is not among the numbers of `sources`.
  std::optional<std::vector<int32_t>> read(const TensorData& from, const SmallVector<int32_t, 4>& sources) const {
    // the sources' numbers: ranges [lo, hi) for those laid out row-major, else marks
    SmallVector<std::pair<int64_t, int64_t>, 4> ranges;
    std::vector<char> allowed;
    for (int32_t s : sources) {
      TensorData p = on(positions_, s);
      if (p.is_contiguous()) {
        ranges.push_back({at_[s], at_[s] + p.numel()});
        continue;
      }
      if (allowed.empty()) allowed.assign((size_t)size_, 0);
      p = kernels::contiguous(p);
      for (int64_t k = 0; k < p.numel(); ++k) allowed[(size_t)p.data<T>()[k]] = 1;
    }
    auto in_sources = [&](int64_t i) {
      for (auto [lo, hi] : ranges)
        if (i >= lo && i < hi) return true;
      return !allowed.empty() && allowed[(size_t)i];
    };
    TensorData d = kernels::contiguous(from);
    const T* p = d.data<T>();
    for (int64_t k = 0; k < d.numel(); ++k)
      if (!(p[k] >= 0 && p[k] < T(size_) && p[k] == std::floor(p[k]) && in_sources((int64_t)p[k]))) return std::nullopt;
    return positions(d);
  }
  // The positions `from` holds, row-major.
  static std::vector<int32_t> positions(const TensorData& from) {
    TensorData d = kernels::contiguous(from);
    std::vector<int32_t> where((size_t)d.numel());
    for (size_t k = 0; k < where.size(); ++k) where[k] = (int32_t)d.data<T>()[k];
    return where;
  }
  // Whether the view `y` of the positions reads only numbers of one source laid
  // out row-major: its lowest and highest positions, from its strides, lie in that range.
  bool inside_a_range(const TensorData& y, const SmallVector<int32_t, 4>& sources) const {
    int64_t lo = y.offset, hi = y.offset;
    for (size_t d = 0; d < y.shape.size(); ++d) (y.strides[d] < 0 ? lo : hi) += (y.shape[d] - 1) * y.strides[d];
    for (int32_t s : sources)
      if (s >= 0 && on(positions_, s).is_contiguous() && lo >= at_[s] && hi < at_[s] + slots_[s].numel()) return true;
    return y.numel() == 0;
  }
  // Whether slots `ss` (-1: absent) all hold constants or what was computed from them alone.
  bool fixed(std::span<const int32_t> ss) const {
    return std::all_of(ss.begin(), ss.end(), [&](int32_t s) { return s < 0 || fixed_[s]; });
  }
  // Instr i, run at setup when what it reads is fixed, else at every run.
  void emit(const typename UnrolledOf<T>::Instr& i, bool is_fixed) { (is_fixed ? u_->setup : u_->code).push_back(i); }
  // The numbers at the positions `from` holds: a range of them when they are
  // consecutive, else a gather into a new range; -1 if a position is not one of
  // the numbers of `sources` (unchecked when `from` is known to read only them).
  int32_t gather(const TensorData& from, const SmallVector<int32_t, 4>& sources, bool known = false) {
    std::optional<std::vector<int32_t>> read_from = known ? positions(from) : read(from, sources);
    if (!read_from) return -1;
    const std::vector<int32_t>& where = *read_from;
    const int64_t n = (int64_t)where.size();
    bool consecutive = n > 0;
    for (int64_t k = 1; k < n && consecutive; ++k) consecutive = where[k] == where[0] + k;
    if (consecutive) return where[0];
    int32_t dst = allocate(n);
    if (dst < 0) return -1;
    emit({nullptr, dst, (int32_t)u_->index.size(), -1, (int32_t)n, -1}, fixed(sources));
    u_->index.insert(u_->index.end(), where.begin(), where.end());
    return dst;
  }
  // The range holding slot s's numbers broadcast to `shape`, row-major: its own
  // when it is so already, else a gather; -1 when s does not broadcast there.
  int32_t contiguous(int32_t s, const Shape& shape) {
    const Shape& from = slots_[s].shape;
    if (from == shape && on(positions_, s).is_contiguous()) return at_[s];
    if (from.size() > shape.size()) return -1;
    Shape strides(shape.size(), 0);  // broadcast dims read one number (stride 0)
    for (size_t k = 0; k < from.size(); ++k) {
      size_t d = from.size() - 1 - k, e = shape.size() - 1 - k;
      if (from[d] != shape[e] && from[d] != 1) return -1;
      strides[e] = from[d] == 1 ? 0 : strides_[s][d];
    }
    return gather(positions_.as_strided(shape, strides, at_[s]), {s}, true);  // s's own strides, or 0
  }
  // A view, cat, ...: run on its inputs' positions. A view of them is the
  // output's strides and offset; a copy, where each of its elements comes from.
  bool moving(const Step& st) {
    for (int32_t s : st.in) {
      if (!readable(s)) return false;
      probe_[s] = on(positions_, s);
    }
    run_step(st, probe_);
    for (int32_t o : st.out) {
      if (o < 0) return false;
      TensorData y = std::move(probe_[o]);
      if (!y.defined() || y.dtype != dtype_of<T>() || y.shape != slots_[o].shape) return false;
      if (y.storage == positions_.storage) {  // a view: check it reads only the inputs' numbers
        if (!inside_a_range(y, st.in) && !read(y, st.in)) return false;
        at_[o] = (int32_t)y.offset;
        strides_[o] = y.strides;
      } else {
        at_[o] = gather(y, st.in);
        strides_[o] = contiguous_strides(y.shape);
        if (at_[o] < 0) return false;
      }
      fixed_[o] = fixed(st.in);
    }
    for (int32_t s : st.in) probe_[s] = TensorData{};
    return true;
  }
  // An op with an elementwise rule: that rule over the output's range.
  bool elementwise(const Step& st) {
    auto fn = block_of<T>(st);
    if (!fn || st.out.size() != 1 || st.in.empty() || st.in.size() > 2 || !of_type(st.out[0])) return false;
    const Shape& shape = slots_[st.out[0]].shape;
    int32_t operand[2] = {-1, -1};
    for (size_t k = 0; k < st.in.size(); ++k)
      if (!readable(st.in[k]) || (operand[k] = contiguous(st.in[k], shape)) < 0) return false;
    if (!place(st.out[0])) return false;
    fixed_[st.out[0]] = fixed(st.in);
    emit({fn, at_[st.out[0]], operand[0], operand[1], (int32_t)numel(shape), -1}, fixed_[st.out[0]]);
    return true;
  }
  // An op that writes into a given array: on its operands where they live in mem.
  bool call(const Step& st) {
    if (st.out.size() != 1 || !of_type(st.out[0])) return false;
    typename UnrolledOf<T>::Call c{st.write, {}, {}};
    for (int32_t s : st.in) {
      if (s >= 0 && !readable(s)) return false;
      c.args.push_back(s >= 0 ? on(positions_, s) : TensorData{});  // an absent optional input stays absent
    }
    if (!place(st.out[0])) return false;
    c.out = on(positions_, st.out[0]);
    fixed_[st.out[0]] = fixed(st.in);
    emit({nullptr, at_[st.out[0]], 0, -1, 0, (int32_t)u_->calls.size()}, fixed_[st.out[0]]);
    u_->calls.push_back(std::move(c));
    return true;
  }

  const std::vector<TensorData>& slots_;
  std::vector<int32_t> at_;     // each slot's first number in mem, -1 before it is placed
  std::vector<Shape> strides_;  // and its strides there
  std::vector<TensorData> probe_;
  std::vector<char> fixed_;  // per slot: its numbers depend on constants alone (computed by setup)
  int64_t size_ = 0;
  std::unique_ptr<UnrolledOf<T>> u_ = std::make_unique<UnrolledOf<T>>();
  // positions_[i] = i, made once: steps only read it (moving steps copy out of it)
  const TensorData& positions_ = []() -> const TensorData& {
    static const TensorData p = [] {
      TensorData d = TensorData::empty({kMaxNumbers}, dtype_of<T>());
      for (int64_t i = 0; i < kMaxNumbers; ++i) d.data<T>()[i] = T(i);
      return d;
    }();
    return p;
  }();
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
