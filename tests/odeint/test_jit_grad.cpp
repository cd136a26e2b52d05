// SPDX-License-Identifier: MIT
// Backprop through a replayed solve (odeint with jit = true when y0 or a
// tensor func captures requires grad): the solve keeps a tape of its
// arithmetic and its VJP sweeps it backwards, replaying func's recorded VJP.
// The gradients must be those of backprop through autograd's ops (the same
// steps, differentiated the same way), and those of finite differences.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "autograd/error_of.h"
#include "fluxion.h"

namespace fx = fluxion;
namespace ode = fluxion::odeint;

namespace {

// y' = tanh(y W + b) + cos(t) y / 4 on a batch of states [2, 2], counting its calls.
struct Net {
  fx::Tensor W, b;
  std::shared_ptr<int64_t> calls = std::make_shared<int64_t>(0);
  fx::Tensor operator()(const fx::Tensor& t, const fx::Tensor& y) const {
    ++*calls;
    return (fx::matmul(y, W) + b).tanh() + t.cos() * y / 4.0;
  }
};

Net net(fx::DType dtype) {
  return {fx::tensor({{0.3, -1.0}, {1.0, 0.2}}).to(dtype).requires_grad_(),
          fx::tensor({0.1, -0.2}).to(dtype).requires_grad_()};
}

double max_abs_diff(const fx::Tensor& a, const fx::Tensor& b) { return (a - b).abs().max().item(); }

// d/d(y0, W, b) of a loss that weighs every output time differently.
std::vector<fx::Tensor> grads_of(const Net& f, const fx::Tensor& y0, const fx::Tensor& t, ode::Options o) {
  fx::Tensor ys = ode::odeint(f, y0, t, o);
  fx::Tensor w = fx::linspace(1.0, 2.0, t.numel()).to(ys.dtype()).reshape({-1, 1, 1});
  return fx::autograd::grad({(w * ys * ys).sum()}, {y0, f.W, f.b});
}

}  // namespace

TEST(JitGrad, GradientsEqualBackpropThroughAutograd) {
  for (fx::DType dtype : {fx::Float64, fx::Float32})
    for (ode::Method m : {ode::Method::dopri5, ode::Method::tsit5, ode::Method::bosh3, ode::Method::dopri8,
                          ode::Method::adaptive_heun, ode::Method::rk4}) {
      SCOPED_TRACE(ode::method_name(m) + " " + fx::dtype_name(dtype));
      Net f = net(dtype);
      fx::Tensor y0 = fx::tensor({{1.0, 0.5}, {-0.3, 0.8}}).to(dtype).requires_grad_();
      fx::Tensor t = fx::linspace(0.0, 3.0, 7).to(dtype);
      ode::Stats plain, taped;
      ode::Options o{.rtol = 1e-7, .atol = 1e-9, .method = m, .stats = &plain};
      std::vector<fx::Tensor> a = grads_of(f, y0, t, o);
      o.stats = &taped;
      o.jit = true;
      *f.calls = 0;
      std::vector<fx::Tensor> b = grads_of(f, y0, t, o);
      EXPECT_EQ(*f.calls, 2);  // recorded once forward, once for its VJP; every other evaluation replayed
      EXPECT_EQ(plain.nfe, taped.nfe);
      EXPECT_EQ(plain.accepted, taped.accepted);
      EXPECT_EQ(plain.rejected, taped.rejected);
      for (size_t k = 0; k < 3; ++k) {
        const double scale = a[k].abs().max().item();
        EXPECT_GT(scale, 0.1) << k;  // a gradient that could be wrong
        EXPECT_LE(max_abs_diff(a[k], b[k]), (dtype == fx::Float64 ? 1e-12 : 1e-5) * scale) << k;
      }
    }
}

// The tape's sweep against central differences of the solve itself (a fixed
// grid, so that the differences see the same steps).
TEST(JitGrad, GradientsMatchFiniteDifferences) {
  Net f = net(fx::Float64);
  fx::Tensor t = fx::linspace(0.0, 2.0, 4);
  auto loss = [&](const std::vector<fx::Tensor>& x) {
    Net g{x[1], x[2], f.calls};
    fx::Tensor ys = ode::odeint(g, x[0], t, {.method = ode::Method::rk4, .step_size = 0.1, .jit = true});
    return (ys * ys.sin()).sum();
  };
  fx::Tensor y0 = fx::tensor({{1.0, 0.5}, {-0.3, 0.8}}, fx::Float64).requires_grad_();
  EXPECT_TRUE(fx::autograd::gradcheck(loss, {y0, f.W, f.b}, {.atol = 1e-7, .rtol = 1e-6}));
}

// A tensor func captures that is made from a leaf (W = 2 p) passes its gradient
// on to the leaf, and only the outputs a loss reads send gradients back.
TEST(JitGrad, GradientsReachThroughCapturedResults) {
  fx::Tensor p = fx::tensor({{0.15, -0.5}, {0.5, 0.1}}, fx::Float64).requires_grad_();
  fx::Tensor y0 = fx::tensor({{1.0, 0.5}, {-0.3, 0.8}}, fx::Float64), t = fx::linspace(0.0, 1.5, 4);
  std::vector<fx::Tensor> g[2];
  for (bool jit : {false, true}) {
    fx::Tensor W = 2.0 * p;
    auto f = [&](const fx::Tensor&, const fx::Tensor& y) { return fx::matmul(y, W).sin(); };
    fx::Tensor ys = ode::odeint(f, y0, t, {.rtol = 1e-8, .atol = 1e-10, .jit = jit});
    g[jit] = fx::autograd::grad({ys[2].sum()}, {p});
  }
  EXPECT_GT(g[0][0].abs().max().item(), 0.1);
  EXPECT_LE(max_abs_diff(g[0][0], g[1][0]), 1e-12);
}

// torchdiffeq's spiral model: a module whose parameters the solve trains, in float32.
TEST(JitGrad, ModuleParametersGetTheirGradients) {
  struct OdeFunc : fx::nn::Module {
    std::shared_ptr<fx::nn::Sequential> net;
    OdeFunc()
        : net(register_module("net", std::make_shared<fx::nn::Sequential>(fx::nn::Linear(2, 16), fx::nn::Tanh(),
                                                                          fx::nn::Linear(16, 2)))) {}
    fx::Tensor forward(const fx::Tensor&, const fx::Tensor& y) const { return net->forward(y * y * y); }
  };
  fx::manual_seed(3);
  auto func = std::make_shared<OdeFunc>();
  fx::Tensor y0 = fx::randn({5, 2}), t = fx::linspace(0.0, 0.5, 10), target = fx::randn({10, 5, 2});
  std::vector<fx::Tensor> g[2];
  for (bool jit : {false, true}) {
    fx::Tensor ys = ode::odeint(func, y0, t, {.jit = jit});
    g[jit] = fx::autograd::grad({(ys - target).abs().mean()}, func->parameters());
  }
  for (size_t k = 0; k < g[0].size(); ++k) {
    const double scale = g[0][k].abs().max().item();
    EXPECT_GT(scale, 1e-4) << k;
    EXPECT_LE(max_abs_diff(g[0][k], g[1][k]), 1e-5 * scale) << k;
  }
}

// A state of several tensors is packed into one, so it is taped like any other.
TEST(JitGrad, TupleStatesAndRepeatedBackward) {
  fx::Tensor k = fx::tensor({0.7}, fx::Float64).requires_grad_();
  auto f = [&](const fx::Tensor&, const std::vector<fx::Tensor>& s) {
    return std::vector<fx::Tensor>{s[1], -k * s[0]};
  };
  std::vector<fx::Tensor> y0{fx::tensor({1.0}, fx::Float64).requires_grad_(), fx::tensor({0.0}, fx::Float64)};
  fx::Tensor t = fx::linspace(0.0, 2.0, 5);
  std::vector<fx::Tensor> g[2];
  for (bool jit : {false, true}) {
    std::vector<fx::Tensor> xv = ode::odeint(f, y0, t, {.rtol = 1e-9, .atol = 1e-11, .jit = jit});
    fx::Tensor loss = (xv[0] * xv[1]).sum();
    g[jit] = fx::autograd::grad({loss}, {y0[0], k}, {.retain_graph = true});
    std::vector<fx::Tensor> again = fx::autograd::grad({loss}, {y0[0], k});  // the tape serves twice
    for (size_t i = 0; i < 2; ++i) EXPECT_EQ(max_abs_diff(g[jit][i], again[i]), 0.0);
  }
  for (size_t i = 0; i < 2; ++i) EXPECT_LE(max_abs_diff(g[0][i], g[1][i]), 1e-12) << i;
}

TEST(JitGrad, WhatTheTapeCannotDoIsAnError) {
  Net f = net(fx::Float64);
  fx::Tensor y0 = fx::tensor({{1.0, 0.5}, {-0.3, 0.8}}, fx::Float64), t = fx::linspace(0.0, 1.0, 3);
  fx::Tensor ys = ode::odeint(f, y0, t, {.jit = true});
  // second derivatives: the sweep records no graph
  EXPECT_NE(error_of([&] { (void)fx::autograd::grad({ys.sum()}, {f.W}, {.create_graph = true}); }).find("create_graph"),
            std::string::npos);
  // forward mode
  EXPECT_NE(error_of([&] {
              fx::forward_ad::DualLevel level;
              fx::Tensor dual = fx::forward_ad::make_dual(y0, fx::ones_like(y0));
              (void)ode::odeint(f, dual, t, {.jit = true});
            }).find("reverse mode only"),
            std::string::npos);
  // a captured tensor of another dtype than the state's
  Net g = net(fx::Float64);
  EXPECT_NE(error_of([&] { (void)ode::odeint(g, y0.to(fx::Float32), t, {.jit = true}); }).find("float64 tensor"),
            std::string::npos);
}

// A JitCache keeps func's recordings (and its VJP's) for later solves: func
// runs at the first solve only, later solves see its tensors' in-place
// updates, and a state of another shape is recorded on its own.
TEST(JitGrad, ACacheRecordsOnceAndSeesInPlaceUpdates) {
  Net f = net(fx::Float64);
  fx::Tensor t = fx::linspace(0.0, 1.5, 4);
  auto cache = std::make_shared<ode::JitCache>();
  const ode::Options cached{.rtol = 1e-8, .atol = 1e-10, .jit = true, .jit_cache = cache};
  for (int step = 0; step < 3; ++step) {
    fx::Tensor y0 = fx::tensor({{1.0, 0.5}, {-0.3, 0.8}}, fx::Float64).requires_grad_();
    *f.calls = 0;
    std::vector<fx::Tensor> b = grads_of(f, y0, t, cached);
    EXPECT_EQ(*f.calls, step == 0 ? 2 : 0) << step;  // func and its VJP recorded at the first solve only
    std::vector<fx::Tensor> a = grads_of(f, y0, t, {.rtol = 1e-8, .atol = 1e-10});
    for (size_t k = 0; k < 3; ++k) EXPECT_LE(max_abs_diff(a[k], b[k]), 1e-12 * a[k].abs().max().item()) << step;
    fx::NoGradGuard no_grad;  // an optimizer's step: in place
    f.W.add_(-0.1 * b[1]);
    f.b.add_(-0.1 * b[2]);
  }
  {  // a solve without a gradient reuses the same recording
    fx::NoGradGuard no_grad;
    fx::Tensor y0 = fx::tensor({{1.0, 0.5}, {-0.3, 0.8}}, fx::Float64);
    *f.calls = 0;
    fx::Tensor replayed = ode::odeint(f, y0, t, cached);
    EXPECT_EQ(*f.calls, 0);
    fx::Tensor fresh = ode::odeint(f, y0, t, {.rtol = 1e-8, .atol = 1e-10, .jit = true});
    EXPECT_LE(max_abs_diff(replayed, fresh), 1e-12);
    EXPECT_LE(max_abs_diff(replayed, ode::odeint(f, y0, t, {.rtol = 1e-8, .atol = 1e-10})), 1e-12);
  }
  fx::Tensor y3 = fx::tensor({{1.0, 0.5}, {-0.3, 0.8}, {0.2, 0.1}}, fx::Float64).requires_grad_();
  *f.calls = 0;
  (void)grads_of(f, y3, t, cached);
  EXPECT_EQ(*f.calls, 2);  // a new shape: recorded
  EXPECT_NE(error_of([&] { (void)ode::odeint(f, y3, t, {.jit_cache = cache}); }).find("jit = true"), std::string::npos);
}

// Backward reads func's tensors as they are then; one changed in place since the solve is named.
TEST(JitGrad, ATensorChangedBeforeBackwardIsAnError) {
  Net f = net(fx::Float64);
  fx::Tensor y0 = fx::tensor({{1.0, 0.5}, {-0.3, 0.8}}, fx::Float64), t = fx::linspace(0.0, 1.0, 3);
  fx::Tensor ys = ode::odeint(f, y0, t, {.jit = true});
  {
    fx::NoGradGuard no_grad;
    f.b.add_(fx::scalar(1.0, fx::Float64));
  }
  EXPECT_NE(error_of([&] { (void)fx::autograd::grad({ys.sum()}, {f.W}); }).find("modified in place"),
            std::string::npos);
}
