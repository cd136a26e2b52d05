// SPDX-License-Identifier: MIT
// Reductions against plain double loops: every dims combination, keepdim,
// size-0 and size-1 dims, non-contiguous inputs, and sizes large enough to take
// the blocked and threaded paths; and every error path.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "fluxion.h"
#include "tensor/kernels/loops.h"

namespace fx = fluxion;

namespace {

using Fold = std::function<double(const std::vector<double>&)>;

// The reduction of x over dims (empty: all) by folding each output's values with f.
std::vector<double> reference(const fx::Tensor& x, const std::vector<int64_t>& dims_in, const Fold& f) {
  fx::Shape shape = x.shape();
  std::vector<int64_t> dims = fx::reduction_dims(dims_in, x.dim(), "reference");
  std::vector<bool> reduced(shape.size(), false);
  for (int64_t d : dims) reduced[d] = true;
  fx::Shape out_shape = fx::reduced_shape(shape, dims, false);
  std::vector<std::vector<double>> buckets((size_t)fx::numel(out_shape));
  std::vector<double> v = x.to_vector<double>();
  for (int64_t i = 0; i < (int64_t)v.size(); ++i) {
    int64_t rest = i, out = 0, scale = 1;
    for (int64_t d = (int64_t)shape.size() - 1; d >= 0; --d) {
      int64_t id = rest % shape[d];
      rest /= shape[d];
      if (!reduced[d]) {
        out += id * scale;
        scale *= shape[d];
      }
    }
    buckets[out].push_back(v[i]);
  }
  std::vector<double> r;
  for (const auto& b : buckets) r.push_back(f(b));
  return r;
}

double fold_sum(const std::vector<double>& b) {
  double s = 0;
  for (double v : b) s += v;
  return s;
}
double fold_prod(const std::vector<double>& b) {
  double s = 1;
  for (double v : b) s *= v;
  return s;
}
double fold_lse(const std::vector<double>& b) {
  double s = 0;
  for (double v : b) s += std::exp(v);
  return std::log(s);
}
Fold fold_var(int64_t correction) {
  return [correction](const std::vector<double>& b) {
    double m = fold_sum(b) / b.size(), s = 0;
    for (double v : b) s += (v - m) * (v - m);
    return s / (double)((int64_t)b.size() - correction);
  };
}

void expect_close(const fx::Tensor& y, const std::vector<double>& want, double tol, const std::string& what) {
  std::vector<double> got = y.to_vector<double>();
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_NEAR(got[i], want[i], tol * (1 + std::abs(want[i]))) << what << " at " << i;
}

// Inputs: contiguous, and the same values behind a non-contiguous (transposed) layout.
std::vector<std::pair<fx::Tensor, std::string>> inputs(const fx::Shape& shape, double lo, double hi, fx::DType dtype) {
  fx::Tensor x = fx::uniform(shape, lo, hi, dtype);
  std::vector<std::pair<fx::Tensor, std::string>> out{{x, "contiguous"}};
  if (shape.size() >= 2) {
    fx::Tensor t = fx::uniform(fx::Shape(shape.rbegin(), shape.rend()), lo, hi, dtype);
    out.push_back({t.transpose(0, (int64_t)shape.size() - 1), "transposed"});
  }
  return out;
}

const std::vector<fx::Shape> kShapes = {{3, 4, 5}, {2, 0, 3}, {1, 4, 1}, {6}, {}, {3, 20000}, {40001}, {20, 3, 700}};

std::vector<std::vector<int64_t>> dim_sets(int64_t nd) {
  std::vector<std::vector<int64_t>> sets{{}};
  for (int64_t d = 0; d < nd; ++d) sets.push_back({d});
  if (nd >= 2) sets.push_back({-1, 0});
  if (nd == 3) sets.push_back({1, 2}), sets.push_back({0, 1});
  return sets;
}

}  // namespace

TEST(Reduce, SumMeanVarLogsumexpMatchLoops) {
  fx::manual_seed(10);
  for (const fx::Shape& shape : kShapes)
    for (fx::DType dtype : {fx::Float64, fx::Float32})
      for (auto& [x, layout] : inputs(shape, -2, 2, dtype))
        for (const auto& dims : dim_sets(x.dim()))
          for (bool keepdim : {false, true}) {
            bool large = x.numel() > 10000;  // the blocked / threaded paths: sum and logsumexp only
            if (large && (keepdim || dtype == fx::Float64)) continue;
            std::string what = fx::to_string(shape) + " " + layout + " dims " + fx::to_string(dims) +
                               (keepdim ? " keepdim " : " ") + fx::dtype_name(dtype);
            double tol = dtype == fx::Float64 ? 1e-12 : 1e-5;
            fx::Tensor s = x.sum(dims, keepdim);
            EXPECT_EQ(s.shape(), fx::reduced_shape(x.shape(), fx::reduction_dims(dims, x.dim(), "t"), keepdim)) << what;
            EXPECT_EQ(s.dtype(), dtype);
            expect_close(s, reference(x, dims, fold_sum), tol, "sum " + what);
            if (x.numel() == 0) continue;
            expect_close(x.logsumexp(dims, keepdim), reference(x, dims, fold_lse), tol, "logsumexp " + what);
            if (large) continue;
            expect_close(x.mean(dims, keepdim), reference(x, dims, [](auto& b) { return fold_sum(b) / b.size(); }), tol,
                         "mean " + what);
            for (int64_t c : {0, 1})
              if (x.numel() / std::max<int64_t>(s.numel(), 1) > c)
                expect_close(x.var(dims, c, keepdim), reference(x, dims, fold_var(c)), tol * 10, "var " + what);
          }
}

TEST(Reduce, SumOfEmptyIsZeroAndInt64Works) {
  EXPECT_EQ(fx::zeros({2, 0}).sum().item(), 0.0);
  EXPECT_EQ(fx::zeros({2, 0}).sum({1}).to_vector<double>(), (std::vector<double>{0, 0}));
  auto i = fx::arange(6, fx::Int64).reshape({2, 3});
  EXPECT_EQ(i.sum({1}).to_vector<int64_t>(), (std::vector<int64_t>{3, 12}));
  EXPECT_EQ(i.sum().dtype(), fx::Int64);
}

TEST(Reduce, ProdMatchesLoops) {
  fx::manual_seed(11);
  for (const fx::Shape& shape : kShapes)
    for (auto& [x, layout] : inputs(shape, 0.9, 1.1, fx::Float64)) {
      expect_close(x.prod(), reference(x, {}, fold_prod), 1e-10, "prod all " + layout);
      EXPECT_EQ(x.prod({}, true).shape(), fx::Shape(x.dim(), 1));
      for (int64_t d = 0; d < x.dim(); ++d)
        for (bool keepdim : {false, true}) {
          fx::Tensor p = x.prod(d, keepdim);
          EXPECT_EQ(p.shape(), fx::reduced_shape(x.shape(), {d}, keepdim));
          expect_close(p, reference(x, {d}, fold_prod), 1e-10, "prod " + fx::to_string(shape) + " " + layout);
        }
    }
  EXPECT_EQ(fx::zeros({0}).prod().item(), 1.0);
  EXPECT_EQ(fx::scalar(3.0).prod(0).item(), 3.0);
}

TEST(Reduce, ProdGradientIsExactAtZeros) {
  auto x = fx::tensor({2.0, 0.0, 3.0, 4.0}, fx::Float64).requires_grad_();
  auto g = fx::autograd::grad({x.prod()}, {x}, {.create_graph = true})[0];
  EXPECT_EQ(g.to_vector<double>(), (std::vector<double>{0, 24, 0, 0}));
  // d^2/dx_0 dx_1 of x0 x1 x2 x3 = x2 x3 = 12, even though x1 = 0
  auto h = fx::autograd::grad({(g * fx::tensor({0.0, 1.0, 0.0, 0.0}, fx::Float64)).sum()}, {x})[0];
  EXPECT_EQ(h.to_vector<double>(), (std::vector<double>{12, 0, 8, 6}));
  auto two = fx::tensor({{0.0, 5.0, 0.0}, {1.0, 2.0, 3.0}}, fx::Float64).requires_grad_();
  two.prod(1).sum().backward();
  EXPECT_EQ(two.grad().to_vector<double>(), (std::vector<double>{0, 0, 0, 6, 3, 2}));
}

TEST(Reduce, LogsumexpIsStable) {
  auto x = fx::tensor({1000.0, 1000.0, -INFINITY}, fx::Float64);
  EXPECT_NEAR(x.logsumexp().item(), 1000 + std::log(2.0), 1e-12);
  EXPECT_EQ(fx::tensor({-INFINITY, -INFINITY}, fx::Float64).logsumexp().item(), -INFINITY);
  EXPECT_EQ(fx::tensor({INFINITY, 1.0}, fx::Float64).logsumexp().item(), INFINITY);
  EXPECT_EQ(fx::zeros({2, 0}).logsumexp({1}).to_vector<double>(), (std::vector<double>{-INFINITY, -INFINITY}));
  auto f = fx::tensor({-800.0, -800.0}, fx::Float32);
  EXPECT_NEAR(f.logsumexp().item(), -800 + std::log(2.0), 1e-3);
  auto y = fx::tensor({500.0, 500.0}, fx::Float64).requires_grad_();
  y.logsumexp().backward();
  for (double g : y.grad().to_vector<double>()) EXPECT_NEAR(g, 0.5, 1e-15);
}

TEST(Reduce, CumsumMatchesLoops) {
  fx::manual_seed(12);
  for (const fx::Shape& shape : {fx::Shape{3, 4, 5}, fx::Shape{2, 0, 3}, fx::Shape{7}, fx::Shape{}, fx::Shape{1, 9}})
    for (auto& [x, layout] : inputs(shape, -2, 2, fx::Float64))
      for (int64_t d = 0; d < std::max<int64_t>(x.dim(), 1); ++d) {
        fx::Tensor y = x.cumsum(d);
        ASSERT_EQ(y.shape(), x.shape());
        std::vector<double> v = x.contiguous().to_vector<double>(), want(v.size());
        int64_t n = x.dim() ? shape[d] : 1, inner = 1;
        for (int64_t k = d + 1; k < x.dim(); ++k) inner *= shape[k];
        for (size_t i = 0; i < v.size(); ++i) {
          int64_t pos = ((int64_t)i / inner) % n;
          want[i] = v[i] + (pos > 0 ? want[i - inner] : 0);
        }
        expect_close(y, want, 1e-12, "cumsum " + fx::to_string(shape) + " " + layout);
      }
  EXPECT_EQ(fx::arange(1, 5, 1, fx::Int64).cumsum(0).to_vector<int64_t>(), (std::vector<int64_t>{1, 3, 6, 10}));
  auto x = fx::tensor({1.0, 2.0, 3.0}, fx::Float64).requires_grad_();
  (x.cumsum(0) * fx::tensor({1.0, 10.0, 100.0}, fx::Float64)).sum().backward();
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{111, 110, 100}));  // the reverse cumsum
}

TEST(Reduce, ResultsDoNotDependOnThreads) {
  fx::manual_seed(13);
  auto x = fx::randn({3, 100003});
  int before = fx::get_num_threads();
  fx::set_num_threads(1);
  auto one = x.sum({1}).to_vector<float>();
  auto all_one = x.sum().item();
  fx::set_num_threads(2);
  EXPECT_EQ(x.sum({1}).to_vector<float>(), one);
  EXPECT_EQ(x.sum().item(), all_one);
  fx::set_num_threads(before);
}

TEST(Reduce, Errors) {
  auto x = fx::zeros({2, 3});
  EXPECT_THROW((void)x.sum({2}), fx::Error);
  EXPECT_THROW((void)x.sum({-3}), fx::Error);
  EXPECT_THROW((void)x.sum({0, 0}), fx::Error);
  EXPECT_THROW((void)x.prod(2), fx::Error);
  EXPECT_THROW((void)fx::scalar(1.0).prod(1), fx::Error);
  EXPECT_THROW((void)x.logsumexp({5}), fx::Error);
  EXPECT_THROW((void)x.cumsum(2), fx::Error);
  EXPECT_THROW((void)x.var({0}, -1), fx::Error);
  auto i = fx::zeros({2, 3}, fx::Int64);
  EXPECT_THROW((void)i.mean(), fx::Error);
  EXPECT_THROW((void)i.logsumexp(), fx::Error);
  EXPECT_THROW((void)i.var(), fx::Error);
}

namespace {
double fold_max(const std::vector<double>& b) { return *std::max_element(b.begin(), b.end()); }
double fold_min(const std::vector<double>& b) { return *std::min_element(b.begin(), b.end()); }
double fold_norm(const std::vector<double>& b, double p) {
  double s = 0, m = 0;
  for (double v : b) s += std::pow(std::abs(v), p), m = std::max(m, std::abs(v));
  return p == INFINITY ? m : std::pow(s, 1 / p);
}
}  // namespace

TEST(Reduce, AmaxAminNormStdMatchLoops) {
  fx::manual_seed(14);
  for (const fx::Shape& shape : {fx::Shape{3, 4, 5}, fx::Shape{2, 0, 3}, fx::Shape{1, 4, 1}, fx::Shape{6}, fx::Shape{},
                                 fx::Shape{3, 20000}})
    for (fx::DType dtype : {fx::Float64, fx::Float32})
      for (auto& [x, layout] : inputs(shape, -2, 2, dtype))
        for (const auto& dims : dim_sets(x.dim()))
          for (bool keepdim : {false, true}) {
            if (x.numel() > 10000 && (keepdim || dtype == fx::Float64 || dims.size() != 1)) continue;
            std::string what = fx::to_string(shape) + " " + layout + " dims " + fx::to_string(dims);
            double tol = dtype == fx::Float64 ? 1e-12 : 1e-5;
            bool empty_slice = false;
            for (int64_t d : fx::reduction_dims(dims, x.dim(), "t")) empty_slice |= shape[d] == 0;
            for (double p : {1.0, 2.0, 3.0, (double)INFINITY})
              if (!empty_slice || p != INFINITY)
                expect_close(x.norm(p, dims, keepdim), reference(x, dims, [p](auto& b) { return fold_norm(b, p); }),
                             tol, "norm " + std::to_string(p) + " " + what);
            if (empty_slice) {  // max of nothing: an error, as in PyTorch (also for the inf-norm)
              EXPECT_THROW((void)x.amax(dims, keepdim), fx::Error) << what;
              EXPECT_THROW((void)x.norm(INFINITY, dims, keepdim), fx::Error) << what;
              continue;
            }
            fx::Tensor m = x.amax(dims, keepdim);
            EXPECT_EQ(m.shape(), fx::reduced_shape(x.shape(), fx::reduction_dims(dims, x.dim(), "t"), keepdim));
            expect_close(m, reference(x, dims, fold_max), 0, "amax " + what);
            expect_close(x.amin(dims, keepdim), reference(x, dims, fold_min), 0, "amin " + what);
            if (x.numel() <= 10000 && x.numel() / std::max<int64_t>(m.numel(), 1) > 1)
              expect_close(x.std(dims, 1, keepdim), reference(x, dims, [](auto& b) { return std::sqrt(fold_var(1)(b)); }),
                           tol * 10, "std " + what);
          }
}

TEST(Reduce, MaxMinAlongDimGiveValuesAndFirstIndices) {
  fx::manual_seed(15);
  for (const fx::Shape& shape : {fx::Shape{3, 4, 5}, fx::Shape{1, 6}, fx::Shape{2, 0, 3}, fx::Shape{7}})
    for (auto& [x, layout] : inputs(shape, -2, 2, fx::Float64))
      for (int64_t d = 0; d < x.dim(); ++d) {
        if (shape[d] == 0) {
          EXPECT_THROW((void)x.max(d), fx::Error);
          continue;
        }
        for (bool keepdim : {false, true}) {
          auto [values, indices] = x.max(d, keepdim);
          auto [vmin, imin] = x.min(d, keepdim);
          EXPECT_EQ(indices.dtype(), fx::Int64);
          EXPECT_EQ(indices.shape(), fx::reduced_shape(x.shape(), {d}, keepdim));
          expect_close(values, reference(x, {d}, fold_max), 0, "max " + layout);
          expect_close(vmin, reference(x, {d}, fold_min), 0, "min " + layout);
          // the index points at the value: gather it back
          expect_close(x.gather(d, keepdim ? indices : indices.unsqueeze(d)), values.to_vector<double>(), 0, "index");
          EXPECT_EQ(x.argmax(d, keepdim).to_vector<int64_t>(), indices.to_vector<int64_t>());
          EXPECT_EQ(x.argmin(d, keepdim).to_vector<int64_t>(), imin.to_vector<int64_t>());
        }
      }
  auto ties = fx::tensor({{1.0, 3.0, 3.0}, {2.0, 2.0, 0.0}});
  EXPECT_EQ(ties.max(1).second.to_vector<int64_t>(), (std::vector<int64_t>{1, 0}));
  EXPECT_EQ(ties.argmax().item<int64_t>(), 1);
  EXPECT_EQ(ties.argmin().item<int64_t>(), 5);
  EXPECT_EQ(ties.argmax({}, true).shape(), (fx::Shape{1, 1}));
  auto nan = fx::tensor({1.0, NAN, 5.0});
  EXPECT_TRUE(std::isnan(nan.max().item()));
  EXPECT_TRUE(std::isnan(nan.amin().item()));
  EXPECT_EQ(nan.argmax().item<int64_t>(), 1);
  EXPECT_EQ(fx::arange(5, fx::Int64).max().item<int64_t>(), 4);
  auto [v0, i0] = fx::scalar(2.0).max(0);
  EXPECT_EQ(v0.item(), 2.0);
  EXPECT_EQ(i0.item<int64_t>(), 0);
}

TEST(Reduce, TieGradientsFollowPyTorch) {
  auto x = fx::tensor({1.0, 3.0, 3.0, 2.0}, fx::Float64).requires_grad_();
  x.max().backward();  // over everything: split evenly among the ties
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{0, 0.5, 0.5, 0}));
  x.zero_grad();
  x.max(0).first.backward();  // along a dim: all of it to the returned index
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{0, 1, 0, 0}));
  x.zero_grad();
  x.amin().backward();
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{1, 0, 0, 0}));
}

TEST(Reduce, NormGradientAtZeroIsZero) {
  auto x = fx::zeros({3}, fx::Float64).requires_grad_();
  x.norm().backward();
  EXPECT_EQ(x.grad().to_vector<double>(), (std::vector<double>{0, 0, 0}));
  auto y = fx::tensor({{3.0, 4.0}, {0.0, 0.0}}, fx::Float64).requires_grad_();
  y.norm(2, {1}).sum().backward();
  EXPECT_EQ(y.grad().to_vector<double>(), (std::vector<double>{0.6, 0.8, 0, 0}));
}

TEST(Reduce, AllAny) {
  EXPECT_EQ(fx::tensor({1.0, 2.0, -1.0}).all().item<int64_t>(), 1);
  EXPECT_EQ(fx::tensor({1.0, 0.0}).all().item<int64_t>(), 0);
  EXPECT_EQ(fx::tensor({0.0, 0.0, 3.0}).any().item<int64_t>(), 1);
  EXPECT_EQ(fx::zeros({2, 3}).any().item<int64_t>(), 0);
  EXPECT_EQ(fx::zeros({0}).all().item<int64_t>(), 1);
  EXPECT_EQ(fx::zeros({0}).any().item<int64_t>(), 0);
  EXPECT_EQ(fx::arange(3, fx::Int64).all().dtype(), fx::Bool);  // as in PyTorch
  EXPECT_EQ(fx::ones({40000, 2}).t().all().item<int64_t>(), 1);
  EXPECT_FALSE(fx::ones({2}, fx::Float64).requires_grad_().any().requires_grad());
}

TEST(Reduce, MinMaxNormErrors) {
  auto x = fx::zeros({2, 3});
  EXPECT_THROW((void)x.max(2), fx::Error);
  EXPECT_THROW((void)x.argmin(-3), fx::Error);
  EXPECT_THROW((void)x.amax({3}), fx::Error);
  EXPECT_THROW((void)fx::zeros({0}).max(), fx::Error);
  EXPECT_THROW((void)fx::zeros({0}).argmax(), fx::Error);
  EXPECT_THROW((void)fx::zeros({3, 0}).amin({1}), fx::Error);
  EXPECT_THROW((void)x.norm(0), fx::Error);
  EXPECT_THROW((void)x.norm(-1), fx::Error);
  EXPECT_THROW((void)x.norm(2, {4}), fx::Error);
  EXPECT_THROW((void)fx::zeros({2}, fx::Int64).norm(), fx::Error);
  EXPECT_THROW((void)fx::zeros({2}, fx::Int64).std(), fx::Error);
}
