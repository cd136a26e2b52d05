// SPDX-License-Identifier: MIT
// Lesson 3 — The fundamental theorem of calculus.
//
// Part I: the running integral F(x) = ∫ₐˣ f(t) dt has derivative F′(x) = f(x).
// Part II: ∫ₐᵇ f(t) dt = G(b) − G(a) for any antiderivative G. Numerically the
// two directions become quadrature (trapezoid, Simpson: sums that approximate
// areas, with errors O(h²) and O(h⁴)) and differentiation; a quadrature built
// from differentiable tensor ops can itself be differentiated by autograd, and
// the result is the integrand at the upper limit, up to the quadrature error.
//
// Why ML cares: likelihoods and CDFs are integrals of densities, regularizers
// integrate over inputs, and reparameterised expectations are integrals whose
// gradients training needs; differentiable quadrature gives those gradients.
#include <cmath>
#include <cstdio>
#include <numbers>
#include <vector>

#include "examples/lessons/lesson.h"

namespace fx = fluxion;
namespace plot = fluxion::plot;

namespace {

constexpr int kLesson = 3;

// The standard normal density φ(t) = exp(−t²/2) / √(2π).
fx::Tensor normal_pdf(const fx::Tensor& t) {
  return (-0.5 * t.square()).exp() / std::sqrt(2 * std::numbers::pi);
}

// Φ(b) − Φ(a) = (erf(b/√2) − erf(a/√2)) / 2, the exact normal probability.
double normal_mass(double a, double b) {
  const fx::Tensor ends = fx::tensor({a, b}, fx::Float64) / std::numbers::sqrt2;
  const fx::Tensor cdf = 0.5 * (1.0 + ends.erf());
  return cdf.at({1}) - cdf.at({0});
}

// Composite Simpson's rule on an odd number of evenly spaced samples (an even
// number of intervals): h/3 (y₀ + 4y₁ + 2y₂ + 4y₃ + ... + 4y_{n−2} + y_{n−1}).
// page:begin Demo 1
fx::Tensor simpson(const fx::Tensor& y, const fx::Tensor& x) {
  const int64_t n = y.numel();
  fx::check(n >= 3 && n % 2 == 1, "simpson: needs an odd number (>= 3) of samples, got ", n);
  const double h = (x.at({n - 1}) - x.at({0})) / static_cast<double>(n - 1);
  const fx::Tensor odd = y.slice(0, 1, n - 1, 2).sum();
  const fx::Tensor even_inner = y.slice(0, 2, n - 1, 2).sum();
  return h / 3 * (y[0] + 4 * odd + 2 * even_inner + y[n - 1]);
}
// page:end

// Demo 1: the mass of the standard normal on [−1, 1] from 2001 samples by the
// trapezoid rule and by Simpson's rule, against Φ(1) − Φ(−1). The trapezoid
// underestimates (φ is concave there) by 4e-8; Simpson is exact to ~1e-14.
void demo_normal_area() {
  lesson::section("Demo 1: area under the standard normal on [-1, 1]");
  const fx::Tensor xs = fx::linspace(-1, 1, 2001, fx::Float64);
  // page:begin Demo 1
  const fx::Tensor pdf = normal_pdf(xs);
  const double trap = fx::trapezoid(pdf, xs).item();
  const double simp = simpson(pdf, xs).item();
  // page:end
  const double exact = normal_mass(-1, 1);
  std::printf("Trapezoid  ≈ %.8f\n", trap);
  std::printf("Simpson    ≈ %.8f\n", simp);
  std::printf("Exact      = %.8f\n", exact);
  std::printf("exact to 10 digits: %.10f; trapezoid error %.3e, Simpson error %.2e\n", exact, trap - exact,
              simp - exact);
}

// ∫₀ˣ sin t dt by the trapezoid rule on n nodes t = s·x, s evenly spaced in
// [0, 1]: the nodes move with x, so autograd differentiates through both the
// integrand values and the spacing.
// page:begin Demo 2
fx::Tensor integral_sin(const fx::Tensor& x, int64_t n = 1000) {
  const fx::Tensor t = fx::linspace(0, 1, n, fx::Float64) * x;
  return fx::trapezoid(t.sin(), t);
}
// page:end

// Demo 2: autograd checks Part I. dF/dx at x = 1.2 should be sin 1.2; it is,
// up to the O(1/n²) quadrature error (2.4e-7 for n = 1000, 2.4e-9 for 10000).
void demo_ftc_autograd() {
  lesson::section("Demo 2: autograd differentiates a quadrature");
  // page:begin Demo 2
  fx::Tensor x = fx::scalar(1.2, fx::Float64).requires_grad_();
  const fx::Tensor F = integral_sin(x);
  F.backward();
  // page:end
  std::printf("Integral F(1.2) ≈ %.8f\n", F.item());
  std::printf("autograd dF/dx  ≈ %.8f\n", x.grad().item());
  std::printf("analytic sin(1.2)= %.8f\n", std::sin(1.2));
  std::printf("exact 1 - cos(1.2) = %.8f; F error %.1e\n", 1 - std::cos(1.2), F.item() - (1 - std::cos(1.2)));
  std::printf("gap |dF/dx - sin(1.2)| (n = 1000) = %.2e\n", std::abs(x.grad().item() - std::sin(1.2)));
  fx::Tensor x2 = fx::scalar(1.2, fx::Float64).requires_grad_();
  integral_sin(x2, 10000).backward();
  std::printf("gap |dF/dx - sin(1.2)| (n = 10000) = %.2e\n", std::abs(x2.grad().item() - std::sin(1.2)));
}

// Exercise 1: the errors of both rules on [−1, 1] for N = 201, 401, ..., 2001
// samples. On a log-log plot they are lines of slope −2 (trapezoid) and −4
// (Simpson, until it reaches round-off).
void exercise_1() {
  lesson::section("Exercise 1: quadrature error vs number of samples");
  const double exact = normal_mass(-1, 1);
  plot::Vec ns, err_trap, err_simp;
  std::printf("%6s | %12s | %12s\n", "N", "trapezoid", "Simpson");
  // page:begin Exercise 1
  for (int n = 201; n <= 2001; n += 200) {
    const fx::Tensor xs = fx::linspace(-1, 1, n, fx::Float64);
    const fx::Tensor pdf = normal_pdf(xs);
    ns.push_back(n);
    err_trap.push_back(std::abs(fx::trapezoid(pdf, xs).item() - exact));
    err_simp.push_back(std::abs(simpson(pdf, xs).item() - exact));
    std::printf("%6d | %12.3e | %12.3e\n", n, err_trap.back(), err_simp.back());
  // page:end
  }
  // Slopes in log-log: over the whole range for the trapezoid, over 201..801
  // for Simpson (before round-off flattens it).
  const auto slope = [&](const plot::Vec& e, size_t i, size_t j) {
    return std::log(e[j] / e[i]) / std::log(ns[j] / ns[i]);
  };
  std::printf("log-log slope: trapezoid %.2f, Simpson %.2f\n", slope(err_trap, 0, 9), slope(err_simp, 0, 3));

  plot::Figure fig(6, 4, 80);
  auto& ax = fig.ax();
  ax.plot(ns, err_trap, "o-", {.label = "Trapezoid"});
  ax.plot(ns, err_simp, "s-", {.label = "Simpson"});
  ax.set_xscale("log");
  ax.set_yscale("log");
  ax.set_xlabel("Number of samples (N)");
  ax.set_ylabel("Absolute error");
  ax.set_title("Accuracy vs. N  for ∫ φ(t) dt on [−1, 1]");
  ax.legend();
  lesson::save(fig, kLesson, "ex_1.png");
}

// Exercise 2: the same check with tanh, for seven x at once: the node matrix
// is outer(x, s) (one row of nodes per x), trapezoid along the last dim, and
// one backward pass of F.sum() gives every dF_i/dx_i (the rows are
// independent). The derivative of ∫₀ˣ tanh is tanh x (not 1 − tanh² x).
void exercise_2() {
  lesson::section("Exercise 2: d/dx of the integral of tanh, batched");
  // page:begin Exercise 2
  fx::Tensor xs = fx::tensor({-2.0, -1.0, -0.3, 0.0, 0.5, 1.2, 2.3}, fx::Float64).requires_grad_();
  const fx::Tensor t = xs.outer(fx::linspace(0, 1, 2000, fx::Float64));  // [7, 2000]
  const fx::Tensor F = fx::trapezoid(t.tanh(), t, -1);                   // [7]
  F.sum().backward();
  const fx::Tensor grad_auto = xs.grad();
  // page:end
  const fx::Tensor grad_true = xs.detach().tanh();
  std::printf("%7s | %12s | %12s | abs err\n", "x", "autograd", "analytic");
  std::printf("--------------------------------------------------\n");
  for (int64_t i = 0; i < xs.numel(); ++i)
    std::printf("%7.2f | %12.8f | %12.8f | %.2e\n", xs.at({i}), grad_auto.at({i}), grad_true.at({i}),
                std::abs(grad_auto.at({i}) - grad_true.at({i})));
  std::printf("tanh: max abs err = %.2e\n", (grad_auto - grad_true).abs().max().item());
}

// Exercise 3: G(μ) = ∫₋₂² N(t; μ, 1) dt on a fixed grid of 8001 nodes, for
// four μ at once (pdf values broadcast to [4, 8001]). Moving μ shifts the
// density under a fixed window, so dG/dμ = −(φ(2 − μ) − φ(−2 − μ)).
void exercise_3() {
  lesson::section("Exercise 3: dG/dmu for a Gaussian window probability");
  // page:begin Exercise 3
  fx::Tensor mu = fx::tensor({-1.0, 0.0, 0.5, 2.0}, fx::Float64).requires_grad_();
  const fx::Tensor t = fx::linspace(-2, 2, 8001, fx::Float64);
  const fx::Tensor G = fx::trapezoid(normal_pdf(t.unsqueeze(0) - mu.unsqueeze(1)), t, -1);  // [4]
  G.sum().backward();
  // page:end
  const fx::Tensor m = mu.detach();
  const fx::Tensor grad_true = -(normal_pdf(2.0 - m) - normal_pdf(-2.0 - m));
  std::printf("%6s | %10s | %18s | %14s | abs err\n", "mu", "G(mu)", "autograd dG/dmu", "analytic");
  std::printf("----------------------------------------------------------------------\n");
  for (int64_t i = 0; i < m.numel(); ++i)
    std::printf("%6.2f | %10.6f | %18.12f | %14.12f | %.2e\n", m.at({i}), G.at({i}), mu.grad().at({i}),
                grad_true.at({i}), std::abs(mu.grad().at({i}) - grad_true.at({i})));
  std::printf("window: max abs err = %.2e\n", (mu.grad() - grad_true).abs().max().item());
}

}  // namespace

int main() {
  demo_normal_area();
  demo_ftc_autograd();
  exercise_1();
  exercise_2();
  exercise_3();
  return 0;
}
