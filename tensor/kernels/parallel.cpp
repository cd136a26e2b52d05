// SPDX-License-Identifier: MIT
// One thread count for fluxion's OpenMP loops and for OpenBLAS. fluxion links
// the OpenMP build of OpenBLAS, so both share one OpenMP thread pool and never
// oversubscribe the cores.
#include <omp.h>

#include "tensor/kernels/loops.h"

extern "C" void openblas_set_num_threads(int);

namespace fluxion::kernels {

static int g_threads = 0;  // 0: not chosen yet, use OpenMP's default

int num_threads() {
  if (g_threads == 0) g_threads = omp_get_max_threads();
  return g_threads;
}

void set_num_threads(int n) {
  check(n >= 1, "set_num_threads: expected at least 1 thread, got ", n);
  g_threads = n;
  omp_set_num_threads(n);
  openblas_set_num_threads(n);
}

Shape broadcast_strides(const TensorData& t, const Shape& shape) {
  Shape s(shape.size(), 0);
  size_t lead = shape.size() - t.shape.size();
  for (size_t i = 0; i < t.shape.size(); ++i) s[lead + i] = t.shape[i] == 1 ? 0 : t.strides[i];
  return s;
}

}  // namespace fluxion::kernels
