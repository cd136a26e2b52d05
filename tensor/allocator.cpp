// SPDX-License-Identifier: MIT
// The per-thread block cache: freed blocks wait in a list per exact size, up
// to a byte budget; allocation takes from that list first.
#include "tensor/allocator.h"

#include <atomic>
#include <cstdlib>
#include <unordered_map>
#include <vector>

#include "tensor/error.h"

#if defined(__SANITIZE_ADDRESS__)
#define FLUXION_NO_BLOCK_CACHE 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FLUXION_NO_BLOCK_CACHE 1
#endif
#endif

namespace fluxion {
namespace {

// (Unused under ASan, which sees every block: there nothing is cached.)
[[maybe_unused]] constexpr size_t kBudget = size_t(512) << 20;   // at most 512 MiB cached per thread
[[maybe_unused]] constexpr size_t kLargest = size_t(256) << 20;  // blocks above 256 MiB go straight back

// Set once this thread's cache is destroyed: tensors freed later (statics at
// exit) go straight back to malloc.
thread_local bool cache_gone = false;

struct BlockCache {
  std::unordered_map<size_t, std::vector<void*>> free;  // nbytes -> blocks
  size_t bytes = 0;
  ~BlockCache() {
    release();
    cache_gone = true;
  }
  size_t release() {
    size_t n = bytes;
    for (auto& [size, blocks] : free)
      for (void* p : blocks) std::free(p);
    free.clear();
    bytes = 0;
    return n;
  }
};

std::atomic<size_t> in_use{0}, peak{0};

void count_allocation(size_t nbytes) {
  size_t now = in_use.fetch_add(nbytes, std::memory_order_relaxed) + nbytes;
  size_t high = peak.load(std::memory_order_relaxed);
  while (now > high && !peak.compare_exchange_weak(high, now, std::memory_order_relaxed)) {
  }
}

BlockCache& cache() {
  thread_local BlockCache c;
  return c;
}

}  // namespace

void* allocate_block(size_t nbytes, bool counted) {
  if (counted) count_allocation(nbytes);
#ifndef FLUXION_NO_BLOCK_CACHE
  if (!cache_gone) {
    BlockCache& c = cache();
    if (auto it = c.free.find(nbytes); it != c.free.end() && !it->second.empty()) {
      void* p = it->second.back();
      it->second.pop_back();
      c.bytes -= nbytes;
      return p;
    }
  }
#endif
  void* p = std::aligned_alloc(64, nbytes);
  if (!p) {
    if (counted) in_use.fetch_sub(nbytes, std::memory_order_relaxed);
    fail("allocation of ", nbytes, " bytes failed (out of memory)");
  }
  return p;
}

void free_block(void* p, size_t nbytes, bool counted) {
  if (counted) in_use.fetch_sub(nbytes, std::memory_order_relaxed);
#ifndef FLUXION_NO_BLOCK_CACHE
  if (!cache_gone && nbytes <= kLargest) {
    BlockCache& c = cache();
    if (c.bytes + nbytes <= kBudget) {
      c.free[nbytes].push_back(p);
      c.bytes += nbytes;
      return;
    }
  }
#endif
  (void)nbytes;
  std::free(p);
}

size_t empty_cache() { return cache_gone ? 0 : cache().release(); }

size_t cached_bytes() { return cache_gone ? 0 : cache().bytes; }

size_t memory_allocated() { return in_use.load(std::memory_order_relaxed); }

size_t max_memory_allocated() { return peak.load(std::memory_order_relaxed); }

void reset_peak_memory_stats() { peak.store(in_use.load(std::memory_order_relaxed), std::memory_order_relaxed); }

}  // namespace fluxion
