// SPDX-License-Identifier: MIT
// Options::jit's recordings of func, made at a solve's first evaluation and,
// with a JitCache, kept for later solves on states of the same shape and dtype.
#include <map>
#include <utility>
#include <vector>

#include "autograd/grad_mode.h"
#include "jit/trace.h"
#include "odeint/solver.h"

namespace fluxion::odeint {

struct JitCache::Entries {
  std::map<std::pair<std::vector<int64_t>, DType>, std::shared_ptr<detail::Recorded>> by_state;
};

JitCache::JitCache() : entries_(std::make_unique<Entries>()) {}
JitCache::~JitCache() = default;

namespace detail {

std::shared_ptr<Recorded> recorded(const Func& func, const Tensor& y0, double t0, const Settings& s) {
  const std::pair<std::vector<int64_t>, DType> key{{y0.shape().begin(), y0.shape().end()}, y0.dtype()};
  if (s.jit_cache)
    if (auto found = s.jit_cache->entries().by_state.find(key); found != s.jit_cache->entries().by_state.end())
      return found->second;
  auto rec = std::make_shared<Recorded>(Recorded{Replayed(wrap_timed(func, y0, s.who), 1), {}, nullptr});
  {
    NoGradGuard no_grad;  // the recording needs no graph; it still sees which tensors require grad
    rec->captured = rec->replayed.record(t0, {y0.detach()}, s.who);
  }
  if (s.jit_cache) s.jit_cache->entries().by_state[key] = rec;
  return rec;
}

}  // namespace detail
}  // namespace fluxion::odeint
