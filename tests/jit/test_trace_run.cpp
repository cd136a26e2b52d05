// SPDX-License-Identifier: MIT
// Trace::run: the replay on flat arrays. A trace of elementwise ops, element
// moves and ops that write into a given array (matmul, linear) on a few
// numbers runs unrolled, bit for bit as its steps; any other runs its steps;
// both agree with calling the trace.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "autograd/error_of.h"
#include "fluxion.h"

namespace fx = fluxion;
using Args = std::vector<fx::Tensor>;

namespace {

// Selects, stack, cat, flip, reshapes, broadcasting against a captured
// [2, 3] tensor and a scalar, and the arithmetic ops.
struct Field {
  fx::Tensor w;
  Args operator()(const Args& in) const {
    const fx::Tensor &t = in[0], &y = in[1];
    fx::Tensor a = y.select(0, 0), b = y.select(0, 1), c = y.narrow(0, 2, 3);
    fx::Tensor ab = fx::stack({b, -a * t}, 0);                       // [2]
    fx::Tensor m = (c.reshape({1, 3}) * w - 0.5) / (1.0 + a * a);    // [2, 3], c broadcast over rows
    fx::Tensor r = fx::cat({ab, m.flip({1}).reshape({6}), c.flip({0}) - b}, 0);  // [11]
    return {r.narrow(0, 0, 5), m.transpose(0, 1)};                   // a contiguous range, a strided view
  }
};

template <class T>
std::vector<T> numbers(int64_t n, std::mt19937& rng) {
  std::uniform_real_distribution<double> u(-2, 2);
  std::vector<T> v((size_t)n);
  for (T& x : v) x = (T)u(rng);
  return v;
}

// run<T> at (t, y) next to the trace called on tensors of the same numbers: equal bit for bit.
template <class T>
void expect_run_matches_call(fx::jit::Trace& trace, T t, const std::vector<T>& y, fx::DType dtype) {
  std::vector<std::vector<T>> outs;
  Args want = trace({fx::scalar(t, dtype), fx::tensor(std::vector<double>(y.begin(), y.end()), {(int64_t)y.size()}, dtype)});
  for (const fx::Tensor& w : want) outs.emplace_back((size_t)w.numel());
  std::vector<const T*> in{&t, y.data()};
  std::vector<T*> out;
  for (auto& o : outs) out.push_back(o.data());
  trace.run<T>(in, out);
  for (size_t k = 0; k < want.size(); ++k) EXPECT_EQ(outs[k], want[k].contiguous().to_vector<T>()) << "output " << k;
}

template <class T>
void unrolled_matches_steps(fx::DType dtype) {
  Field f{fx::tensor({1.0, -2.0, 0.5, 3.0, 0.25, -1.5}, {2, 3}, dtype)};
  fx::jit::Trace trace = fx::jit::trace(f, {fx::scalar(0.5, dtype), fx::zeros({5}, dtype)});
  EXPECT_TRUE(trace.unrolled()) << trace.str();
  std::mt19937 rng(7);
  for (int k = 0; k < 5; ++k) expect_run_matches_call<T>(trace, (T)(0.3 * k), numbers<T>(5, rng), dtype);
  // and against the field run eagerly, on new numbers
  std::vector<T> y = numbers<T>(5, rng);
  Args eager = f({fx::scalar(1.25, dtype), fx::tensor(std::vector<double>(y.begin(), y.end()), {5}, dtype)});
  std::vector<T> r(5), m(6);
  T t = (T)1.25;
  trace.run<T>(std::vector<const T*>{&t, y.data()}, std::vector<T*>{r.data(), m.data()});
  EXPECT_EQ(r, eager[0].to_vector<T>());
  EXPECT_EQ(m, eager[1].contiguous().to_vector<T>());
}

TEST(TraceRun, UnrolledMatchesTheStepsBitForBit) {
  unrolled_matches_steps<double>(fx::Float64);
  unrolled_matches_steps<float>(fx::Float32);
}

// exp, log, tanh, sigmoid and sqrt expose their kernels' rules: unrolled (and
// fused), they give the kernels' bits, in the vectorised body and the tail.
template <class T>
void rules_match_kernels(fx::DType dtype) {
  auto f = [](const Args& in) {
    const fx::Tensor& x = in[0];
    return Args{x.tanh(), x.exp(), x.sigmoid(), (x * x).sqrt(), (x * x + 0.1).log()};
  };
  std::mt19937 rng(3);
  std::vector<T> x = numbers<T>(101, rng);
  for (T& v : x) v *= 6;
  fx::Tensor xt = fx::tensor(std::vector<double>(x.begin(), x.end()), {101}, dtype);
  fx::jit::Trace trace = fx::jit::trace(f, {fx::zeros({101}, dtype)});
  ASSERT_TRUE(trace.unrolled()) << trace.str();
  std::vector<std::vector<T>> got(5, std::vector<T>(101));
  std::vector<T*> out;
  for (auto& g : got) out.push_back(g.data());
  trace.run<T>(std::vector<const T*>{x.data()}, out);
  Args want = f({xt});
  for (size_t k = 0; k < want.size(); ++k) EXPECT_EQ(got[k], want[k].to_vector<T>()) << "output " << k;
}

TEST(TraceRun, UnaryRulesMatchTheirKernels) {
  rules_match_kernels<double>(fx::Float64);
  rules_match_kernels<float>(fx::Float32);
}

// A network on one state and its vector-Jacobian products (odeint_adjoint's
// augmented dynamics): linear and matmul write into their places in mem,
// reading operands where they live (a transposed weight, a row of a matrix).
template <class T>
void network_matches_steps(fx::DType dtype) {
  fx::manual_seed(5);
  fx::Tensor w1 = fx::randn({16, 3}, dtype), b1 = fx::randn({16}, dtype), w2 = fx::randn({3, 16}, dtype);
  fx::Tensor m = fx::randn({4, 3}, dtype);
  auto f = [&](const Args& in) {  // in: y [3], a [3]
    fx::Tensor y = in[0].detach().requires_grad_();
    fx::Tensor h = fx::linear(y, w1, b1).tanh();
    fx::Tensor dy = h.matmul(w2.t()) + m.select(0, 2) * y;  // [3]
    fx::Tensor vjp = fx::autograd::grad({dy}, {y}, {.grad_outputs = {in[1]}})[0];
    return Args{dy.detach(), vjp};
  };
  fx::jit::Trace trace = fx::jit::trace(f, {fx::zeros({3}, dtype), fx::zeros({3}, dtype)});
  ASSERT_TRUE(trace.unrolled()) << trace.str();
  std::mt19937 rng(11);
  for (int k = 0; k < 3; ++k) {
    std::vector<T> y = numbers<T>(3, rng), a = numbers<T>(3, rng), dy(3), vjp(3);
    trace.run<T>(std::vector<const T*>{y.data(), a.data()}, std::vector<T*>{dy.data(), vjp.data()});
    auto as_tensor = [&](const std::vector<T>& v) { return fx::tensor(std::vector<double>(v.begin(), v.end()), {3}, dtype); };
    Args steps = trace({as_tensor(y), as_tensor(a)}), eager = f({as_tensor(y), as_tensor(a)});
    EXPECT_EQ(dy, steps[0].to_vector<T>());
    EXPECT_EQ(vjp, steps[1].to_vector<T>());
    EXPECT_EQ(dy, eager[0].to_vector<T>());
    EXPECT_EQ(vjp, eager[1].to_vector<T>());
  }
}

TEST(TraceRun, UnrolledNetworkMatchesTheSteps) {
  network_matches_steps<double>(fx::Float64);
  network_matches_steps<float>(fx::Float32);
}

// The same on a batch of states, with y^3 in front and the gradients of the
// first layer's parameters (odeint_adjoint's): pow, and the sum over the batch
// in linear's bias gradient, write into their places too.
template <class T>
void batched_network_matches_steps(fx::DType dtype) {
  fx::manual_seed(6);
  fx::Tensor w1 = fx::randn({16, 2}, dtype).requires_grad_(), b1 = fx::randn({16}, dtype).requires_grad_();
  fx::Tensor w2 = fx::randn({2, 16}, dtype), b2 = fx::randn({2}, dtype);
  auto f = [&](const Args& in) {  // in: y [5, 2], a [5, 2]
    fx::Tensor y = in[0].detach().requires_grad_();
    fx::Tensor dy = fx::linear(fx::linear(y.pow(3), w1, b1).tanh(), w2, b2);
    std::vector<fx::Tensor> g = fx::autograd::grad({dy}, {y, w1, b1}, {.grad_outputs = {in[1]}});
    return Args{dy.detach(), g[0], g[1], g[2]};
  };
  fx::jit::Trace trace = fx::jit::trace(f, {fx::zeros({5, 2}, dtype), fx::zeros({5, 2}, dtype)});
  ASSERT_TRUE(trace.unrolled()) << trace.str();
  std::mt19937 rng(12);
  std::vector<T> y = numbers<T>(10, rng), a = numbers<T>(10, rng);
  std::vector<std::vector<T>> got{std::vector<T>(10), std::vector<T>(10), std::vector<T>(32), std::vector<T>(16)};
  trace.run<T>(std::vector<const T*>{y.data(), a.data()},
               std::vector<T*>{got[0].data(), got[1].data(), got[2].data(), got[3].data()});
  auto as_tensor = [&](const std::vector<T>& v) { return fx::tensor(std::vector<double>(v.begin(), v.end()), {5, 2}, dtype); };
  Args steps = trace({as_tensor(y), as_tensor(a)}), eager = f({as_tensor(y), as_tensor(a)});
  for (size_t k = 0; k < got.size(); ++k) {
    EXPECT_EQ(got[k], steps[k].contiguous().to_vector<T>()) << "output " << k;
    EXPECT_EQ(got[k], eager[k].contiguous().to_vector<T>()) << "output " << k;
  }
}

TEST(TraceRun, UnrolledBatchedNetworkMatchesTheSteps) {
  batched_network_matches_steps<double>(fx::Float64);
  batched_network_matches_steps<float>(fx::Float32);
}

// A view that reads numbers outside its input (as_strided from the start of
// its storage, past a slice) would read other values in mem: such a trace
// runs its steps. (The second input is strided when traced, so its views
// stay steps rather than becoming one view of a contiguous array.)
TEST(TraceRun, ViewsReachingPastTheirInputAreNotUnrolled) {
  auto f = [](const Args& in) { return Args{in[0] + fx::as_strided(in[1].narrow(0, 1, 2), {4}, {1}, 0) * 2.0}; };
  fx::Tensor strided = fx::zeros({4, 2}, fx::Float64).select(1, 0);
  fx::jit::Trace trace = fx::jit::trace(f, {fx::zeros({4}, fx::Float64), strided});
  EXPECT_FALSE(trace.unrolled()) << trace.str();
  std::vector<double> x{10, 20, 30, 40}, v{1, 2, 3, 4}, y(4);
  trace.run<double>(std::vector<const double*>{x.data(), v.data()}, std::vector<double*>{y.data()});
  EXPECT_EQ(y, (std::vector<double>{12, 24, 36, 48}));
}

// A captured tensor updated in place between runs is read again.
TEST(TraceRun, UnrolledRereadsACapturedTensorWrittenInPlace) {
  fx::Tensor w = fx::tensor({2.0, 3.0}, fx::Float64);
  fx::jit::Trace trace = fx::jit::trace([&](const Args& in) { return Args{in[0] * w}; }, {fx::zeros({2}, fx::Float64)});
  ASSERT_TRUE(trace.unrolled());
  std::vector<double> x{1.0, -1.0}, y(2);
  trace.run<double>(std::vector<const double*>{x.data()}, std::vector<double*>{y.data()});
  EXPECT_EQ(y, (std::vector<double>{2.0, -3.0}));
  w.mul_(fx::scalar(10.0, fx::Float64));
  trace.run<double>(std::vector<const double*>{x.data()}, std::vector<double*>{y.data()});
  EXPECT_EQ(y, (std::vector<double>{20.0, -30.0}));
}

// What depends on captured tensors alone (w's square, its transpose gathered,
// a broadcast of c) is computed when they are loaded, and again after one is
// written in place.
TEST(TraceRun, UnrolledRecomputesWhatCapturedTensorsDetermine) {
  fx::Tensor w = fx::tensor({{1.0, 2.0}, {3.0, 4.0}}, fx::Float64), c = fx::tensor({0.5}, fx::Float64);
  auto f = [&](const Args& in) { return Args{in[0] * (w * w).t() + c, (in[0] - c).flip({0})}; };
  fx::jit::Trace trace = fx::jit::trace(f, {fx::zeros({2, 2}, fx::Float64)});
  ASSERT_TRUE(trace.unrolled()) << trace.str();
  fx::Tensor x = fx::tensor({{1.0, -1.0}, {2.0, 0.5}}, fx::Float64);
  std::vector<double> xs = x.to_vector<double>(), y(4), z(4);
  for (int round = 0; round < 2; ++round) {
    trace.run<double>(std::vector<const double*>{xs.data()}, std::vector<double*>{y.data(), z.data()});
    Args want = f({x});
    EXPECT_EQ(y, want[0].to_vector<double>()) << round;
    EXPECT_EQ(z, want[1].to_vector<double>()) << round;
    w.mul_(fx::scalar(-2.0, fx::Float64));
    c.add_(fx::scalar(1.0, fx::Float64));
  }
}

// An input returned as it is, and a view of a strided example input (the
// arrays run() takes are row-major, as the copies a call makes).
TEST(TraceRun, UnrolledInputsAreRowMajor) {
  auto f = [](const Args& in) { return Args{in[0], in[0].select(1, 1) * 2.0}; };
  fx::Tensor strided = fx::arange(6, fx::Float64).reshape({3, 2}).transpose(0, 1);  // [2, 3], not contiguous
  fx::jit::Trace trace = fx::jit::trace(f, {strided});
  ASSERT_TRUE(trace.unrolled()) << trace.str();
  std::vector<double> x{1, 2, 3, 4, 5, 6}, same(6), col(2);
  trace.run<double>(std::vector<const double*>{x.data()}, std::vector<double*>{same.data(), col.data()});
  EXPECT_EQ(same, x);
  EXPECT_EQ(col, (std::vector<double>{4.0, 10.0}));  // x as [2, 3]: column 1 is (2, 5)
}

// A reduction is neither elementwise nor a move, and a big elementwise trace
// is worth its steps: run() replays the steps, incrementally as a call does.
TEST(TraceRun, OtherTracesRunTheirSteps) {
  auto f = [](const Args& in) { return Args{(in[0] * in[1]).sum(), in[0].sin() + in[1]}; };
  fx::jit::Trace trace = fx::jit::trace(f, {fx::zeros({3}, fx::Float64), fx::zeros({3}, fx::Float64)});
  EXPECT_FALSE(trace.unrolled());
  std::vector<double> x{0.5, 1.0, -1.0}, v{2.0, 0.0, 1.0}, s(1), e(3);
  trace.run<double>(std::vector<const double*>{x.data(), v.data()}, std::vector<double*>{s.data(), e.data()});
  Args want = f({fx::tensor(x, {3}, fx::Float64), fx::tensor(v, {3}, fx::Float64)});
  EXPECT_EQ(s, want[0].reshape({1}).to_vector<double>());
  EXPECT_EQ(e, want[1].to_vector<double>());
  size_t all = trace.steps_run();
  v[1] = 3.0;  // x unchanged: sin(x) does not re-run
  trace.run<double>(std::vector<const double*>{x.data(), v.data()}, std::vector<double*>{s.data(), e.data()});
  EXPECT_LT(trace.steps_run(), all);
  EXPECT_EQ(e, f({fx::tensor(x, {3}, fx::Float64), fx::tensor(v, {3}, fx::Float64)})[1].to_vector<double>());

  fx::jit::Trace big = fx::jit::trace([](const Args& in) { return Args{in[0] * in[0] + 1.0}; },
                                      {fx::zeros({100000}, fx::Float32)});
  EXPECT_FALSE(big.unrolled());
  std::vector<float> bx(100000, 3.0f), by(100000);
  big.run<float>(std::vector<const float*>{bx.data()}, std::vector<float*>{by.data()});
  EXPECT_EQ(by[99999], 10.0f);
}

TEST(TraceRun, WrongArraysAreNamedErrors) {
  fx::jit::Trace trace = fx::jit::trace([](const Args& in) { return Args{in[0] * 2.0}; }, {fx::zeros({2}, fx::Float64)});
  std::vector<double> y(2);
  std::vector<float> xf(2), yf(2);
  EXPECT_NE(error_of([&] { trace.run<double>(std::vector<const double*>{}, std::vector<double*>{y.data()}); })
                .find("takes 1 inputs and gives 1 outputs, got arrays for 0 and 1"),
            std::string::npos);
  EXPECT_NE(error_of([&] { trace.run<float>(std::vector<const float*>{xf.data()}, std::vector<float*>{yf.data()}); })
                .find("input 0 was traced as float64, not float32"),
            std::string::npos);
}

}  // namespace
