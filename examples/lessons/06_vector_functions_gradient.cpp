// SPDX-License-Identifier: MIT
// Lesson 6 — Vector functions & the gradient: seeing slopes in 2-D.
//
// For f: ℝⁿ → ℝ the gradient ∇f = (∂f/∂x₁, …, ∂f/∂xₙ) stacks the partial
// derivatives. It points in the direction of steepest ascent, its length is
// the slope in that direction, and in 1-D it is just f′. The example is the
// bowl f = x² + y², whose gradient (2x, 2y) points straight away from the
// minimum and grows with the distance to it.
//
// Why ML cares: a loss is a scalar function of millions of weights, and
// training is walking against its gradient. Autograd produces that gradient
// for any composition of ops: backward() fills w.grad exactly as it fills the
// gradient of x² + y² here.
#include <cmath>
#include <cstdio>
#include <vector>

#include "examples/lessons/lesson.h"

namespace fx = fluxion;
namespace plot = fluxion::plot;
using fx::Tensor;

namespace {

constexpr int kLesson = 6;

/// X, Y of an n x n grid over [lo, hi]² (meshgrid, xy indexing: X[i][j] = x_j, Y[i][j] = y_i).
std::pair<Tensor, Tensor> grid(double lo, double hi, int n) {
  const Tensor v = fx::linspace(lo, hi, n);
  const auto xy = fx::meshgrid({v, v}, fx::Indexing::xy);
  return {xy[0], xy[1]};
}

/// Contours of F = X² + Y² with the quiver of ∇F = (2X, 2Y) on a 21 x 21 grid over [−2, 2]².
void bowl_field(plot::Axes& ax, int levels, double alpha) {
  const Tensor v = fx::linspace(-2, 2, 21);
  const auto [X, Y] = grid(-2, 2, 21);
  // page:begin Demo 1
  const Tensor F = X.square() + Y.square();
  ax.contour(lesson::vec(v), lesson::vec(v), lesson::vec(F), {.levels = levels, .cmap = "gray", .linewidth = 0.6});
  ax.quiver(lesson::vec(X), lesson::vec(Y), lesson::vec(2 * X), lesson::vec(2 * Y),
            {.scale = 40, .color = "tab:blue", .alpha = alpha});
  // page:end
}

// Demo 1: the gradient field of f = x² + y²: concentric level circles with
// arrows pointing straight outward, zero at the centre, longer farther out.
void demo_quiver() {
  lesson::section("Demo 1: quiver plot of grad f for f = x^2 + y^2");
  plot::Figure fig(6, 6, 80);
  auto& ax = fig.ax();
  bowl_field(ax, 10, 0.8);
  ax.set_aspect("equal");
  ax.set_xlabel("x");
  ax.set_ylabel("y");
  ax.set_title(R"(Gradient field  $\nabla f(x, y)$  for  $f = x^2 + y^2$)");
  lesson::save(fig, kLesson, "quiver_xy2.png");
}

// Demo 2: autograd gives the gradient at a point: one backward() from the
// scalar f(x, y) = x² + y² fills point.grad with (2x, 2y).
void demo_autograd_point() {
  lesson::section("Demo 2: autograd gradient at a point");
  // page:begin Demo 2
  const Tensor point = fx::tensor({1.5, -0.8}).requires_grad_();
  const Tensor x = point[0], y = point[1];
  const Tensor f = x.square() + y.square();
  f.backward();
  const Tensor g = point.grad();
  // page:end
  std::printf("f([1.5, -0.8]) = %.3f\n", f.item());
  std::printf("∇f = [%.4f, %.4f]\n", g.at({0}), g.at({1}));
}

// Demo 3: the same machinery on a weight vector, the seed of back-prop:
// loss = (w·x)² has ∂loss/∂w = 2(w·x)·x.
void demo_link_to_backprop() {
  lesson::section("Demo 3: link to back-prop");
  // page:begin Demo 3
  const Tensor w = fx::tensor({0.7, -1.2}).requires_grad_();
  const Tensor x = fx::tensor({1.0, 2.0});
  const Tensor loss = w.dot(x).square();
  loss.backward();
  // page:end
  std::printf("w.x = %.4f\n", w.dot(x).item());
  std::printf("gradient wrt weights = [%.4f, %.4f]\n", w.grad().at({0}), w.grad().at({1}));
}

// Exercise 1: a gradient checker for g = sin x + cos y, whose gradient is
// (cos x, −sin y): the analytic and the autograd gradient agree at random
// points to rounding (in fact exactly: autograd applies the same rules).
void exercise_gradient_checker() {
  lesson::section("Exercise 1: gradient checker for g = sin x + cos y");
  double max_err = 0;
  for (int i = 0; i < 10; ++i) {
    const Tensor point = fx::uniform({2}, -M_PI, M_PI);
    // page:begin Exercise 1
    const Tensor analytic = fx::stack({point[0].cos(), -point[1].sin()});
    const Tensor xy = point.detach().clone().requires_grad_();
    const Tensor g = xy[0].sin() + xy[1].cos();
    g.backward();
    // page:end
    const double err = (analytic - xy.grad()).abs().max().item();
    max_err = std::max(max_err, err);
    std::printf("point %2d: (x,y)=(%+.3f, %+.3f)  err=%.2e\n", i, point.at({0}), point.at({1}), err);
  }
  std::printf("\nMax absolute error across all points: %.2e\n", max_err);
  std::printf(max_err < 1e-8 ? "OK: all gradients match to < 1e-8\n" : "FAILED: gradient check above 1e-8\n");
}

// Exercise 2: h = x³ − 3xy², the real part of (x + iy)³. Its gradient
// (3x² − 3y², −6xy) vanishes only at the origin, a "monkey saddle" with three
// rising and three falling sectors.
void exercise_monkey_saddle() {
  lesson::section("Exercise 2: contours and gradient field of h = x^3 - 3xy^2");
  const Tensor v = fx::linspace(-2, 2, 41);
  const auto [X, Y] = grid(-2, 2, 41);
  // page:begin Exercise 2
  const Tensor H = X.pow(3) - 3 * X * Y.square();
  const Tensor U = 3 * X.square() - 3 * Y.square();
  const Tensor V = -6 * X * Y;
  auto h = [](const Tensor& p) { return p[0].pow(3) - 3 * p[0] * p[1].square(); };
  const Tensor g0 = fx::func::grad(h)(fx::tensor({0.0, 0.0}));
  // page:end
  std::printf("Critical point (saddle): (0, 0)\n");
  std::printf("autograd grad h(0,0) = [%g, %g]\n", g0.at({0}), g0.at({1}));

  plot::Figure fig(6, 6, 80);
  auto& ax = fig.ax();
  ax.contour(lesson::vec(v), lesson::vec(v), lesson::vec(H), {.levels = 20, .cmap = "RdGy", .linewidth = 0.7});
  ax.quiver(lesson::vec(X), lesson::vec(Y), lesson::vec(U), lesson::vec(V),
            {.scale = 150, .color = "tab:blue", .alpha = 0.8});
  ax.scatter({0}, {0}, {.s = 50, .color = "black", .label = "saddle (0,0)", .zorder = 3});
  ax.set_title("Contours & gradient field of  $h(x, y) = x^3 - 3xy^2$");
  ax.set_xlabel("x");
  ax.set_ylabel("y");
  ax.legend({.loc = "center right"});  // where matplotlib's "best" puts it, clear of the saddle
  ax.set_aspect("equal");
  lesson::save(fig, kLesson, "ex2_monkey_saddle.png");
}

// Exercise 3: gradient descent on f = x² + y² from (−1.8, 1.6) with η = 0.1.
// Each step multiplies the point by 1 − 2η = 0.8, so the path is a straight
// line into the origin; it stops once ‖∇f‖ < 1e-3.
void exercise_descent_path() {
  lesson::section("Exercise 3: gradient-descent path on f = x^2 + y^2");
  const double eta = 0.1, tol = 1e-3;
  plot::Vec px{-1.8}, py{1.6};
  // page:begin Exercise 3
  for (int it = 0; it < 100; ++it) {
    const double gx = 2 * px.back(), gy = 2 * py.back();
    if (std::hypot(gx, gy) < tol) break;
    px.push_back(px.back() - eta * gx);
    py.push_back(py.back() - eta * gy);
  }
  // page:end
  std::printf("Converged in %zu steps; final point = [%.6e %.6e]\n", px.size() - 1, px.back(), py.back());

  plot::Figure fig(6, 6, 80);
  auto& ax = fig.ax();
  bowl_field(ax, 15, 0.7);
  ax.plot(px, py, "-o", {.color = "red", .label = "GD path (η=0.1)"});
  ax.scatter({px[0]}, {py[0]}, {.s = 80, .color = "red", .edgecolors = "black", .label = "start", .zorder = 5});
  ax.scatter({0}, {0}, {.s = 60, .color = "green", .label = "minimum", .zorder = 5});
  ax.set_title("Gradient-descent path on  $f = x^2 + y^2$");
  ax.set_xlabel("x");
  ax.set_ylabel("y");
  ax.legend();
  ax.set_aspect("equal");
  lesson::save(fig, kLesson, "ex3_gd_path.png");
}

// Exercise 4: the Hessian as the Jacobian of the gradient. The first grad is
// taken with create_graph, so each of its components can be differentiated
// again, one row at a time; for x² + y² every row is constant: [[2, 0], [0, 2]].
void exercise_hessian() {
  lesson::section("Exercise 4: Hessian of f = x^2 + y^2 by double backward");
  const Tensor point = fx::tensor({1.7, -0.9}).requires_grad_();
  // page:begin Exercise 4
  const Tensor f = point[0].square() + point[1].square();
  const Tensor grad = fx::autograd::grad({f}, {point}, {.create_graph = true})[0];
  std::vector<Tensor> rows;
  for (int64_t i = 0; i < 2; ++i) rows.push_back(fx::autograd::grad({grad[i]}, {point}, {.retain_graph = true})[0]);
  const Tensor hessian = fx::stack(rows);
  // page:end
  const Tensor analytic = fx::tensor({{2.0, 0.0}, {0.0, 2.0}});
  std::printf("Autograd Hessian: [[%g, %g], [%g, %g]]\n", hessian.at({0, 0}), hessian.at({0, 1}),
              hessian.at({1, 0}), hessian.at({1, 1}));
  std::printf("Analytic Hessian: [[2, 0], [0, 2]]\n");
  const double diff = (hessian - analytic).abs().max().item();
  std::printf("max |difference| = %g\n", diff);
  std::printf(diff < 1e-8 ? "OK: Hessian matches analytic [[2,0],[0,2]]\n" : "FAILED: Hessian mismatch\n");
}

}  // namespace

int main() {
  fx::set_default_dtype(fx::Float64);
  demo_quiver();
  demo_autograd_point();
  demo_link_to_backprop();
  exercise_gradient_checker();
  exercise_monkey_saddle();
  exercise_descent_path();
  exercise_hessian();
  return 0;
}
