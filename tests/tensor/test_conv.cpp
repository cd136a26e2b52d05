// SPDX-License-Identifier: MIT
// conv2d (im2col + gemm) against the seven-loop definition, its two adjoint
// kernels against the loops of their definitions, and the error paths.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "fluxion.h"
#include "tensor/kernels/conv.h"

namespace fx = fluxion;
namespace k = fluxion::kernels;

namespace {

fx::Tensor random(const fx::Shape& shape, fx::DType dtype = fx::Float64, uint32_t seed = 1) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> normal;
  std::vector<double> v((size_t)fx::numel(shape));
  for (double& x : v) x = normal(gen);
  return fx::tensor(v, shape, dtype);
}

double max_abs_diff(const fx::TensorData& a, const fx::TensorData& b) {
  EXPECT_EQ(a.shape, b.shape);
  auto x = fx::Tensor(a).to_vector<double>(), y = fx::Tensor(b).to_vector<double>();
  double m = 0;
  for (size_t i = 0; i < x.size() && i < y.size(); ++i) m = std::max(m, std::abs(x[i] - y[i]));
  return m;
}

struct Config {
  fx::Shape x, w;
  k::Conv2dParams p;
};

const std::vector<Config> kConfigs = {
    {{2, 3, 6, 5}, {4, 3, 3, 3}, {}},
    {{1, 2, 7, 7}, {3, 2, 3, 3}, {{2, 2}, {1, 1}, {1, 1}}},
    {{2, 2, 8, 9}, {2, 2, 3, 2}, {{1, 2}, {2, 0}, {2, 3}}},
    {{3, 1, 5, 5}, {2, 1, 1, 1}, {{3, 1}, {0, 2}, {1, 1}}},
    {{1, 3, 4, 4}, {5, 3, 4, 4}, {{1, 1}, {0, 0}, {1, 1}}},  // kernel = image: one output pixel
    {{0, 2, 5, 5}, {3, 2, 3, 3}, {{1, 1}, {1, 1}, {1, 1}}},  // empty batch
    {{2, 4, 6, 5}, {6, 2, 3, 3}, {{1, 1}, {1, 0}, {1, 1}, 2}},  // 2 groups
    {{1, 3, 7, 6}, {3, 1, 3, 2}, {{2, 1}, {1, 1}, {1, 2}, 3}},  // depthwise
};

// The adjoints by their definitions: dx[n,c,i,j] and dw[o,c,ki,kj] collect g[n,o,oi,oj] times the other factor
// (with groups: c runs over o's group, the input channel o / (O/G) C/G + c).
std::pair<fx::TensorData, fx::TensorData> naive_adjoints(const fx::TensorData& x, const fx::TensorData& w,
                                                          const fx::TensorData& g, const k::Conv2dParams& p) {
  fx::Tensor dx = fx::zeros(x.shape, fx::Float64), dw = fx::zeros(w.shape, fx::Float64);
  fx::Tensor xc = fx::Tensor(x).contiguous(), wc = fx::Tensor(w).contiguous(), gc = fx::Tensor(g).contiguous();
  const double *xp = xc.data<double>(), *wp = wc.data<double>(), *gp = gc.data<double>();
  double *dxp = dx.data<double>(), *dwp = dw.data<double>();
  int64_t N = x.shape[0], CX = x.shape[1], C = w.shape[1], H = x.shape[2], W = x.shape[3], O = w.shape[0],
          KH = w.shape[2], KW = w.shape[3], HO = g.shape[2], WO = g.shape[3], OG = O / p.groups;
  for (int64_t n = 0; n < N; ++n)
    for (int64_t o = 0; o < O; ++o)
      for (int64_t oi = 0; oi < HO; ++oi)
        for (int64_t oj = 0; oj < WO; ++oj)
          for (int64_t c = 0; c < C; ++c)
            for (int64_t ki = 0; ki < KH; ++ki)
              for (int64_t kj = 0; kj < KW; ++kj) {
                int64_t i = oi * p.stride[0] - p.padding[0] + ki * p.dilation[0];
                int64_t j = oj * p.stride[1] - p.padding[1] + kj * p.dilation[1];
                if (i < 0 || i >= H || j < 0 || j >= W) continue;
                double gv = gp[((n * O + o) * HO + oi) * WO + oj];
                int64_t cx = o / OG * C + c;
                dxp[((n * CX + cx) * H + i) * W + j] += gv * wp[((o * C + c) * KH + ki) * KW + kj];
                dwp[((o * C + c) * KH + ki) * KW + kj] += gv * xp[((n * CX + cx) * H + i) * W + j];
              }
  return {dx.tensor_data(), dw.tensor_data()};
}

}  // namespace

TEST(Conv2d, Im2colGemmMatchesSevenLoops) {
  for (fx::DType dt : {fx::Float64, fx::Float32}) {
    double tol = dt == fx::Float64 ? 1e-12 : 1e-4;
    for (const Config& c : kConfigs) {
      fx::TensorData x = random(c.x, dt, 1).tensor_data(), w = random(c.w, dt, 2).tensor_data();
      fx::TensorData b = random({c.w[0]}, dt, 3).tensor_data();
      EXPECT_LT(max_abs_diff(k::conv2d(x, w, b, c.p), k::conv2d_naive(x, w, b, c.p)), tol);
      EXPECT_LT(max_abs_diff(k::conv2d(x, w, {}, c.p), k::conv2d_naive(x, w, {}, c.p)), tol);
    }
  }
}

TEST(Conv2d, NonContiguousInputs) {
  fx::Tensor x = random({5, 5, 3, 2}).permute({3, 2, 0, 1});  // [2, 3, 5, 5], permuted storage
  fx::Tensor w = random({3, 3, 3, 4}).permute({3, 2, 0, 1});  // [4, 3, 3, 3]
  EXPECT_FALSE(x.is_contiguous());
  k::Conv2dParams p{{1, 2}, {1, 1}, {1, 1}};
  EXPECT_LT(max_abs_diff(k::conv2d(x.tensor_data(), w.tensor_data(), {}, p),
                         k::conv2d_naive(x.tensor_data(), w.tensor_data(), {}, p)), 1e-12);
}

TEST(Conv2d, AdjointKernelsMatchTheirDefinitions) {
  for (const Config& c : kConfigs) {
    fx::TensorData x = random(c.x, fx::Float64, 4).tensor_data(), w = random(c.w, fx::Float64, 5).tensor_data();
    fx::TensorData g = random(k::conv2d_shape(c.x, c.w, c.p), fx::Float64, 6).tensor_data();
    auto [dx, dw] = naive_adjoints(x, w, g, c.p);
    EXPECT_LT(max_abs_diff(k::conv2d_input_grad(g, w, c.x[2], c.x[3], c.p), dx), 1e-12);
    EXPECT_LT(max_abs_diff(k::conv2d_weight_grad(x, g, c.w[2], c.w[3], c.p), dw), 1e-12);
    // and they are adjoints: <conv(x, w), g> = <x, dx> = <w, dw>
    double lhs = (fx::Tensor(k::conv2d(x, w, {}, c.p)) * fx::Tensor(g)).sum().item();
    EXPECT_NEAR(lhs, (fx::Tensor(x) * fx::Tensor(dx)).sum().item(), 1e-10);
    EXPECT_NEAR(lhs, (fx::Tensor(w) * fx::Tensor(dw)).sum().item(), 1e-10);
  }
}

TEST(Conv2d, PublicOpWithOptionsBiasAndUnbatchedInput) {
  fx::Tensor x = random({2, 3, 7, 6}), w = random({4, 3, 3, 3}, fx::Float64, 2), b = random({4}, fx::Float64, 3);
  fx::Tensor y = fx::conv2d(x, w, b, {.stride = 2, .padding = {1, 0}});
  EXPECT_EQ(y.shape(), (fx::Shape{2, 4, 4, 2}));
  k::Conv2dParams p{{2, 2}, {1, 0}, {1, 1}};
  EXPECT_LT(max_abs_diff(y.tensor_data(), k::conv2d_naive(x.tensor_data(), w.tensor_data(), b.tensor_data(), p)), 1e-12);
  fx::Tensor y1 = fx::conv2d(x.select(0, 1), w, b, {.stride = 2, .padding = {1, 0}});
  EXPECT_EQ(y1.shape(), (fx::Shape{4, 4, 2}));
  EXPECT_LT(max_abs_diff(y1.tensor_data(), y.select(0, 1).contiguous().tensor_data()), 1e-15);
  EXPECT_EQ(fx::conv2d(x.to(fx::Float32), w).dtype(), fx::Float64);  // promotes like PyTorch's binary ops
  EXPECT_EQ(fx::conv2d(x, w, {}, {.dilation = 2}).shape(), (fx::Shape{2, 4, 3, 2}));
}

TEST(Conv2d, ErrorsNameShapesAndFix) {
  fx::Tensor x = random({2, 3, 5, 5}), w = random({4, 3, 3, 3});
  EXPECT_THROW((void)fx::conv2d(random({3, 5}), w), fx::Error);                    // not 4-D
  EXPECT_THROW((void)fx::conv2d(x, random({4, 2, 3, 3})), fx::Error);              // channels
  EXPECT_THROW((void)fx::conv2d(x, random({4, 3, 3})), fx::Error);                 // weight not 4-D
  EXPECT_THROW((void)fx::conv2d(x, w, random({3})), fx::Error);                    // bias size
  EXPECT_THROW((void)fx::conv2d(x, random({4, 3, 7, 7})), fx::Error);              // kernel > image
  EXPECT_THROW((void)fx::conv2d(x, w, {}, {.stride = 0}), fx::Error);
  EXPECT_THROW((void)fx::conv2d(x, w, {}, {.padding = -1}), fx::Error);
  EXPECT_THROW((void)fx::conv2d(x, w, {}, {.dilation = {1, 0}}), fx::Error);
  fx::Tensor ints = fx::tensor(std::vector<int64_t>(2 * 3 * 5 * 5, 1), {2, 3, 5, 5});
  EXPECT_THROW((void)fx::conv2d(ints, w), fx::Error);
  EXPECT_THROW((void)fx::conv2d(x, w, fx::tensor(std::vector<int64_t>{1, 2, 3, 4}, {4})), fx::Error);
  EXPECT_THROW((void)k::conv2d(x.tensor_data(), w.to(fx::Float32).tensor_data(), {}, {}), fx::Error);
  fx::Tensor g = random({2, 4, 3, 3});
  EXPECT_THROW((void)fx::conv2d_input_grad(g, w, {2, 3, 9, 9}), fx::Error);        // 9x9 gives 7x7, not 3x3
  EXPECT_THROW((void)fx::conv2d_input_grad(g, w, {3, 3, 5, 5}), fx::Error);        // batch
  EXPECT_THROW((void)fx::conv2d_weight_grad(x, g, {4, 3, 2, 2}), fx::Error);       // 2x2 gives 4x4
  EXPECT_THROW((void)fx::conv2d_weight_grad(x, g, {5, 3, 3, 3}), fx::Error);       // out channels
  try {
    (void)fx::conv2d(x, random({4, 2, 3, 3}));
  } catch (const fx::Error& e) {
    EXPECT_NE(std::string(e.what()).find("[2, 3, 5, 5]"), std::string::npos);
  }
}

// Large enough (over a million multiply-adds per image) that with two threads the
// images are split between them; the weight gradient then sums one partial per
// thread. Equal to the definitions, and to one thread up to rounding.
TEST(Conv2d, ImagesSplitBetweenThreadsMatchOneThread) {
  const int before = fx::get_num_threads();
  const std::vector<Config> configs = {
      {{5, 4, 30, 30}, {16, 4, 5, 5}, {{1, 1}, {2, 2}, {1, 1}}},
      {{3, 4, 31, 29}, {16, 2, 3, 3}, {{2, 1}, {1, 0}, {1, 2}, 2}},
  };
  for (const Config& c : configs) {
    fx::TensorData x = random(c.x, fx::Float64, 7).tensor_data(), w = random(c.w, fx::Float64, 8).tensor_data();
    fx::TensorData g = random(k::conv2d_shape(c.x, c.w, c.p), fx::Float64, 9).tensor_data();
    auto [dx, dw] = naive_adjoints(x, w, g, c.p);
    fx::TensorData y1, dx1, dw1;
    for (int threads : {1, 2}) {
      fx::set_num_threads(threads);
      fx::TensorData y = k::conv2d(x, w, {}, c.p), gx = k::conv2d_input_grad(g, w, c.x[2], c.x[3], c.p),
                     gw = k::conv2d_weight_grad(x, g, c.w[2], c.w[3], c.p);
      EXPECT_LT(max_abs_diff(y, k::conv2d_naive(x, w, {}, c.p)), 1e-11) << threads << " threads";
      EXPECT_LT(max_abs_diff(gx, dx), 1e-11) << threads << " threads";
      EXPECT_LT(max_abs_diff(gw, dw), 1e-10) << threads << " threads";
      if (threads == 1) {
        y1 = y, dx1 = gx, dw1 = gw;
      } else {
        EXPECT_EQ(max_abs_diff(y, y1), 0.0);  // each image's product is computed alike
        EXPECT_EQ(max_abs_diff(gx, dx1), 0.0);
        EXPECT_LT(max_abs_diff(gw, dw1), 1e-12);  // summed in another order
      }
    }
  }
  fx::set_num_threads(before);
}

// Float32 with 64 output pixels per image (whole vectors): the forward and the
// input gradient take small_gemm, which reads cols and the gradient in place.
TEST(Conv2d, Float32WholeVectorRowsMatchTheDefinitions) {
  const Config c{{3, 5, 12, 12}, {6, 5, 5, 5}, {}};
  fx::Tensor x = random(c.x, fx::Float64, 10), w = random(c.w, fx::Float64, 11);
  fx::Tensor g = random(k::conv2d_shape(c.x, c.w, c.p), fx::Float64, 12);
  auto [dx, dw] = naive_adjoints(x.tensor_data(), w.tensor_data(), g.tensor_data(), c.p);
  auto f32 = [](const fx::Tensor& t) { return t.to(fx::Float32).tensor_data(); };
  auto f64 = [](const fx::TensorData& t) { return fx::Tensor(t).to(fx::Float64).tensor_data(); };
  EXPECT_LT(max_abs_diff(f64(k::conv2d(f32(x), f32(w), {}, c.p)), k::conv2d_naive(x.tensor_data(), w.tensor_data(), {}, c.p)), 1e-4);
  EXPECT_LT(max_abs_diff(f64(k::conv2d_input_grad(f32(g), f32(w), 12, 12, c.p)), dx), 1e-4);
  EXPECT_LT(max_abs_diff(f64(k::conv2d_weight_grad(f32(x), f32(g), 5, 5, c.p)), dw), 1e-4);
}
