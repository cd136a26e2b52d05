// SPDX-License-Identifier: MIT
// jit::trace's scatter merging, before fusion (trace_fuse.cpp).
#include <algorithm>
#include <memory>
#include <unordered_map>

#include "jit/trace.h"
#include "tensor/kernels/copy.h"
#include "tensor/kernels/inplace.h"
#include "tensor/kernels/loops.h"

namespace fluxion::jit::detail {
namespace {

// Scatter merging: the gradient of a tensor read through several views (the
// columns of x.reshape(-1, 2), say) is a sum of scatters, each zeros with one
// view filled (SliceBackward, DiagonalBackward). When Adds sum scatters of
// one shape that nothing else reads, one step fills each view of a single
// output instead, and zero-fills only when some element is in no view.
// Views that overlap are added in, in the Adds' order.
struct Scatter {
  Shape shape;
  DType dtype;
  std::vector<std::function<TensorData(const TensorData&, const TensorData&)>> into;  // per input
  bool gaps = false, overlaps = false;
  int pair_first = -1;  // two views, the even and the odd elements: which input is the even one
  std::vector<std::pair<int64_t, int64_t>> rows;  // as Step::rows
  SmallVector<int32_t, 4> out_views;

  // Which elements the views cover, once, at trace time.
  void survey(const std::vector<TensorData>& slots, const Step& st) {
    TensorData count = kernels::full(shape, 0, Float64), one = kernels::full({}, 1, Float64);
    for (size_t k = 0; k < into.size(); ++k) kernels::add_(into[k](count, slots[st.in[k]]), one, 1);
    const double* c = count.data<double>();
    auto [least, most] = std::minmax_element(c, c + count.numel());
    gaps = *least == 0, overlaps = *most > 1;
    if (gaps || overlaps) return;
    for (size_t k = 0; k < into.size(); ++k) {
      TensorData v = into[k](count, slots[st.in[k]]);
      kernels::Rows<1> r = kernels::rows_of<1>(v.shape, {v.strides});
      if (r.rows > 1) {
        rows.clear();
        return;
      }
      rows.push_back({v.offset, r.strides[0].empty() ? 1 : r.strides[0].back()});
    }
    if (into.size() == 2 && rows[0].second == 2 && rows[1].second == 2 && (dtype == Float64 || dtype == Float32))
      pair_first = rows[0].first == 0 ? 0 : 1;
  }
  void run(std::vector<TensorData>& slots, const Step& st) const {
    const TensorData &a = slots[st.in[pair_first < 0 ? 0 : pair_first]], &b = slots[st.in[pair_first == 0]];
    if (pair_first >= 0 && a.is_contiguous() && b.is_contiguous()) {
      TensorData y = reuse_or_empty(slots, st.out[0], out_views, shape, dtype);
      if (dtype == Float64)
        kernels::interleave2(y.data<double>(), a.data<double>(), b.data<double>(), a.numel());
      else
        kernels::interleave2(y.data<float>(), a.data<float>(), b.data<float>(), a.numel());
      slots[st.out[0]] = std::move(y);
      return;
    }
    TensorData y = gaps || overlaps ? kernels::full(shape, 0, dtype) : TensorData::empty(shape, dtype);
    for (size_t k = 0; k < into.size(); ++k) {
      const TensorData& g = slots[st.in[k]];
      if (overlaps)
        kernels::add_(into[k](y, g), g, 1);
      else
        kernels::copy_(into[k](y, g), g);
    }
    slots[st.out[0]] = std::move(y);
  }
};

}  // namespace

std::vector<Step> merge_scatters(std::vector<Step>&& steps, const std::vector<TensorData>& slots,
                                 const std::vector<int32_t>& outputs) {
  std::vector<int> readers(slots.size(), 0);
  for (const Step& st : steps)
    for (int32_t i : st.in)
      if (i >= 0) ++readers[i];
  for (int32_t o : outputs)
    if (o >= 0) ++readers[o];
  // A sum of scatters being collected: its parts (into, input slot) and the steps it replaces.
  struct Sum {
    std::vector<std::pair<std::function<TensorData(const TensorData&, const TensorData&)>, int32_t>> parts;
    std::vector<size_t> steps;
    std::string names;
  };
  std::unordered_map<int32_t, Sum> sums;  // by the slot holding the sum so far
  auto mergeable = [&](int32_t s, const TensorData& y) {
    return s >= 0 && readers[s] == 1 && sums.count(s) && slots[s].shape == y.shape && slots[s].dtype == y.dtype;
  };
  std::vector<char> dropped(steps.size(), 0);
  std::vector<std::optional<Step>> merged(steps.size());  // the merged step, at its Add's place
  for (size_t k = 0; k < steps.size(); ++k) {
    Step& st = steps[k];
    if (st.into && st.in.size() == 1 && st.out.size() == 1 && st.in[0] >= 0) {
      sums[st.out[0]] = Sum{{{st.into, st.in[0]}}, {k}, st.name};
      continue;
    }
    bool is_add = st.identity == 0.0 && st.commutative && st.in.size() == 2 && st.out.size() == 1;
    if (!is_add || !mergeable(st.in[0], slots[st.out[0]]) || !mergeable(st.in[1], slots[st.out[0]])) continue;
    Sum sum = std::move(sums[st.in[0]]);
    Sum& b = sums[st.in[1]];
    sum.parts.insert(sum.parts.end(), b.parts.begin(), b.parts.end());
    sum.steps.insert(sum.steps.end(), b.steps.begin(), b.steps.end());
    sum.names += ", " + b.names + ", " + st.name;
    sums.erase(st.in[1]);
    sums.erase(st.in[0]);
    for (size_t j : sum.steps) dropped[j] = 1, merged[j].reset();
    sum.steps.push_back(k);
    dropped[k] = 1;
    auto prog = std::make_shared<Scatter>();
    Step m;
    m.name = "Scatter";
    m.fused = sum.names;
    m.ops = 0;
    for (size_t j : sum.steps) m.ops += steps[j].ops;
    for (auto& [into, in] : sum.parts) prog->into.push_back(into), m.in.push_back(in);
    m.out.push_back(st.out[0]);
    prog->shape = slots[st.out[0]].shape;
    prog->dtype = slots[st.out[0]].dtype;
    prog->survey(slots, m);
    prog->out_views = views_of(slots, st.out[0]);
    m.rows = prog->rows;
    m.run = [prog](std::vector<TensorData>& slots, const Step& st) { prog->run(slots, st); };
    merged[k] = std::move(m);
    sums[st.out[0]] = std::move(sum);
  }
  std::vector<Step> out;
  out.reserve(steps.size());
  for (size_t k = 0; k < steps.size(); ++k) {
    if (merged[k])
      out.push_back(std::move(*merged[k]));
    else if (!dropped[k])
      out.push_back(std::move(steps[k]));
  }
  return out;
}

}  // namespace fluxion::jit::detail
