// SPDX-License-Identifier: MIT
// jit::trace: replays match eager autograd, re-run only what changed, and
// refuse what they cannot replay. (Every catalogue op is also traced with its
// VJP and replayed at new inputs: test_catalogue.cpp.)
#include <gtest/gtest.h>

#include <random>

#include "fluxion.h"

namespace fx = fluxion;
using Args = std::vector<fx::Tensor>;

namespace {

fx::Tensor rosenbrock(const fx::Tensor& x) {
  fx::Tensor pairs = x.reshape({-1, 2});
  fx::Tensor a = pairs.select(1, 0), b = pairs.select(1, 1);
  fx::Tensor u = b - a * a, v = 1.0 - a;
  return (100.0 * u * u + v * v).sum();
}

// x -> [f(x), grad f(x)]
Args value_and_grad(const Args& in) {
  fx::Tensor y = rosenbrock(in[0]);
  return {y, fx::autograd::grad({y}, {in[0]})[0]};
}

// (x, v) -> H(x) v, reverse over reverse
Args hvp(const Args& in) {
  fx::Tensor g = fx::autograd::grad({rosenbrock(in[0])}, {in[0]}, {.create_graph = true})[0];
  return fx::autograd::grad({g}, {in[0]}, {.grad_outputs = {in[1]}});
}

fx::Tensor vec(std::vector<double> v) { return fx::tensor(v, {(int64_t)v.size()}, fx::Float64); }
fx::Tensor leaf(std::vector<double> v) { return vec(std::move(v)).requires_grad_(); }

void expect_equal(const fx::Tensor& got, const fx::Tensor& want) {
  ASSERT_EQ(got.shape(), want.shape());
  std::vector<double> g = got.to_vector<double>(), w = want.to_vector<double>();
  for (size_t i = 0; i < g.size(); ++i) EXPECT_NEAR(g[i], w[i], 1e-13 * (1 + std::abs(w[i]))) << "element " << i;
}

TEST(Trace, ValueAndGradientMatchEagerAtNewPoints) {
  fx::jit::Trace t = fx::jit::trace(value_and_grad, {leaf({-1.2, 1.0, 0.3, -0.4})});
  EXPECT_GT(t.num_steps(), 10u);
  for (auto x : {std::vector<double>{0.5, 2.0, -1.0, 0.1}, std::vector<double>{1.0, 1.0, 1.0, 1.0}}) {
    Args got = t({vec(x)}), want = value_and_grad({leaf(x)});
    // everything that depends on x re-runs; steps on constants alone (the seed's expansion) never do
    EXPECT_GT(t.steps_run(), t.num_steps() / 2);
    EXPECT_LE(t.steps_run(), t.num_steps());
    expect_equal(got[0], want[0]);
    expect_equal(got[1], want[1]);
  }
}

TEST(Trace, UnchangedInputsRunNothing) {
  fx::jit::Trace t = fx::jit::trace(value_and_grad, {leaf({-1.2, 1.0})});
  Args first = t({vec({0.5, 2.0})});
  Args again = t({vec({0.5, 2.0})});
  EXPECT_EQ(t.steps_run(), 0u);
  expect_equal(again[1], first[1]);
  t({vec({-1.2, 1.0})});  // the traced point itself: also known
  t({vec({-1.2, 1.0})});
  EXPECT_EQ(t.steps_run(), 0u);
}

TEST(Trace, HvpAtTheSamePointRerunsOnlyTheVectorsPart) {
  // f = sum exp(sin x): H = diag(e^sin x (cos^2 x - sin x)), whose factors depend on x alone
  auto f_hvp = [](const Args& in) {
    fx::Tensor g = fx::autograd::grad({in[0].sin().exp().sum()}, {in[0]}, {.create_graph = true})[0];
    return fx::autograd::grad({g}, {in[0]}, {.grad_outputs = {in[1]}});
  };
  fx::jit::Trace t = fx::jit::trace(f_hvp, {leaf({0.1, 0.2}), vec({1.0, 0.0})});
  t({vec({0.5, 2.0}), vec({1.0, 0.0})});
  size_t full = t.steps_run();
  Args got = t({vec({0.5, 2.0}), vec({0.3, -0.7})});
  EXPECT_GT(t.steps_run(), 0u);
  EXPECT_LT(t.steps_run(), full);
  expect_equal(got[0], f_hvp({leaf({0.5, 2.0}), vec({0.3, -0.7})})[0]);
  auto h = [](double x) { return std::exp(std::sin(x)) * (std::cos(x) * std::cos(x) - std::sin(x)); };
  expect_equal(got[0], vec({h(0.5) * 0.3, h(2.0) * -0.7}));
  // Rosenbrock's Hessian at (0.5, 2): [[1200 a^2 - 400 b + 2, -400 a], [-400 a, 200]]
  fx::jit::Trace r = fx::jit::trace(hvp, {leaf({-1.2, 1.0}), vec({1.0, 0.0})});
  expect_equal(r({vec({0.5, 2.0}), vec({0.3, -0.7})})[0], vec({(1200 * 0.25 - 800 + 2) * 0.3 + 200 * 0.7, -200 * 0.3 - 200 * 0.7}));
}

TEST(Trace, ForwardModeInsideATraceReplays) {
  auto fwd_over_rev = [](const Args& in) {
    fx::forward_ad::DualLevel level;
    fx::Tensor y = rosenbrock(fx::forward_ad::make_dual(in[0], in[1]));
    fx::Tensor g = fx::autograd::grad({y}, {in[0]})[0];
    return Args{fx::forward_ad::unpack_dual(g).tangent};
  };
  fx::jit::Trace t = fx::jit::trace(fwd_over_rev, {leaf({-1.2, 1.0}), vec({1.0, 0.0})});
  expect_equal(t({vec({0.5, 2.0}), vec({0.3, -0.7})})[0], hvp({leaf({0.5, 2.0}), vec({0.3, -0.7})})[0]);
}

TEST(Trace, OpsNoOutputNeedsAreDropped) {
  auto wasteful = [](const Args& in) {
    fx::Tensor unused = (in[0].exp() * 3.0).sin();
    return Args{in[0] * 2.0};
  };
  fx::jit::Trace t = fx::jit::trace(wasteful, {vec({1.0, 2.0})});
  EXPECT_EQ(t.num_steps(), 1u);
  expect_equal(t({vec({3.0, 4.0})})[0], vec({6.0, 8.0}));
}

TEST(Trace, StrListsTheRecordedProgram) {
  fx::jit::Trace t = fx::jit::trace([](const Args& in) { return Args{(in[0] * in[0]).sum()}; }, {vec({1.0, 2.0})});
  EXPECT_EQ(t.str(), "%1[2] = Mul(%0[2], %0[2])\n%2[] = Sum(%1[2])\nreturn %2[]\n");
}

TEST(Trace, ProductsWithOnesAndRepeatedOpsAreDropped) {
  // ones and zeros made inside: the steps fold away and the output is the input
  fx::jit::Trace id = fx::jit::trace(
      [](const Args& in) { return Args{in[0] * fx::ones({2}, fx::Float64) + fx::zeros({2}, fx::Float64)}; },
      {vec({1.0, 2.0})});
  EXPECT_EQ(id.num_steps(), 0u);
  expect_equal(id({vec({3.0, 4.0})})[0], vec({3.0, 4.0}));
  // the same op on the same inputs, in either order when it commutes, runs once
  fx::jit::Trace cse = fx::jit::trace(
      [](const Args& in) { return Args{in[0].sin() * in[1] + in[1] * in[0].sin()}; }, {vec({1.0}), vec({2.0})});
  EXPECT_EQ(cse.num_steps(), 3u) << cse.str();  // Sin, Mul, Add
  expect_equal(cse({vec({0.5}), vec({3.0})})[0], vec({2 * 3.0 * std::sin(0.5)}));
  // the backward pass's seed of ones disappears from a gradient
  fx::jit::Trace g = fx::jit::trace(value_and_grad, {leaf({-1.2, 1.0})});
  EXPECT_EQ(g.str().find("Expand"), std::string::npos) << g.str();
}

// Runs of Add, Sub, Mul, Div, Neg become one fused step; values match the ops
// run one by one bit for bit, across blocks, strided and scalar operands, in
// both float dtypes, and intermediates read later are kept.
TEST(Trace, ElementwiseRunsAreFusedWithIdenticalResults) {
  auto f = [](const Args& in) {
    fx::Tensor pairs = in[0].reshape({-1, 2});
    fx::Tensor a = pairs.select(1, 0), b = pairs.select(1, 1);  // stride-2 views
    fx::Tensor u = (b - a * a) / (1.5 + a * a);
    fx::Tensor w = -(u * u * 3.0 + (2.0 - a) * b);
    return Args{u, w, in[1] * 2.0};  // u is read after the run: kept
  };
  for (fx::DType dt : {fx::Float64, fx::Float32}) {
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> U(-2, 2);
    auto make = [&](int64_t n) {
      std::vector<double> v(n);
      for (double& x : v) x = U(rng);
      return fx::tensor(v, {n}, fx::Float64).to(dt);
    };
    Args ex{make(1202), make(3)}, x{make(1202), make(3)};  // 601 pairs: two full blocks and a tail
    fx::jit::Trace t = fx::jit::trace(f, ex);
    // a * a once (CSE); all ten ops in one step, u and w kept
    EXPECT_NE(t.str().find("= Fused[Mul, Add, Sub, Div, Sub, Mul, Mul, Mul, Add, Neg]("), std::string::npos) << t.str();
    Args got = t(x), want = f(x);
    ASSERT_EQ(got.size(), 3u);
    for (size_t k = 0; k < 3; ++k) {
      ASSERT_EQ(got[k].shape(), want[k].shape());
      std::vector<double> g = got[k].to_vector<double>(), w = want[k].to_vector<double>();
      for (size_t i = 0; i < g.size(); ++i) ASSERT_EQ(g[i], w[i]) << fx::dtype_name(dt) << " output " << k << " at " << i;
    }
  }
  // traced on a strided example, replayed on contiguous inputs (and the other way)
  auto strided = [](const fx::Tensor& t) { return fx::stack({t, t * 0.5}, 1).select(1, 0); };
  Args ex{vec(std::vector<double>(1202, 0.25)), vec({1.0, 2.0, 3.0})},
      x{vec(std::vector<double>(1202, -0.75)), vec({3.0, 1.0, 2.0})};
  fx::jit::Trace ts = fx::jit::trace(f, {strided(ex[0]), ex[1]});
  for (const Args& in : {x, Args{strided(x[0]), x[1]}}) {
    Args got = ts(in), want = f(in);
    for (size_t k = 0; k < 3; ++k) EXPECT_EQ(got[k].to_vector<double>(), want[k].to_vector<double>()) << k;
  }
}

// Elementwise steps fuse across other steps: a step moves up into the group
// of its inputs' dependencies past steps that do not make what it reads, and
// a group moves down past steps that do not read it. Groups stay within one
// set of trace inputs, so a replay with only v changed skips x's part.
TEST(Trace, FusionGroupsReachAcrossOtherSteps) {
  auto hoisted = [](const Args& in) {
    fx::Tensor a = in[0] * in[0];  // x
    fx::Tensor s = a.sum();
    fx::Tensor b = in[1] * 2.0;  // v
    fx::Tensor c = a * b.sin();  // x and v, after the sin (not fused: no elementwise rule)
    fx::Tensor d = -b;           // v again: joins b's group, above the sin
    return Args{s, c - d};
  };
  auto moved = [](const Args& in) {
    fx::Tensor p = in[0] * in[1];      // x and v
    fx::Tensor r = in[1].sin() * 3.0;  // v, after the sin
    return Args{p + r};                // x and v: p's group moves below r
  };
  Args ex{vec({0.5, -1.0, 2.0}), vec({1.5, 0.25, -0.5})}, x{vec({1.1, 0.3, -2.0}), vec({0.7, -1.2, 0.4})};
  fx::jit::Trace th = fx::jit::trace(hoisted, ex), tm = fx::jit::trace(moved, ex);
  EXPECT_NE(th.str().find("= Fused[Mul, Neg]("), std::string::npos) << th.str();
  EXPECT_NE(th.str().find("= Fused[Mul, Sub]("), std::string::npos) << th.str();
  EXPECT_NE(tm.str().find("= Fused[Mul, Add]("), std::string::npos) << tm.str();
  for (auto [t, f] : {std::pair{&th, +hoisted}, std::pair{&tm, +moved}}) {
    Args got = (*t)(x), want = f(x);
    for (size_t k = 0; k < got.size(); ++k) EXPECT_EQ(got[k].to_vector<double>(), want[k].to_vector<double>());
  }
  th({x[0], ex[1]});  // only v changed: x * x and its sum do not re-run
  EXPECT_EQ(th.steps_run(), th.num_steps() - 2) << th.str();
  EXPECT_EQ(th({x[0], ex[1]})[1].to_vector<double>(), hoisted({x[0], ex[1]})[1].to_vector<double>());
}

// A chain of views becomes one view of the array it starts from; with a
// strided example input (replays get a contiguous copy) the chain is replayed op by op.
TEST(Trace, ViewChainsBecomeOneView) {
  auto f = [](const Args& in) { return Args{in[0].reshape({3, 4}).select(1, 2).slice(0, 1, 3) * 2.0}; };
  std::vector<double> v0(12), v1(12);
  for (int i = 0; i < 12; ++i) v0[i] = 0.5 * i, v1[i] = std::cos(i);
  fx::jit::Trace t = fx::jit::trace(f, {vec(v0)});
  EXPECT_EQ(t.str().rfind("%3[2] = View(%0[12])", 0), 0u) << t.str();
  EXPECT_EQ(t.num_steps(), 2u) << t.str();
  EXPECT_EQ(t({vec(v1)})[0].to_vector<double>(), f({vec(v1)})[0].to_vector<double>());
  fx::Tensor strided = vec(v0).reshape({4, 3}).transpose(0, 1).reshape({12});  // a copy: contiguous
  fx::Tensor column = fx::tensor(std::vector<double>(24, 1.0), {12, 2}, fx::Float64).select(1, 0);  // stride 2
  fx::jit::Trace ts = fx::jit::trace(f, {column});
  EXPECT_EQ(ts.str().find("View"), std::string::npos) << ts.str();
  EXPECT_EQ(ts({strided})[0].to_vector<double>(), f({strided})[0].to_vector<double>());
}

// The gradient of a tensor read through several views is a sum of scatters
// (SliceBackward, DiagonalBackward); summed by Adds, they become one Scatter
// step, which zero-fills only the elements no view covers and adds where
// views overlap. The gradients match eager autograd.
TEST(Trace, SummedScattersMergeIntoOneStep) {
  auto grad_of = [](auto f) { return [f](const Args& in) { return fx::autograd::grad({f(in[0])}, {in[0]}); }; };
  auto check = [](const fx::jit::Trace& t, const fx::Tensor& x, const Args& want, const std::string& program) {
    EXPECT_NE(t.str().find(program), std::string::npos) << t.str();
    expect_equal(const_cast<fx::jit::Trace&>(t)({x})[0], want[0]);
  };
  std::vector<double> x0{0.3, -1.2, 2.0, 0.7, -0.5, 1.1}, x1{1.5, 0.2, -0.8, 0.4, 2.2, -1.0};
  // thirds of x (x[0::3], x[1::3], x[2::3]) cover it exactly: no zero fill
  auto thirds = [](const fx::Tensor& x) {
    fx::Tensor p = x.reshape({-1, 3});
    return (p.select(1, 0) * p.select(1, 1) * p.select(1, 2).sin()).sum();
  };
  check(fx::jit::trace(grad_of(thirds), {leaf(x0)}), vec(x1), grad_of(thirds)({leaf(x1)}),
        "Scatter[SliceBackward, SliceBackward, Add, SliceBackward, Add]");
  // a pair's two columns interleave back, in float64 and float32
  auto pairs = [](const fx::Tensor& x) {
    fx::Tensor p = x.reshape({-1, 2});
    return (p.select(1, 0).exp() * p.select(1, 1)).sum();
  };
  check(fx::jit::trace(grad_of(pairs), {leaf(x0)}), vec(x1), grad_of(pairs)({leaf(x1)}),
        "Scatter[SliceBackward, SliceBackward, Add]");
  fx::Tensor x0f = vec(x0).to(fx::Float32).requires_grad_(), x1f = vec(x1).to(fx::Float32);
  fx::jit::Trace tf = fx::jit::trace(grad_of(pairs), {x0f});
  EXPECT_EQ(tf({x1f})[0].to_vector<float>(), grad_of(pairs)({x1f.detach().requires_grad_()})[0].to_vector<float>());
  // x[0::3] and x[1::3] leave x[2::3] out: zeros there
  auto two_thirds = [](const fx::Tensor& x) {
    fx::Tensor p = x.reshape({-1, 3});
    return (p.select(1, 0) * p.select(1, 1).exp()).sum();
  };
  std::vector<double> long0(600), long1(600);  // large enough for recycled (not fresh, zeroed) memory
  for (size_t i = 0; i < long0.size(); ++i) long0[i] = std::sin(0.1 * i), long1[i] = std::cos(0.3 * i);
  fx::jit::Trace t = fx::jit::trace(grad_of(two_thirds), {leaf(long0)});
  for (int replay = 0; replay < 3; ++replay)
    check(t, vec(replay % 2 ? long0 : long1), grad_of(two_thirds)({leaf(replay % 2 ? long0 : long1)}), "Scatter[");
  // x[0:4] and x[1:5] overlap on x[1:4] and leave x[5] out
  auto overlapping = [](const fx::Tensor& x) {
    return (x.slice(0, 0, 4).exp() + x.slice(0, 1, 5) * x.slice(0, 1, 5)).sum();
  };
  check(fx::jit::trace(grad_of(overlapping), {leaf(x0)}), vec(x1), grad_of(overlapping)({leaf(x1)}), "Scatter[");
  // a diagonal and a row of a matrix share one element
  auto diagonal_and_row = [](const fx::Tensor& x) {
    fx::Tensor a = x.reshape({2, 3});
    return (a.diagonal().pow(3.0).sum() + (a.select(0, 1) * 2.0).exp().sum());
  };
  check(fx::jit::trace(grad_of(diagonal_and_row), {leaf(x0)}), vec(x1), grad_of(diagonal_and_row)({leaf(x1)}),
        "Scatter[DiagonalBackward, SliceBackward, Add]");
}

// A fused step whose values only a scatter reads (through reshapes) writes
// them straight into the scatter's output: a pair's columns interleaved, a
// triple's strided. Values are bit for bit those of eager autograd.
TEST(Trace, FusedStepsWriteTheScattersTheirValuesFeed) {
  auto pairs = [](const fx::Tensor& x) {
    fx::Tensor p = x.reshape({-1, 2});
    fx::Tensor a = p.select(1, 0), b = p.select(1, 1);
    return (a * a * b - 3.0 * b).sum();
  };
  auto triples = [](const fx::Tensor& x) {
    fx::Tensor p = x.reshape({-1, 3});
    fx::Tensor a = p.select(1, 0), b = p.select(1, 1), c = p.select(1, 2);
    return (a * b * c + a * a).sum();
  };
  auto grad_of = [](auto f) { return [f](const Args& in) { return fx::autograd::grad({f(in[0])}, {in[0]}); }; };
  for (fx::DType dt : {fx::Float64, fx::Float32}) {
    std::vector<double> v0(1206), v1(1206);  // 603 pairs, 402 triples: full blocks and a tail
    for (size_t i = 0; i < v0.size(); ++i) v0[i] = std::sin(0.7 * i), v1[i] = std::cos(0.3 * i) - 0.2;
    for (auto [f, name] : {std::pair{+pairs, "pairs"}, std::pair{+triples, "triples"}}) {
      fx::jit::Trace t = fx::jit::trace(grad_of(f), {vec(v0).to(dt).requires_grad_()});
      EXPECT_NE(t.str().find(", Scatter[SliceBackward, SliceBackward, Add"), std::string::npos) << t.str();
      EXPECT_EQ(t.str().find("= Scatter"), std::string::npos) << t.str();
      for (const auto& v : {v1, v0, v1}) {
        fx::Tensor x = vec(v).to(dt);
        std::vector<double> got = t({x})[0].to(fx::Float64).to_vector<double>();
        std::vector<double> want = grad_of(f)({x.detach().requires_grad_()})[0].to(fx::Float64).to_vector<double>();
        EXPECT_EQ(got, want) << name << " " << fx::dtype_name(dt);
      }
    }
  }
}

// A replay writes over the arrays of its last values only when nothing else
// holds them: outputs (or views of them) kept from earlier replays stay as they were.
TEST(Trace, ReplaysReuseOnlyArraysNoOneElseHolds) {
  std::vector<double> x1(600), x2(600), x3(600);
  for (size_t i = 0; i < 600; ++i) x1[i] = std::sin(0.1 * i), x2[i] = std::cos(0.2 * i), x3[i] = 0.001 * i;
  fx::jit::Trace t = fx::jit::trace(value_and_grad, {leaf(x1)});
  Args first = t({vec(x1)});
  fx::Tensor view = t({vec(x2)})[1].reshape({-1, 2});  // only a view of the second gradient is kept
  std::vector<double> kept = first[1].to_vector<double>(), kept_view = view.reshape({-1}).to_vector<double>();
  for (int k = 0; k < 3; ++k) {
    Args now = t({vec(k % 2 ? x1 : x3)});
    expect_equal(now[1], value_and_grad({leaf(k % 2 ? x1 : x3)})[1]);
  }
  EXPECT_EQ(first[1].to_vector<double>(), kept);
  EXPECT_EQ(view.reshape({-1}).to_vector<double>(), kept_view);
  expect_equal(first[1], value_and_grad({leaf(x1)})[1]);
}

TEST(Trace, ACapturedTensorOfOnesIsNotFolded) {
  fx::Tensor w = fx::ones({2}, fx::Float64);  // held outside: it may change between replays
  fx::jit::Trace t = fx::jit::trace([&](const Args& in) { return Args{in[0] * w}; }, {vec({1.0, 2.0})});
  EXPECT_EQ(t.num_steps(), 1u);
  w.mul_(2.0);
  expect_equal(t({vec({1.0, 2.0})})[0], vec({2.0, 4.0}));
}

TEST(Trace, ACapturedTensorWrittenInPlaceIsReadAnew) {
  fx::Tensor w = vec({1.0, 2.0});
  fx::jit::Trace t = fx::jit::trace([&](const Args& in) { return Args{(in[0] * w).sum()}; }, {vec({1.0, 1.0})});
  EXPECT_DOUBLE_EQ(t({vec({1.0, 1.0})})[0].item(), 3.0);
  w.mul_(10.0);
  EXPECT_DOUBLE_EQ(t({vec({1.0, 1.0})})[0].item(), 30.0);
  EXPECT_GT(t.steps_run(), 0u);
}

TEST(Trace, AnOutputWrittenInPlaceIsRecomputed) {
  fx::jit::Trace t = fx::jit::trace([](const Args& in) { return Args{in[0] * 2.0}; }, {vec({1.0, 2.0})});
  fx::Tensor y = t({vec({3.0, 4.0})})[0];
  y.fill_(0);
  expect_equal(t({vec({3.0, 4.0})})[0], vec({6.0, 8.0}));
}

TEST(Trace, AFailingReplayLeavesTheTraceUsable) {
  // cholesky fails on a matrix that is not positive definite
  auto chol = [](const Args& in) { return Args{fx::linalg::cholesky(in[0])}; };
  fx::jit::Trace t = fx::jit::trace(chol, {fx::eye(2, 2, fx::Float64)});
  fx::Tensor bad = fx::tensor({1.0, 2.0, 2.0, 1.0}, {2, 2}, fx::Float64);
  EXPECT_THROW(t({bad}), fx::Error);
  fx::Tensor spd = fx::tensor({4.0, 0.0, 0.0, 9.0}, {2, 2}, fx::Float64);
  expect_equal(t({spd})[0].reshape({-1}), vec({2.0, 0.0, 0.0, 3.0}));
}

void expect_error(const std::function<void()>& fn, const std::string& part) {
  try {
    fn();
    ADD_FAILURE() << "no error; expected one containing \"" << part << "\"";
  } catch (const fx::Error& e) {
    EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
  }
}

TEST(Trace, ReadingATracedValueIsAnError) {
  auto branches = [](const Args& in) { return Args{in[0].sum().item() > 0 ? in[0] : -in[0]}; };
  expect_error([&] { fx::jit::trace(branches, {vec({1.0})}); }, "item() reads the value of a tensor");
  auto reads = [](const Args& in) { return Args{fx::scalar(in[0].to_vector<double>()[0], fx::Float64)}; };
  expect_error([&] { fx::jit::trace(reads, {vec({1.0})}); }, "to_vector()");
  EXPECT_FALSE(fx::jit::detail::recording());  // the recorder is gone after the error
}

TEST(Trace, WritingATracedValueInPlaceIsAnError) {
  auto writes = [](const Args& in) {
    fx::Tensor y = in[0] * 2.0;
    y.add_(in[0]);
    return Args{y};
  };
  expect_error([&] { fx::jit::trace(writes, {vec({1.0})}); }, "written in place");
}

TEST(Trace, BadCallsAreErrors) {
  fx::jit::Trace t = fx::jit::trace([](const Args& in) { return Args{in[0] + in[1]}; }, {vec({1.0}), vec({2.0})});
  expect_error([&] { t({vec({1.0})}); }, "takes 2 inputs, got 1");
  expect_error([&] { t({vec({1.0, 2.0}), vec({1.0})}); }, "recorded with shape [1]");
  expect_error([&] { t({vec({1.0}), fx::tensor({1.0}, {1}, fx::Float32)}); }, "float32");
  fx::Tensor x = vec({1.0});
  expect_error([&] { fx::jit::trace([](const Args& in) { return in; }, {x, x}); }, "same tensor");
  auto nested = [](const Args& in) {
    fx::jit::trace([](const Args& a) { return a; }, {vec({0.0})});
    return in;
  };
  expect_error([&] { fx::jit::trace(nested, {vec({1.0})}); }, "do not nest");
}

}  // namespace
