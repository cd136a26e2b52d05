// SPDX-License-Identifier: MIT
// How many threads fluxion uses: one count for its OpenMP loops and OpenBLAS.
#pragma once

namespace fluxion {

/// Threads that fluxion's loops and OpenBLAS use, as torch.get_num_threads():
/// OpenMP's default (OMP_NUM_THREADS, else the core count) until set.
int get_num_threads();

/// Sets the thread count for fluxion's loops and OpenBLAS (torch.set_num_threads).
/// n >= 1; small tensors stay on one thread whatever n is.
void set_num_threads(int n);

}  // namespace fluxion
