// SPDX-License-Identifier: MIT
// Tick selection and labels, after matplotlib's MaxNLocator (steps 1, 2, 2.5,
// 5, 10), ScalarFormatter (shared decimals, a "1e−5" multiplier for very
// small or large values) and LogLocator (powers of ten, minor ticks 2..9).
#pragma once
#include <string>
#include <vector>

namespace fluxion::plot {

struct Ticks {
  std::vector<double> values;       // major ticks inside [lo, hi]
  std::vector<std::string> labels;  // one per value
  std::string multiplier;           // "1e−5" shown at the axis end, or empty
  std::vector<double> minor;        // minor ticks (log axes)
};

/// At most max_bins + 1 "nice" values spanning [lo, hi] with a 1-2-2.5-5 step.
std::vector<double> nice_ticks(double lo, double hi, int max_bins);
/// Nice ticks with labels that share their number of decimals.
Ticks linear_ticks(double lo, double hi, int max_bins);
/// Ticks at powers of ten for a log axis over [lo, hi] (both > 0).
Ticks log_ticks(double lo, double hi, int max_bins);
/// v with `decimals` digits after the point and a true minus sign (U+2212).
std::string format_number(double v, int decimals);

}  // namespace fluxion::plot
