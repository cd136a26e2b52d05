// SPDX-License-Identifier: MIT
// The block cache: freed blocks wait in a list per exact size, up to a byte
// budget; allocation takes from that list first. Small blocks are cached per
// thread (no lock); blocks of 64 KiB and more in one cache for the process,
// behind a mutex whose cost is nothing next to filling such a block, so that a
// block freed by another thread than the one that allocated it (a batch made
// on a DataLoader's prefetch thread, used and freed on the main thread) is
// reused instead of stranded in the freeing thread's cache while the
// allocating thread faults in fresh pages.
#include "tensor/allocator.h"

#include <atomic>
#include <cstdlib>
#include <mutex>
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
[[maybe_unused]] constexpr size_t kBudget = size_t(512) << 20;   // at most 512 MiB in each cache
[[maybe_unused]] constexpr size_t kLargest = size_t(256) << 20;  // blocks above 256 MiB go straight back

// Set once this thread's cache is destroyed: tensors freed later (statics at
// exit) go straight back to malloc.
thread_local bool cache_gone = false;

struct BlockCache {
  std::unordered_map<size_t, std::vector<void*>> free;  // nbytes -> blocks
  size_t bytes = 0;
  ~BlockCache() { release(); }
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

struct ThreadCache : BlockCache {
  ~ThreadCache() {
    release();
    cache_gone = true;
  }
};

BlockCache& cache() {
  thread_local ThreadCache c;
  return c;
}

[[maybe_unused]] constexpr size_t kShared = size_t(64) << 10;  // blocks this large go to the shared cache

// Set once the shared cache is destroyed (at exit): later frees go to malloc.
std::atomic<bool> shared_gone{false};

struct SharedCache {
  std::mutex mutex;
  BlockCache blocks;
  ~SharedCache() { shared_gone = true; }
};

SharedCache& shared() {
  static SharedCache c;
  return c;
}

// A cached block of exactly nbytes from c, or nullptr.
[[maybe_unused]] void* take(BlockCache& c, size_t nbytes) {
  auto it = c.free.find(nbytes);
  if (it == c.free.end() || it->second.empty()) return nullptr;
  void* p = it->second.back();
  it->second.pop_back();
  c.bytes -= nbytes;
  return p;
}

// Keeps p in c if the budget allows; false when the caller must free it.
[[maybe_unused]] bool keep(BlockCache& c, void* p, size_t nbytes) {
  if (c.bytes + nbytes > kBudget) return false;
  c.free[nbytes].push_back(p);
  c.bytes += nbytes;
  return true;
}

}  // namespace

void* allocate_block(size_t nbytes, bool counted) {
  if (counted) count_allocation(nbytes);
#ifndef FLUXION_NO_BLOCK_CACHE
  if (nbytes >= kShared && !shared_gone) {
    SharedCache& c = shared();
    std::lock_guard lock(c.mutex);
    if (void* p = take(c.blocks, nbytes)) return p;
  } else if (nbytes < kShared && !cache_gone) {
    if (void* p = take(cache(), nbytes)) return p;
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
  if (nbytes >= kShared && nbytes <= kLargest && !shared_gone) {
    SharedCache& c = shared();
    std::lock_guard lock(c.mutex);
    if (keep(c.blocks, p, nbytes)) return;
  } else if (nbytes < kShared && !cache_gone) {
    if (keep(cache(), p, nbytes)) return;
  }
#endif
  (void)nbytes;
  std::free(p);
}

size_t empty_cache() {
  size_t n = cache_gone ? 0 : cache().release();
  if (!shared_gone) {
    SharedCache& c = shared();
    std::lock_guard lock(c.mutex);
    n += c.blocks.release();
  }
  return n;
}

size_t cached_bytes() {
  size_t n = cache_gone ? 0 : cache().bytes;
  if (!shared_gone) {
    SharedCache& c = shared();
    std::lock_guard lock(c.mutex);
    n += c.blocks.bytes;
  }
  return n;
}

size_t memory_allocated() { return in_use.load(std::memory_order_relaxed); }

size_t max_memory_allocated() { return peak.load(std::memory_order_relaxed); }

void reset_peak_memory_stats() { peak.store(in_use.load(std::memory_order_relaxed), std::memory_order_relaxed); }

}  // namespace fluxion
