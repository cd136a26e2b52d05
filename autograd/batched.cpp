// SPDX-License-Identifier: MIT
// Batched tensors (batched.h): vmap levels, wrapping and unwrapping, the
// moves of the batch dim that batching rules share, random numbers under vmap.
#include "autograd/batched.h"

#include <algorithm>
#include <atomic>
#include <iostream>
#include <mutex>
#include <set>
#include <string>

#include "autograd/ops.h"

namespace fluxion::batching {

namespace {
struct Level {
  uint64_t id;
  int64_t size;
  func::Randomness randomness;
};
thread_local std::vector<Level> t_levels;  // active vmap levels on this thread, outermost first
std::atomic<uint64_t> g_next_id{1};        // never reused: a tensor that escaped its vmap is recognised
}  // namespace

VmapLevel::VmapLevel(int64_t size, func::Randomness randomness) : id_(g_next_id++) {
  t_levels.push_back({id_, size, randomness});
}

VmapLevel::~VmapLevel() { t_levels.pop_back(); }

Tensor make_batched(const Tensor& value, int64_t dim, uint64_t level) {
  auto impl = std::make_shared<TensorImpl>();
  // The logical data: one example's shape and strides (the batch dim
  // removed), on the value's storage so that the version counter is shared.
  impl->data = value.impl()->data;
  impl->data.shape.erase(impl->data.shape.begin() + dim);
  impl->data.strides.erase(impl->data.strides.begin() + dim);
  impl->batched = std::make_shared<const Batched>(Batched{value, dim, level});
  return Tensor(std::move(impl));
}

Unwrapped unwrap(const Tensor& t, uint64_t level) {
  const Batched* b = t.impl()->batched.get();
  if (b && b->level == level) return {b->value, b->dim};
  return {t, std::nullopt};
}

uint64_t innermost_level(std::span<const Tensor> xs) {
  uint64_t level = 0;
  for (const Tensor& x : xs) {
    if (!x.defined() || !x.impl()->batched) continue;
    uint64_t l = x.impl()->batched->level;
    check(std::any_of(t_levels.begin(), t_levels.end(), [l](const Level& a) { return a.id == l; }),
          "vmap: a batched tensor of per-example shape ", x.shape(),
          " is used after its vmap returned (it escaped f, e.g. kept in a variable outside); "
          "return it from f instead, and vmap will give it back with its batch dim");
    level = std::max(level, l);
  }
  return level;
}

Tensor to_front(const Tensor& value, std::optional<int64_t> dim, int64_t size) {
  if (!dim) {
    Shape shape = value.shape();
    shape.insert(shape.begin(), size);
    return value.unsqueeze(0).expand(shape);  // a view: no copy per example
  }
  if (*dim == 0) return value;
  std::vector<int64_t> order{*dim};
  for (int64_t d = 0; d < value.dim(); ++d)
    if (d != *dim) order.push_back(d);
  return value.permute(order);
}

Tensor pad_rank(const Tensor& value, int64_t rank, int64_t to) {
  if (rank >= to) return value;
  Shape shape = value.shape();
  shape.insert(shape.begin() + 1, (size_t)(to - rank), int64_t{1});
  return value.reshape(shape);
}

Tensor flat_positions(const Tensor& pos, std::optional<int64_t> dim, int64_t size, int64_t n) {
  Tensor offsets = (arange((double)size, Int64) * (double)n).unsqueeze(1);  // [B, 1]: b n
  return (to_front(pos, dim, size) + offsets).reshape({-1});
}

std::vector<Tensor> to_front_aligned(const std::vector<Tensor>& xs, const std::vector<std::optional<int64_t>>& dims,
                                     int64_t size) {
  std::vector<Tensor> front(xs.size());
  int64_t rank = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    if (!xs[i].defined()) continue;
    front[i] = to_front(xs[i], dims[i], size);
    rank = std::max(rank, front[i].dim());
  }
  for (Tensor& x : front)
    if (x.defined()) x = pad_rank(x, x.dim(), rank);
  return front;
}

int64_t BatchFront::dim(int64_t d) const { return wrap_dim(d, rank, "vmap") + 1; }

std::vector<int64_t> BatchFront::dims(const std::vector<int64_t>& ds) const {
  std::vector<int64_t> out;
  for (int64_t d : ds) out.push_back(dim(d));
  return out;
}

std::vector<int64_t> BatchFront::reduce_dims(const std::vector<int64_t>& ds) const {
  if (!ds.empty()) return dims(ds);
  std::vector<int64_t> all;
  for (int64_t d = 1; d <= rank; ++d) all.push_back(d);
  return all;
}

Shape BatchFront::shape(const Shape& s) const {
  Shape out{size};
  out.insert(out.end(), s.begin(), s.end());
  return out;
}

Tensor BatchFront::front(const Tensor& t) const {
  Unwrapped u = unwrap(t, level);
  return to_front(u.value, u.dim, size);
}

Tensor draw_random(const Shape& shape, const char* op, const std::function<Tensor(const Shape&)>& draw) {
  if (t_levels.empty()) return draw(shape);
  // Outermost first: the physical tensor is [B_outer, ..., B_inner, shape...],
  // with one batch dim per level whose examples draw their own numbers.
  Shape physical;
  for (const Level& l : t_levels) {
    check(l.randomness != func::Randomness::error, op,
          ": random numbers inside vmap, where randomness = error "
          "(the default); pass {.randomness = func::Randomness::different} to give each example its own, or "
          "Randomness::same to share one draw");
    if (l.randomness == func::Randomness::different) physical.push_back(l.size);
  }
  physical.insert(physical.end(), shape.begin(), shape.end());
  Tensor t = draw(physical);
  for (const Level& l : t_levels)
    if (l.randomness == func::Randomness::different) t = make_batched(t, 0, l.id);
  return t;
}

namespace {
std::mutex g_warned_mutex;
std::set<std::string> g_warned;  // guarded by g_warned_mutex
}  // namespace

void warn_fallback(const char* op) {
  std::lock_guard<std::mutex> lock(g_warned_mutex);
  if (!g_warned.insert(op).second) return;
  std::cerr << "fluxion: vmap: " << op << " has no batching rule yet, so vmap runs it once per example and "
            << "stacks the results (correct, but slow); this warning is shown once per op\n";
}

std::vector<std::string> fallback_ops() {
  std::lock_guard<std::mutex> lock(g_warned_mutex);
  return {g_warned.begin(), g_warned.end()};
}

void check_same_shape(const char* op, const Tensor& y0, const Tensor& yb, int64_t b) {
  if (y0.defined() == yb.defined() && (!y0.defined() || y0.shape() == yb.shape())) return;
  fail("vmap: ", op, " gave example 0 a result of shape ", y0.defined() ? to_string(y0.shape()) : "undefined",
       " and example ", b, " one of shape ", yb.defined() ? to_string(yb.shape()) : "undefined",
       "; an op whose result shape depends on its values cannot be vmapped: call it outside vmap");
}

Tensor all_examples(Tensor t) {
  while (t.impl()->batched) t = t.impl()->batched->value;
  return t;
}

}  // namespace fluxion::batching
