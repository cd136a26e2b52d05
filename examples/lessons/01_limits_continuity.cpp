// SPDX-License-Identifier: MIT
// Lesson 1 — Limits and continuity.
//
// A limit is the value f(x) approaches as x gets arbitrarily close to c; the
// ε-δ definition makes "close" precise: for every ε > 0 there is a δ > 0 with
// |f(x) − L| < ε whenever 0 < |x − c| < δ. f is continuous at c when (1) f(c)
// is defined, (2) the limit exists and (3) the two agree. sin(x)/x is the
// classic example: undefined at 0, yet its limit there is 1, so filling in
// f(0) = 1 makes it continuous (a removable singularity).
//
// Why ML cares: a derivative is a limit of difference quotients, and gradient
// training needs losses that are continuous (and differentiable) in their
// parameters. Autograd computes those limits exactly; finite differences
// approximate them with a small but nonzero step.
#include <cmath>
#include <cstdio>
#include <numbers>
#include <optional>

#include "examples/lessons/lesson.h"

namespace fx = fluxion;
namespace plot = fluxion::plot;

namespace {

constexpr int kLesson = 1;

// sin(x)/x with the hole at 0 filled by its limit 1 (the unnormalised sinc;
// fx::sinc is sin(pi x)/(pi x), as torch.sinc). The division never sees
// 0/0: x == 0 is replaced by 1 in the denominator first, then overwritten.
// page:begin Demo 1
fx::Tensor sin_over_x(const fx::Tensor& x) {
  const fx::Tensor at_zero = x.eq(fx::scalar_like(x, 0));
  const fx::Tensor safe_x = fx::where(at_zero, 1.0, x);
  return fx::where(at_zero, 1.0, safe_x.sin() / safe_x);
}
// page:end

// |x|/x, with the value 1 at x = 0 (as the reference solution fills it in).
fx::Tensor sign_ratio(const fx::Tensor& x) {
  const fx::Tensor at_zero = x.eq(fx::scalar_like(x, 0));
  const fx::Tensor safe_x = fx::where(at_zero, 1.0, x);
  return fx::where(at_zero, 1.0, safe_x.abs() / safe_x);
}

// The zoom plot of demo 1: the curve, a black dot at (0, 1) and a dashed line
// at y = 1 (the dot and line are optional, as exercise 2 draws neither).
void zoom_plot(const fx::Tensor& x, const fx::Tensor& y, const std::string& name, const std::string& file,
               bool mark_one) {
  plot::Figure fig(5, 4, 80);
  auto& ax = fig.ax();
  ax.plot(lesson::vec(x), lesson::vec(y), {.label = name});  // labelled, but no legend (as in the post)
  if (mark_one) {
    ax.scatter({0.0}, {1.0}, {.color = "k", .zorder = 3});
    ax.axhline(1.0, {.color = "k", .linewidth = 0.7, .linestyle = "--"});
  }
  ax.set_xlabel("x");
  ax.set_ylabel("f(x)");
  ax.set_title("Zoom on " + name + " near 0");
  lesson::save(fig, kLesson, file);
}

// Demo 1: sin(x)/x on [−0.1, 0.1] (2001 points, x = 0 exactly at index 1000).
// The curve is a shallow hump whose top is the filled-in value 1.
void demo_zoom() {
  lesson::section("Demo 1: zoom on sin(x)/x near 0");
  const fx::Tensor x = fx::linspace(-0.1, 0.1, 2001, fx::Float64);
  const fx::Tensor y = sin_over_x(x);
  std::printf("x[1000] = %g, f(x[1000]) = %.8f\n", x.at({1000}), y.at({1000}));
  std::printf("f(-0.1) = %.8f, f(0.1) = %.8f\n", y.at({0}), y.at({2000}));
  zoom_plot(x, y, "sin(x)/x", "demo_limits.png", true);
}

// Samples f on the punctured neighbourhood 0 < |x − c| <= δ: 1001 evenly
// spaced points of [c − δ, c + δ] with the one equal to c dropped (at the
// midpoint of an odd count, linspace hits c exactly).
fx::Tensor punctured(double c, double delta) {
  const fx::Tensor xs = fx::linspace(c - delta, c + delta, 1001, fx::Float64);
  return xs.masked_select(xs.ne(fx::scalar_like(xs, c)));
}

using Fn = fx::Tensor (*)(const fx::Tensor&);

// The ε-δ "verifier": for δ = 1e-1, 1e-2, ..., 1e-7 return the first δ for
// which every sample x of the punctured neighbourhood has |f(x) − L| < ε.
// page:begin Demo 2
std::optional<double> limit_tester(Fn f, double c, double L, double eps = 1e-4) {
  for (int k = 1; k <= 7; ++k) {
    const double delta = std::pow(10.0, -k);
    const fx::Tensor miss = (f(punctured(c, delta)) - L).abs();
    if (miss.lt(fx::scalar_like(miss, eps)).all().item() != 0) return delta;
  }
  return std::nullopt;
}
// page:end

// Demo 2: the verifier on sin(x)/x at c = 0 with L = 1 and ε = 1e-5. The
// miss grows like x²/6, so δ = 1e-2 just fails (1.67e-5 > 1e-5) and δ = 1e-3
// passes; the table shows the largest miss for each δ.
void demo_epsilon_delta() {
  lesson::section("Demo 2: epsilon-delta verifier");
  const auto delta = limit_tester(sin_over_x, 0.0, 1.0, 1e-5);
  if (delta)
    std::printf("Found δ = %g for ε = 1e-5\n", *delta);
  else
    std::printf("No δ found for ε = 1e-5\n");
  std::printf("largest |sin(x)/x - 1| on 0 < |x| <= delta (about delta^2/6):\n");
  for (int k = 1; k <= 4; ++k) {
    const double d = std::pow(10.0, -k);
    const double miss = (sin_over_x(punctured(0.0, d)) - 1.0).abs().max().item();
    std::printf("  miss(delta=1e-%d) = %.4e   delta^2/6 = %.4e\n", k, miss, d * d / 6);
  }
}

// Exercise 1: |x|/x has no limit at 0 — the one-sided limits are −1 and +1,
// so the plot jumps. The dot at (0, 1) and the line y = 1 are kept.
void exercise_1() {
  lesson::section("Exercise 1: |x|/x has no limit at 0");
  const fx::Tensor x = fx::linspace(-0.1, 0.1, 2001, fx::Float64);
  const fx::Tensor y = sign_ratio(x);
  // page:begin Exercise 1
  const fx::Tensor near = fx::tensor({-1e-9, 1e-9}, fx::Float64);
  const fx::Tensor sides = sign_ratio(near);
  // page:end
  std::printf("left limit (x -> 0-): %.1f\n", sides.at({0}));
  std::printf("right limit (x -> 0+): %.1f\n", sides.at({1}));
  std::printf("one-sided limits differ: no limit at 0\n");
  zoom_plot(x, y, "abs(x)/x", "ex_1.png", true);
}

// Exercise 2 (ill-posed: condition (3) needs (2)); the reference solution
// plots |x|, which is continuous at 0 but has a kink (no derivative there).
void exercise_2() {
  lesson::section("Exercise 2: |x| is continuous at 0, with a kink");
  const fx::Tensor x = fx::linspace(-0.1, 0.1, 2001, fx::Float64);
  // page:begin Exercise 2
  const fx::Tensor y = x.abs();
  // page:end
  std::printf("f(-0.1) = %.2f, f(0) = %.2f, f(0.1) = %.2f\n", y.at({0}), y.at({1000}), y.at({2000}));
  zoom_plot(x, y, "abs(x)", "ex_2.png", false);
}

// Exercise 3: autograd's derivative of sin at seven points (a vector-Jacobian
// product with a ones vector gives the elementwise derivative) against a
// central difference with h = 1e-6 and the exact cos x.
void exercise_3() {
  lesson::section("Exercise 3: autograd vs finite differences for sin");
  const double pi = std::numbers::pi;
  // page:begin Exercise 3
  fx::Tensor x = fx::tensor({-pi, -pi / 2, -pi / 4, 0.0, pi / 4, pi / 2, pi}, fx::Float64).requires_grad_();
  const fx::Tensor y = x.sin();
  const fx::Tensor autograd = fx::autograd::grad({y}, {x}, {.grad_outputs = {fx::ones_like(y)}})[0];
  fx::Tensor fd, exact;
  {
    fx::NoGradGuard no_grad;
    const double h = 1e-6;
    fd = ((x + h).sin() - (x - h).sin()) / (2 * h);
  // page:end
    exact = x.cos();
  }
  std::printf("%12s | %12s | %12s | %12s\n", "x", "autograd", "finite diff", "cos x");
  for (int64_t i = 0; i < x.numel(); ++i)
    std::printf("%12.8f | %12.8f | %12.8f | %12.8f\n", x.at({i}), autograd.at({i}), fd.at({i}), exact.at({i}));
  std::printf("max |autograd - cos| = %.3e\n", (autograd - exact).abs().max().item());
  std::printf("max |finite diff - cos| = %.3e\n", (fd - exact).abs().max().item());
}

}  // namespace

int main() {
  demo_zoom();
  demo_epsilon_delta();
  exercise_1();
  exercise_2();
  exercise_3();
  return 0;
}
