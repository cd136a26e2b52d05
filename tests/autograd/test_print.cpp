// SPDX-License-Identifier: MIT
// operator<< for tensors: styles, alignment, summarising, metadata.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "fluxion.h"

namespace fx = fluxion;

namespace {
std::string str(const fx::Tensor& t) {
  std::ostringstream os;
  os << t;
  return os.str();
}
}  // namespace

TEST(Print, WholeNumbersAndAlignment) {
  EXPECT_EQ(str(fx::tensor({{1.0, 2.0}, {3.0, 40.0}})),
            "tensor([[ 1.,  2.],\n"
            "        [ 3., 40.]], shape=[2, 2], dtype=float32)");
}

TEST(Print, FixedAndScientific) {
  EXPECT_EQ(str(fx::tensor({1.5, -2.25}, fx::Float64)), "tensor([ 1.5000, -2.2500], shape=[2], dtype=float64)");
  EXPECT_EQ(str(fx::tensor({1e-5, 1.0}, fx::Float64)), "tensor([1.0000e-05, 1.0000e+00], shape=[2], dtype=float64)");
  EXPECT_EQ(str(fx::tensor({NAN, INFINITY, -0.5})), "tensor([    nan,     inf, -0.5000], shape=[3], dtype=float32)");
}

TEST(Print, IntegersScalarsAndEmpty) {
  EXPECT_EQ(str(fx::arange(3, fx::Int64)), "tensor([0, 1, 2], shape=[3], dtype=int64)");
  EXPECT_EQ(str(fx::scalar(2.5)), "tensor(2.5000, shape=[], dtype=float32)");
  EXPECT_EQ(str(fx::zeros({0, 3})), "tensor([], shape=[0, 3], dtype=float32)");
  EXPECT_EQ(str(fx::Tensor()), "tensor(undefined)");
}

TEST(Print, SummarisesLargeTensors) {
  std::string s = str(fx::arange(2000, fx::Int64));
  EXPECT_EQ(s, "tensor([   0,    1,    2,  ..., 1997, 1998, 1999], shape=[2000], dtype=int64)");
  std::string m = str(fx::zeros({100, 100}));
  EXPECT_NE(m.find("...,\n"), std::string::npos);
  EXPECT_LT(m.size(), 400u);
}

TEST(Print, WrapsLongRows) {
  std::string s = str(fx::linspace(0, 1, 30, fx::Float64));
  EXPECT_NE(s.find(",\n        "), std::string::npos);
  for (size_t start = 0, end; (end = s.find('\n', start)) != std::string::npos; start = end + 1) EXPECT_LE(end - start, 81u);
}

TEST(Print, ShowsGradFnAndRequiresGrad) {
  auto x = fx::ones({2}, fx::Float64).requires_grad_();
  EXPECT_EQ(str(x), "tensor([1., 1.], shape=[2], dtype=float64, requires_grad=true)");
  EXPECT_NE(str(x * 2.0).find("grad_fn=<MulBackward>"), std::string::npos);
}

TEST(Print, LeavesTheStreamFlagsAlone) {
  std::ostringstream os;
  os << fx::tensor({1.25}) << " " << 0.1;
  EXPECT_EQ(os.str(), "tensor([1.2500], shape=[1], dtype=float32) 0.1");
}
