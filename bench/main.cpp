// SPDX-License-Identifier: MIT
// fluxion_bench: runs the workloads of ../shared/bench/WORKLOADS.md and
// prints one JSON line per case.
//
//   fluxion_bench                                   every workload, at 1 and 2 threads
//   fluxion_bench --workload op_overhead --threads 1
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>

#include "bench/bench.h"
#include "fluxion.h"
#include "tensor/kernels/gemm.h"
#include "tensor/kernels/loops.h"
#include "tensor/kernels/matmul.h"

namespace fluxion::bench {

std::vector<std::pair<std::string, WorkloadFn>>& workloads() {
  static std::vector<std::pair<std::string, WorkloadFn>> all;
  return all;
}

bool add_workload(const std::string& id, WorkloadFn run) {
  auto& all = workloads();
  all.emplace_back(id, std::move(run));
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return true;
}

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Machine-wide busy CPU seconds (from /proc/stat) and this process's CPU
// seconds: their difference over wall time is the load of other processes.
struct LoadMark {
  double busy = 0, own = 0;
  Clock::time_point wall = Clock::now();
};

LoadMark load_now() {
  LoadMark m;
  unsigned long long v[8] = {};
  if (FILE* f = std::fopen("/proc/stat", "r")) {
    if (std::fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                    &v[6], &v[7]) == 8)
      m.busy = double(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / double(sysconf(_SC_CLK_TCK));
    std::fclose(f);
  }
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  m.own = double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
  return m;
}

double other_load(const LoadMark& a) {
  LoadMark b = load_now();
  double x = ((b.busy - a.busy) - (b.own - a.own)) / seconds_since(a.wall);
  return std::max(x, 0.0);
}

// Calls per repetition so that one repetition lasts >= min_rep_s.
int64_t calibrate(const std::function<void()>& fn, double min_rep_s) {
  fn();  // warm-up
  auto t0 = Clock::now();
  fn();
  double one = seconds_since(t0);
  return one >= min_rep_s ? 1 : int64_t(min_rep_s / std::max(one, 1e-9)) + 1;
}

void append_quoted(std::string& out, const std::string& s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

}  // namespace

Timing time_it(const std::function<void()>& fn, int reps, double min_rep_s) {
  Timing t;
  t.reps = std::max(reps, 5);
  t.inner = calibrate(fn, min_rep_s);
  std::vector<double> ts;
  LoadMark mark = load_now();
  for (int r = 0; r < t.reps; ++r) {
    auto t0 = Clock::now();
    for (int64_t i = 0; i < t.inner; ++i) fn();
    ts.push_back(seconds_since(t0) / double(t.inner));
  }
  t.other_load = other_load(mark);
  std::sort(ts.begin(), ts.end());
  t.median_s = ts[ts.size() / 2];
  t.min_s = ts[0];
  return t;
}

double paired_ratio(const std::function<void()>& fn, const std::function<void()>& base, int reps,
                    double min_rep_s) {
  int64_t n_fn = calibrate(fn, min_rep_s), n_base = calibrate(base, min_rep_s);
  std::vector<double> ratios;
  for (int r = 0; r < std::max(reps, 5); ++r) {
    auto t0 = Clock::now();
    for (int64_t i = 0; i < n_base; ++i) base();
    double t_base = seconds_since(t0) / double(n_base);
    t0 = Clock::now();
    for (int64_t i = 0; i < n_fn; ++i) fn();
    ratios.push_back(seconds_since(t0) / double(n_fn) / t_base);
  }
  std::sort(ratios.begin(), ratios.end());
  return ratios[ratios.size() / 2];
}

Line::Line(const std::string& workload, const Context& ctx, const std::string& impl)
    : fluxion_(impl == "fluxion") {
  add("workload", workload).add("impl", impl).add("threads", ctx.threads);
}

Line& Line::key(const std::string& k) {
  if (!body_.empty()) body_ += ',';
  append_quoted(body_, k);
  body_ += ':';
  return *this;
}

Line& Line::add(const std::string& k, const std::string& value) {
  append_quoted(key(k).body_, value);
  return *this;
}

Line& Line::add(const std::string& k, double value) {
  std::ostringstream os;
  os.precision(6);
  os << value;
  key(k).body_ += os.str();
  return *this;
}

Line& Line::add(const std::string& k, int64_t value) {
  key(k).body_ += std::to_string(value);
  return *this;
}

Line& Line::timing(const Timing& t) {
  return add("median_s", t.median_s)
      .add("min_s", t.min_s)
      .add("reps", t.reps)
      .add("inner", t.inner)
      .add("other_load", t.other_load);
}

Line& Line::blas() {
  add("blas_core", kernels::blas_core()).add("blas_threading", kernels::blas_threading());
  return add("gemm_path", fluxion_ ? kernels::gemm_path_name() : "openblas");
}

void Line::print() const { std::cout << "{" << body_ << "}" << std::endl; }

}  // namespace fluxion::bench

namespace {

int usage(const char* msg) {
  std::cerr << msg << "\nusage: fluxion_bench [--workload ID]... [--threads N]\nworkloads:";
  for (const auto& [id, fn] : fluxion::bench::workloads()) std::cerr << " " << id;
  std::cerr << "\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  namespace bench = fluxion::bench;
  std::vector<std::string> chosen;
  std::vector<int> threads;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "--workload" || arg == "--threads") && i + 1 < argc) {
      std::string value = argv[++i];
      if (arg == "--workload") chosen.push_back(value);
      else threads.push_back(std::atoi(value.c_str()));
    } else {
      return usage(("fluxion_bench: unknown argument " + arg).c_str());
    }
  }
  if (threads.empty()) threads = {1, 2};
  for (const std::string& id : chosen) {
    bool known = std::any_of(bench::workloads().begin(), bench::workloads().end(),
                             [&](const auto& w) { return w.first == id; });
    if (!known) return usage(("fluxion_bench: no workload " + id).c_str());
  }
  try {
    for (int n : threads) {
      fluxion::set_num_threads(n);
      for (const auto& [id, run] : bench::workloads())
        if (chosen.empty() || std::find(chosen.begin(), chosen.end(), id) != chosen.end()) run({.threads = n});
    }
  } catch (const std::exception& e) {
    std::cerr << "fluxion_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
