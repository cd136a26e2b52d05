// SPDX-License-Identifier: MIT
// The tests' elementwise comparison of two tensors (any float dtype), naming
// the first differing flat index.
#pragma once
#include <gtest/gtest.h>

#include "fluxion.h"

inline void expect_close(const fluxion::Tensor& a, const fluxion::Tensor& b, double tol = 1e-10) {
  ASSERT_EQ(a.shape(), b.shape());
  auto x = a.to(fluxion::Float64).contiguous().to_vector<double>();
  auto y = b.to(fluxion::Float64).contiguous().to_vector<double>();
  for (size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(x[i], y[i], tol) << "at flat index " << i;
}
