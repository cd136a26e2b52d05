// SPDX-License-Identifier: MIT
// Lesson 8 — Multiple integrals: Monte Carlo meets the multivariate Gaussian.
//
// A double integral ∬_R f(x, y) dx dy adds up f over a region. Closed forms
// exist only in special cases: the mass of a standard 2-D Gaussian over a
// rectangle factorises into a product of 1-D CDFs, Φ(b) − Φ(a) per axis.
// Otherwise Monte Carlo estimates the integral as area × the average of f at
// uniform random points; its error falls like σ/√N whatever the dimension.
// Tensor-product quadrature is the deterministic alternative in low dimension.
//
// Why ML cares: expected losses, marginal likelihoods, ELBOs and
// normalisation constants are all multi-dimensional integrals, and most are
// estimated by sampling.
#include <cmath>
#include <cstdio>
#include <vector>

#include "examples/lessons/lesson.h"

namespace fx = fluxion;
namespace plot = fluxion::plot;
using fx::Tensor;

namespace {

constexpr int kLesson = 8;

/// p(x, y) = exp(−(x² + y²)/2) / 2π, the standard 2-D Gaussian density.
Tensor gauss2d(const Tensor& x, const Tensor& y) {
  return (-0.5 * (x.square() + y.square())).exp() / (2 * M_PI);
}

/// Φ(b) − Φ(a) for the standard normal, with Φ(x) = (1 + erf(x/√2))/2.
double normal_mass(double a, double b) {
  const Tensor ends = fx::tensor({a, b});
  const Tensor cdf = 0.5 * (1 + (ends / std::sqrt(2.0)).erf());
  return cdf.at({1}) - cdf.at({0});
}

struct McEstimate {
  double value;       // area × mean f
  double std_error;   // area × std(f) / √N
  double sample_std;  // std of area × f, one sample
};

/// Monte Carlo of ∬ f over [a, b]²: N uniform points, area × the mean of f.
// page:begin Demo
template <class F>
McEstimate monte_carlo(F f, double a, double b, int64_t n) {
  const double area = (b - a) * (b - a);
  const Tensor xs = fx::uniform({n}, a, b), ys = fx::uniform({n}, a, b);
  const Tensor vals = area * f(xs, ys);
  const double sample_std = vals.std().item();
  return {vals.mean().item(), sample_std / std::sqrt(static_cast<double>(n)), sample_std};
}
// page:end

/// Gauss–Legendre nodes and weights on [−1, 1] (Golub–Welsch): the nodes are the
/// eigenvalues of the symmetric tridiagonal Jacobi matrix with off-diagonal
/// k/√(4k² − 1), and each weight is 2 × (first component of its eigenvector)².
// page:begin Exercise 3
std::pair<Tensor, Tensor> gauss_legendre(int n) {
  std::vector<double> jacobi(static_cast<size_t>(n) * n, 0.0);
  for (int k = 1; k < n; ++k) {
    const double beta = k / std::sqrt(4.0 * k * k - 1);
    jacobi[(k - 1) * n + k] = jacobi[k * n + k - 1] = beta;
  }
  const auto [nodes, vectors] = fx::linalg::eigh(fx::tensor(jacobi, {n, n}));
  return {nodes, 2 * vectors[0].square()};
}
// page:end

// Demo: the probability mass of a standard 2-D Gaussian in [−1, 1]², exactly
// (a product of 1-D CDFs) and by Monte Carlo with N = 100 000 uniform points.
void demo_mc_gauss() {
  lesson::section("Demo: mass of a 2-D standard Gaussian in [-1,1]^2");
  const double closed = normal_mass(-1, 1) * normal_mass(-1, 1);
  const McEstimate mc = monte_carlo(gauss2d, -1, 1, 100000);
  std::printf("Closed-form prob in box: %.5f\n", closed);
  std::printf("Monte Carlo estimate  : %.5f\n", mc.value);
  std::printf("Absolute error        : %.2e\n", std::abs(closed - mc.value));
  std::printf("  closed form (8 dp) = %.8f\n", closed);
  std::printf("  per-sample std of 4p = %.4f, MC standard error = %.3e, |error| / stderr = %.2f\n", mc.sample_std,
              mc.std_error, std::abs(closed - mc.value) / mc.std_error);
}

// Exercise 1: the density as filled contours over [−3, 3]² with the
// integration box outlined: the box holds the bright core, 46.6% of the mass.
void exercise_contour() {
  lesson::section("Exercise 1: filled contour of p(x, y) with the integration box");
  const Tensor v = fx::linspace(-3, 3, 200);
  const auto XY = fx::meshgrid({v, v}, fx::Indexing::xy);
  // page:begin Exercise 1
  const Tensor Z = gauss2d(XY[0], XY[1]);
  // page:end
  std::printf("max p on the grid = %.4f (1/2pi = %.4f)\n", Z.max().item(), 1 / (2 * M_PI));

  plot::Figure fig(6, 6, 80);
  auto& ax = fig.ax();
  const plot::Mappable m =
      ax.contourf(lesson::vec(v), lesson::vec(v), lesson::vec(Z), {.levels = 30, .cmap = "viridis"});
  ax.colorbar(m, "$p(x, y)$");
  ax.rectangle(-1, -1, 2, 2, {.edgecolor = "red", .linewidth = 2, .label = "Integration box"});
  ax.set_xlabel("x");
  ax.set_ylabel("y");
  ax.set_title("2D Gaussian $p(x, y)$ with Integration Box $[-1, 1]^2$");
  ax.legend();
  lesson::save(fig, kLesson, "ex1_gauss_contour.png");
}

// Exercise 2: squares of side L = 2, 3, 4. The mass grows toward 1 as the box
// swallows the tails; the Monte Carlo noise grows with the area (the points
// spread over more nearly-empty space).
void exercise_vary_region() {
  lesson::section("Exercise 2: squares of side L = 2, 3, 4 (N = 200000)");
  for (int L : {2, 3, 4}) {
    const double a = -L / 2.0, b = L / 2.0;
    // page:begin Exercise 2
    const double closed = normal_mass(a, b) * normal_mass(a, b);
    const McEstimate mc = monte_carlo(gauss2d, a, b, 200000);
    // page:end
    std::printf("L = %d | Closed-form: %.6f | MC: %.5f | Abs. error: %.2e | stderr %.1e\n", L, closed, mc.value,
                std::abs(closed - mc.value), mc.std_error);
  }
}

// Exercise 3: a non-Gaussian integrand, tanh(x + y)·p(x, y) over [−1, 1]².
// It is odd under (x, y) → (−x, −y), so the integral is exactly 0. A 40×40
// Gauss–Legendre rule (symmetric nodes) finds 0 to rounding, and reproduces the
// Gaussian mass of the demo to 1e-15; Monte Carlo lands within its noise.
void exercise_non_gaussian() {
  lesson::section("Exercise 3: integral of tanh(x+y) p(x,y) over [-1,1]^2");
  auto integrand = [](const Tensor& x, const Tensor& y) { return (x + y).tanh() * gauss2d(x, y); };
  const McEstimate mc = monte_carlo(integrand, -1, 1, 200000);

  // page:begin Exercise 3
  const auto [nodes, weights] = gauss_legendre(40);
  const auto XY = fx::meshgrid({nodes, nodes}, fx::Indexing::xy);
  const Tensor W = weights.outer(weights);
  const double quad = (W * integrand(XY[0], XY[1])).sum().item();
  // page:end
  const double quad_mass = (W * gauss2d(XY[0], XY[1])).sum().item();
  const double closed = normal_mass(-1, 1) * normal_mass(-1, 1);

  std::printf("Monte Carlo estimate : %.6f  (stderr %.1e)\n", mc.value, mc.std_error);
  std::printf("Numerical integral   : %.6f  (Gauss-Legendre 40x40, value %.2e)\n", quad, quad);
  std::printf("Abs. error           : %.2e\n", std::abs(mc.value - quad));
  std::printf("same rule on p alone : %.12f, closed form %.12f, difference %.2e\n", quad_mass, closed,
              std::abs(quad_mass - closed));
}

// Exercise 4: convergence of the demo's estimate for N from 100 to 10⁶
// (20 log-spaced values): the error shrinks roughly like N^(−1/2), noisily.
void exercise_convergence() {
  lesson::section("Exercise 4: Monte Carlo convergence, N = 100 .. 1000000");
  const double closed = normal_mass(-1, 1) * normal_mass(-1, 1);
  const std::vector<double> grid = fx::logspace(2, 6, 20).to_vector<double>();
  plot::Vec ns, estimates, errors;
  double sx = 0, sy = 0, sxx = 0, sxy = 0;  // least-squares slope of log err vs log N
  for (double g : grid) {
    // page:begin Exercise 4
    const int64_t n = static_cast<int64_t>(g + 1e-9);  // NumPy's dtype=int truncates
    const McEstimate mc = monte_carlo(gauss2d, -1, 1, n);
    const double err = std::abs(mc.value - closed);
    // page:end
    ns.push_back(static_cast<double>(n)), estimates.push_back(mc.value), errors.push_back(err);
    std::printf("N = %7lld  estimate = %.6f  error = %.2e  (%.2f stderr)\n", static_cast<long long>(n), mc.value, err,
                err / mc.std_error);
    const double lx = std::log10(static_cast<double>(n)), ly = std::log10(err);
    sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly;
  }
  const double k = static_cast<double>(grid.size());
  std::printf("fitted slope of log10(error) vs log10(N): %.2f (theory -0.5)\n",
              (k * sxy - sx * sy) / (k * sxx - sx * sx));

  plot::Figure fig(8, 4, 80);
  fig.subplots(1, 2);
  auto& left = fig.ax(0, 0);
  left.plot(ns, estimates, {.marker = "o", .label = "MC estimate"});
  left.axhline(closed, {.color = "gray", .linestyle = "--", .label = "Closed form"});
  left.set_xscale("log");
  left.set_xlabel("N");
  left.set_ylabel("Estimate");
  left.set_title("Monte Carlo estimate vs N");
  left.legend();
  auto& right = fig.ax(0, 1);
  right.plot(ns, errors, {.color = "r", .marker = "o"});
  right.set_xscale("log");
  right.set_yscale("log");
  right.set_xlabel("N");
  right.set_ylabel("Absolute error");
  right.set_title("Absolute error vs N (log-log)");
  lesson::save(fig, kLesson, "ex4_mc_convergence.png");
}

}  // namespace

int main() {
  fx::set_default_dtype(fx::Float64);
  demo_mc_gauss();
  exercise_contour();
  exercise_vary_region();
  exercise_non_gaussian();
  exercise_convergence();
  return 0;
}
