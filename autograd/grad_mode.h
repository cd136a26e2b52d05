// SPDX-License-Identifier: MIT
// Grad mode: whether ops record the graph. Thread-local, switched by RAII guards.
#pragma once

namespace fluxion {

struct GradMode {
  static bool is_enabled();
  static void set_enabled(bool on);
};

/// Inside its scope no graph is recorded: { fluxion::NoGradGuard no_grad; ... }
class NoGradGuard {
 public:
  NoGradGuard() : prev_(GradMode::is_enabled()) { GradMode::set_enabled(false); }
  ~NoGradGuard() { GradMode::set_enabled(prev_); }
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool prev_;
};

/// Turns recording back on inside a NoGradGuard.
class EnableGradGuard {
 public:
  explicit EnableGradGuard(bool on = true) : prev_(GradMode::is_enabled()) { GradMode::set_enabled(on); }
  ~EnableGradGuard() { GradMode::set_enabled(prev_); }
  EnableGradGuard(const EnableGradGuard&) = delete;
  EnableGradGuard& operator=(const EnableGradGuard&) = delete;

 private:
  bool prev_;
};

}  // namespace fluxion
