// SPDX-License-Identifier: MIT
// Lesson 14 — Functional Derivatives: the Gradient of Regularization.
//
// A functional maps a whole function to a number, J[f] = ∫ L(x, f, f') dx.
// Its gradient with respect to the value f(x) is the Euler-Lagrange
// expression  δJ/δf = ∂L/∂f - d/dx ∂L/∂f'.  For the smoothness penalty
// J = ∫ (f')² dx this is -2 f'': a negative Laplacian, so gradient descent on
// J (f <- f + 2 τ f'') is the heat equation, which smooths f. On a grid, f is
// a vector, J a function of it, and the functional gradient is the ordinary
// gradient divided by the cell width dx.
//
// Why ML cares: Sobolev and total-variation penalties, weight decay (whose
// optimum is the constant 0), and physics-informed losses ∫ (f' - g)² are all
// functionals; their gradients tell a model how to bend a whole curve.
#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <string>
#include <vector>

#include "examples/lessons/lesson.h"

namespace fx = fluxion;
namespace plot = fluxion::plot;
using fx::Slice;

namespace {

constexpr int kLesson = 14;

// f' by central differences inside, forward at the left end, backward at the right.
fx::Tensor first_derivative(const fx::Tensor& f, double dx) {
  const int64_t n = f.numel();
  return fx::cat({(f.index({Slice{1, 2}}) - f.index({Slice{0, 1}})) / dx,
                  (f.index({Slice{2, {}}}) - f.index({Slice{{}, -2}})) / (2 * dx),
                  (f.index({Slice{n - 1, n}}) - f.index({Slice{n - 2, n - 1}})) / dx});
}

// f'' by the 3-point stencil inside, 0 at both ends.
fx::Tensor second_derivative(const fx::Tensor& f, double dx) {
  fx::Tensor inside = (f.index({Slice{2, {}}}) - 2 * f.index({Slice{1, -1}}) + f.index({Slice{{}, -2}})) / (dx * dx);
  return fx::pad(inside, {1, 1});
}

// J = Σ (f')² dx, the rectangle rule for ∫ (f')² dx.
// page:begin Demo
fx::Tensor smoothness(const fx::Tensor& f, double dx) { return first_derivative(f, dx).square().sum() * dx; }
// page:end

double max_abs(const fx::Tensor& t) { return t.abs().max().item(); }

// Demo: f = sin 3πx + 0.4 cos 5πx on 120 points; J and the functional
// gradient -2 f''. Autograd gives the same gradient: ∂J/∂f_i / dx.
void demo_functional_gradient() {
  lesson::section("Demo: discrete functional gradient of J = ∫ (f')² dx (N = 120)");
  const int N = 120;
  fx::Tensor x = fx::linspace(0, 1, N);
  const double dx = 1.0 / (N - 1);
  fx::Tensor f = ((3 * M_PI) * x).sin() + 0.4 * ((5 * M_PI) * x).cos();
  // page:begin Demo
  f.requires_grad_();
  fx::Tensor J = smoothness(f, dx);
  J.backward();
  // page:end
  fx::NoGradGuard no_grad;
  fx::Tensor dfdx = first_derivative(f, dx), d2fdx2 = second_derivative(f, dx), func_grad = -2 * d2fdx2;
  std::printf("Value of regularizer J = ∫ (f')² dx: %.5f\n", J.item());
  std::printf("Analytic ∫ (f')² dx = 6.5 π² = %.5f\n", 6.5 * M_PI * M_PI);
  std::printf("max |-2f''| = %.1f (analytic max 368.4); at the ends: %.1f, %.1f\n", max_abs(func_grad),
              func_grad[0].item() + 0.0, func_grad[N - 1].item() + 0.0);  // + 0.0: no "-0.0"
  // The gradient of the discretised J, by autograd, over dx: the same
  // Laplacian on a stencil twice as wide (cells 2 .. N-3, away from the ends).
  // page:begin Demo
  fx::Tensor autograd_grad = f.grad() / dx;
  // page:end
  std::printf("autograd (dJ/df_i)/dx: max |.| inside = %.1f\n", max_abs(autograd_grad.index({Slice{2, -2}})));

  plot::Figure fig(10, 6, 80);
  fig.subplots(2, 1);
  auto& top = fig.ax(0, 0);
  const plot::Vec xv = lesson::vec(x);
  top.plot(xv, lesson::vec(f.detach()), {.label = "f(x)"});
  top.plot(xv, lesson::vec(dfdx), {.linestyle = "--", .label = "f'(x)"});
  top.plot(xv, lesson::vec(d2fdx2), {.linestyle = ":", .label = "f''(x)"});
  top.legend();
  top.set_title("Function, Derivatives, and Functional Gradient");
  auto& bottom = fig.ax(1, 0);
  bottom.plot(xv, lesson::vec(func_grad), {.color = "r", .label = "−2f''(x) (functional grad)"});
  bottom.axhline(0, {.color = "k", .linewidth = 0.7});
  bottom.legend();
  bottom.set_xlabel("x");
  lesson::save(fig, kLesson, "functional_grad.png");
}

// Exercise 1: f = sin kπx for k = 1, 2, 3, 5, 8, 13. J = ∫ (f')² = k²π²/2
// grows with the square of the frequency: wiggly functions cost more.
void exercise_1() {
  lesson::section("Exercise 1: J for f = sin(kπx), N = 400");
  const int N = 400;
  fx::Tensor x = fx::linspace(0, 1, N);
  const double dx = 1.0 / (N - 1);
  const int ks[] = {1, 2, 3, 5, 8, 13};
  plot::Vec kv, Js;
  plot::Figure fig(9, 6, 80);
  auto& ax = fig.ax();
  for (int k : ks) {
    // page:begin Exercise 1
    fx::Tensor f = ((k * M_PI) * x).sin();
    const double J = smoothness(f, dx).item();
    // page:end
    std::printf("k = %2d: J = %.3f (analytic k²π²/2 = %.3f)\n", k, J, k * k * M_PI * M_PI / 2);
    kv.push_back(k), Js.push_back(J);
    char label[48];
    std::snprintf(label, sizeof label, "k=%d, J=%.2f", k, J);
    ax.plot(lesson::vec(x), lesson::vec(f), {.label = label});
  }
  ax.set_title("f(x) = sin(kπx) for different k; Smoother → lower J");
  ax.set_xlabel("x");
  ax.set_ylabel("f(x)");
  ax.legend();
  lesson::save(fig, kLesson, "ex1_sin_k.png");

  plot::Figure fig2(6.4, 4.8, 80);
  auto& a2 = fig2.ax();
  a2.plot(kv, Js, "o-", {.label = "J = ∫ (f')² dx"});
  a2.set_xlabel("k (frequency)");
  a2.set_ylabel("J (smoothness penalty)");
  a2.set_title("Regularizer J vs frequency k");
  a2.grid();
  lesson::save(fig2, kLesson, "ex1_J_vs_k.png");
}

// The discrete Fourier transform F_k = Σ_n f_n e^{∓2πi kn/N} (sign -1) and,
// with sign +1 and a 1/N, its inverse. fluxion has no FFT; written out it is
// O(N²), instant for N = 300.
std::vector<std::complex<double>> dft(const std::vector<std::complex<double>>& f, int sign) {
  const size_t n = f.size();
  std::vector<std::complex<double>> F(n);
  for (size_t k = 0; k < n; ++k) {
    std::complex<double> s = 0;
    for (size_t j = 0; j < n; ++j) s += f[j] * std::polar(1.0, sign * 2 * M_PI * (double)((k * j) % n) / (double)n);
    F[k] = sign > 0 ? s / (double)n : s;
  }
  return F;
}

// numpy.fft.fftfreq(n, d): 0, 1, ..., n/2 - 1, -n/2, ..., -1, over n d.
std::vector<double> fftfreq(size_t n, double d) {
  std::vector<double> k(n);
  for (size_t i = 0; i < n; ++i) k[i] = (i < (n + 1) / 2 ? (double)i : (double)i - (double)n) / ((double)n * d);
  return k;
}

// Exercise 2: smooth a noisy sine by the heat equation f_t = f'', the
// gradient flow of J (up to the factor 2). On a periodic grid it is solved
// exactly in Fourier space: mode k decays like e^{-(2πk)² t}. J falls as t
// grows, and the mean (mode 0) is kept.
void exercise_2() {
  lesson::section("Exercise 2: heat-kernel smoothing of a noisy sine (FFT, N = 300 periodic)");
  const int N = 300;
  const double dx = 1.0 / N;
  fx::Tensor x = fx::arange(N) * dx;  // linspace(0, 1, N, endpoint=False)
  fx::manual_seed(42);
  fx::Tensor f0 = ((2 * M_PI) * x).sin() + 0.3 * fx::randn({N});
  const std::vector<double> k = fftfreq(N, dx);
  std::vector<std::complex<double>> F0;
  for (double v : f0.to_vector<double>()) F0.emplace_back(v, 0.0);
  F0 = dft(F0, -1);
  // page:begin Exercise 2
  auto heat_evolve = [&](double t) {  // f(x, t) = e^{tΔ} f0
    std::vector<std::complex<double>> F = F0;
    for (int i = 0; i < N; ++i) F[i] *= std::exp(-std::pow(2 * M_PI * k[i], 2) * t);
  // page:end
    std::vector<std::complex<double>> f = dft(F, +1);
    std::vector<double> re(N);
    for (int i = 0; i < N; ++i) re[i] = f[i].real();
    return fx::tensor(re, {N});
  };
  // J on the periodic grid: central differences that wrap around.
  auto periodic_J = [&](const fx::Tensor& f) {
    return ((f.roll(-1, 0) - f.roll(1, 0)) / (2 * dx)).square().sum().item() * dx;
  };
  plot::Figure fig(9, 6, 80);
  auto& ax = fig.ax();
  for (double t : {0.0, 5e-4, 2e-3, 1e-2}) {
    fx::Tensor f = heat_evolve(t);
    std::printf("t = %-6g: J = %10.3f   mean = %+.6f\n", t, periodic_J(f), f.mean().item());
    char label[32];
    std::snprintf(label, sizeof label, "t = %g", t);
    ax.plot(lesson::vec(x), lesson::vec(f), {.linewidth = 2, .linestyle = t > 0 ? "-" : "--", .label = t > 0 ? label : "initial"});
  }
  std::printf("Initial mean: %+.6f\n", f0.mean().item());
  ax.set_title("Exact heat‑kernel smoothing (FFT)");
  ax.set_xlabel("x");
  ax.set_ylabel("f(x)");
  ax.legend();
  lesson::save(fig, kLesson, "ex2_heat_smoothing.png");
}

// Exercise 3: a constant f has f' = 0, so J = 0 and the functional gradient
// -2f'' = 0: the optimum of the smoothness penalty, as w = 0 is for weight decay.
void exercise_3() {
  lesson::section("Exercise 3: constant f = 3.7 (N = 200)");
  const int N = 200;
  const double dx = 1.0 / (N - 1), c = 3.7;
  // page:begin Exercise 3
  fx::Tensor f = fx::full({N}, c);
  fx::Tensor dfdx = first_derivative(f, dx);
  const double J = dfdx.square().sum().item() * dx;
  fx::Tensor grad = -2 * second_derivative(f, dx);
  // page:end
  std::printf("Constant c = %.1f\n", c);
  std::printf("Max |f'| (should be 0)      : %.3e\n", max_abs(dfdx));
  std::printf("Smoothness J = ∫ (f')² dx   : %.3e\n", J);
  std::printf("Max |functional grad| (2f''): %.3e\n", max_abs(grad));
}

// Exercise 4: a physics-informed loss J = ∫ (f' - g)² dx, whose functional
// gradient is -2 (f'' - g'). Here g = cos 2πx and f is a noisy sine.
// (The ends use one-sided f'' = (f[1] - f[0]) / dx² as the reference does.)
void exercise_4() {
  lesson::section("Exercise 4: J = ∫ (f' - g)² dx and its gradient -2(f'' - g') (N = 400)");
  const int N = 400;
  fx::Tensor x = fx::linspace(0, 1, N);
  const double dx = 1.0 / (N - 1);
  fx::Tensor g = ((2 * M_PI) * x).cos(), gprime = -2 * M_PI * ((2 * M_PI) * x).sin();
  fx::manual_seed(0);
  fx::Tensor f = 0.4 * ((2 * M_PI) * x).sin() + 0.2 * fx::randn({N});
  fx::Tensor d2 = fx::cat({(f.index({Slice{1, 2}}) - f.index({Slice{0, 1}})) / (dx * dx),
                           second_derivative(f, dx).index({Slice{1, -1}}),
                           (f.index({Slice{N - 2, N - 1}}) - f.index({Slice{N - 1, N}})) / (dx * dx)});
  // page:begin Exercise 4
  const double J = (first_derivative(f, dx) - g).square().sum().item() * dx;
  fx::Tensor grad = -2 * (d2 - gprime);
  // page:end
  std::printf("Functional J = %.5f\n", J);
  std::printf("grad shape [%lld], max |grad| = %.3e\n", (long long)grad.numel(), max_abs(grad));

  plot::Figure fig(10, 6, 80);
  fig.subplots(2, 1);
  auto& top = fig.ax(0, 0);
  const plot::Vec xv = lesson::vec(x);
  top.plot(xv, lesson::vec(f), {.label = "f(x)"});
  top.plot(xv, lesson::vec(g.cumsum(0) * dx), {.linestyle = "--", .label = "integral of g (for intuition)"});
  top.legend();
  top.set_title("Function f and target derivative g");
  auto& bottom = fig.ax(1, 0);
  bottom.plot(xv, lesson::vec(grad), {.color = "r", .label = "δJ/δf = −2(f''−g')"});
  bottom.axhline(0, {.color = "k", .linewidth = 0.7});
  bottom.legend();
  bottom.set_xlabel("x");
  bottom.set_ylabel("functional grad");
  lesson::save(fig, kLesson, "ex4_physics_informed.png");
}

}  // namespace

int main() {
  fx::set_default_dtype(fx::Float64);  // numpy's float64
  demo_functional_gradient();
  exercise_1();
  exercise_2();
  exercise_3();
  exercise_4();
  return 0;
}
