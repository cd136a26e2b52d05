// SPDX-License-Identifier: MIT
// The engine's errors: each is a fluxion::Error that says what went wrong
// and how to fix it.
#include <gtest/gtest.h>

#include <cmath>

#include "fluxion.h"
#include "tensor/kernels/copy.h"

namespace fx = fluxion;
using fx::Tensor;

namespace {

Tensor vec(std::initializer_list<double> v) { return fx::tensor(v, fx::Float64); }

// Runs f, expects a fluxion::Error whose message contains every part.
template <class F>
void expect_error(F f, std::initializer_list<const char*> parts) {
  try {
    f();
    ADD_FAILURE() << "no error thrown";
  } catch (const fx::Error& e) {
    std::string msg = e.what();
    for (const char* part : parts) EXPECT_NE(msg.find(part), std::string::npos) << "'" << part << "' not in: " << msg;
  }
}

}  // namespace

TEST(EngineErrors, InPlaceChangeOfASavedTensor) {
  Tensor x = vec({1.0, 2.0}).requires_grad_();
  Tensor w = vec({3.0, 4.0});
  Tensor y = (x * w).sum();                  // MulBackward saves w
  fx::kernels::fill_(w.tensor_data(), 0.0);  // an in-place write bumps w's version
  expect_error([&] { y.backward(); }, {"MulBackward", "modified by an in-place operation", "version"});
}

TEST(EngineErrors, BackwardThroughAFreedGraph) {
  Tensor x = vec({1.0, 2.0}).requires_grad_();
  Tensor y = (x * x).sum();
  y.backward();
  expect_error([&] { y.backward(); }, {"already freed", "retain_graph"});
}

TEST(EngineErrors, NonScalarWithoutGradient) {
  Tensor x = fx::ones({2, 3}, fx::Float64).requires_grad_();
  Tensor y = x * 2.0;
  expect_error([&] { y.backward(); }, {"[2, 3]", "sum()"});
  expect_error([&] { (void)fx::autograd::grad({y}, {x}); }, {"[2, 3]"});
  expect_error([&] { y.backward(fx::ones({3}, fx::Float64)); }, {"[3]", "[2, 3]"});
}

TEST(EngineErrors, IntegerTensors) {
  Tensor i = fx::tensor(std::vector<int64_t>{1, 2}, {2});
  expect_error([&] { i.requires_grad_(); }, {"floating", "int64"});
  Tensor x = vec({1.5, 2.5}).requires_grad_();
  Tensor as_int = x.to(fx::Int64);  // integers carry no gradient
  EXPECT_FALSE(as_int.requires_grad());
  expect_error([&] { as_int.sum().backward(); }, {"does not require grad"});
}

TEST(EngineErrors, OutputThatDoesNotRequireGrad) {
  expect_error([&] { vec({1.0}).sum().backward(); }, {"does not require grad", "requires_grad_()"});
  Tensor x = vec({1.0}).requires_grad_();
  Tensor y;
  {
    fx::NoGradGuard no_grad;
    y = (x * 2.0).sum();
  }
  expect_error([&] { y.backward(); }, {"NoGradGuard"});
}

TEST(EngineErrors, AnomalyModeNamesTheOp) {
  Tensor x = vec({0.0, 1.0}).requires_grad_();
  Tensor y = x.log().sum();  // d/dx log x = 1/x is infinite at 0
  {
    fx::autograd::DetectAnomalyGuard anomaly;
    EXPECT_TRUE(fx::autograd::is_anomaly_enabled());
    expect_error([&] { y.backward({}, {.retain_graph = true}); }, {"LogBackward", "non-finite"});
  }
  EXPECT_FALSE(fx::autograd::is_anomaly_enabled());
  y.backward();  // without the guard the infinity simply flows
  EXPECT_TRUE(std::isinf(x.grad().at({0})));
}
