// SPDX-License-Identifier: MIT
// One thread count for fluxion's OpenMP loops and for OpenBLAS. fluxion links
// the OpenMP build of OpenBLAS, so both share one OpenMP thread pool and never
// oversubscribe the cores.
#include "tensor/threads.h"

#include <omp.h>

#include <atomic>

#include "tensor/error.h"

extern "C" void openblas_set_num_threads(int);

namespace fluxion {

static std::atomic<int> g_threads{0};  // 0: not chosen yet, use OpenMP's default

int get_num_threads() {
  int n = g_threads.load(std::memory_order_relaxed);
  if (n == 0) {
    n = omp_get_max_threads();
    g_threads.store(n, std::memory_order_relaxed);
  }
  return n;
}

void set_num_threads(int n) {
  check(n >= 1, "set_num_threads: expected at least 1 thread, got ", n);
  g_threads.store(n, std::memory_order_relaxed);
  omp_set_num_threads(n);
  openblas_set_num_threads(n);
}

}  // namespace fluxion
