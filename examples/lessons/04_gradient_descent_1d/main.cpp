// SPDX-License-Identifier: MIT
// Lesson 4 — Gradient descent in 1-D: your first training loop.
//
// Gradient descent repeats x ← x − η f′(x): step downhill, by an amount
// proportional to the slope. On the double-well quartic f(x) = x⁴ − 3x² + 2
// (minima at ±√1.5 with f = −0.25, a local maximum at 0) the step size η
// decides everything: too small crawls, well chosen converges in a few steps,
// and past 2/f″(x*) = 1/6 it overshoots — first oscillating, then (η = 0.5)
// exploding to inf/NaN. Momentum, AdaGrad, Adam and line search are ways of
// choosing the step better than one fixed η.
//
// Why ML cares: this loop is training. A learning rate that is too small, just
// right, or too large gives exactly the slow / fast / diverging loss curves of
// deep learning, and the optimizers sketched here are torch.optim's.
//
// The loss, the descent loop and the shared printing helpers are in descent.h.
#include <cmath>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "examples/lessons/04_gradient_descent_1d/descent.h"

namespace fx = fluxion;
namespace plot = fluxion::plot;
using namespace descent;

namespace {

// ---- demos ---------------------------------------------------------------------

// Demo 1, as listed in the post: η = 0.01, 0.1, 0.5 for 40 steps from −2.5.
// η = 0.01 creeps in from the left; η = 0.1 overshoots to +2.25, then
// oscillates into the left minimum (η f″(x*) = 1.2 > 1); η = 0.5 explodes,
// and from iterate 6 on everything is inf/NaN — reported, not a crash. The
// figure clips the view to x ∈ [−3, 3], f ∈ [−1, 25]: the η = 0.5 path leaves
// it after its first point (its finite points reach f ≈ 1e158).
void demo_step_sizes_post() {
  lesson::section("Demo 1 (post): step sizes 0.01, 0.1, 0.5 for 40 steps");
  const std::vector<double> etas = {0.01, 0.1, 0.5};
  std::vector<Path> paths;
  for (double eta : etas) paths.push_back(run_gd(-2.5, eta, 40));
  print_finals(etas, paths);
  print_path("η=0.01", paths[0], 4, "%.3f");
  std::printf("η=0.01 gap to -sqrt(1.5): %.1e\n", paths[0].xs.back() + kXStar);
  print_path("η=0.1", paths[1], 6, "%.3f");
  print_path("η=0.5", paths[2], 7, "%.4g");
  const Path& blowup = paths[2];
  size_t first_bad = 0;  // the first iterate x_k that is not finite
  while (first_bad < blowup.xs.size() && std::isfinite(blowup.xs[first_bad])) ++first_bad;
  std::printf("η=0.5 first non-finite iterate: %zu (x = %s)\n", first_bad, fixed(blowup.xs[first_bad], 1).c_str());
  std::printf("η=0.5 x_5 = %.3g with f(x_5) = %g: x⁴ already overflows\n", blowup.xs[5], blowup.fs[5]);
  std::printf("η=0.5 last finite point of the plot: x = %.3g, f = %.3g\n", blowup.xs[4], blowup.fs[4]);

  plot::Figure fig = paths_figure(etas, paths);
  fig.ax().set_xlim(-3, 3);
  fig.ax().set_ylim(-1, 25);
  lesson::save(fig, kLesson, "gradient_descent_1d_post.png");
}

// Demo 1, as in the repository script: η = 0.001, 0.01, 0.02 for 200 steps.
// All three approach the left minimum; the smallest η is still short of it.
std::vector<Path> demo_step_sizes_repo() {
  lesson::section("Demo 1 (repository): step sizes 0.001, 0.01, 0.02 for 200 steps");
  const std::vector<double> etas = {0.001, 0.01, 0.02};
  std::vector<Path> paths;
  // page:begin Demo 1 (repository)
  for (double eta : etas) paths.push_back(run_gd(-2.5, eta, 200));
  // page:end
  print_finals(etas, paths);
  lesson::save(paths_figure(etas, paths), kLesson, "gradient_descent_1d.png");
  return paths;
}

// Demo 2: the same runs with f′ from autograd instead of the formula. The
// paths agree with demo 1 (to the last bit or nearly: 4x³ − 6x is summed in
// a different order).
void demo_autograd_gradient(const std::vector<Path>& analytic) {
  lesson::section("Demo 2: the gradient from autograd");
  const std::vector<double> etas = {0.001, 0.01, 0.02};
  std::vector<Path> paths;
  double worst = 0;
  for (size_t i = 0; i < etas.size(); ++i) {
    paths.push_back(run_gd(-2.5, etas[i], 200, grad_f_autograd));
    for (size_t k = 0; k < paths[i].xs.size(); ++k)
      worst = std::max(worst, std::abs(paths[i].xs[k] - analytic[i].xs[k]));
  }
  print_finals(etas, paths);
  std::printf("max |x_autograd - x_formula| over all paths = %.1e\n", worst);
  lesson::save(paths_figure(etas, paths), kLesson, "gradient_descent_1d_2.png");
}

// Exercise 1: heavy-ball momentum, v ← βv + f′(x), x ← x − ηv, with η = 0.01
// and β = 0.9 from x₀ = −1. The velocity accumulates the consistent downhill
// pull, so f gets within 1e-3 of f_min in 5 steps instead of plain GD's 25
// (with some overshoot wiggles on the way).
void exercise_1() {
  lesson::section("Exercise 1: momentum");
  const double eta = 0.01, beta = 0.9, x0 = -1.0;
  const int steps = 120;
  const Path gd = run_gd(x0, eta, steps);
  Path mo;
  fx::Tensor x = fx::scalar(x0, fx::Float64), v = fx::scalar(0.0, fx::Float64);
  // page:begin Exercise 1
  for (int k = 0; k < steps; ++k) {
    mo.xs.push_back(x.item());
    mo.fs.push_back(f(x).item());
    v = beta * v + grad_f(x);
    x = x - eta * v;
  }
  // page:end
  std::printf("f_min = %.2f\n", kFMin);
  std::printf("steps to |f - f_min| < 1e-3\n");
  std::printf("  plain GD    : %s steps\n", steps_or_none(first_close(gd.fs)).c_str());
  std::printf("  momentum GD : %s steps\n", steps_or_none(first_close(mo.fs)).c_str());
  const Path lib = run_optimizer<fx::optim::SGD>(x0, steps, fx::optim::SGDOptions{.lr = eta, .momentum = beta});
  std::printf("  optim::SGD(momentum=0.9): %s steps, max |x - hand-written| = %.1e\n",
              steps_or_none(first_close(lib.fs)).c_str(), max_gap(lib, mo));

  plot::Figure fig(6, 4, 80);
  auto& ax = fig.ax();
  ax.plot(gd.fs, {.label = "plain GD (η=0.01)"});
  ax.plot(mo.fs, {.label = "momentum (η=0.01, β=0.9)"});
  ax.axhline(kFMin, {.color = "gray", .linewidth = 0.7, .linestyle = "--", .label = "true minimum"});
  ax.set_ylim(kFMin - 0.1, 2.5);
  ax.set_xlabel("iteration");
  ax.set_ylabel("f(x)");
  ax.set_title("Momentum accelerates convergence");
  ax.legend();
  lesson::save(fig, kLesson, "ex_1.png");
}

// Exercise 2: adaptive step sizes with the same base η = 0.01 from x₀ = −2.
// AdaGrad divides by the root of the summed squared gradients: the huge first
// gradients (f′(−2) = −20) shrink every later step, so it never gets there in
// 600 steps. Adam normalises by a running RMS, so its steps are about η each
// way: steady, but slower here (207) than plain GD (26). The log plot shows
// f − f_min (f itself goes negative, which a log axis cannot show).
void exercise_2() {
  lesson::section("Exercise 2: AdaGrad and Adam vs fixed step");
  const double eta = 0.01, x0 = -2.0, eps = 1e-8;
  const int steps = 600;
  const Path gd = run_gd(x0, eta, steps);

  Path ag;
  fx::Tensor x = fx::scalar(x0, fx::Float64), g2_sum = fx::scalar(0.0, fx::Float64);
  for (int k = 0; k < steps; ++k) {
    ag.xs.push_back(x.item());
    ag.fs.push_back(f(x).item());
    const fx::Tensor g = grad_f(x);
    g2_sum = g2_sum + g.square();
    x = x - eta * g / (g2_sum.sqrt() + eps);
  }

  Path ad;
  const double beta1 = 0.9, beta2 = 0.999;
  x = fx::scalar(x0, fx::Float64);
  fx::Tensor m = fx::scalar(0.0, fx::Float64), v = fx::scalar(0.0, fx::Float64);
  // page:begin Exercise 2
  for (int t = 1; t <= steps; ++t) {
    ad.xs.push_back(x.item());
    ad.fs.push_back(f(x).item());
    const fx::Tensor g = grad_f(x);
    m = beta1 * m + (1 - beta1) * g;
    v = beta2 * v + (1 - beta2) * g.square();
    const fx::Tensor m_hat = m / (1 - std::pow(beta1, t));
    const fx::Tensor v_hat = v / (1 - std::pow(beta2, t));
    x = x - eta * m_hat / (v_hat.sqrt() + eps);
  }
  // page:end

  std::printf("iters to |f - f_min| < 1e-3 :\n");
  std::printf("  GD      : %s\n", steps_or_none(first_close(gd.fs)).c_str());
  std::printf("  AdaGrad : %s\n", steps_or_none(first_close(ag.fs)).c_str());
  std::printf("  Adam    : %s\n", steps_or_none(first_close(ad.fs)).c_str());
  std::printf("AdaGrad after %d steps: f - f_min = %.3f\n", steps, ag.fs.back() - kFMin);
  const Path lib_ag = run_optimizer<fx::optim::Adagrad>(x0, steps, fx::optim::AdagradOptions{.lr = eta, .eps = eps});
  const Path lib_ad = run_optimizer<fx::optim::Adam>(x0, steps, fx::optim::AdamOptions{.lr = eta, .eps = eps});
  std::printf("  optim::Adagrad: %s, max |x - hand-written| = %.1e\n", steps_or_none(first_close(lib_ag.fs)).c_str(),
              max_gap(lib_ag, ag));
  std::printf("  optim::Adam: %s, max |x - hand-written| = %.1e\n", steps_or_none(first_close(lib_ad.fs)).c_str(),
              max_gap(lib_ad, ad));

  const auto gap = [](const Path& p) {
    plot::Vec d;
    for (double y : p.fs) d.push_back(y - kFMin);
    return d;
  };
  plot::Figure fig(6, 4, 80);
  auto& ax = fig.ax();
  ax.plot(gap(gd), {.label = "GD (η=0.01)"});
  ax.plot(gap(ag), {.label = "AdaGrad (η=0.01)"});
  ax.plot(gap(ad), {.label = "Adam (η=0.01)"});
  ax.axhline(1e-3, {.color = "gray", .linewidth = 0.7, .linestyle = "--", .label = "tolerance 1e-3"});
  ax.set_yscale("log");
  ax.set_xlabel("iteration");
  ax.set_ylabel("f(x) − f_min  (log scale)");
  ax.set_title("Adaptive LR vs. fixed LR (same base η)");
  ax.legend();
  lesson::save(fig, kLesson, "ex_2.png");
}

// GD on plain doubles for the multi-start runs: x_T after `steps` steps, or
// NaN as soon as the gradient or the iterate stops being finite.
double gradient_descent(double x0, double eta, int steps) {
  double x = x0;
  for (int k = 0; k < steps; ++k) {
    const double g = grad_f_double(x);
    if (!std::isfinite(g)) return NAN;
    const double next = x - eta * g;
    if (!std::isfinite(next)) return NAN;
    x = next;
  }
  return x;
}

// Exercise 3: 50 random starts in [−3, 3] (seed 0), 60 steps, for η = 0.01,
// 0.1, 0.5; a histogram of where the finite runs end. Nobody ends near the
// maximum at 0 (it repels). η = 0.01: every run heads for the minimum on its
// own side (a start very close to 0 needs more than 60 steps to get there).
// η = 0.1: exactly the starts with |x₀| > 2.5495 diverge, the rest reach ±√1.5.
// η = 0.5: all diverge, and the histogram is empty.
void exercise_3() {
  lesson::section("Exercise 3: 50 random starts");
  fx::manual_seed(0);
  // page:begin Exercise 3
  const std::vector<double> x0s = fx::uniform({50}, -3.0, 3.0, fx::Float64).to_vector<double>();
  // page:end
  const double threshold = 2.5495;  // |x0| beyond which GD with η = 0.1 diverges
  for (double eta : {0.01, 0.1, 0.5}) {
    plot::Vec finite;
    int near_zero = 0, at_minimum = 0, own_side = 0, rule_broken = 0;
    double worst = 0;  // the largest distance of a finite run from ±√1.5
    for (double x0 : x0s) {
      const double xf = gradient_descent(x0, eta, 60);
      const bool diverged = !std::isfinite(xf);
      if (!diverged) {
        finite.push_back(xf);
        near_zero += std::abs(xf) < 0.05;
        at_minimum += std::abs(std::abs(xf) - kXStar) < 0.05;
        own_side += std::signbit(xf) == std::signbit(x0);
        worst = std::max(worst, std::abs(std::abs(xf) - kXStar));
      }
      if (eta == 0.1) rule_broken += diverged != (std::abs(x0) > threshold);
    }
    char label[32];
    std::snprintf(label, sizeof label, "η = %-4g", eta);
    std::printf("%s  →  %d / %zu runs ended with |x| < 0.05\n", label, near_zero, finite.size());
    std::printf("%s  diverged: %zu; near ±sqrt(1.5) (within 0.05): %d; on x0's side: %d\n", label,
                x0s.size() - finite.size(), at_minimum, own_side);
    if (!finite.empty()) std::printf("%s  largest | |x_final| - sqrt(1.5) | = %.1e\n", label, worst);
    if (eta == 0.1) std::printf("η = 0.1   runs where (diverged) != (|x0| > %.4f): %d\n", threshold, rule_broken);

    plot::Figure fig(6, 4, 80);
    auto& ax = fig.ax();
    ax.hist(finite, {.bins = 15, .color = "tab:orange", .edgecolor = "black"});
    ax.axvline(0, {.color = "tab:gray", .linewidth = 1, .linestyle = "--"});
    char title[64], file[32];
    std::snprintf(title, sizeof title, "Final positions after GD (η = %g)", eta);
    std::snprintf(file, sizeof file, "ex_3_eta%g.png", eta);
    ax.set_title(title);
    ax.set_xlabel("x_final");
    ax.set_ylabel("count");
    lesson::save(fig, kLesson, file);
  }
}

// The step size that (approximately) minimises φ(η) = f(x − η g) on [0, eta_max]:
// the best of 50 evenly spaced η, refined on 20 points between its neighbours.
// page:begin Exercise 4
double line_search_eta(double x, double g, double eta_max = 2.0) {
  const auto phi = [&](const fx::Tensor& etas) { return f(x - etas * g); };
  const fx::Tensor coarse = fx::linspace(0, eta_max, 50, fx::Float64);
  const int64_t best = phi(coarse).argmin().item<int64_t>();
  const fx::Tensor fine = fx::linspace(coarse.at({std::max<int64_t>(best - 1, 0)}),
                                       coarse.at({std::min<int64_t>(best + 1, 49)}), 20, fx::Float64);
  return fine.at({phi(fine).argmin().item<int64_t>()});
}
// page:end

// Iterations until |f − f_min| < 1e-3 (at most 100), with a fixed η or with a
// line search at every step.
int iterations_to_converge(double x0, const std::function<double(double, double)>& step_size) {
  double x = x0;
  for (int step = 0; step < 100; ++step) {
    if (std::abs(f_double(x) - kFMin) < 1e-3) return step;
    const double g = grad_f_double(x);
    x -= step_size(x, g) * g;
  }
  return 100;
}

// Exercise 4: line search. From x₀ = −2 the best step along −f′ lands next to
// the minimum at once: 1 iteration, against 5 for a fixed η = 0.05.
void exercise_4() {
  lesson::section("Exercise 4: line search vs fixed step");
  const double x0 = -2.0;
  const int fixed_iters = iterations_to_converge(x0, [](double, double) { return 0.05; });
  const int ls_iters = iterations_to_converge(x0, [](double x, double g) { return line_search_eta(x, g); });
  const double eta0 = line_search_eta(x0, grad_f_double(x0));
  std::printf("Start x0 = %.1f\n", x0);
  std::printf("Fixed‑η GD  (η = 0.05): %d iterations\n", fixed_iters);
  std::printf("Line‑search GD        : %d iterations\n", ls_iters);
  std::printf("first line-search step: η = %.4f, x1 = %.4f\n", eta0, x0 - eta0 * grad_f_double(x0));
}

}  // namespace

int main() {
  demo_step_sizes_post();
  const std::vector<Path> analytic = demo_step_sizes_repo();
  demo_autograd_gradient(analytic);
  exercise_1();
  exercise_2();
  exercise_3();
  exercise_4();
  return 0;
}
