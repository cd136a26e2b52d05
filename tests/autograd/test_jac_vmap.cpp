// SPDX-License-Identifier: MIT
// func::jacrev, func::jacfwd and func::hessian (vmap over an identity) in
// Float64, against a per-row loop of func::vjp, central finite differences,
// and the per-row Hessian (one reverse pass over the gradient per row);
// shapes as torch.func; errors for bad argnums and outputs.
#include <gtest/gtest.h>

#include "error_of.h"
#include "expect_close.h"
#include "fluxion.h"

namespace fx = fluxion;
using fx::Tensor;
using Many = std::vector<Tensor>;

namespace {

fx::Shape joined(fx::Shape a, const fx::Shape& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// A tensor of `like`'s shape, zero but for `value` at flat index k.
Tensor basis(const Tensor& like, int64_t k, double value = 1) {
  std::vector<double> e(like.numel(), 0.0);
  e[k] = value;
  return fx::tensor(e, like.shape(), fx::Float64);
}

// The Jacobian row by row: one func::vjp pullback per output element.
Tensor loop_jacobian(const std::function<Tensor(const Tensor&)>& f, const Tensor& x) {
  auto [y, pullback] = fx::func::vjp(f, x);
  Many rows;
  for (int64_t r = 0; r < y.numel(); ++r) rows.push_back(pullback(basis(y, r))[0]);
  return fx::stack(rows).reshape(joined(y.shape(), x.shape()));
}

// The Jacobian by central differences, column by column.
Tensor fd_jacobian(const std::function<Tensor(const Tensor&)>& f, const Tensor& x, double eps = 1e-6) {
  Tensor y = f(x);
  Many cols;
  for (int64_t k = 0; k < x.numel(); ++k) {
    Tensor h = basis(x, k, eps);
    cols.push_back(((f(x + h) - f(x - h)) / (2 * eps)).reshape({-1}));
  }
  return fx::stack(cols, 1).reshape(joined(y.shape(), x.shape()));
}

// The per-row Hessian: the gradient recorded once (func::vjp of func::grad),
// then one reverse pass over its graph per row.
Tensor per_row_hessian(const std::function<Tensor(const Tensor&)>& f, const Tensor& x) {
  return loop_jacobian(fx::func::grad(f), x);
}

const Tensor W1 = fx::randn({4, 3}, fx::Float64), W2 = fx::randn({2, 4}, fx::Float64);

Tensor elementwise(const Tensor& x) { return x.sin() * x.exp() + x * x; }                        // [3] -> [3]
Tensor mlp(const Tensor& x) { return W2.matmul(W1.matmul(x).tanh()).tanh(); }                    // [3] -> [2]
Tensor reduction(const Tensor& x) { return (x * x.exp()).logsumexp(1) + x.sum(1); }              // [2, 3] -> [2]
Tensor two_dims(const Tensor& x) { return W1.matmul(x.reshape({3, 2})).sin().narrow(0, 0, 3); }  // [2, 3] -> [3, 2]
Tensor scalar_loss(const Tensor& x) { return (W1.matmul(x).tanh() * x.sum()).pow(2.0).mean(); }  // [3] -> []

struct Case {
  const char* name;
  Tensor (*f)(const Tensor&);
  fx::Shape in, out;
};
const Case cases[] = {{"elementwise", elementwise, {3}, {3}},
                      {"mlp", mlp, {3}, {2}},
                      {"reduction", reduction, {2, 3}, {2}},
                      {"two_dims", two_dims, {2, 3}, {3, 2}},
                      {"scalar_loss", scalar_loss, {3}, {}}};

}  // namespace

TEST(JacVmap, JacrevAndJacfwdEqualTheRowLoopAndFiniteDifferences) {
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Tensor x = fx::randn(c.in, fx::Float64);
    Tensor rev = fx::func::jacrev(c.f)(x), fwd = fx::func::jacfwd(c.f)(x);
    ASSERT_EQ(rev.shape(), joined(c.out, c.in));  // torch.func: out.shape + in.shape
    ASSERT_EQ(fwd.shape(), joined(c.out, c.in));
    Tensor loop = loop_jacobian(c.f, x);
    expect_close(rev, loop, 1e-12);
    expect_close(fwd, loop, 1e-12);
    expect_close(rev, fd_jacobian(c.f, x), 1e-6);
    // func::jacobian shares the implementation.
    expect_close(fx::func::jacobian(c.f, x), rev, 0);
    expect_close(fx::func::jacobian(c.f, x, {.forward_mode = true}), fwd, 0);
  }
}

TEST(JacVmap, ArgnumsPicksOneInputOfSeveral) {
  Tensor a = fx::randn({2, 3}, fx::Float64), b = fx::randn({3}, fx::Float64);
  auto f = [](const Many& xs) { return xs[0].matmul(xs[1]).tanh() * xs[1].sum(); };  // [2]
  for (int64_t argnum : {0, 1}) {
    SCOPED_TRACE(argnum);
    Tensor x = argnum == 0 ? a : b;
    auto of_one = [&](const Tensor& t) { return argnum == 0 ? f({t, b}) : f({a, t}); };
    Tensor rev = fx::func::jacrev(f, argnum)(Many{a, b}), fwd = fx::func::jacfwd(f, argnum)(Many{a, b});
    ASSERT_EQ(rev.shape(), joined({2}, x.shape()));
    expect_close(rev, loop_jacobian(of_one, x), 1e-12);
    expect_close(fwd, rev, 1e-12);
  }
  Many all = fx::func::jacobian(f, Many{a, b}), all_fwd = fx::func::jacobian(f, Many{a, b}, {.forward_mode = true});
  expect_close(all[0], fx::func::jacrev(f, 0)(Many{a, b}), 1e-12);
  expect_close(all[1], fx::func::jacrev(f, 1)(Many{a, b}), 1e-12);
  expect_close(all_fwd[0], all[0], 1e-12);
  expect_close(all_fwd[1], all[1], 1e-12);
}

TEST(JacVmap, HessianEqualsFiniteDifferencesOfTheGradientAndThePerRowHessian) {
  auto mlp_loss = [](const Tensor& x) { return (mlp(x) * mlp(x)).sum() + x.pow(3.0).sum(); };
  auto matrix_loss = [](const Tensor& x) { return (x.matmul(x.t()).tanh() * x.sum()).sum(); };  // x [2, 3]
  std::vector<std::pair<std::function<Tensor(const Tensor&)>, fx::Shape>> fs = {
      {scalar_loss, {3}}, {mlp_loss, {3}}, {matrix_loss, {2, 3}}};
  for (const auto& [f, shape] : fs) {
    Tensor x = fx::randn(shape, fx::Float64);
    Tensor H = fx::func::hessian(f, x);
    ASSERT_EQ(H.shape(), joined(shape, shape));  // torch.func: in.shape + in.shape for a scalar output
    expect_close(H, per_row_hessian(f, x), 1e-11);
    expect_close(H, fd_jacobian(fx::func::grad(f), x), 1e-6);
    expect_close(H, fx::func::jacfwd(fx::func::jacrev(f))(x), 1e-12);
    expect_close(H, fx::func::jacrev(fx::func::jacrev(f))(x), 1e-11);
    expect_close(H.reshape({x.numel(), x.numel()}), H.reshape({x.numel(), x.numel()}).t(), 1e-11);
  }
}

TEST(JacVmap, HessianOfSeveralInputsEqualsThePerRowBlocks) {
  auto f = [](const Many& xs) { return (xs[0].matmul(xs[1]).tanh() * xs[0].sum(1)).sum() * xs[1].sum(); };
  Tensor a = fx::randn({2, 3}, fx::Float64), b = fx::randn({3}, fx::Float64);
  std::vector<std::vector<Tensor>> H = fx::func::hessian(f, Many{a, b});
  Many xs{a, b};
  for (size_t i = 0; i < 2; ++i)
    for (size_t j = 0; j < 2; ++j) {
      SCOPED_TRACE(std::to_string(i) + "," + std::to_string(j));
      // Block (i, j): the Jacobian w.r.t. x_j of ∂f/∂x_i, by rows.
      auto grad_i = [&, i, j](const Tensor& t) {
        Many args = xs;
        args[j] = t;
        return fx::func::grad(f)(args)[i];
      };
      ASSERT_EQ(H[i][j].shape(), joined(xs[i].shape(), xs[j].shape()));
      expect_close(H[i][j], loop_jacobian(grad_i, xs[j]), 1e-11);
    }
}

TEST(JacVmap, VmapOfJacrevAndJacfwdEqualsALoop) {
  Tensor xs = fx::randn({5, 3}, fx::Float64);
  Many want;
  for (int64_t b = 0; b < 5; ++b) want.push_back(loop_jacobian(mlp, xs[b]));
  expect_close(fx::func::vmap(fx::func::jacrev(mlp))(xs), fx::stack(want), 1e-12);
  expect_close(fx::func::vmap(fx::func::jacfwd(mlp))(xs), fx::stack(want), 1e-12);
}

// With W requiring grad, jacfwd records the graph of its batched tangents,
// which leads back to the nodes of exp and tanh (their tangents are computed
// from their outputs); those nodes must not keep the tangents in turn.
TEST(JacVmap, JacfwdFreesTheGraphOfAFunctionWithAParameter) {
  Tensor W = fx::randn({3, 3}, fx::Float64).requires_grad_(), x = fx::randn({3}, fx::Float64);
  std::weak_ptr<fx::Node> exp_node, tanh_node;
  auto f = [&](const Tensor& t) {
    Tensor e = (W.matmul(t)).exp(), y = e.tanh();
    exp_node = e.grad_fn();
    tanh_node = y.grad_fn();
    return y;
  };
  Tensor want = loop_jacobian(f, x);
  expect_close(fx::func::jacfwd(f)(x), want, 1e-12);
  EXPECT_TRUE(exp_node.expired());
  EXPECT_TRUE(tanh_node.expired());
}

TEST(JacVmap, ResultsStayDifferentiableUnderAnOuterGrad) {
  // d/dx sum(J(x)) for f = sin: J = diag(cos x), so the gradient is -sin x.
  Tensor x = fx::randn({3}, fx::Float64);
  auto sin = [](const Tensor& t) { return t.sin(); };
  Tensor g = fx::func::grad([&](const Tensor& t) { return fx::func::jacrev(sin)(t).sum(); })(x);
  expect_close(g, -x.sin(), 1e-12);
  Tensor gf = fx::func::grad([&](const Tensor& t) { return fx::func::jacfwd(sin)(t).sum(); })(x);
  expect_close(gf, -x.sin(), 1e-12);
}

TEST(JacVmap, ClearErrors) {
  Tensor x = fx::randn({3}, fx::Float64);
  auto f = [](const Many& xs) { return xs[0] * xs[1]; };
  std::string e = error_of([&] { (void)fx::func::jacrev(f, 2)(Many{x, x}); });
  EXPECT_NE(e.find("func::jacrev: argnums 2 is out of range for a function of 2 inputs"), std::string::npos) << e;
  e = error_of([&] { (void)fx::func::jacfwd(elementwise, -1)(x); });
  EXPECT_NE(e.find("func::jacfwd: argnums -1 is out of range for a function of 1 input"), std::string::npos) << e;
  // The C++ analogue of a non-Tensor output: an undefined tensor.
  e = error_of([&] { (void)fx::func::jacrev([](const Tensor&) { return Tensor(); })(x); });
  EXPECT_NE(e.find("func::jacrev: the function returned an undefined tensor"), std::string::npos) << e;
  e = error_of([&] { (void)fx::func::jacfwd([](const Tensor&) { return Tensor(); })(x); });
  EXPECT_NE(e.find("func::jacfwd: the function returned an undefined tensor"), std::string::npos) << e;
  e = error_of([&] { (void)fx::func::jacrev(elementwise)(fx::tensor(std::vector<int64_t>{1, 2}, {2})); });
  EXPECT_NE(e.find("func::jacrev: input 0 has dtype int64"), std::string::npos) << e;
  e = error_of([&] { (void)fx::func::hessian(elementwise, x); });
  EXPECT_NE(e.find("func::hessian: f must return a single element, got shape [3]"), std::string::npos) << e;
}
