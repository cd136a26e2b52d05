// SPDX-License-Identifier: MIT
// What the file-reader fuzz targets share: the input bytes as a file (the
// readers take paths), and the check that what loaded saves and loads again
// to the same names, dtypes, shapes and values.
#pragma once
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

#include "nn/module.h"

namespace fuzz {

/// Writes the input to a file of this process (one per extension) and returns its path.
inline std::string write_input(const uint8_t* data, size_t size, const std::string& ext) {
  std::string path = "/tmp/fluxion_fuzz_" + std::to_string(::getpid()) + ext;
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) __builtin_trap();
  if (size) std::fwrite(data, 1, size, f);
  std::fclose(f);
  return path;
}

/// Traps unless both tensors have the same dtype, shape and values (NaN equals NaN).
inline void expect_same(const fluxion::Tensor& a, const fluxion::Tensor& b) {
  if (a.dtype() != b.dtype() || a.shape() != b.shape()) __builtin_trap();
  std::vector<double> x = a.to_vector<double>(), y = b.to_vector<double>();
  for (size_t i = 0; i < x.size(); ++i)
    if (!(x[i] == y[i] || (std::isnan(x[i]) && std::isnan(y[i])))) __builtin_trap();
}

/// Traps unless both state dicts hold the same names and tensors in the same order.
inline void expect_same(const fluxion::nn::StateDict& a, const fluxion::nn::StateDict& b) {
  if (a.size() != b.size()) __builtin_trap();
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].first != b[i].first) __builtin_trap();
    expect_same(a[i].second, b[i].second);
  }
}

}  // namespace fuzz
