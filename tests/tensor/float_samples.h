// SPDX-License-Identifier: MIT
// Inputs for accuracy sweeps of float32 kernels.
#pragma once
#include <cstdint>
#include <cstring>
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
