// SPDX-License-Identifier: MIT
// The block cache behind tensor storage: freed blocks are reused by size,
// the budget holds, and empty_cache gives everything back.
#include <gtest/gtest.h>

#include <thread>

#include "tensor/allocator.h"
#include "tensor/error.h"
#include "tensor/tensor_data.h"

namespace fx = fluxion;

TEST(Allocator, BlocksAreAlignedAndWritable) {
  for (size_t n : {64, 128, 4096, 1 << 20}) {
    void* p = fx::allocate_block(n);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u) << n;
    static_cast<unsigned char*>(p)[n - 1] = 1;
    fx::free_block(p, n);
  }
  fx::empty_cache();
}

TEST(Allocator, CountsBytesInUseAndTheirPeak) {
  const size_t base = fx::memory_allocated();
  fx::reset_peak_memory_stats();
  EXPECT_EQ(fx::max_memory_allocated(), base);
  {
    fx::TensorData a = fx::TensorData::empty({1000}, fx::Float64);  // 8000 bytes
    EXPECT_EQ(fx::memory_allocated(), base + 8000);
    { fx::TensorData b = fx::TensorData::empty({500}, fx::Float32); }  // 2000 bytes, padded to 2048
    EXPECT_EQ(fx::memory_allocated(), base + 8000);
    EXPECT_EQ(fx::max_memory_allocated(), base + 8000 + 2048);
  }
  EXPECT_EQ(fx::memory_allocated(), base);
  fx::reset_peak_memory_stats();
  EXPECT_EQ(fx::max_memory_allocated(), base);
}

#if !defined(__SANITIZE_ADDRESS__)  // sanitizer builds bypass the cache
TEST(Allocator, FreedBlockIsReusedForTheSameSize) {
  fx::empty_cache();
  void* p = fx::allocate_block(4096);
  fx::free_block(p, 4096);
  EXPECT_EQ(fx::cached_bytes(), 4096u);
  EXPECT_EQ(fx::allocate_block(4096), p);  // same size: the cached block
  EXPECT_EQ(fx::cached_bytes(), 0u);
  void* q = fx::allocate_block(8192);      // another size: a new block
  EXPECT_NE(q, p);
  fx::free_block(p, 4096);
  fx::free_block(q, 8192);
  EXPECT_EQ(fx::empty_cache(), 4096u + 8192u);
  EXPECT_EQ(fx::cached_bytes(), 0u);
}

TEST(Allocator, TensorStorageGoesThroughTheCache) {
  fx::empty_cache();
  { fx::TensorData t = fx::TensorData::empty({1000}, fx::Float64); }  // 8000 bytes, padded to 8000
  EXPECT_EQ(fx::cached_bytes(), 8000u);
  { fx::TensorData t = fx::TensorData::empty({4}, fx::Float64); }  // 32 bytes live inside Storage
  EXPECT_EQ(fx::cached_bytes(), 8000u);
  fx::empty_cache();
}

TEST(Allocator, HugeBlocksAreNotCached) {
  fx::empty_cache();
  const size_t huge = size_t(300) << 20;  // above the 256 MiB per-block limit
  void* p = fx::allocate_block(huge);
  fx::free_block(p, huge);
  EXPECT_EQ(fx::cached_bytes(), 0u);
}
#endif

#if !defined(__SANITIZE_ADDRESS__)
// A large block freed on another thread than its own (a DataLoader's prefetch
// thread makes a batch, the main thread frees it) goes back to the shared cache
// and is reused by the next allocation of its size on any thread; small blocks
// stay in the freeing thread's cache.
TEST(Allocator, LargeBlocksFreedOnAnotherThreadAreReused) {
  fx::empty_cache();
  const size_t big = size_t(1) << 20;
  void* p = nullptr;
  std::thread([&] { p = fx::allocate_block(big); }).join();
  fx::free_block(p, big);
  EXPECT_EQ(fx::cached_bytes(), big);
  void* q = nullptr;
  std::thread([&] { q = fx::allocate_block(big); }).join();
  EXPECT_EQ(q, p);  // the freed block, not fresh pages
  EXPECT_EQ(fx::cached_bytes(), 0u);
  fx::free_block(q, big);
  std::thread([] {
    void* s = fx::allocate_block(4096);
    fx::free_block(s, 4096);
    EXPECT_EQ(fx::cached_bytes(), 4096u + (size_t(1) << 20));  // its own small block and the shared one
  }).join();
  EXPECT_EQ(fx::empty_cache(), big);  // the small block left with its thread
  EXPECT_EQ(fx::cached_bytes(), 0u);
}
#endif
