// SPDX-License-Identifier: MIT
// Random numbers: one seeded generator, and kernels that fill new tensors
// from it. The generator is xoshiro256** (Blackman & Vigna, 2018: 256 bits of
// state, period 2^256 - 1), its state set from the seed by splitmix64. Normal
// values come from the Box-Muller transform (both values of each pair used).
// Tensors are filled in order by one thread, so the numbers depend only on
// the seed and the sequence of calls, never on the thread count.
#pragma once
#include <cstdint>
#include <vector>

#include "tensor/tensor_data.h"

namespace fluxion {

class Generator {
 public:
  static constexpr uint64_t kDefaultSeed = 67280421310721ULL;  // PyTorch's default seed value
  explicit Generator(uint64_t seed = kDefaultSeed) { manual_seed(seed); }
  void manual_seed(uint64_t seed);
  uint64_t seed() const { return seed_; }
  /// 64 random bits.
  uint64_t next();
  /// Uniform in [0, 1) with 53 random bits.
  double uniform();
  /// Uniform in [0, 1) with 24 random bits (every value exact in float32).
  float uniform_float();
  /// Standard normal.
  double normal();
  /// Uniform integer in [0, n), unbiased (rejection of the 2^64 mod n lowest draws); n > 0.
  uint64_t below(uint64_t n);
  /// The whole state (seed, xoshiro words, the pending Box-Muller value): 7 words
  /// that set_state restores exactly, so a checkpoint resumes the same stream.
  std::vector<uint64_t> get_state() const;
  void set_state(const std::vector<uint64_t>& state);

 private:
  uint64_t s_[4] = {};
  uint64_t seed_ = 0;
  double spare_ = 0;  // the second value of the last Box-Muller pair
  bool has_spare_ = false;
};

/// The generator that manual_seed() seeds and rand/randn/... draw from.
Generator& default_generator();

namespace kernels {
/// U[low, high) in `dtype` (float only).
TensorData uniform(const Shape& shape, double low, double high, DType dtype, Generator& gen);
/// N(mean, stddev^2) in `dtype` (float only).
TensorData normal(const Shape& shape, double mean, double stddev, DType dtype, Generator& gen);
/// int64 uniform in [low, high).
TensorData randint(int64_t low, int64_t high, const Shape& shape, Generator& gen);
/// int64 random permutation of 0 .. n-1 (Fisher-Yates).
TensorData randperm(int64_t n, Generator& gen);
}  // namespace kernels

}  // namespace fluxion
