// SPDX-License-Identifier: MIT
// Tick values and labels for linear and log axes.
#include "examples/plot/ticks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace fluxion::plot {

namespace {

// Counts of step in x, as matplotlib's _Edge_integer: floor (le) or ceil (ge)
// with a tolerance that grows when a large offset eats the step's precision.
struct EdgeInteger {
  double step, offset;
  bool close(double ms, double edge) const {
    double tol = 1e-10;
    if (offset > 0) tol = std::min(0.4999, std::max(1e-10, std::pow(10.0, std::log10(offset / step) - 12)));
    return std::abs(ms - edge) < tol;
  }
  double le(double x) const {  // largest n with n * step <= x
    const double d = std::floor(x / step), m = x - d * step;
    return close(m / step, 1) ? d + 1 : d;
  }
  double ge(double x) const {  // smallest n with n * step >= x
    const double d = std::floor(x / step), m = x - d * step;
    return close(m / step, 0) ? d : d + 1;
  }
};

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int max_bins) {
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return {lo};
  const double nbins = std::max(1, max_bins);
  // matplotlib's scale_range: an offset when the range is tiny next to its mean.
  const double dv = hi - lo, mean = (hi + lo) / 2;
  const double offset =
      std::abs(mean) / dv < 100 ? 0 : std::copysign(std::pow(10.0, std::floor(std::log10(std::abs(mean)))), mean);
  const double scale = std::pow(10.0, std::floor(std::log10(dv / nbins)));
  const double vmin = lo - offset, vmax = hi - offset, raw = dv / nbins;
  // Steps 1, 2, 2.5, 5, 10 staircased a decade down and one up.
  const double steps[] = {0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20};
  int istep = 0;
  while (istep < 9 && steps[istep] * scale < raw) ++istep;
  // The smallest step at least range / nbins; a smaller one only if that leaves fewer than two ticks.
  std::vector<double> t;
  for (int i = istep; i >= 0; --i) {
    const double step = steps[i] * scale, best = std::floor(vmin / step) * step;
    const EdgeInteger edge{step, std::abs(offset)};
    const double low = edge.le(vmin - best), high = edge.ge(vmax - best);
    t.clear();
    const double slop = 1e-10 * step;
    for (double k = low; k <= high; ++k) {
      const double v = k * step + best;
      if (v >= vmin - slop && v <= vmax + slop) t.push_back(std::abs(v + offset) < 1e-12 * step ? 0.0 : v + offset);
    }
    if (t.size() >= 2) break;
  }
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

namespace {

// ScalarFormatter's offset: the leading digits all ticks share, when
// subtracting them saves at least four digits (ticks 1000.1 .. 1000.4 are
// labelled 0.1 .. 0.4 with "+1e3" at the axis end).
double tick_offset(const std::vector<double>& locs) {
  if (locs.size() < 2) return 0;
  const double lmin = locs.front(), lmax = locs.back();
  if (lmin == lmax || (lmin <= 0 && 0 <= lmax)) return 0;
  const double amin = std::min(std::abs(lmin), std::abs(lmax)), amax = std::max(std::abs(lmin), std::abs(lmax));
  const double sign = std::copysign(1.0, lmin), oom_max = std::ceil(std::log10(amax));
  auto digits = [](double x, double oom) { return std::floor(x / std::pow(10.0, oom)); };
  double oom = oom_max;
  while (digits(amin, oom) == digits(amax, oom) && oom > -300) --oom;
  ++oom;
  if ((amax - amin) / std::pow(10.0, oom) <= 1e-2) {  // straddling a multiple of a large power of ten
    oom = oom_max;
    while (!(digits(amax, oom) - digits(amin, oom) > 1) && oom > -300) --oom;
    ++oom;
  }
  return digits(amax, oom) >= 1000 ? sign * digits(amax, oom) * std::pow(10.0, oom) : 0;
}

// "1e3", "2.5e−4": ScalarFormatter.format_data for the offset text.
std::string format_data(double v) {
  const int e = static_cast<int>(std::floor(std::log10(std::abs(v))));
  const double s = std::round(v / std::pow(10.0, e) * 1e10) / 1e10;
  char buf[64];
  if (s == std::floor(s))
    std::snprintf(buf, sizeof buf, "%d", static_cast<int>(s));
  else
    std::snprintf(buf, sizeof buf, "%1.10g", s);
  std::string out = buf;
  if (e != 0) out += 'e' + std::to_string(e);
  for (size_t i; (i = out.find('-')) != std::string::npos;) out.replace(i, 1, "\u2212");
  return out;
}

}  // namespace

Ticks linear_ticks(double lo, double hi, int max_bins) {
  Ticks t;
  t.values = nice_ticks(lo, hi, max_bins);
  // Offset, then order of magnitude (scientific outside 1e-5 .. 1e6), as ScalarFormatter.
  const double offset = tick_offset(t.values);
  int power = 0;
  double big = 0;
  for (double v : t.values) big = std::max(big, std::abs(v));
  const double ref = offset != 0 ? hi - lo : big;
  if (ref > 0) {
    const int oom = static_cast<int>(std::floor(std::log10(ref)));
    if (oom <= -5 || oom >= 6) power = oom;
  }
  const double div = std::pow(10.0, power);
  std::vector<double> locs;
  for (double v : t.values) locs.push_back((v - offset) / div);
  // Decimals: the fewest that keep every label within 1e-3 of the range's order of magnitude.
  double range = locs.empty() ? 0 : locs.back() - locs.front();
  if (range == 0)
    for (double v : locs) range = std::max(range, std::abs(v));
  if (range == 0) range = 1;
  const int range_oom = static_cast<int>(std::floor(std::log10(range)));
  const double thresh = 1e-3 * std::pow(10.0, range_oom);
  int sig = std::max(0, 3 - range_oom);
  for (; sig >= 0; --sig) {
    double worst = 0;
    const double m = std::pow(10.0, sig);
    for (double v : locs) worst = std::max(worst, std::abs(v - std::nearbyint(v * m) / m));
    if (worst >= thresh) break;
  }
  for (double v : locs) t.labels.push_back(format_number(v, sig + 1));
  // Appended piece by piece: GCC 12 misreads `"literal" + std::string&&` here as an overlapping memcpy (-Wrestrict).
  if (power != 0) t.multiplier.append("1e").append(format_number(power, 0));
  if (offset != 0) t.multiplier.append(offset > 0 ? "+" : "").append(format_data(offset));
  return t;
}

Ticks log_ticks(double lo, double hi, int max_bins) {
  Ticks t;
  if (!(lo > 0) || !(hi > lo)) return t;
  const int e0 = static_cast<int>(std::ceil(std::log10(lo) - 1e-9)),
            e1 = static_cast<int>(std::floor(std::log10(hi) + 1e-9));
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
