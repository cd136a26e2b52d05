// SPDX-License-Identifier: MIT
// Lesson 2 — Derivatives and their role in gradient-based learning.
//
// The derivative f′(x) = lim_{h→0} (f(x + h) − f(x)) / h is the slope of the
// tangent line: how fast f changes when x moves. Sum, product and chain rules
// build the derivative of any composite from its pieces; in many dimensions
// the partial derivatives form the gradient ∇f, the direction of steepest
// ascent. Autograd applies the chain rule mechanically and exactly; a finite
// difference approximates the limit with a small h and pays twice: truncation
// error (∝ h²) for h too big, round-off (∝ ε/h) for h too small.
//
// Why ML cares: an optimizer moves each parameter against its derivative, and
// back-propagation is the chain rule applied layer after layer. Finite
// differences remain the way to check that a hand-written gradient is right.
#include <cmath>
#include <cstdio>
#include <numbers>
#include <string>

#include "examples/lessons/lesson.h"

namespace fx = fluxion;
namespace plot = fluxion::plot;

namespace {

constexpr int kLesson = 2;
constexpr double kPi = std::numbers::pi;

// The elementwise derivative of an elementwise f at every entry of x: the
// vector-Jacobian product with a vector of ones (torch.autograd.grad with
// grad_outputs = ones_like(y)).
// page:begin Demo 1
template <class F>
fx::Tensor elementwise_grad(F f, const fx::Tensor& x, bool create_graph = false) {
  fx::Tensor xg = create_graph ? x : x.detach().requires_grad_();
  const fx::Tensor y = f(xg);
  return fx::autograd::grad({y}, {xg}, {.grad_outputs = {fx::ones_like(y)}, .create_graph = create_graph})[0];
}
// page:end

// Central difference (f(x + h) − f(x − h)) / 2h, outside the graph.
// page:begin Demo 1
template <class F>
fx::Tensor central_difference(F f, const fx::Tensor& x, double h) {
  fx::NoGradGuard no_grad;
  return (f(x + h) - f(x - h)) / (2 * h);
}
// page:end

// The figure shared by demo 1 and exercise 2: the true derivative (solid),
// autograd (dashed) and the finite difference (dotted), lying on each other.
void three_methods_plot(const fx::Tensor& x, const fx::Tensor& truth, const fx::Tensor& autograd,
                        const fx::Tensor& fd, const std::string& truth_label, const std::string& title,
                        const std::string& file) {
  plot::Figure fig(6, 4, 80);
  auto& ax = fig.ax();
  ax.plot(lesson::vec(x), lesson::vec(truth), {.linewidth = 2, .label = truth_label});
  ax.plot(lesson::vec(x), lesson::vec(autograd), {.linewidth = 1, .linestyle = "--", .label = "autograd"});
  ax.plot(lesson::vec(x), lesson::vec(fd), {.linewidth = 1, .linestyle = ":", .label = "finite diff"});
  ax.legend();
  ax.set_xlabel("x");
  ax.set_ylabel("derivative");
  ax.set_title(title);
  lesson::save(fig, kLesson, file);
}

double max_abs_diff(const fx::Tensor& a, const fx::Tensor& b) { return (a - b).abs().max().item(); }

// Demo 1: the derivative of sin on [−π, π] (400 points) three ways. Autograd
// reproduces cos x exactly; the central difference with h = 1e-4 is off by
// about h²/6 = 1.67e-9 (its truncation error, sin‴ = −cos).
void demo_finite_vs_autograd() {
  lesson::section("Demo 1: sin'(x) by autograd and by finite differences");
  const fx::Tensor x = fx::linspace(-kPi, kPi, 400, fx::Float64);
  const auto f = [](const fx::Tensor& t) { return t.sin(); };
  const fx::Tensor autograd = elementwise_grad(f, x);
  const fx::Tensor fd = central_difference(f, x, 1e-4);
  const fx::Tensor truth = x.cos();
  std::printf("max |autograd - cos| = %.4e\n", max_abs_diff(autograd, truth));
  std::printf("max |finite diff - cos| = %.4e   (h^2/6 = %.4e)\n", max_abs_diff(fd, truth), 1e-8 / 6);
  three_methods_plot(x, truth, autograd, fd, "cos(x)  (true)", "sin'(x) via three methods",
                     "compare_finite_vs_autograd.png");
}

// The toy non-convex loss of demo 2.
fx::Tensor loss(const fx::Tensor& x) { return 0.3 * (3 * x).sin() + 0.5 * x.square(); }

// Demo 2: the loss L(x) = 0.3 sin 3x + 0.5 x² on 41 samples of [−3, 3], with
// an arrow (1, L′) at each sample: the slope from np.gradient-style finite
// differences (central inside, one-sided at the ends). Arrows point uphill;
// descent walks the other way. Autograd then locates the one critical point
// (the global minimum) and shows that L″ changes sign (L is not convex).
void demo_slope_field() {
  lesson::section("Demo 2: slope arrows on a 1-D loss");
  const fx::Tensor xs = fx::linspace(-3, 3, 41, fx::Float64);
  const fx::Tensor ys = loss(xs);
  // page:begin Demo 2
  const fx::Tensor slopes = fx::gradient(ys, {.coordinates = {xs}})[0];
  // page:end

  const int64_t lo = ys.argmin().item<int64_t>();
  const int64_t steepest = slopes.argmax().item<int64_t>();
  std::printf("lowest sample: x = %.2f, L = %.4f\n", xs.at({lo}), ys.at({lo}));
  std::printf("finite-difference slopes: at x = -3: %.2f, at x = 3: %.2f, largest %.2f at x = %.2f\n",
              slopes.at({0}), slopes.at({40}), slopes.at({steepest}), xs.at({steepest}));

  // Critical points: sign changes of L′ on a fine grid, then Newton's method
  // x ← x − L′/L″ from the lowest sample, both derivatives by autograd.
  const fx::Tensor fine = fx::linspace(-3, 3, 6001, fx::Float64);
  const fx::Tensor d1 = elementwise_grad(loss, fine);
  const auto sign_changes = [](const fx::Tensor& v) {
    const fx::Tensor s = v.sign();
    return static_cast<int>((s.slice(0, 1, {}) * s.slice(0, {}, -1)).lt(fx::scalar_like(s, 0)).sum().item());
  };
  std::printf("critical points on [-3, 3]: %d\n", sign_changes(d1));
  // page:begin Demo 2
  const auto dloss = fx::func::grad(loss);
  const auto d2loss = fx::func::grad(dloss);
  fx::Tensor x = fx::scalar(xs.at({lo}), fx::Float64);
  for (int k = 0; k < 8; ++k) x = x - dloss(x) / d2loss(x);
  // page:end
  std::printf("minimum: x* = %.4f, L(x*) = %.4f, L'(x*) = %.1e\n", x.item(), loss(x).item(), dloss(x).item());
  const fx::Tensor d2 = elementwise_grad([&](const fx::Tensor& t) { return elementwise_grad(loss, t, true); },
                                         fine);
  std::printf("L'' ranges over [%.2f, %.2f] and changes sign %d times: not convex\n", d2.min().item(),
              d2.max().item(), sign_changes(d2));

  plot::Figure fig(6, 3, 80);
  auto& ax = fig.ax();
  ax.plot(lesson::vec(xs), lesson::vec(ys), {.color = "black"});
  ax.quiver(lesson::vec(xs), lesson::vec(ys), plot::Vec(41, 1.0), lesson::vec(slopes),
            {.scale = 10, .scale_units = "xy", .angles = "xy", .width = 0.004, .alpha = 0.7});
  ax.set_title("Loss curve with slope arrows (direction of steepest ascent)");
  ax.set_xlabel("x");
  ax.set_ylabel("L(x)");
  lesson::save(fig, kLesson, "slope_field.png");
}

// Exercise 1: the central difference for sin on 1001 points of [−π, π] as h
// shrinks from 1e-2 to 1e-8. The error first falls like h²/6 (truncation),
// then rises like ε/h (round-off in f(x + h) − f(x − h)): a V with its
// bottom at h = 1e-5.
void exercise_1() {
  lesson::section("Exercise 1: finite-difference error vs step size");
  const fx::Tensor xs = fx::linspace(-kPi, kPi, 1001, fx::Float64);
  const fx::Tensor truth = xs.cos();
  plot::Vec hs, errs;
  // page:begin Exercise 1
  for (int k = 2; k <= 8; ++k) {
    const double h = std::pow(10.0, -k);
    const double err = max_abs_diff(central_difference([](const fx::Tensor& t) { return t.sin(); }, xs, h), truth);
  // page:end
    hs.push_back(h);
    errs.push_back(err);
    std::printf("h = 1e-%-2d  →  max |error| = %.3e\n", k, err);
  }
  plot::Figure fig(6, 4, 80);
  auto& ax = fig.ax();
  ax.plot(hs, errs, {.marker = "o"});
  ax.set_xscale("log");
  ax.set_yscale("log");
  ax.set_xlabel("step size  h");
  ax.set_ylabel("max abs error");
  ax.set_title("Finite‑difference derivative accuracy for sin(x)");
  lesson::save(fig, kLesson, "ex_1.png");
}

// Exercise 2: the same three-way check for tanh on [−3, 3] (61 points, h =
// 1e-4) against the analytic 1 − tanh² x.
void exercise_2() {
  lesson::section("Exercise 2: tanh'(x) three ways");
  const fx::Tensor x = fx::linspace(-3, 3, 61, fx::Float64);
  // page:begin Exercise 2
  const auto f = [](const fx::Tensor& t) { return t.tanh(); };
  const fx::Tensor autograd = elementwise_grad(f, x);
  const fx::Tensor fd = central_difference(f, x, 1e-4);
  const fx::Tensor truth = 1.0 - x.tanh().square();
  // page:end
  std::printf("max |autograd − true|   = %.3e\n", max_abs_diff(autograd, truth));
  std::printf("max |finite‑diff − true| = %.3e\n", max_abs_diff(fd, truth));
  three_methods_plot(x, truth, autograd, fd, "analytic 1−tanh²x", "Derivative of tanh(x) — three methods", "ex_2.png");
}

// Exercise 3: the gradient field of f(x, y) = x² + 0.5 y² on a 21 × 21 grid of
// [−2.5, 2.5]², over 10 contour levels of f. One backward pass through the
// sum of f over the grid gives ∇f at every grid point (the points are
// independent), which must equal (2x, y).
void exercise_3() {
  lesson::section("Exercise 3: 2-D gradient field of x^2 + 0.5 y^2");
  const fx::Tensor g = fx::linspace(-2.5, 2.5, 21, fx::Float64);
  // page:begin Exercise 3
  const auto XY = fx::meshgrid({g, g}, fx::Indexing::xy);  // X[i][j] = g[j], Y[i][j] = g[i]
  const auto f = [](const std::vector<fx::Tensor>& v) { return v[0].square() + 0.5 * v[1].square(); };
  const auto grads = fx::func::grad([&](const std::vector<fx::Tensor>& v) { return f(v).sum(); })(XY);
  const fx::Tensor& U = grads[0];
  const fx::Tensor& V = grads[1];
  // page:end
  std::printf("max |dF/dx - 2x| = %.1e, max |dF/dy - y| = %.1e\n", max_abs_diff(U, 2 * XY[0]),
              max_abs_diff(V, XY[1]));

  plot::Figure fig(6, 6, 80);
  auto& ax = fig.ax();
  ax.contour(lesson::vec(g), lesson::vec(g), lesson::vec(f(XY)), {.levels = 10, .cmap = "gray", .linewidth = 0.7});
  ax.quiver(lesson::vec(XY[0]), lesson::vec(XY[1]), lesson::vec(U), lesson::vec(V),
            {.scale = 20, .color = "tab:blue", .alpha = 0.8});
  ax.set_title("Gradient field of  f(x,y) = x² + 0.5·y²");
  ax.set_xlabel("x");
  ax.set_ylabel("y");
  ax.set_aspect("equal");
  lesson::save(fig, kLesson, "ex_3.png");
}

}  // namespace

int main() {
  demo_finite_vs_autograd();
  demo_slope_field();
  exercise_1();
  exercise_2();
  exercise_3();
  return 0;
}
