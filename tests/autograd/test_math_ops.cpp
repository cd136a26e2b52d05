// SPDX-License-Identifier: MIT
// Forward values of ops_math.h's elementwise math, reductions and shape ops
// that the catalogue's elementwise reference cannot check: special functions
// at known values, PyTorch's edge rules (round half to even, nan_to_num,
// heaviside, fmod/remainder signs), the shape ops against plain loops, and
// errors. Derivatives: catalogue_math.cpp, catalogue_shape_more.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <random>

#include "fluxion.h"

namespace {

namespace fx = fluxion;

std::vector<double> values(const fx::Tensor& t) { return t.to_vector<double>(); }

TEST(MathOps, SpecialFunctionsAtKnownValues) {
  constexpr double euler_gamma = 0.57721566490153286;
  fx::Tensor x = fx::tensor({1.0, 0.5, 2.0, 10.0, -0.5}, fx::Float64);
  std::vector<double> psi = values(fx::digamma(x));
  EXPECT_NEAR(psi[0], -euler_gamma, 1e-14);
  EXPECT_NEAR(psi[1], -euler_gamma - 2 * std::log(2.0), 1e-14);
  EXPECT_NEAR(psi[2], 1 - euler_gamma, 1e-14);
  EXPECT_NEAR(psi[3], 2.251752589066721, 1e-14);
  EXPECT_NEAR(psi[4], 0.03648997397857652, 1e-13);  // reflection
  std::vector<double> tri = values(fx::polygamma(1, x));
  EXPECT_NEAR(tri[0], std::numbers::pi * std::numbers::pi / 6, 1e-13);
  EXPECT_NEAR(tri[1], std::numbers::pi * std::numbers::pi / 2, 1e-13);
  EXPECT_NEAR(values(fx::polygamma(2, x))[0], -2 * 1.2020569031595942, 1e-12);  // -2 zeta(3)
  EXPECT_TRUE(std::isinf(values(fx::digamma(fx::tensor({0.0})))[0]));
  EXPECT_TRUE(std::isnan(values(fx::digamma(fx::tensor({-2.0})))[0]));
  // erfinv inverts erf to double precision, including the tails
  std::vector<double> ys = {-0.999999, -0.9, -0.3, 0.0, 1e-8, 0.5, 0.99, 0.9999999};
  std::vector<double> inv = values(fx::erfinv(fx::tensor(ys, {(int64_t)ys.size()}, fx::Float64)));
  for (size_t i = 0; i < ys.size(); ++i) EXPECT_NEAR(std::erf(inv[i]), ys[i], 1e-15) << ys[i];
  EXPECT_TRUE(std::isinf(values(fx::erfinv(fx::tensor({1.0})))[0]));
  EXPECT_EQ(values(fx::sinc(fx::tensor({0.0, 1.0}, fx::Float64))),
            (std::vector<double>{1.0, values(fx::sinc(fx::tensor({1.0}, fx::Float64)))[0]}));
  EXPECT_NEAR(values(fx::sinc(fx::tensor({0.5}, fx::Float64)))[0], 2 / std::numbers::pi, 1e-15);
  // float32 runs through the same double code and rounds once
  EXPECT_NEAR(fx::digamma(fx::tensor({1.0}, fx::Float32)).item(), -euler_gamma, 1e-7);
}

TEST(MathOps, RoundIsHalfToEvenAndKeepsIntegers) {
  fx::Tensor x = fx::tensor({0.5, 1.5, 2.5, -0.5, -1.5, 2.4}, fx::Float64);
  EXPECT_EQ(values(fx::round(x)), (std::vector<double>{0, 2, 2, -0, -2, 2}));
  EXPECT_EQ(values(fx::round(fx::tensor({1.25, 1.35, 123.0}, fx::Float64), 1))[0], 1.2);
  EXPECT_EQ(values(fx::round(fx::tensor({1250.0, 1350.0}, fx::Float64), -2)), (std::vector<double>{1200, 1400}));
  EXPECT_EQ(values(fx::floor(x)), (std::vector<double>{0, 1, 2, -1, -2, 2}));
  EXPECT_EQ(values(fx::ceil(x)), (std::vector<double>{1, 2, 3, -0, -1, 3}));
  EXPECT_EQ(values(fx::trunc(x)), (std::vector<double>{0, 1, 2, -0, -1, 2}));
  EXPECT_NEAR(values(fx::frac(x))[5], 0.4, 1e-15);
  fx::Tensor i = fx::tensor(std::vector<int64_t>{-3, 4}, {2});
  EXPECT_EQ(fx::round(i).dtype(), fx::Int64);
  EXPECT_EQ(fx::floor(i).to_vector<int64_t>(), (std::vector<int64_t>{-3, 4}));
}

TEST(MathOps, NanToNumHeavisideFmodRemainderCopysignXlogy) {
  double inf = std::numeric_limits<double>::infinity();
  fx::Tensor x = fx::tensor({NAN, inf, -inf, 1.5}, fx::Float64);
  EXPECT_EQ(values(fx::nan_to_num(x)),
            (std::vector<double>{0, std::numeric_limits<double>::max(), std::numeric_limits<double>::lowest(), 1.5}));
  EXPECT_EQ(values(fx::nan_to_num(x, 7.0, 8.0, -9.0)), (std::vector<double>{7, 8, -9, 1.5}));
  EXPECT_EQ(fx::nan_to_num(x.to(fx::Float32)).to_vector<float>()[1], std::numeric_limits<float>::max());
  fx::Tensor h = fx::heaviside(fx::tensor({-1.0, 0.0, 2.0}), fx::tensor({0.5}));
  EXPECT_EQ(values(h), (std::vector<double>{0, 0.5, 1}));
  fx::Tensor a = fx::tensor({5.0, -5.0, 5.0, -5.0}, fx::Float64), b = fx::tensor({3.0, 3.0, -3.0, -3.0}, fx::Float64);
  EXPECT_EQ(values(fx::fmod(a, b)), (std::vector<double>{2, -2, 2, -2}));       // the sign of a
  EXPECT_EQ(values(fx::remainder(a, b)), (std::vector<double>{2, 1, -1, -2}));  // the sign of b
  fx::Tensor ia = fx::tensor(std::vector<int64_t>{5, -5}, {2}), ib = fx::tensor(std::vector<int64_t>{3, 3}, {2});
  EXPECT_EQ(fx::remainder(ia, ib).to_vector<int64_t>(), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(fx::fmod(ia, ib).to_vector<int64_t>(), (std::vector<int64_t>{2, -2}));
  EXPECT_THROW((void)fx::fmod(ia, fx::tensor(std::vector<int64_t>{1, 0}, {2})), fx::Error);
  EXPECT_EQ(values(fx::copysign(fx::tensor({2.0, -3.0}), fx::tensor({-1.0, 0.0}))), (std::vector<double>{-2, 3}));
  std::vector<double> xl =
      values(fx::xlogy(fx::tensor({0.0, 0.0, 2.0}, fx::Float64), fx::tensor({0.0, NAN, 3.0}, fx::Float64)));
  EXPECT_EQ(xl[0], 0);
  EXPECT_TRUE(std::isnan(xl[1]));
  EXPECT_NEAR(xl[2], 2 * std::log(3.0), 1e-15);
  EXPECT_NEAR(fx::logaddexp(fx::tensor({1000.0}, fx::Float64), fx::tensor({1000.0}, fx::Float64)).item(),
              1000 + std::log(2.0), 1e-12);
  EXPECT_EQ(fx::logaddexp(fx::tensor({-inf}), fx::tensor({-inf})).item(), -inf);
  // the gradient of xlogy at x = 0 is 0 (PyTorch's rule), of nan_to_num at a replaced NaN too
  fx::Tensor z = fx::tensor({0.0, 1.0}, fx::Float64).requires_grad_();
  fx::xlogy(z, fx::tensor({2.0, 2.0}, fx::Float64)).sum().backward();
  EXPECT_EQ(values(z.grad())[0], 0);
  EXPECT_NEAR(values(z.grad())[1], std::log(2.0), 1e-15);
  fx::Tensor w = x.detach().requires_grad_();
  fx::nan_to_num(w).sum().backward();
  EXPECT_EQ(values(w.grad()), (std::vector<double>{0, 0, 0, 1}));
}

TEST(MathOps, TensorClampSendsTheGradientToTheBoundTaken) {
  fx::Tensor x = fx::tensor({-2.0, 0.5, 3.0}, fx::Float64).requires_grad_();
  fx::Tensor lo = fx::tensor({-1.0, -1.0, -1.0}, fx::Float64).requires_grad_();
  fx::Tensor hi = fx::tensor({1.0}, fx::Float64).requires_grad_();
  fx::Tensor y = fx::clamp(x, lo, hi);
  EXPECT_EQ(values(y), (std::vector<double>{-1, 0.5, 1}));
  y.sum().backward();
  EXPECT_EQ(values(x.grad()), (std::vector<double>{0, 1, 0}));
  EXPECT_EQ(values(lo.grad()), (std::vector<double>{1, 0, 0}));
  EXPECT_EQ(values(hi.grad()), (std::vector<double>{1}));
  // min > max: max wins, as min(max(x, lo), hi)
  EXPECT_EQ(fx::clamp(fx::tensor({0.0}), fx::tensor({2.0}), fx::tensor({1.0})).item(), 1.0);
}

TEST(MathOps, ReductionsIgnoringNanCountingAndTogether) {
  fx::Tensor x = fx::tensor({{1.0, NAN, 3.0}, {NAN, NAN, NAN}}, fx::Float64);
  EXPECT_EQ(values(fx::nansum(x, {1})), (std::vector<double>{4, 0}));
  std::vector<double> m = values(fx::nanmean(x, {1}));
  EXPECT_EQ(m[0], 2);
  EXPECT_TRUE(std::isnan(m[1]));
  fx::Tensor c = fx::count_nonzero(fx::tensor({{0.0, 1.0, 2.0}, {0.0, 0.0, 3.0}}), {1});
  EXPECT_EQ(c.dtype(), fx::Int64);
  EXPECT_EQ(c.to_vector<int64_t>(), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(fx::count_nonzero(fx::tensor({0.0, NAN, 1.0})).item<int64_t>(), 2);  // NaN is nonzero
  auto mm = fx::aminmax(fx::tensor({{3.0, -1.0}, {2.0, 5.0}}), 0);
  EXPECT_EQ(values(mm.min), (std::vector<double>{2, -1}));
  EXPECT_EQ(values(mm.max), (std::vector<double>{3, 5}));
  EXPECT_THROW((void)fx::aminmax(fx::zeros({0})), fx::Error);
  auto vm = fx::var_mean(fx::tensor({1.0, 2.0, 3.0, 4.0}, fx::Float64));
  EXPECT_NEAR(vm.var.item(), 5.0 / 3, 1e-15);
  EXPECT_EQ(vm.mean.item(), 2.5);
  EXPECT_NEAR(fx::std_mean(fx::tensor({1.0, 3.0}, fx::Float64), {}, 0).std.item(), 1.0, 1e-15);
}

TEST(MathOps, CdistMatchesALoopForEveryP) {
  fx::manual_seed(5);
  for (int64_t P : {3, 30}) {
    fx::Tensor a = fx::randn({2, P, 4}, fx::Float64), b = fx::randn({2, 5, 4}, fx::Float64);
    for (double p : {0.0, 1.0, 2.0, 3.0, (double)INFINITY}) {
      std::vector<double> got = values(fx::cdist(a, b, p));
      for (int64_t n = 0; n < 2; ++n)
        for (int64_t i = 0; i < P; ++i)
          for (int64_t j = 0; j < 5; ++j) {
            fx::Tensor d = (a.select(0, n).select(0, i) - b.select(0, n).select(0, j)).abs();
            std::vector<double> dv = values(d);
            double want = 0;
            for (double e : dv) {
              if (p == 0)
                want += e != 0;
              else if (std::isinf(p))
                want = std::max(want, e);
              else
                want += std::pow(e, p);
            }
            if (p > 0 && !std::isinf(p)) want = std::pow(want, 1 / p);
            EXPECT_NEAR(got[(n * P + i) * 5 + j], want, 1e-10) << "p " << p << " P " << P;
          }
    }
  }
  EXPECT_THROW((void)fx::cdist(fx::zeros({3, 2}), fx::zeros({3, 4})), fx::Error);
}

TEST(MathOps, ShapeOpsMatchPlainLoops) {
  fx::manual_seed(7);
  fx::Tensor x = fx::randn({2, 3}, fx::Float64);
  std::vector<double> xv = values(x);
  // repeat {2, 1, 2}: y[a][i][j] = x[i % 2][j % 3]
  fx::Tensor r = fx::repeat(x, {2, 1, 2});
  ASSERT_EQ(r.shape(), (fx::Shape{2, 2, 6}));
  std::vector<double> rv = values(r);
  for (int64_t a = 0; a < 2; ++a)
    for (int64_t i = 0; i < 2; ++i)
      for (int64_t j = 0; j < 6; ++j) EXPECT_EQ(rv[(a * 2 + i) * 6 + j], xv[i * 3 + j % 3]);
  EXPECT_EQ(fx::tile(x, {2}).shape(), (fx::Shape{2, 6}));
  // repeat_interleave along dim 1: y[i][j] = x[i][j / 2]
  std::vector<double> ri = values(fx::repeat_interleave(x, 2, 1));
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 6; ++j) EXPECT_EQ(ri[i * 6 + j], xv[i * 3 + j / 2]);
  fx::Tensor counts = fx::tensor(std::vector<int64_t>{1, 0, 2}, {3});
  EXPECT_EQ(values(fx::repeat_interleave(fx::tensor({1.0, 2.0, 3.0}), counts)), (std::vector<double>{1, 3, 3}));
  // unfold(dim 1, size 2, step 1): y[i][w][k] = x[i][w + k]
  fx::Tensor u = fx::unfold(x, 1, 2, 1);
  ASSERT_EQ(u.shape(), (fx::Shape{2, 2, 2}));
  std::vector<double> uv = values(u);
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t w = 0; w < 2; ++w)
      for (int64_t k = 0; k < 2; ++k) EXPECT_EQ(uv[(i * 2 + w) * 2 + k], xv[i * 3 + w + k]);
  // as_strided: y[i][j] = flat[1 + i + 2 j]
  std::vector<double> av = values(fx::as_strided(x, {2, 2}, {1, 2}, 1));
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 2; ++j) EXPECT_EQ(av[i * 2 + j], xv[1 + i + 2 * j]);
  EXPECT_THROW((void)fx::as_strided(x, {2, 2}, {1, 3}, 3), fx::Error);
  fx::Tensor m = fx::movedim(fx::zeros({2, 3, 4, 5}), {0, 1}, {3, 0});
  EXPECT_EQ(m.shape(), (fx::Shape{3, 4, 5, 2}));
  EXPECT_EQ(fx::swapaxes(fx::zeros({2, 3, 4}), 0, 2).shape(), (fx::Shape{4, 3, 2}));
  EXPECT_EQ(fx::unflatten(fx::zeros({2, 12}), 1, {3, -1}).shape(), (fx::Shape{2, 3, 4}));
  auto parts = fx::split(fx::arange(5.0), std::vector<int64_t>{2, 3});
  EXPECT_EQ(values(parts[1]), (std::vector<double>{2, 3, 4}));
  EXPECT_THROW((void)fx::split(fx::arange(5.0), std::vector<int64_t>{2, 2}), fx::Error);
  auto bt = fx::broadcast_tensors({fx::zeros({3, 1}), fx::zeros({4})});
  EXPECT_EQ(bt[1].shape(), (fx::Shape{3, 4}));
  EXPECT_EQ(fx::atleast_3d(fx::zeros({4})).shape(), (fx::Shape{1, 4, 1}));
  EXPECT_EQ(fx::atleast_2d(fx::scalar(1.0)).shape(), (fx::Shape{1, 1}));
  EXPECT_EQ(fx::hstack({fx::zeros({2}), fx::zeros({3})}).shape(), (fx::Shape{5}));
  EXPECT_EQ(fx::vstack({fx::zeros({3}), fx::zeros({2, 3})}).shape(), (fx::Shape{3, 3}));
  EXPECT_EQ(fx::column_stack({fx::zeros({3}), fx::zeros({3, 2})}).shape(), (fx::Shape{3, 3}));
  EXPECT_EQ(fx::dstack({fx::zeros({2, 3}), fx::zeros({2, 3})}).shape(), (fx::Shape{2, 3, 2}));
  EXPECT_THROW((void)fx::repeat(x, {2}), fx::Error);
  EXPECT_THROW((void)fx::unfold(x, 1, 4, 1), fx::Error);
  EXPECT_THROW((void)fx::movedim(x, {0, 0}, {0, 1}), fx::Error);
}

// as_strided is a view of the storage (PyTorch's geometry: strides and offset
// count storage elements, whatever x's layout), and its gradient scatter-adds
// into that storage and reads x's elements back.
TEST(MathOps, AsStridedIsAStorageViewWithPyTorchsGradient) {
  fx::Tensor x = fx::arange(6.0, fx::Float64);
  fx::Tensor y = fx::as_strided(x, {2, 2}, {1, 2}, 1);
  x.mul_(10.0);  // the view sees writes into x
  EXPECT_EQ(values(y), (std::vector<double>{10, 30, 20, 40}));
  // a transposed x: positions count in storage, not in x's row-major order
  fx::Tensor base = fx::arange(6.0, fx::Float64).reshape({2, 3});
  EXPECT_EQ(values(fx::as_strided(base.mT(), {3}, {1})), (std::vector<double>{0, 1, 2}));
  EXPECT_EQ(values(fx::as_strided(base.narrow(0, 1, 1), {2}, {1})), (std::vector<double>{3, 4}));  // x's offset
  // overlapping windows: each element's gradient counts the windows that hold it
  fx::Tensor a = fx::arange(4.0, fx::Float64).requires_grad_();
  fx::as_strided(a, {3, 2}, {1, 1}).sum().backward();
  EXPECT_EQ(values(a.grad()), (std::vector<double>{1, 2, 2, 1}));
  // through a transpose of a tensor in the graph: storage positions 1, 2 are b[0][1], b[0][2]
  fx::Tensor b = fx::arange(6.0, fx::Float64).reshape({2, 3}).requires_grad_();
  fx::Tensor bt = b * 1.0;
  fx::as_strided(bt.mT(), {2}, {1}, 1).sum().backward();
  EXPECT_EQ(values(b.grad()), (std::vector<double>{0, 1, 1, 0, 0, 0}));
  // an expanded x: its 3 rows share each position, which passes 1/3 to each; expand sums them back
  fx::Tensor c = fx::tensor({1.0, 2.0}, fx::Float64).requires_grad_();
  fx::as_strided(c.expand({3, 2}), {2}, {1}).sum().backward();
  for (double g : values(c.grad())) EXPECT_NEAR(g, 1.0, 1e-15);
  EXPECT_THROW((void)fx::as_strided(x, {2, 2}, {1, 3}, 3), fx::Error);  // past the storage
  EXPECT_THROW((void)fx::as_strided(x, {2}, {1, 1}), fx::Error);
}

}  // namespace
