// SPDX-License-Identifier: MIT
// Lesson 10 — Line and surface integrals: work, flux, and streamplots.
//
// A line integral adds up what a vector field F does along a path r(t):
//   W = ∫ F(r(t)) · r′(t) dt,
// the work done on a particle that follows the path. Only the component of F
// along the direction of travel counts: a field that turns with the path does
// work every step, a field at right angles to it does none. (A surface
// integral ∫∫ F · n dA is the same idea one dimension up: the flux through a
// surface.) A streamplot draws the curves a particle would follow in F.
//
// Why ML cares: an RL agent collects reward along a trajectory, which is a
// line integral; gradient descent and ascent move parameters along the
// streamlines of −∇L or ∇f; and the flows of probability mass in diffusion
// models and GAN training are vector fields best seen as streamplots.
#include <cmath>
#include <cstdio>
#include <functional>
#include <numbers>
#include <string>

#include "examples/lessons/lesson.h"

namespace fx = fluxion;
namespace plot = fluxion::plot;
using fx::Tensor;

namespace {

constexpr int kLesson = 10;
constexpr double kPi = std::numbers::pi;

// A planar vector field F(x, y) -> (Fx, Fy), stacked along a new last dim.
using Field = std::function<Tensor(const Tensor& x, const Tensor& y)>;
// A path t -> r(t) for a 1-d tensor of times, as rows (x, y): [n] -> [n, 2].
using Path = std::function<Tensor(const Tensor& t)>;

// W = ∫ F(r(t)) · r′(t) dt by the trapezoid rule on n points of [0, 2π].
// The velocity r′(t) comes from forward-mode autograd: r acts on each t on its
// own, so one Jacobian-vector product with a tangent of ones gives r′ at every t.
// page:begin Demo 1
double work(const Field& F, const Path& r, int64_t n) {
  const Tensor t = fx::linspace(0, 2 * kPi, n, fx::Float64);
  auto [points, velocity] = fx::func::jvp(r, t, fx::ones_like(t));
  const Tensor force = F(points.select(1, 0), points.select(1, 1));
  const Tensor power = (force * velocity).sum({1});  // F · r′ at each t
  return fx::trapezoid(power, t).item();
}
// page:end

// The field on an nx × ny grid over [x0, x1] × [y0, y1], as streamplot wants it:
// axis vectors and the two components row-major, (ny, nx).
struct GridField {
  Tensor xs, ys, u, v;
};
GridField on_grid(const Field& F, double x0, double x1, double y0, double y1, int64_t n) {
  const Tensor xs = fx::linspace(x0, x1, n, fx::Float64), ys = fx::linspace(y0, y1, n, fx::Float64);
  const auto XY = fx::meshgrid({xs, ys}, fx::Indexing::xy);  // each (ny, nx)
  const Tensor uv = F(XY[0], XY[1]);
  return {xs, ys, uv.select(-1, 0), uv.select(-1, 1)};
}

// The figure the demo and the first two exercises share: grey streamlines of
// F, the path in red, and the origin.
void plot_field_and_path(const GridField& g, const Path& r, int64_t n, double w_in, double h_in,
                         const std::string& path_label, const std::string& title, const std::string& file) {
  plot::Figure fig(w_in, h_in, 80);
  auto& ax = fig.ax();
  ax.streamplot(g.xs, g.ys, g.u, g.v, {.density = 1.1, .color = "gray", .linewidth = 0.7, .arrowsize = 1});
  const Tensor points = r(fx::linspace(0, 2 * kPi, n, fx::Float64));
  ax.plot(points.select(1, 0), points.select(1, 1), "r", {.label = path_label});
  ax.scatter({0}, {0}, {.s = 35, .color = "k", .label = "Origin"});
  ax.set_title(title);
  ax.set_xlabel("x");
  ax.set_ylabel("y");
  ax.legend();
  ax.axis("equal");
  lesson::save(fig, kLesson, file);
}

// page:begin Demo 1
const Field rotation = [](const Tensor& x, const Tensor& y) { return fx::stack({-y, x}, -1); };  // F = (−y, x)
const Field radial = [](const Tensor& x, const Tensor& y) { return fx::stack({x, y}, -1); };     // F = (x, y)
const Path unit_circle = [](const Tensor& t) { return fx::stack({t.cos(), t.sin()}, 1); };
// page:end

// Demo 1: the rotation field (−y, x) pushes along the unit circle everywhere,
// with F · r′ = sin²t + cos²t = 1, so the work is the circumference 2π.
void demo_work_circle() {
  lesson::section("Demo 1: work of F = (-y, x) around the unit circle");
  const double w = work(rotation, unit_circle, 400);
  std::printf("Work along circle: %.5f (analytic = %.5f)\n", w, 2 * kPi);
  std::printf("work error vs 2*pi: %.2e\n", std::abs(w - 2 * kPi));
  plot_field_and_path(on_grid(rotation, -1.3, 1.3, -1.3, 1.3, 24), unit_circle, 400, 6, 6, "Path (unit circle)",
                      "Vector field [−y, x] and circular path", "work_circle.png");
}

// Demo 2: the streamlines of −∇f for the bowl f = x² + y² are straight rays
// into the minimum: the paths gradient flow takes from every start.
void demo_streamplot_gradient() {
  lesson::section("Demo 2: streamplot of -grad f, f = x^2 + y^2");
  // page:begin Demo 2
  const Field minus_grad = [](const Tensor& x, const Tensor& y) {
    const auto f = [](const Tensor& p) { return (p * p).sum({-1}).sum(); };  // Σ over the grid of x² + y²
    return -fx::func::grad(f)(fx::stack({x, y}, -1));                        // each point's own −∇f
  };
  // page:end
  const GridField g = on_grid(minus_grad, -2, 2, -2, 2, 28);
  std::printf("-grad f at (2, 2): (%.1f, %.1f)  (analytic -2x, -2y)\n", g.u.at({27, 27}), g.v.at({27, 27}));
  plot::Figure fig(6, 6, 80);
  auto& ax = fig.ax();
  ax.streamplot(g.xs, g.ys, g.u, g.v, {.density = 1.4, .color = "blue", .linewidth = 1});
  ax.set_title(R"(Streamplot: $-\nabla f$, $f(x, y) = x^2 + y^2$)");
  ax.set_xlabel("x");
  ax.set_ylabel("y");
  ax.scatter({0}, {0}, {.s = 30, .color = "k", .label = "Minimum"});
  ax.legend();
  ax.axis("equal");
  lesson::save(fig, kLesson, "streamplot_grad.png");
}

// Exercise 1: the same rotation field around the ellipse (2 cos t, sin t).
// By Green's theorem the work is the integral of curl F = 2 over the inside,
// 2 · πab = 4π.
void exercise_ellipse_work() {
  lesson::section("Exercise 1: work of F = (-y, x) around the ellipse x = 2cos t, y = sin t");
  // page:begin Exercise 1
  const Path ellipse = [](const Tensor& t) { return fx::stack({2 * t.cos(), t.sin()}, 1); };
  const double w = work(rotation, ellipse, 600);
  // page:end
  std::printf("Work along ellipse: %.5f\n", w);
  std::printf("Analytic result:    %.5f\n", 2 * kPi * 2 * 1);
  plot_field_and_path(on_grid(rotation, -2.2, 2.2, -1.2, 1.2, 28), ellipse, 600, 7, 4.5, "Ellipse path",
                      "Work along ellipse in F(x,y)=[−y,x]", "ellipse_work.png");
}

// Exercise 2: a radial field around the unit circle. F points outwards, the
// path runs along the circle, F · r′ = 0 everywhere: no work at all.
void exercise_radial_work() {
  lesson::section("Exercise 2: work of the radial field F = (x, y) around the unit circle");
  // page:begin Exercise 2
  const double w = work(radial, unit_circle, 500);
  // page:end
  std::printf("Work along unit circle: %.5f\n", w == 0 ? 0.0 : w);  // no "-0.00000"
  std::printf("radial work |W|: %.2e\n", std::abs(w));
  std::printf("Analytic: The work should be 0, because the field is perpendicular to the path everywhere.\n");
  plot_field_and_path(on_grid(radial, -1.2, 1.2, -1.2, 1.2, 25), unit_circle, 500, 6, 6, "Unit circle path",
                      "Work along unit circle in F(x,y)=[x,y]", "radial_work.png");
}

// Exercise 3: F = (sin y, cos x), streamlines coloured by speed |F|: saddles
// where both components vanish, a vortex at (π/2, 0), fast diagonal bands.
void exercise_custom_streamplot() {
  lesson::section("Exercise 3: streamplot of F = (sin y, cos x), coloured by speed");
  // page:begin Exercise 3
  const Field F = [](const Tensor& x, const Tensor& y) { return fx::stack({y.sin(), x.cos()}, -1); };
  const GridField g = on_grid(F, -2, 2, -2, 2, 36);
  const Tensor speed = (g.u * g.u + g.v * g.v).sqrt();
  // page:end
  std::printf("speed |F| on the grid: min %.4f, max %.4f\n", speed.min().item(), speed.max().item());
  plot::Figure fig(6, 6, 80);
  auto& ax = fig.ax();
  const auto m = ax.streamplot(g.xs, g.ys, g.u, g.v,
                               {.density = 1.2, .color_by_magnitude = true, .cmap = "plasma", .linewidth = 1});
  ax.set_title(R"(Streamplot for $\mathbf{F}(x, y) = [\sin y, \cos x]$)");
  ax.set_xlabel("x");
  ax.set_ylabel("y");
  ax.axis("equal");
  ax.colorbar(m, R"(speed $(|\mathbf{F}|)$)");
  lesson::save(fig, kLesson, "custom_streamplot.png");
}

// Exercise 4: an RL picture. The reward f = −((x−1)² + (y+1)²) peaks at
// (1, −1); gradient ascent from (0, 0) follows its streamlines. With η = 0.15
// each step multiplies the distance to the peak by 1 − 2η = 0.7.
void exercise_reward_ascent() {
  lesson::section("Exercise 4: gradient ascent in the reward landscape f = -((x-1)^2 + (y+1)^2)");
  const auto reward = [](const Tensor& x, const Tensor& y) { return -((x - 1).square() + (y + 1).square()); };
  const auto reward_at = [&](const Tensor& p) { return reward(p.select(-1, 0), p.select(-1, 1)).sum(); };
  const Field ascent = [&](const Tensor& x, const Tensor& y) {
    return fx::func::grad(reward_at)(fx::stack({x, y}, -1));
  };

  const int steps = 30;
  const double eta = 0.15;
  Tensor p = fx::tensor({0.0, 0.0}, fx::Float64);
  plot::Vec tx = {0.0}, ty = {0.0};
  const Tensor peak = fx::tensor({1.0, -1.0}, fx::Float64);
  const double d0 = (p - peak).norm().item();
  // page:begin Exercise 4
  for (int k = 0; k < steps; ++k) {
    p = p + eta * fx::func::grad(reward_at)(p);
  // page:end
    tx.push_back(p.at({0}));
    ty.push_back(p.at({1}));
  }
  const double d1 = (p - peak).norm().item();
  std::printf("after %d steps: (%.6f, %.6f), reward %.3e\n", steps, p.at({0}), p.at({1}), reward_at(p).item());
  std::printf("distance to the peak shrinks by %.6f per step\n", std::pow(d1 / d0, 1.0 / steps));

  const GridField g = on_grid(ascent, -2.5, 2.5, -3.5, 0.5, 28);
  const auto XY = fx::meshgrid({g.xs, g.ys}, fx::Indexing::xy);
  plot::Figure fig(7, 5, 80);
  auto& ax = fig.ax();
  const auto m = ax.contourf(g.xs, g.ys, reward(XY[0], XY[1]), {.levels = 30, .cmap = "Greens", .alpha = 0.7});
  ax.colorbar(m, "Reward f(x, y)");
  ax.streamplot(g.xs, g.ys, g.u, g.v, {.density = 1.1, .color = "k", .linewidth = 0.7, .arrowsize = 1});
  ax.plot(tx, ty, "o-r", {.label = "Optimal trajectory"});
  ax.scatter({1}, {-1}, {.s = 90, .color = "gold", .edgecolors = "k", .label = "Reward maximum", .zorder = 3});
  ax.scatter({0}, {0}, {.s = 50, .color = "blue", .edgecolors = "k", .label = "Start", .zorder = 3});
  ax.set_xlabel("x");
  ax.set_ylabel("y");
  ax.set_title("RL: Gradient Ascent in Reward Landscape");
  ax.legend();
  lesson::save(fig, kLesson, "reward_ascent.png");
}

}  // namespace

int main() {
  demo_work_circle();
  demo_streamplot_gradient();
  exercise_ellipse_work();
  exercise_radial_work();
  exercise_custom_streamplot();
  exercise_reward_ascent();
  return 0;
}
