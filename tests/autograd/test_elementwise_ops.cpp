// SPDX-License-Identifier: MIT
// The public elementwise ops beyond what the catalogue checks: comparison
// masks and operators, the gradients PyTorch chooses at kinks and ties,
// dtype rules, and the in-place ops' guards.
#include <gtest/gtest.h>

#include <cmath>

#include "fluxion.h"

namespace fx = fluxion;

TEST(ElementwiseOps, ComparisonsAreBoolMasks) {
  auto a = fx::tensor({1.0, 2.0, 3.0}, fx::Float64);
  auto b = fx::tensor({2.0, 2.0, 2.0}, fx::Float32);
  EXPECT_EQ(fx::lt(a, b).to_vector<double>(), (std::vector<double>{1, 0, 0}));
  EXPECT_EQ((a <= b).to_vector<double>(), (std::vector<double>{1, 1, 0}));
  EXPECT_EQ((a > 2.0).to_vector<double>(), (std::vector<double>{0, 0, 1}));
  EXPECT_EQ((a >= 2.0).to_vector<double>(), (std::vector<double>{0, 1, 1}));
  EXPECT_EQ(a.eq(b).to_vector<double>(), (std::vector<double>{0, 1, 0}));
  EXPECT_EQ(a.ne(b).to_vector<double>(), (std::vector<double>{1, 0, 1}));
  EXPECT_EQ(fx::eq(a, 3.0).to_vector<double>(), (std::vector<double>{0, 0, 1}));
  EXPECT_EQ(fx::lt(a, b).dtype(), fx::Bool);
  EXPECT_EQ((b < 2.0).dtype(), fx::Bool);
  auto i = fx::tensor(std::vector<int64_t>{1, 5}, {2});
  EXPECT_EQ((i > 2.0).dtype(), fx::Bool);
  // a fractional scalar compares as a float, as in binary ops: 2 > 2.5 is false
  EXPECT_EQ((fx::tensor(std::vector<int64_t>{2, 3}, {2}) > 2.5).to_vector<double>(), (std::vector<double>{0, 1}));
  EXPECT_EQ((a == b).to_vector<double>(), (std::vector<double>{0, 1, 0}));
  EXPECT_EQ((a != 2.0).to_vector<double>(), (std::vector<double>{1, 0, 1}));
  EXPECT_EQ((fx::ones({2, 1}) < fx::zeros({3})).shape(), (fx::Shape{2, 3}));
}

TEST(ElementwiseOps, MasksAreNotDifferentiable) {
  auto x = fx::tensor({-1.0, 2.0}, fx::Float64).requires_grad_();
  EXPECT_FALSE((x > 0.0).requires_grad());
  EXPECT_FALSE(x.isnan().requires_grad());
  EXPECT_FALSE(fx::isfinite(x).requires_grad());
  auto y = (x * (x > 0.0)).sum();
  y.backward();
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{0, 1}));
}

TEST(ElementwiseOps, GradientsAtKinksFollowPyTorch) {
  auto x = fx::tensor({-1.0, 0.0, 2.0}, fx::Float64).requires_grad_();
  x.relu().sum().backward();
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{0, 0, 1}));  // relu'(0) = 0
  x.zero_grad();
  x.abs().sum().backward();
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{-1, 0, 1}));  // abs'(0) = 0
  x.zero_grad();
  x.clamp(-1.0, 0.0).sum().backward();
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{1, 1, 0}));  // passes at the bounds
  x.zero_grad();
  x.sign().sum().backward();
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{0, 0, 0}));
  // ties split the gradient half and half
  auto a = fx::tensor({1.0, 2.0, 3.0}, fx::Float64).requires_grad_();
  auto b = fx::tensor({2.0, 2.0, 2.0}, fx::Float64).requires_grad_();
  fx::maximum(a, b).sum().backward();
  EXPECT_EQ(a.grad().to_vector<double>(), (std::vector<double>{0, 0.5, 1}));
  EXPECT_EQ(b.grad().to_vector<double>(), (std::vector<double>{1, 0.5, 0}));
  a.zero_grad();
  b.zero_grad();
  fx::minimum(a, b).sum().backward();
  EXPECT_EQ(a.grad().to_vector<double>(), (std::vector<double>{1, 0.5, 0}));
  EXPECT_EQ(b.grad().to_vector<double>(), (std::vector<double>{0, 0.5, 1}));
}

TEST(ElementwiseOps, PowEdgeCases) {
  auto x = fx::tensor({0.0, 2.0}, fx::Float64).requires_grad_();
  x.pow(0.0).sum().backward();
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{0, 0}));
  // d/db a^b at a = 0 is 0 (not NaN), as in PyTorch
  auto a = fx::tensor({0.0, 2.0}, fx::Float64);
  auto e = fx::tensor({2.0, 3.0}, fx::Float64).requires_grad_();
  a.pow(e).sum().backward();
  EXPECT_EQ(e.grad().at({0}), 0.0);
  EXPECT_NEAR(e.grad().at({1}), 8 * std::log(2.0), 1e-12);
  auto i = fx::tensor(std::vector<int64_t>{1, 2, 3}, {3});
  EXPECT_EQ(i.pow(2.0).dtype(), fx::Int64);
  EXPECT_EQ(i.square().to_vector<int64_t>(), (std::vector<int64_t>{1, 4, 9}));
  EXPECT_EQ(i.pow(0.5).dtype(), fx::Float32);  // int ** fractional is float
  EXPECT_THROW((void)i.pow(-1.0), fx::Error);
  EXPECT_EQ(fx::pow(2.0, fx::tensor({3.0})).item(), 8.0);
  EXPECT_FLOAT_EQ(fx::tensor({4.0}).rsqrt().item(), 0.5f);
}

TEST(ElementwiseOps, WhereGradientGoesToTheChosenSide) {
  auto a = fx::tensor({1.0, 2.0, 3.0}, fx::Float64).requires_grad_();
  auto b = fx::scalar(10.0, fx::Float64).requires_grad_();
  auto y = fx::where(a > 1.5, a, b);
  EXPECT_EQ(y.to_vector<double>(), (std::vector<double>{10, 2, 3}));
  y.sum().backward();
  EXPECT_EQ(a.grad().to_vector<double>(), (std::vector<double>{0, 1, 1}));
  EXPECT_EQ(b.grad().item(), 1.0);  // summed down to b's shape
  EXPECT_EQ(fx::where(a > 1.5, 0.0, a).to_vector<double>(), (std::vector<double>{1, 0, 0}));
  EXPECT_THROW((void)fx::where(fx::ones({2}), fx::ones({3}), fx::ones({3})), fx::Error);
}

TEST(ElementwiseOps, StableActivations) {
  auto x = fx::tensor({-200.0, -90.0, 0.0, 90.0, 200.0});  // float32
  auto s = x.sigmoid().to_vector<double>();
  EXPECT_EQ(s[0], 0.0);
  EXPECT_GT(s[1], 0.0);
  EXPECT_EQ(s[2], 0.5);
  EXPECT_EQ(s[4], 1.0);
  auto sp = x.softplus().to_vector<double>();
  EXPECT_EQ(sp[4], 200.0);
  EXPECT_EQ(sp[0], 0.0);
  for (double v : sp) EXPECT_TRUE(std::isfinite(v));
  EXPECT_THROW((void)x.softplus(0.0), fx::Error);
}

TEST(ElementwiseOps, FloatOnlyOpsRejectInt64) {
  auto i = fx::tensor(std::vector<int64_t>{1, 2}, {2});
  EXPECT_THROW((void)i.exp(), fx::Error);
  EXPECT_THROW((void)i.sqrt(), fx::Error);
  EXPECT_THROW((void)i.sigmoid(), fx::Error);
  EXPECT_THROW((void)i.erf(), fx::Error);
  EXPECT_THROW((void)fx::atan2(i, i), fx::Error);
  EXPECT_EQ(i.abs().dtype(), fx::Int64);
  EXPECT_EQ(fx::maximum(i, fx::tensor({1.5})).dtype(), fx::Float32);
}

TEST(ElementwiseOps, InPlaceOps) {
  auto x = fx::ones({2, 3}, fx::Float64);
  uint64_t v0 = x.version();
  x.add_(fx::tensor({1.0, 2.0, 3.0}, fx::Float64), 2).mul_(0.5).mul_(fx::tensor(std::vector<double>{1, 2}, {2, 1}, fx::Float64));
  EXPECT_EQ(x.to_vector<double>(), (std::vector<double>{1.5, 2.5, 3.5, 3, 5, 7}));
  EXPECT_EQ(x.version(), v0 + 3);
  x.zero_();
  EXPECT_EQ(x.sum().item(), 0.0);
  x.fill_(2).copy_(fx::tensor({1.0, 2.0, 3.0}));
  EXPECT_EQ(x.to_vector<double>(), (std::vector<double>{1, 2, 3, 1, 2, 3}));
  EXPECT_THROW(x.add_(fx::ones({4})), fx::Error);
  EXPECT_THROW(fx::ones({1}).expand({3}).copy_(fx::ones({3})), fx::Error);
}

TEST(ElementwiseOps, InPlaceOnALeafThatRequiresGradIsAnError) {
  auto w = fx::ones({3}, fx::Float64).requires_grad_();
  EXPECT_THROW(w.add_(fx::ones({3}, fx::Float64)), fx::Error);
  EXPECT_THROW(w.mul_(2.0), fx::Error);
  EXPECT_THROW(w.zero_(), fx::Error);
  auto y = w * 2.0;
  y.fill_(1);  // a non-leaf in the graph: recorded, as in PyTorch (its gradient to w is now 0)
  EXPECT_EQ(y.grad_fn()->name().find("Backward") != std::string::npos, true);
  auto buf = fx::zeros({3}, fx::Float64);
  buf.add_(w);  // buf joins the graph
  buf.sum().backward();
  EXPECT_EQ(w.grad().to_vector<double>(), (std::vector<double>{1, 1, 1}));
  {
    fx::NoGradGuard no_grad;  // how optimizers update parameters
    w.add_(fx::ones({3}, fx::Float64), -0.5);
  }
  EXPECT_EQ(w.to_vector<double>(), (std::vector<double>{0.5, 0.5, 0.5}));
  EXPECT_TRUE(w.requires_grad());
}

TEST(ElementwiseOps, ModifyingASavedTensorIsReported) {
  auto w = fx::tensor({1.0, 2.0}, fx::Float64).requires_grad_();
  auto x = fx::tensor({3.0, 4.0}, fx::Float64);
  auto y = (w * x).sum();  // saves x
  x.mul_(2.0);
  EXPECT_THROW(y.backward(), fx::Error);
}

// Int32 arithmetic runs in int32 kernels and wraps as PyTorch's; with int64 it
// promotes to int64, with a float tensor to that float, and true division of
// integers gives the default float dtype.
TEST(ElementwiseOps, Int32ArithmeticWrapsAndPromotesAsPyTorch) {
  auto i32 = [](std::vector<int32_t> v) {
    return fluxion::tensor(std::vector<int64_t>(v.begin(), v.end()), {(int64_t)v.size()}).to(fluxion::Int32);
  };
  fluxion::Tensor a = i32({7, -3, 2147483647}), b = i32({2, 5, 1});
  EXPECT_EQ((a + b).dtype(), fluxion::Int32);
  EXPECT_EQ((a + b).to_vector<int32_t>(), (std::vector<int32_t>{9, 2, -2147483647 - 1}));  // wraps
  EXPECT_EQ((a - b).to_vector<int32_t>(), (std::vector<int32_t>{5, -8, 2147483646}));
  EXPECT_EQ((a * b).to_vector<int32_t>(), (std::vector<int32_t>{14, -15, 2147483647}));
  EXPECT_EQ((a * 2.0).dtype(), fluxion::Int32);
  EXPECT_EQ((a * 2.0).to_vector<int32_t>(), (std::vector<int32_t>{14, -6, -2}));
  EXPECT_EQ((-a).to_vector<int32_t>(), (std::vector<int32_t>{-7, 3, -2147483647}));
  EXPECT_EQ(fluxion::maximum(a, b).to_vector<int32_t>(), (std::vector<int32_t>{7, 5, 2147483647}));
  EXPECT_EQ(a.abs().to_vector<int32_t>(), (std::vector<int32_t>{7, 3, 2147483647}));
  fluxion::Tensor q = a / b;
  EXPECT_EQ(q.dtype(), fluxion::default_dtype());
  EXPECT_NEAR(q.to_vector<double>()[0], 3.5, 1e-7);
  fluxion::Tensor wide = a + fluxion::tensor(std::vector<int64_t>{1, 1, 1}, {3});
  EXPECT_EQ(wide.dtype(), fluxion::Int64);
  EXPECT_EQ(wide.to_vector<int64_t>(), (std::vector<int64_t>{8, -2, 2147483648}));  // no wrap in int64
  EXPECT_EQ((a + fluxion::ones({3}, fluxion::Float64)).dtype(), fluxion::Float64);
  EXPECT_EQ((a * 0.5).dtype(), fluxion::default_dtype());
  EXPECT_EQ(a.sum().dtype(), fluxion::Int64);
  EXPECT_EQ(a.sum().item<int64_t>(), 2147483651);
}
