// SPDX-License-Identifier: MIT
// util::ProgressBar — a one-line progress display for long loops, on stderr:
//
//   epoch 120/300 [#########.........]  40%  loss 0.1234  acc 95.2%  58.1 it/s  ETA 3s
//
// It draws only when stderr is a terminal (so logs and CI output stay clean)
// and at most ~10 times a second. Header-only and free of autograd, so any
// program can use it:
//
//   fluxion::util::ProgressBar bar(epochs, {.label = "epoch"});
//   for (int e = 0; e < epochs; ++e) { ...; bar.update(e + 1, {{"loss", l}, {"acc", a}}); }
//   bar.finish();
#pragma once
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fluxion::util {

struct ProgressBarOptions {
  std::string label = "step";
  int width = 24;                 // characters of the bar itself
  std::optional<bool> enabled;    // default: only when stderr is a terminal
  double min_interval_s = 0.1;    // between redraws
};

class ProgressBar {
 public:
  /// Named numbers shown after the bar, e.g. {{"loss", 0.12}, {"acc%", 97.3}}.
  using Metrics = std::vector<std::pair<std::string, double>>;

  explicit ProgressBar(int64_t total, ProgressBarOptions opts = {})
      : total_(total), opts_(std::move(opts)), start_(Clock::now()), last_draw_(start_) {
    enabled_ = opts_.enabled.value_or(isatty(fileno(stderr)) != 0);
  }
  ~ProgressBar() { finish(); }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  bool enabled() const { return enabled_; }

  /// Records that `done` of `total` steps are complete; redraws if due.
  void update(int64_t done, const Metrics& metrics = {}) {
    done_ = done;
    if (!enabled_ || finished_) return;
    auto now = Clock::now();
    if (done < total_ && seconds(last_draw_, now) < opts_.min_interval_s) return;
    last_draw_ = now;
    std::string line = render(done, seconds(start_, now), metrics);
    std::fputs("\r", stderr);
    std::fputs(line.c_str(), stderr);
    std::fputs("\x1b[K", stderr);  // clear the rest of the terminal line
    std::fflush(stderr);
  }

  /// Ends the line (once); later updates are ignored.
  void finish() {
    if (finished_) return;
    finished_ = true;
    if (enabled_ && done_ > 0) std::fputs("\n", stderr);
  }

  /// The text of the line for `done` steps after `elapsed_s` seconds (what update draws).
  std::string render(int64_t done, double elapsed_s, const Metrics& metrics = {}) const {
    double frac = total_ > 0 ? double(done) / double(total_) : 1.0;
    frac = frac < 0 ? 0 : (frac > 1 ? 1 : frac);
    int filled = int(frac * opts_.width + 0.5);
    // appended piece by piece (GCC 12 warns falsely on long chains of string +)
    std::string line = opts_.label;
    line.append(" ").append(std::to_string(done)).append("/").append(std::to_string(total_)).append(" [");
    line.append(size_t(filled), '#').append(size_t(opts_.width - filled), '.').append("] ");
    line.append(format("%3.0f%%", 100 * frac));
    for (const auto& [name, value] : metrics) line.append("  ").append(name).append(" ").append(format("%.4g", value));
    if (elapsed_s > 0 && done > 0) {
      double rate = double(done) / elapsed_s;
      line.append("  ").append(format(rate >= 10 ? "%.0f it/s" : "%.2f it/s", rate));
      if (done < total_) line.append("  ETA ").append(duration(double(total_ - done) / rate));
    }
    return line;
  }

 private:
  using Clock = std::chrono::steady_clock;
  static double seconds(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
  }
  static std::string format(const char* fmt, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, v);
    return buf;
  }
  static std::string duration(double s) {  // 42s, 3m05s, 1h02m
    auto t = int64_t(s + 0.5);
    char buf[32];
    if (t < 60) std::snprintf(buf, sizeof buf, "%llds", (long long)t);
    else if (t < 3600) std::snprintf(buf, sizeof buf, "%lldm%02llds", (long long)(t / 60), (long long)(t % 60));
    else std::snprintf(buf, sizeof buf, "%lldh%02lldm", (long long)(t / 3600), (long long)(t % 3600 / 60));
    return buf;
  }

  int64_t total_, done_ = 0;
  ProgressBarOptions opts_;
  bool enabled_ = false, finished_ = false;
  Clock::time_point start_, last_draw_;
};

}  // namespace fluxion::util
