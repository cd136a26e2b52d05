// SPDX-License-Identifier: MIT
// Inputs for accuracy sweeps of floating-point kernels.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

/// Every `stride`-th float32 bit pattern; a prime stride reaches all
/// exponents and both signs (NaNs and infinities included).
inline std::vector<float> float_bit_patterns(uint64_t stride) {
  std::vector<float> xs;
  for (uint64_t u = 0; u < (1ull << 32); u += stride) {
    uint32_t bits = (uint32_t)u;
    float f;
    std::memcpy(&f, &bits, 4);
    xs.push_back(f);
  }
  return xs;
}

/// Appends the T nearest k pi/2 for k = 1 .. k_end - 1 and its two
/// neighbours, every 7th also negated: where a trig kernel's reduced
/// argument is smallest (k = 667544 reaches 2^20).
template <class T>
void append_near_half_pi_multiples(std::vector<T>& xs, int64_t k_end) {
  const long double pio2 = 1.570796326794896619231321691639751442L;
  for (int64_t k = 1; k < k_end; ++k) {
    T f = (T)(k * pio2);
    for (T g : {f, std::nextafter(f, T{0}), std::nextafter(f, std::numeric_limits<T>::infinity())}) {
      xs.push_back(g);
      if (k % 7 == 0) xs.push_back(-g);
    }
  }
}
