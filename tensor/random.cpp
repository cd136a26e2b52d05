// SPDX-License-Identifier: MIT
// The random number generator (xoshiro256** seeded by splitmix64) behind
// manual_seed, rand, randn and randint.
#include "tensor/random.h"

#include <cmath>
#include <cstring>
#include <mutex>
#include <numbers>

namespace fluxion {

static uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void Generator::manual_seed(uint64_t seed) {
  seed_ = seed;
  uint64_t x = seed;
  for (uint64_t& s : s_) s = splitmix64(x);  // never all zero
  has_spare_ = false;
}

std::vector<uint64_t> Generator::get_state() const {
  uint64_t spare;
  std::memcpy(&spare, &spare_, sizeof spare);
  return {seed_, s_[0], s_[1], s_[2], s_[3], spare, has_spare_ ? 1u : 0u};
}

void Generator::set_state(const std::vector<uint64_t>& state) {
  check(state.size() == 7, "Generator::set_state: expected the 7 words of get_state(), got ", state.size());
  check((state[1] | state[2] | state[3] | state[4]) != 0 && state[6] <= 1,
        "Generator::set_state: not a state from get_state() (all-zero xoshiro words or a bad flag)");
  seed_ = state[0];
  for (int i = 0; i < 4; ++i) s_[i] = state[1 + i];
  std::memcpy(&spare_, &state[5], sizeof spare_);
  has_spare_ = state[6] == 1;
}

uint64_t Generator::next() {  // xoshiro256**
  uint64_t result = rotl(s_[1] * 5, 7) * 9, t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Generator::uniform() { return (double)(next() >> 11) * 0x1.0p-53; }
float Generator::uniform_float() { return (float)(next() >> 40) * 0x1.0p-24f; }

double Generator::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  // Box-Muller: for u1 in (0, 1] and u2 in [0, 1), r = sqrt(-2 ln u1) and
  // theta = 2 pi u2 give two independent N(0, 1) values r cos theta, r sin theta.
  double u1 = 1.0 - uniform(), u2 = uniform();
  double r = std::sqrt(-2.0 * std::log(u1)), theta = 2.0 * std::numbers::pi * u2;
  spare_ = r * std::sin(theta);
  has_spare_ = true;
  return r * std::cos(theta);
}

uint64_t Generator::below(uint64_t n) {
  // Draws below 2^64 mod n are dropped, leaving a multiple of n. That
  // threshold is below n, so a draw of at least n (almost every one) is kept
  // without computing it: one division per draw instead of two.
  uint64_t x = next();
  if (x < n) {
    const uint64_t threshold = (0 - n) % n;
    while (x < threshold) x = next();
  }
  return x % n;
}

static std::mutex g_mutex;  // rand/randn/... from several threads draw in turn

Generator& default_generator() {
  static Generator gen;
  return gen;
}

namespace kernels {

// Fills a new tensor in order with draw(), holding the generator's lock.
template <class T, class F>
static TensorData fill(const Shape& shape, DType dtype, F draw) {
  TensorData t = TensorData::empty(shape, dtype);
  T* p = t.data<T>();
  std::lock_guard<std::mutex> lock(g_mutex);
  for (int64_t i = 0, n = t.numel(); i < n; ++i) p[i] = draw();
  return t;
}

TensorData uniform(const Shape& shape, double low, double high, DType dtype, Generator& gen) {
  return dispatch_float(dtype, "uniform", [&](auto tag) {
    using T = decltype(tag);
    return fill<T>(shape, dtype, [&] {
      double u = std::is_same_v<T, float> ? (double)gen.uniform_float() : gen.uniform();
      return static_cast<T>(low + (high - low) * u);
    });
  });
}

TensorData normal(const Shape& shape, double mean, double stddev, DType dtype, Generator& gen) {
  return dispatch_float(dtype, "normal", [&](auto tag) {
    using T = decltype(tag);
    return fill<T>(shape, dtype, [&] { return static_cast<T>(mean + stddev * gen.normal()); });
  });
}

TensorData randint(int64_t low, int64_t high, const Shape& shape, Generator& gen) {
  uint64_t range = (uint64_t)high - (uint64_t)low;
  return fill<int64_t>(shape, Int64, [&] { return (int64_t)((uint64_t)low + gen.below(range)); });
}

TensorData randperm(int64_t n, Generator& gen) {
  TensorData t = TensorData::empty({n}, Int64);
  int64_t* p = t.data<int64_t>();
  for (int64_t i = 0; i < n; ++i) p[i] = i;
  std::lock_guard<std::mutex> lock(g_mutex);
  for (int64_t i = n - 1; i > 0; --i) std::swap(p[i], p[gen.below((uint64_t)i + 1)]);
  return t;
}

}  // namespace kernels
}  // namespace fluxion
