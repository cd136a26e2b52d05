// SPDX-License-Identifier: MIT
// What the nn tests that compare with PyTorch share: the inputs and parameter
// values that tests/nn/torch_reference*.py also build, elementwise comparison,
// and reading an Error's message.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "autograd/gradcheck.h"
#include "fluxion.h"

namespace nn_ref {

namespace fx = fluxion;

/// sin(a i + b) (or cos(a i)) over the elements of `shape`, in Float64.
inline fx::Tensor seq(const fx::Shape& shape, double a, double b, bool use_cos = false) {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  std::vector<double> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = use_cos ? std::cos(a * double(i)) : std::sin(a * double(i) + b);
  return fx::tensor(v, shape, fx::Float64);
}
/// The inputs x and the output weights u of the reference scripts.
inline fx::Tensor X(const fx::Shape& shape) { return seq(shape, 0.7, 0.3); }
inline fx::Tensor U(const fx::Shape& shape) { return seq(shape, 0.3, 0, true); }

/// Parameter number p (in registration order, PyTorch's) holds 0.5 sin(0.37 (i + 1) + 0.11 p).
inline void set_params(fx::nn::Module& m) {
  fx::NoGradGuard no_grad;
  int p = 0;
  for (auto& [name, t] : m.named_parameters()) {
    std::vector<double> v(t.numel());
    for (size_t i = 0; i < v.size(); ++i) v[i] = 0.5 * std::sin(0.37 * double(i + 1) + 0.11 * p);
    t.copy_(fx::tensor(v, t.shape(), fx::Float64));
    ++p;
  }
}

inline void expect_values(const fx::Tensor& t, const std::vector<double>& want, const std::string& what,
                          double tol = 1e-10) {
  std::vector<double> got = t.to_vector<double>();
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << what << " element " << i;
}

/// y = f(x) and the gradient of sum(u * y) against PyTorch's values, then gradcheck,
/// jvpcheck and gradgradcheck of f in Float64.
inline void expect_like_torch(const std::function<fx::Tensor(const fx::Tensor&)>& f, const fx::Shape& shape,
                              const std::vector<double>& y, const std::vector<double>& dx, const std::string& what) {
  fx::Tensor x = X(shape).requires_grad_();
  fx::Tensor out = f(x);
  (out * U(out.shape())).sum().backward();
  expect_values(out, y, what);
  expect_values(x.grad(), dx, what + " dx");
  fx::autograd::TensorFunction g = [&](const std::vector<fx::Tensor>& xs) { return f(xs[0]); };
  std::vector<fx::Tensor> x0 = {X(shape).requires_grad_()};
  EXPECT_TRUE(fx::autograd::gradcheck(g, x0)) << what;
  EXPECT_TRUE(fx::autograd::jvpcheck(g, x0)) << what;
  EXPECT_TRUE(fx::autograd::gradgradcheck(g, x0)) << what;
}

/// The message of the fluxion::Error that f throws, or "no error".
template <class F>
std::string error_message(F&& f) {
  try {
    f();
  } catch (const fx::Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace nn_ref
