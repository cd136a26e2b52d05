// SPDX-License-Identifier: MIT
// Lesson 5 — Taylor & Maclaurin series: polynomials that think they're exponential.
//
// A smooth function near a point a is rebuilt from its derivatives there:
//   f(x) = Σₖ f⁽ᵏ⁾(a) (x − a)ᵏ / k!,
// and a = 0 gives the Maclaurin series. Cutting the sum at degree n leaves a
// remainder of order (x − a)ⁿ⁺¹: tiny near a, growing fast away from it. The
// worked example is eˣ = Σ xᵏ/k!, whose every derivative at 0 is 1.
//
// Why ML cares: cheap polynomial stand-ins for exp, tanh and GELU are how
// hardware kernels and fast activations are built; sinusoidal positional
// encodings are e^{iθ} in disguise; and every "linearise the loss" argument
// (gradient descent, Newton) is a truncated Taylor series.
#include <cmath>
#include <complex>
#include <cstdio>
#include <vector>

#include "examples/lessons/lesson.h"

namespace fx = fluxion;
namespace plot = fluxion::plot;
using fx::Tensor;

namespace {

constexpr int kLesson = 5;

double factorial(int k) {
  double f = 1;
  for (int i = 2; i <= k; ++i) f *= i;
  return f;
}

/// Tₙ(x) = Σₖ₌₀ⁿ eᵃ (x − a)ᵏ / k!, the degree-n Taylor polynomial of eˣ at a (Maclaurin for a = 0).
// page:begin Demo 1
Tensor taylor_exp(const Tensor& x, int n, double a = 0) {
  const Tensor dx = x - a;
  Tensor total = fx::zeros_like(x);
  for (int k = 0; k <= n; ++k) total = total + dx.pow(k) * (std::exp(a) / factorial(k));
  return total;
}
// page:end

/// Width (max − min, NumPy's ptp) of the grid points where err < tol; 0 when there are none.
double width_below(const Tensor& xs, const Tensor& err, double tol) {
  const Tensor inside = xs.masked_select(err < tol);
  if (inside.numel() == 0) return 0;
  return (inside.max() - inside.min()).item();
}

// Demo 1: |eˣ − Tₙ(x)| on [−3, 3] for n = 1, 2, 4, 6, 8 on a log axis. The error
// valleys around 0 deepen and widen with n; the worst point is always x = +3.
// Where Tₙ hits eˣ exactly in float64 the error is 0 and the log axis skips it.
void demo_taylor_error() {
  lesson::section("Demo 1: error of Maclaurin truncations of e^x");
  const Tensor xs = fx::linspace(-3, 3, 400);
  const Tensor truth = xs.exp();
  plot::Figure fig(6, 4, 80);
  auto& ax = fig.ax();
  std::printf("  n   max err (x=3)   err at x=-3   width(err<1e-3)\n");
  for (int n : {1, 2, 4, 6, 8}) {
    const Tensor err = (taylor_exp(xs, n) - truth).abs();
    std::printf("  n=%d  max err = %.6g   err(-3) = %.6g   width = %.4f\n", n, err.max().item(), err.at({0}),
                width_below(xs, err, 1e-3));
    char label[16];
    std::snprintf(label, sizeof label, "n=%d", n);
    ax.plot(lesson::vec(xs), lesson::vec(err), {.label = label});
  }
  ax.set_yscale("log");
  ax.set_xlabel("x");
  ax.set_ylabel("|e^x - T_n(x)| (log)");
  ax.set_title("Absolute error of Maclaurin truncations of e^x");
  ax.legend();
  lesson::save(fig, kLesson, "taylor_error_exp.png");
}

// Demo 2: an animation of T₀ … T₁₀ growing toward eˣ (11 frames, 800 ms apart),
// saved as a GIF. Each frame relabels the moving line "T_n(x)". The value at
// x = 3 climbs 1, 4, 8.5, … toward e³ = 20.0855, just above the y-limit 20.
void demo_animation() {
  lesson::section("Demo 2: building e^x via Maclaurin truncations (animation)");
  const Tensor xs = fx::linspace(-3, 3, 400);
  const plot::Vec truth = lesson::vec(xs.exp());
  // page:begin Demo 2
  plot::Animation anim(800);
  // page:end
  std::printf("  T_n(3) for n = 0..10:");
  for (int n = 0; n <= 10; ++n) {
    // page:begin Demo 2
    const Tensor tn = taylor_exp(xs, n);
    std::printf(" %.4f", tn.at({-1}));
    char label[24];  // "T_" + any int + "(x)"
    std::snprintf(label, sizeof label, "T_%d(x)", n);
    // The reference GIF is 600 x 400 (matplotlib saves animations at 100 dpi).
    plot::Figure fig(6, 4, 100);
    auto& ax = fig.ax();
    ax.plot(lesson::vec(xs), lesson::vec(tn), {.color = "C0", .linewidth = 2, .label = label});
    ax.plot(lesson::vec(xs), truth, "k--", {.label = "e^x"});
    ax.set_xlim(-3, 3);
    ax.set_ylim(-1, 20);
    ax.set_title("Building e^x via Maclaurin truncations");
    ax.legend({.loc = "upper left"});
    anim.add(fig);
    // page:end
  }
  std::printf("\n  e^3 = %.4f (just above ylim 20: the reference curve is clipped)\n", std::exp(3.0));
  const std::string path = lesson::figure_path(kLesson, "taylor.gif");
  // page:begin Demo 2
  anim.save(path);
  // page:end
  std::printf("  [figure] %s (%zu frames)\n", path.c_str(), anim.size());
}

// Exercise 1: the degree-4 Taylor polynomial of eˣ centred at a = 1 is
// Σ e (x − 1)ᵏ/k!. On [−3, 3] it is better near 1 and worse near −3 than the
// Maclaurin one: moving the centre moves the region of accuracy.
void exercise_centering() {
  lesson::section("Exercise 1: degree-4 Taylor of e^x at a=0 vs a=1");
  const Tensor xs = fx::linspace(-3, 3, 601);
  const Tensor truth = xs.exp();
  // page:begin Exercise 1
  const Tensor err0 = (truth - taylor_exp(xs, 4, 0)).abs();
  const Tensor err1 = (truth - taylor_exp(xs, 4, 1)).abs();
  // page:end
  std::printf("max error on [-3,3]\n");
  std::printf("  a = 0  : %.3e\n", err0.max().item());
  std::printf("  a = 1  : %.3e\n", err1.max().item());
  std::printf("width of interval where error < 1e-2:\n");
  std::printf("  width a = 0  : %.2f\n", width_below(xs, err0, 1e-2));
  std::printf("  width a = 1  : %.2f\n", width_below(xs, err1, 1e-2));

  plot::Figure fig(6, 4, 80);
  auto& ax = fig.ax();
  ax.plot(lesson::vec(xs), lesson::vec(err0), {.label = R"($|e^x - T_4^{(a=0)}(x)|$)"});
  ax.plot(lesson::vec(xs), lesson::vec(err1), {.label = R"($|e^x - T_4^{(a=1)}(x)|$)"});
  ax.set_yscale("log");
  ax.set_xlabel("x");
  ax.set_ylabel("absolute error (log scale)");
  ax.set_title("Degree-4 Taylor error for e^x: a=0 vs a=1");
  ax.legend();
  lesson::save(fig, kLesson, "ex1_taylor_centering.png");
}

// Exercise 2: the degree-5 Maclaurin polynomial of tanh, x − x³/3 + 2x⁵/15.
// It hugs tanh near 0 but the x⁵ term runs away beyond |x| ≈ 1.3 (the series
// only converges for |x| < π/2); the largest error on [−2, 2] is at the ends.
void exercise_tanh() {
  lesson::section("Exercise 2: degree-5 Maclaurin of tanh");
  const Tensor xs = fx::linspace(-2, 2, 501);
  const Tensor truth = xs.tanh();
  // page:begin Exercise 2
  const Tensor approx = xs - xs.pow(3) / 3 + 2 * xs.pow(5) / 15;
  const Tensor err = (truth - approx).abs();
  // page:end
  const int64_t i = static_cast<int64_t>(err.argmax().item());  // first maximum, like np.argmax
  const double max_err = err.max().item(), x_max = xs.at({i});
  std::printf("Maximum |tanh(x) - T5(x)| on [-2,2] is %.3e at x ≈ %.2f\n", max_err, x_max);

  plot::Figure fig(6, 4, 80);
  auto& ax = fig.ax();
  ax.plot(lesson::vec(xs), lesson::vec(truth), {.linewidth = 2, .label = "tanh(x)"});
  ax.plot(lesson::vec(xs), lesson::vec(approx), {.linestyle = "--", .label = "degree-5 Maclaurin"});
  char label[48];
  std::snprintf(label, sizeof label, "max error ≈ %.3e", max_err);
  ax.scatter({x_max}, {approx.at({i})}, {.color = "red", .label = label, .zorder = 3});
  ax.set_xlabel("x");
  ax.set_ylabel("value");
  ax.set_title("tanh x vs. degree-5 Maclaurin approximation");
  ax.legend();
  lesson::save(fig, kLesson, "ex2_tanh_maclaurin.png");
}

// Exercise 3: truncating e^{iθ} = cos θ + i sin θ after the linear term gives
// 1 + iθ, so cos θ ≈ 1 and sin θ ≈ θ: the real and imaginary parts are the
// linear approximations of the pair a sinusoidal positional encoding uses.
void exercise_complex() {
  lesson::section("Exercise 3: truncating e^{i theta} to 1 + i theta");
  const int n = 601;
  plot::Vec theta(n), cos_true(n), sin_true(n), cos_lin(n), sin_lin(n);
  double err_cos = 0, err_sin = 0;
  for (int k = 0; k < n; ++k) {
    theta[k] = -M_PI + 2 * M_PI * k / (n - 1);
    // page:begin Exercise 3
    const std::complex<double> exact = std::exp(std::complex<double>(0, theta[k]));
    const std::complex<double> trunc = 1.0 + std::complex<double>(0, theta[k]);
    // page:end
    cos_true[k] = exact.real(), sin_true[k] = exact.imag();
    cos_lin[k] = trunc.real(), sin_lin[k] = trunc.imag();
    err_cos = std::max(err_cos, std::abs(cos_true[k] - cos_lin[k]));
    err_sin = std::max(err_sin, std::abs(sin_true[k] - sin_lin[k]));
  }
  std::printf("Max |cos(theta) - 1|      on [-pi,pi] : %.3f\n", err_cos);
  std::printf("Max |sin(theta) - theta|  on [-pi,pi] : %.3f\n", err_sin);
  std::printf(
      "\n  Transformer PE uses [sin(w*pos), cos(w*pos)] pairs. Near zero, sin(w*pos) ~ w*pos and\n"
      "  cos(w*pos) ~ 1: exactly the imaginary and real parts of 1 + i(w*pos). So the first-order\n"
      "  Taylor truncation explains why the PE starts as a linear ramp (sin) beside a constant\n"
      "  offset (cos), before higher-order terms bend it farther from the origin.\n");

  plot::Figure fig(10, 4, 80);
  fig.subplots(1, 2, {.sharex = true});
  auto& re = fig.ax(0, 0);
  re.plot(theta, cos_true, {.linewidth = 2, .label = "cos θ"});
  re.plot(theta, cos_lin, "--", {.label = "1 (trunc)"});
  re.set_title("Real part");
  re.set_xlabel("θ");
  re.set_ylabel("value");
  re.legend();
  auto& im = fig.ax(0, 1);
  im.plot(theta, sin_true, {.linewidth = 2, .label = "sin θ"});
  im.plot(theta, sin_lin, "--", {.label = "θ (trunc)"});
  im.set_title("Imag part");
  im.set_xlabel("θ");
  im.legend();
  fig.suptitle("Truncating  e^{iθ}  →  1 + iθ");
  lesson::save(fig, kLesson, "ex3_complex_truncation.png");
}

// Exercise 4: the smallest degree n with |eˣ − Tₙ(x)| < 1e-4, adding one term
// at a time (term *= x/(n+1)). Far from the centre many more terms are needed.
void exercise_adaptive_degree() {
  lesson::section("Exercise 4: smallest n with |e^x - T_n(x)| < 1e-4");
  const double tol = 1e-4;
  for (double x : {0.5, 1.0, 2.0, 5.0}) {
    double partial = 0, term = 1;
    int found = -1;
    // page:begin Exercise 4
    for (int n = 0; n <= 200; ++n) {
      partial += term;
      if (std::abs(std::exp(x) - partial) < tol) {
        found = n;
        break;
      }
      term *= x / (n + 1);
    }
    // page:end
    std::printf("x = %-3g ->  smallest n = %d\n", x, found);
  }
}

}  // namespace

int main() {
  fx::set_default_dtype(fx::Float64);
  demo_taylor_error();
  demo_animation();
  exercise_centering();
  exercise_tanh();
  exercise_complex();
  exercise_adaptive_degree();
  return 0;
}
