// SPDX-License-Identifier: MIT
// fluxion_bench's tiny toolkit: a registry of workloads, the timing rule of
// ../shared/bench/WORKLOADS.md, and JSON-line output.
//
// A workload lives in bench/<id>.cpp and registers itself:
//
//   static void run(const bench::Context& ctx) {
//     auto x = ...;
//     bench::Timing t = bench::time_it([&] { f(x); });
//     bench::Line("my_workload", ctx).add("dtype", "f64").add("n", 100).timing(t).print();
//   }
//   static const bool registered = bench::add_workload("my_workload", run);
//
// Timing: one warm-up call, then `reps` (>= 5) repetitions, each of enough
// back-to-back calls to last >= 20 ms; the per-call median and min.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace fluxion::bench {

struct Context {
  int threads = 1;  // already applied with set_num_threads
};

using WorkloadFn = std::function<void(const Context&)>;
/// Registers a workload under `id` (call from a static initialiser).
bool add_workload(const std::string& id, WorkloadFn run);
/// Registered workloads, sorted by id.
std::vector<std::pair<std::string, WorkloadFn>>& workloads();

struct Timing {
  double median_s = 0;  // per call
  double min_s = 0;
  int reps = 0;
  int64_t inner = 0;        // calls per repetition
  double other_load = 0;    // cores busy with other processes meanwhile (noise flag, 0 = quiet)
};

/// Warm up, then the median and min per call of `reps` repetitions of >= min_rep_s each.
Timing time_it(const std::function<void()>& fn, int reps = 7, double min_rep_s = 0.02);

/// Median over repetitions of time(fn) / time(base), the two timed back to
/// back in each repetition, so a slow spell of the machine hits both.
double paired_ratio(const std::function<void()>& fn, const std::function<void()>& base, int reps = 7,
                    double min_rep_s = 0.02);

/// One JSON object on one line: {"workload":..., "impl":..., "threads":..., ...}.
class Line {
 public:
  Line(const std::string& workload, const Context& ctx, const std::string& impl = "fluxion");
  Line& add(const std::string& key, const std::string& value);
  Line& add(const std::string& key, const char* value) { return add(key, std::string(value)); }
  Line& add(const std::string& key, double value);
  Line& add(const std::string& key, int64_t value);
  Line& add(const std::string& key, int value) { return add(key, (int64_t)value); }
  /// median_s, min_s, reps, inner, other_load
  Line& timing(const Timing& t);
  /// Adds blas_core, blas_threading and gemm_path (for workloads that multiply matrices).
  Line& blas();
  void print() const;

 private:
  Line& key(const std::string& k);  // appends `"k":`
  std::string body_;
  bool fluxion_;  // impl == "fluxion": gemm_path is fluxion's choice, else the reference's own BLAS
};

}  // namespace fluxion::bench
