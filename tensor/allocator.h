// SPDX-License-Identifier: MIT
// Where tensor memory comes from: 64-byte aligned blocks, and caches (allocator.cpp)
// of freed blocks by exact size. Training loops allocate the same
// shapes every step; reusing their blocks skips malloc's bookkeeping for
// small arrays and the page faults of fresh pages for large ones (a 4 MB
// block from the OS costs 1000 faults, more than the arithmetic on it).
// Sanitizer builds bypass the cache, so use-after-free is still caught.
// Bytes in use and their peak are counted, to measure what an algorithm keeps.
#pragma once
#include <algorithm>
#include <cstddef>

namespace fluxion {

/// A block of at least nbytes (a multiple of 64), 64-byte aligned; throws fluxion::Error when out of memory.
/// counted: whether it is tensor memory (memory_allocated()).
void* allocate_block(size_t nbytes, bool counted = true);
/// Returns a block from allocate_block(nbytes, counted) (same arguments) to the cache.
void free_block(void* p, size_t nbytes, bool counted = true);
/// Frees the blocks cached by this thread and, of 64 KiB and more, by all (like torch.cuda.empty_cache).
size_t empty_cache();
/// Bytes in this thread's cache and the shared cache of blocks of 64 KiB and more.
size_t cached_bytes();

/// Bytes of tensor blocks in use now, in all threads (torch.cuda.memory_allocated's
/// meaning; storage of up to 64 bytes lives inside its Storage and is not counted).
size_t memory_allocated();
/// The most memory_allocated() has been since the start or the last reset.
size_t max_memory_allocated();
/// Starts a new peak from the current memory_allocated().
void reset_peak_memory_stats();

/// A std::vector allocator drawing on the same cache, for work arrays that a
/// loop makes and frees again (an optimizer's vectors): they reuse their
/// blocks instead of growing and trimming malloc's heap, whose fresh pages
/// fault. Not counted as tensor memory.
template <class T>
struct CachingAllocator {
  using value_type = T;
  CachingAllocator() = default;
  template <class U>
  CachingAllocator(const CachingAllocator<U>&) noexcept {}
  static size_t bytes(size_t n) { return (std::max<size_t>(n * sizeof(T), 1) + 63) / 64 * 64; }
  T* allocate(size_t n) { return static_cast<T*>(allocate_block(bytes(n), false)); }
  void deallocate(T* p, size_t n) noexcept { free_block(p, bytes(n), false); }
  friend bool operator==(const CachingAllocator&, const CachingAllocator&) { return true; }
};

}  // namespace fluxion
