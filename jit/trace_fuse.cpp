// SPDX-License-Identifier: MIT
// jit::trace's fusion pass, and the fused step it makes. (Scatters are merged
// first, in trace_scatter.cpp; a fused step can then take one over.)
#include <algorithm>
#include <memory>
#include <unordered_map>

#include "jit/trace.h"
#include "tensor/kernels/copy.h"
#include "tensor/kernels/loops.h"

namespace fluxion::jit::detail {
namespace {

// Fusion: elementwise steps with an elementwise rule (Add, Sub, Mul, Div, Neg:
// the Op::elementwise their kernels run, applied to a block by block64/32),
// of one shape and dtype, that depend on the same trace inputs (so that
// incremental replays skip as much as before), become one step streaming
// blocks of values through all of them, also when other steps came between:
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
  std::vector<Instr> code;        // instruction i writes register num_inputs + i
  std::vector<int32_t> out_regs;  // the register of each of the step's outputs
  std::vector<SmallVector<int32_t, 4>> out_views;  // the views of each output (their arrays are reused)
  // Outputs after those: arrays of another shape that registers are written
  // into, each along one strided row (a scatter the step took over).
  struct Part {
    int32_t reg;
    int64_t offset, step;
  };
  struct Target {
    Shape shape;
    std::vector<Part> parts;
    SmallVector<int32_t, 4> views;
  };
  std::vector<Target> targets;
  // How an input is laid out: a scalar, one strided row, or neither; each
  // input's as recorded (the same in every replay, in practice).
  struct Layout {
    Shape strides;
    bool scalar, one_row;
    int64_t step;
  };
  std::vector<Layout> layouts;
  static Layout layout_of(const TensorData& d, int64_t n) {
    kernels::Rows<1> r = kernels::rows_of<1>(d.shape, {d.strides});
    return {d.strides, d.numel() == 1 && n != 1, r.rows <= 1, r.strides[0].empty() ? 1 : r.strides[0].back()};
  }
  // Per register, its block of scratch (-1: an output's memory); values share
  // a block once the earlier one is dead, so scratch stays in L1.
  std::vector<int32_t> scratch_of;
  size_t scratch_blocks = 0;

  // Allocates scratch: inputs get their own blocks; a value's block is freed
  // after its last read (so an instruction may write over its own operand,
  // which elementwise loops allow).
  void allocate() {
    size_t regs = num_inputs + code.size();
    std::vector<int32_t> last_read(regs, -1);
    for (size_t i = 0; i < code.size(); ++i) {
      last_read[code[i].a] = (int32_t)i;
      if (code[i].b >= 0) last_read[code[i].b] = (int32_t)i;
    }
    for (const Target& t : targets)  // read after the code: never freed
      for (const Part& p : t.parts) last_read[p.reg] = (int32_t)code.size();
    std::vector<char> is_out(regs, 0);
    for (int32_t r : out_regs) is_out[r] = 1;
    scratch_of.assign(regs, -1);
    for (size_t k = 0; k < num_inputs; ++k) scratch_of[k] = (int32_t)k;
    scratch_blocks = num_inputs;
    std::vector<int32_t> free_blocks;
    for (size_t i = 0; i < code.size(); ++i) {
      for (int32_t r : {code[i].a, code[i].b == code[i].a ? -1 : code[i].b})
        if (r >= (int32_t)num_inputs && last_read[r] == (int32_t)i && !is_out[r]) free_blocks.push_back(scratch_of[r]);
      size_t dst = num_inputs + i;
      if (is_out[dst]) continue;
      if (free_blocks.empty()) free_blocks.push_back((int32_t)scratch_blocks++);
      scratch_of[dst] = free_blocks.back();
      free_blocks.pop_back();
    }
  }

  // Per block, each register is a pointer: into a contiguous input, into an
  // output, or into scratch (a scalar, a strided input gathered, a value
  // only the block reads).
  void run(std::vector<TensorData>& slots, const Step& st) const {
    int64_t n = numel(shape);
    size_t regs = num_inputs + code.size();
    thread_local std::vector<T> scratch;
    scratch.resize(scratch_blocks * kBlock);
    SmallVector<T*, 32> reg(regs);
    for (size_t r = 0; r < regs; ++r) reg[r] = scratch_of[r] >= 0 ? scratch.data() + scratch_of[r] * kBlock : nullptr;
    struct Source {
      const T* p;  // null: a scalar, filled once
      int64_t step;
    };
    SmallVector<Source, 8> src(num_inputs);
    std::vector<TensorData> copies;  // inputs too tangled to stream, made contiguous
    for (size_t k = 0; k < num_inputs; ++k) {
      const TensorData& d = slots[st.in[k]];
      Layout l = layouts[k].strides == d.strides ? layouts[k] : layout_of(d, n);
      if (l.scalar) {
        std::fill(reg[k], reg[k] + kBlock, *d.data<T>());
        src[k] = {nullptr, 0};
      } else if (l.one_row) {
        src[k] = {d.data<T>(), l.step};
      } else {
        copies.push_back(kernels::contiguous(d));
        src[k] = {copies.back().data<T>(), 1};
      }
    }
    SmallVector<TensorData, 4> outs;
    for (size_t j = 0; j < out_regs.size(); ++j)
      outs.push_back(reuse_or_empty(slots, st.out[j], out_views[j], shape, dtype_of<T>()));
    for (size_t t = 0; t < targets.size(); ++t)
      outs.push_back(
          reuse_or_empty(slots, st.out[out_regs.size() + t], targets[t].views, targets[t].shape, dtype_of<T>()));
    for (int64_t start = 0; start < n; start += kBlock) {
      int64_t len = std::min(kBlock, n - start);
      for (size_t k = 0; k < num_inputs; ++k) {
        if (!src[k].p) continue;
        const T* p = src[k].p + start * src[k].step;
        T* r = scratch.data() + k * kBlock;
        if (src[k].step == 1)
          r = const_cast<T*>(p);  // read in place (registers of inputs are never written)
        else
          kernels::copy_row(r, 1, p, src[k].step, len);
        reg[k] = r;
      }
      for (size_t j = 0; j < out_regs.size(); ++j) reg[out_regs[j]] = outs[j].data<T>() + start;
      for (const Instr& c : code) c.fn(reg[c.dst], reg[c.a], c.b >= 0 ? reg[c.b] : nullptr, len);
      for (size_t t = 0; t < targets.size(); ++t) {
        T* y = outs[out_regs.size() + t].template data<T>();
        const std::vector<Part>& ps = targets[t].parts;
        if (ps.size() == 2 && ps[0].step == 2 && ps[1].step == 2 && ps[0].offset + ps[1].offset == 1) {
          const Part& even = ps[0].offset == 0 ? ps[0] : ps[1];
          const Part& odd = ps[0].offset == 0 ? ps[1] : ps[0];
          kernels::interleave2(y + 2 * start, reg[even.reg], reg[odd.reg], len);
          continue;
        }
        for (const Part& p : ps) kernels::copy_row(y + p.offset + start * p.step, p.step, reg[p.reg], 1, len);
      }
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

  // Steps are placed in order, as singles or in groups. An elementwise step
  // joins the latest group of its shape, dtype and inputs' dependencies that
  // comes after all it reads, or that can move there (when nothing in
  // between reads it); else it starts a group. Moving a step up is safe:
  // nothing it passes reads its output, which did not exist before it.
  std::vector<Step> run() {
    std::vector<int64_t> made_by(slots_.size(), -1);  // the item making each slot
    for (size_t k = 0; k < steps_.size(); ++k) {
      const Step& st = steps_[k];
      int64_t at = -1;
      if (fusible(st)) {
        int64_t earliest = -1;  // the last item making what st reads
        for (int32_t i : st.in) earliest = std::max(earliest, made_by[i]);
        for (int64_t j = (int64_t)items_.size() - 1; j >= 0 && at < 0; --j)
          if (items_[j].group && joins(items_[j].steps[0], k) && (j >= earliest || move_later(j, earliest, made_by)))
            at = std::max(j, earliest);
      }
      if (at < 0) {
        items_.push_back({{}, fusible(st)});
        at = (int64_t)items_.size() - 1;
      }
      items_[at].steps.push_back(k);
      for (int32_t o : st.out)
        if (o >= 0) made_by[o] = at;
    }
    std::vector<std::vector<Taken>> taken = take_scatters();
    std::vector<Step> result;
    result.reserve(items_.size());
    for (size_t i = 0; i < items_.size(); ++i) {
      const Item& item = items_[i];
      if (!item.group && dropped_[item.steps[0]]) continue;
      if (!item.group || (item.steps.size() == 1 && taken[i].empty()))
        result.push_back(std::move(steps_[item.steps[0]]));
      else if (slots_[steps_[item.steps[0]].out[0]].dtype == Float64)
        result.push_back(fuse<double>(item.steps, taken[i]));
      else
        result.push_back(fuse<float>(item.steps, taken[i]));
    }
    return result;
  }

 private:
  struct Taken {  // a scatter a group does, and the group's values it scatters (one per scatter input)
    size_t scatter;
    std::vector<int32_t> values;
    std::vector<size_t> views;  // the reshapes in between
  };

  // A scatter with rows (Step::rows) whose inputs are each a view (a
  // reshape) of a value of one group, which nothing outside the group reads,
  // is done by that group: it writes the values straight into the scatter's
  // output.
  std::vector<std::vector<Taken>> take_scatters() {
    std::vector<int64_t> maker(slots_.size(), -1), item_of(steps_.size(), -1);
    for (size_t k = 0; k < steps_.size(); ++k)
      for (int32_t o : steps_[k].out)
        if (o >= 0) maker[o] = (int64_t)k;
    for (size_t i = 0; i < items_.size(); ++i)
      for (size_t k : items_[i].steps) item_of[k] = (int64_t)i;
    auto only_read_once = [&](int32_t s) { return s >= 0 && readers_[s].size() == 1 && !is_output_[s]; };
    std::vector<std::vector<Taken>> taken(items_.size());
    dropped_.assign(steps_.size(), 0);
    for (const Item& item : items_) {
      if (item.group || steps_[item.steps[0]].rows.empty()) continue;
      const Step& sc = steps_[item.steps[0]];
      Taken t{item.steps[0], {}, {}};
      int64_t group = -1;
      for (int32_t p : sc.in) {
        if (!only_read_once(p) || maker[p] < 0) break;
        const Step& view = steps_[maker[p]];
        int32_t q = view.in.size() == 1 ? view.in[0] : -1;
        if (!view.same_order || q < 0 || maker[q] < 0 || is_output_[q] || slots_[q].dtype != slots_[sc.out[0]].dtype)
          break;
        int64_t g = item_of[maker[q]];
        bool read_elsewhere = false;  // than in its group and by the view
        for (size_t r : readers_[q]) read_elsewhere = read_elsewhere || (r != (size_t)maker[p] && item_of[r] != g);
        if (!items_[g].group || read_elsewhere || (group >= 0 && g != group)) break;
        group = g;
        t.values.push_back(q);
        t.views.push_back((size_t)maker[p]);
      }
      if (t.values.size() != sc.in.size()) continue;
      dropped_[t.scatter] = 1;
      for (size_t v : t.views) dropped_[v] = 1;
      taken[group].push_back(std::move(t));
    }
    return taken;
  }

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
  // Moves group j to just after item `to` (> j), unless an item between reads it.
  bool move_later(int64_t j, int64_t to, std::vector<int64_t>& made_by) {
    for (int64_t p = j + 1; p <= to; ++p)
      for (size_t k : items_[p].steps)
        for (int32_t i : steps_[k].in)
          if (i >= 0 && made_by[i] == j) return false;
    std::rotate(items_.begin() + j, items_.begin() + j + 1, items_.begin() + to + 1);
    for (int64_t& m : made_by) m = m == j ? to : m > j && m <= to ? m - 1 : m;
    return true;
  }
  bool joins(size_t group_step, size_t k) const {
    int32_t first = steps_[group_step].out[0], o = steps_[k].out[0];
    return slots_[o].shape == slots_[first].shape && slots_[o].dtype == slots_[first].dtype && deps_[o] == deps_[first];
  }

  template <class T>
  Step fuse(const std::vector<size_t>& group, const std::vector<Taken>& taken) {
    std::unordered_map<int32_t, char> scattered;  // values only taken scatters read
    for (const Taken& t : taken)
      for (int32_t q : t.values) scattered[q] = 1;
    std::vector<char> in_group(steps_.size(), 0);
    for (size_t k : group) in_group[k] = 1;
    std::unordered_map<int32_t, int32_t> reg;  // slot -> register
    std::unordered_map<int32_t, size_t> made;  // slot -> the group's step making it
    for (size_t k : group) made[steps_[k].out[0]] = k;
    Step f;
    for (size_t k : group)  // inputs: read by the group, made outside it
      for (int32_t i : steps_[k].in)
        if (!reg.count(i) && !made.count(i)) {
          reg[i] = (int32_t)f.in.size();
          f.in.push_back(i);
        }
    auto prog = std::make_shared<Fused<T>>();
    prog->shape = slots_[steps_[group[0]].out[0]].shape;
    prog->num_inputs = f.in.size();
    for (int32_t i : f.in) prog->layouts.push_back(Fused<T>::layout_of(slots_[i], numel(prog->shape)));
    f.ops = 0;
    for (size_t k : group) {
      const Step& st = steps_[k];
      int32_t dst = (int32_t)(prog->num_inputs + prog->code.size());
      auto fn = block_of<T>(st);
      prog->code.push_back({fn, dst, reg.at(st.in[0]), st.in.size() > 1 ? reg.at(st.in[1]) : -1});
      reg[st.out[0]] = dst;
      f.ops += st.ops;
      f.fused += (f.fused.empty() ? "" : ", ") + std::string(st.name);
      // kept in memory when something outside the group reads it, or it is returned
      bool read_outside = is_output_[st.out[0]];
      for (size_t r : readers_[st.out[0]]) read_outside = read_outside || !in_group[r];
      if (read_outside && !scattered.count(st.out[0])) {
        f.out.push_back(st.out[0]);
        prog->out_regs.push_back(dst);
        prog->out_views.push_back(views_of(slots_, st.out[0]));
      }
    }
    for (const Taken& t : taken) {
      const Step& sc = steps_[t.scatter];
      typename Fused<T>::Target target{slots_[sc.out[0]].shape, {}, views_of(slots_, sc.out[0])};
      for (size_t k = 0; k < t.values.size(); ++k)
        target.parts.push_back({reg.at(t.values[k]), sc.rows[k].first, sc.rows[k].second});
      prog->targets.push_back(std::move(target));
      f.out.push_back(sc.out[0]);
      f.ops += sc.ops + t.views.size();
      f.fused += ", " + std::string(sc.name) + "[" + sc.fused + "]";
    }
    prog->allocate();
    f.name = "Fused";
    f.run = [prog](std::vector<TensorData>& slots, const Step& st) { prog->run(slots, st); };
    return f;
  }

  std::vector<Step> steps_;
  const std::vector<TensorData>& slots_;
  std::vector<uint64_t> deps_;                // which trace inputs each slot depends on (bit i: input i)
  std::vector<std::vector<size_t>> readers_;  // the steps that read each slot
  std::vector<char> is_output_;
  struct Item {  // a step, or a group of elementwise steps to fuse
    std::vector<size_t> steps;
    bool group;
  };
  std::vector<Item> items_;
  std::vector<char> dropped_;  // steps a group took over
};

}  // namespace

std::vector<Step> fuse(std::vector<Step>&& steps, const std::vector<TensorData>& slots,
                       const std::vector<int32_t>& outputs, size_t num_inputs) {
  return Fuser(merge_scatters(std::move(steps), slots, outputs), slots, outputs, num_inputs).run();
}

}  // namespace fluxion::jit::detail
