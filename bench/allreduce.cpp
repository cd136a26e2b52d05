// SPDX-License-Identifier: MIT
// allreduce: all_reduce (sum) of a Float32 tensor of 1 KB to 64 MB between
// the ranks of `mpirun -np N fluxion_bench --workload allreduce --threads 1`
// (one rank without mpirun). Every rank runs the same fixed number of calls
// (time_it's adaptive count could differ between ranks, and each call is a
// collective); a barrier starts each repetition; rank 0 prints the median
// per call and two bandwidths (as nccl-tests):
//   algbw = bytes / t,   busbw = algbw * 2 (N - 1) / N   (what each link carries in a ring all-reduce)
#include <algorithm>
#include <chrono>
#include <vector>

#include "bench/bench.h"
#include "distributed/distributed.h"
#include "fluxion.h"

namespace fluxion::bench {
namespace {

void run(const Context& ctx) {
  static distributed::InitGuard mpi;  // once per process; MPI_Finalize at exit
  int n = distributed::get_world_size();
  for (int64_t bytes = 1024; bytes <= 64 << 20; bytes *= 4) {
    Tensor x = ones({bytes / 4}, Float32);
    // about 256 MB through each rank per repetition, at least 3 calls
    int64_t calls = std::clamp<int64_t>((256 << 20) / bytes, 3, 2000);
    for (int i = 0; i < 3; ++i) (void)distributed::all_reduce(x);  // warm-up: connections, buffers
    std::vector<double> per_call;
    for (int rep = 0; rep < 7; ++rep) {
      distributed::barrier();
      auto t0 = std::chrono::steady_clock::now();
      for (int64_t c = 0; c < calls; ++c) (void)distributed::all_reduce(x);
      per_call.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / (double)calls);
    }
    std::sort(per_call.begin(), per_call.end());
    if (distributed::get_rank() != 0) continue;
    double t = per_call[per_call.size() / 2], algbw = (double)bytes / t / 1e9;
    Line("allreduce", ctx)
        .add("ranks", n)
        .add("bytes", bytes)
        .add("median_s", t)
        .add("min_s", per_call.front())
        .add("algbw_gbytes_per_s", algbw)
        .add("busbw_gbytes_per_s", n > 1 ? algbw * 2.0 * (n - 1) / n : 0.0)
        .print();
  }
}

const bool registered = add_workload("allreduce", run);

}  // namespace
}  // namespace fluxion::bench
