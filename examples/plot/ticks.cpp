// SPDX-License-Identifier: MIT
// Tick values and labels for linear and log axes.
#include "examples/plot/ticks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace fluxion::plot {

std::vector<double> nice_ticks(double lo, double hi, int max_bins) {
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return {lo};
  max_bins = std::max(1, max_bins);
  const double raw = (hi - lo) / max_bins;
  const double scale = std::pow(10.0, std::floor(std::log10(raw)));
  double step = 10 * scale;
  // The smallest nice step whose ticks cover [lo, hi] in at most max_bins intervals.
  for (double s : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    const double st = s * scale;
    if (std::floor(hi / st + 1e-9) - std::ceil(lo / st - 1e-9) <= max_bins) {
      step = st;
      break;
    }
  }
  std::vector<double> t;
  const double k0 = std::ceil(lo / step - 1e-9), k1 = std::floor(hi / step + 1e-9);
  for (double k = k0; k <= k1; ++k) t.push_back(std::abs(k) < 1e-12 ? 0.0 : k * step);
  return t;
}

std::string format_number(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", std::max(0, decimals), v);
  std::string s = buf;
  if (s.find_first_not_of("-0.") == std::string::npos) s = s.substr(s[0] == '-' ? 1 : 0);  // no "-0.0"
  if (!s.empty() && s[0] == '-') s = "\u2212" + s.substr(1);
  return s;
}

Ticks linear_ticks(double lo, double hi, int max_bins) {
  Ticks t;
  t.values = nice_ticks(lo, hi, max_bins);
  double big = 0;
  for (double v : t.values) big = std::max(big, std::abs(v));
  int power = 0;
  if (big > 0) {
    const int oom = static_cast<int>(std::floor(std::log10(big)));
    if (oom <= -5 || oom >= 6) power = oom;
  }
  const double div = std::pow(10.0, power);
  int decimals = 0;
  for (; decimals < 12; ++decimals) {
    bool exact = true;
    const double m = std::pow(10.0, decimals);
    for (double v : t.values) exact = exact && std::abs(std::round(v / div * m) - v / div * m) < 1e-6;
    if (exact) break;
  }
  for (double v : t.values) t.labels.push_back(format_number(v / div, decimals));
  if (power != 0) t.multiplier = "1e" + format_number(power, 0);
  return t;
}

Ticks log_ticks(double lo, double hi, int max_bins) {
  Ticks t;
  if (!(lo > 0) || !(hi > lo)) return t;
  const int e0 = static_cast<int>(std::ceil(std::log10(lo) - 1e-9)), e1 = static_cast<int>(std::floor(std::log10(hi) + 1e-9));
  const int stride = std::max(1, static_cast<int>(std::ceil((e1 - e0 + 1.0) / std::max(1, max_bins))));
  for (int e = e0 - e0 % stride; e <= e1; e += stride) {
    if (e < e0) continue;
    t.values.push_back(std::pow(10.0, e));
    t.labels.push_back("10^{" + format_number(e, 0) + "}");
  }
  if (stride == 1)
    for (int e = e0 - 1; e <= e1; ++e)
      for (int m = 2; m <= 9; ++m) {
        const double v = m * std::pow(10.0, e);
        if (v >= lo && v <= hi) t.minor.push_back(v);
      }
  // A range shorter than a decade holds at most one power of ten: fall back to
  // nice ticks. A longer range with one power of ten keeps it, with the minor
  // ticks around it (as matplotlib's LogLocator does for, say, 180 .. 2200).
  if (t.values.empty() || (t.values.size() < 2 && hi / lo < 10)) {
    const Ticks lin = linear_ticks(lo, hi, max_bins);
    t.values = lin.values, t.labels = lin.labels, t.multiplier = lin.multiplier;
  }
  return t;
}

}  // namespace fluxion::plot
