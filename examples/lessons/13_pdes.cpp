// SPDX-License-Identifier: MIT
// Lesson 13 — Partial Differential Equations (PDEs): Simulating the Wave Equation.
//
// A PDE ties together partial derivatives of an unknown of several variables.
// The 1-D wave equation u_tt = c^2 u_xx says that a string accelerates where
// it is curved. Replacing both second derivatives by central differences
// gives the explicit "leapfrog" scheme
//   u_next[i] = 2 u[i] - u_prev[i] + C^2 (u[i+1] - 2 u[i] + u[i-1]),   C = c dt / dx,
// plus initial conditions (shape and velocity) and boundary conditions at the
// ends. It is stable only when the Courant number C <= 1 (the CFL condition):
// information must not travel more than one cell per step.
//
// Why ML cares: physics-informed networks (PINNs) are trained on PDE
// residuals; diffusion models and many vision operators are discretised
// PDEs; and the stability lesson (step size vs. curvature) is the same one
// that limits learning rates.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "examples/lessons/lesson.h"

namespace fx = fluxion;
namespace plot = fluxion::plot;
using fx::Slice;

namespace {

constexpr int kLesson = 13;
using Frames = std::vector<std::vector<double>>;  // one row of u per step

// One leapfrog step of the interior (numpy's u[1:-1], u[2:], u[:-2] slices):
//   2 u[1:-1] - u_prev[1:-1] + C^2 (u[2:] - 2 u[1:-1] + u[:-2])
// page:begin Demo
fx::Tensor interior_step(const fx::Tensor& u, const fx::Tensor& u_prev, double C2) {
  fx::Tensor mid = u.index({Slice{1, -1}});
  return 2 * mid - u_prev.index({Slice{1, -1}}) + C2 * (u.index({Slice{2, {}}}) - 2 * mid + u.index({Slice{{}, -2}}));
}
// page:end

enum class Boundary { reflecting, absorbing };

// Runs the 1-D scheme from u0 at rest (u_prev = u0) for `steps` steps and
// returns every new state (frame 0 is already one step in).
//   reflecting: u = 0 at both ends (fixed string ends)
//   absorbing:  u_next[0] = u[1], u_next[-1] = u[-2] (the wave walks out)
Frames simulate(const fx::Tensor& u0, double C, int steps, Boundary boundary = Boundary::reflecting) {
  // C^2 as the post computes it: dt = C dx / c, C2 = (c dt / dx)^2 (for C = 0.8
  // that is 0.6399999999999999, which matters to the round-off that seeds
  // the C = 1.2 blow-up)
  const double dx = 1.0 / (double)u0.numel(), c = 1.0, dt = C * dx / c, C2 = (c * dt / dx) * (c * dt / dx);
  fx::Tensor u = u0.clone(), u_prev = u0.clone();
  const int64_t n = u0.numel();
  Frames frames;
  for (int step = 0; step < steps; ++step) {
    // page:begin Demo
    fx::Tensor left = fx::zeros({1}), right = fx::zeros({1});
    if (boundary == Boundary::absorbing) left = u.index({Slice{1, 2}}), right = u.index({Slice{n - 2, n - 1}});
    fx::Tensor u_next = fx::cat({left, interior_step(u, u_prev, C2), right});
    // page:end
    frames.push_back(u_next.to_vector<double>());
    u_prev = u;
    u = u_next;
  }
  return frames;
}

double max_abs(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m = std::max(m, std::abs(x));
  return m;
}
double sum(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s;
}

// The domain [0, 1] with N points (numpy's linspace(0, 1, N)).
plot::Vec grid_x(int n) { return lesson::vec(fx::linspace(0, 1, n)); }

// The Gaussian bump of the exercises: exp(-((x - 0.5) / 0.06)^2 / 2) on linspace(0, 1, 180).
fx::Tensor gaussian_bump() {
  fx::Tensor x = fx::linspace(0, 1, 180);
  return (-0.5 * ((x - 0.5) / 0.06).square()).exp();
}

// One line-plot frame per step: the panels side by side, each with its title,
// the line against x (or the index when x is empty), ylim [-1.2, 1.2] and the
// x-label "Step i", as the post's FuncAnimation draws them. The GIF keeps
// every 2nd step at twice the post's 35 ms (the same playback speed, half the
// encoding time). Frame 0 is also saved as a PNG (the reference stills are frame 0).
struct Panel {
  std::string title;
  const Frames* frames;
  std::string color;
};
void animate_lines(const std::vector<Panel>& panels, const plot::Vec& x, double w, double h, int delay_ms,
                   const std::string& name) {
  const size_t n = panels[0].frames->size(), stride = 2;
  plot::Animation anim(delay_ms * (int)stride);
  for (size_t i = 0; i < n; i += stride) {
    plot::Figure fig(w, h, 80);
    fig.subplots(1, (int)panels.size(), {.sharey = panels.size() > 1});
    for (size_t p = 0; p < panels.size(); ++p) {
      auto& ax = fig.ax(0, (int)p);
      const std::vector<double>& u = (*panels[p].frames)[i];
      if (x.empty()) ax.plot(u, {.color = panels[p].color});
      else ax.plot(x, u, {.color = panels[p].color});
      ax.set_ylim(-1.2, 1.2);
      ax.set_title(panels[p].title);
      ax.set_xlabel("Step " + std::to_string(i));
    }
    if (i == 0) lesson::save(fig, kLesson, name + ".png");
    anim.add(fig);
  }
  const std::string path = lesson::figure_path(kLesson, name + ".gif");
  anim.save(path);
  std::printf("  [figure] %s (%zu frames, every %zu steps)\n", path.c_str(), anim.size(), stride);
}

// Demo: a top-hat (u = 1 on cells 60..119) released at rest on a string with
// fixed ends. It splits into two half-height pulses running left and right
// at C = 0.8 cells per step, which reflect upside down at the fixed ends and
// recombine into an inverted top-hat.
void demo_wave() {
  lesson::section("Demo: 1-D wave equation, top-hat start, fixed ends (N = 180, C = 0.8, 240 steps)");
  const int N = 180;
  const double dx = 1.0 / N, c = 1.0, dt = 0.8 * dx / c, C = c * dt / dx;
  fx::Tensor u0 = fx::cat({fx::zeros({N / 3}), fx::ones({N / 3 * 2 - N / 3}), fx::zeros({N - N / 3 * 2})});  // u[N//3 : N//3*2] = 1
  std::printf("C = %.2f, C^2 = %.2f; top-hat on cells %d to %d, sum(u0) = %.1f\n", C, C * C, N / 3, N / 3 * 2 - 1,
              u0.sum().item());
  const Frames frames = simulate(u0, C, 240);
  double lo = 0, hi = 0;
  for (const auto& f : frames) {
    lo = std::min(lo, *std::min_element(f.begin(), f.end()));
    hi = std::max(hi, *std::max_element(f.begin(), f.end()));
  }
  // The two pulses at frame 40: peaks of the left and right halves.
  const std::vector<double>& f40 = frames[40];
  std::printf("Frame 40: left pulse peak %.3f, right pulse peak %.3f (half height)\n",
              *std::max_element(f40.begin(), f40.begin() + N / 2), *std::max_element(f40.begin() + N / 2, f40.end()));
  for (int i : {0, 75, 150, 239}) std::printf("Frame %3d: sum(u) = %7.2f\n", i, sum(frames[i]));
  std::printf("Overall min: %.3f\n", lo);
  std::printf("Overall max: %.3f\n", hi);
  std::printf("Last frame min: %.3f\n", *std::min_element(frames.back().begin(), frames.back().end()));
  animate_lines({{"1D Wave Equation", &frames, "C0"}}, {}, 7, 3, 35, "wave");
}

// Exercise 1: a smooth Gaussian start. Nothing is sharp, so no dispersive
// ripples: two smooth half-height pulses, inverted after reflection.
void exercise_1() {
  lesson::section("Exercise 1: Gaussian bump (mu = 0.5, sigma = 0.06)");
  // page:begin Exercise 1
  const Frames frames = simulate(gaussian_bump(), 0.8, 240);
  // page:end
  double peak = 0;
  for (const auto& f : frames) peak = std::max(peak, max_abs(f));
  std::printf("Gaussian: max |u| over all frames: %.4f\n", peak);
  std::printf("Gaussian: last frame min: %.3f\n", *std::min_element(frames.back().begin(), frames.back().end()));
  animate_lines({{"1D Wave Equation: Gaussian Initial Bump", &frames, "C0"}}, grid_x(180), 7, 3, 35, "ex1_gaussian");
}

// Exercise 2: reflecting (fixed) vs absorbing (open) ends. The open boundary
// copies its neighbour from the previous step, which at C = 0.8 lets most of
// the pulse leave; the fixed ends send all of it back.
void exercise_2() {
  lesson::section("Exercise 2: reflecting vs absorbing boundaries");
  const fx::Tensor u0 = gaussian_bump();
  // page:begin Exercise 2
  const Frames reflecting = simulate(u0, 0.8, 240, Boundary::reflecting);
  const Frames absorbing = simulate(u0, 0.8, 240, Boundary::absorbing);
  // page:end
  std::printf("After the pulses reach the ends (last frame): max |u| reflecting %.3f, absorbing %.3f\n",
              max_abs(reflecting.back()), max_abs(absorbing.back()));
  animate_lines({{"Reflecting Boundaries", &reflecting, "C0"}, {"Absorbing Boundaries", &absorbing, "orange"}},
                grid_x(180), 12, 3.3, 35, "ex2_boundaries");
}

// Exercise 3: raise the Courant number. For C <= 1 the scheme is bounded; for
// C > 1 the highest-frequency mode is amplified every step and the solution
// explodes (reported, not a crash: the numbers stay finite doubles here).
void exercise_3() {
  lesson::section("Exercise 3: Courant number C = 0.8, 1.0, 1.2 (120 steps)");
  const fx::Tensor u0 = gaussian_bump();
  std::vector<Frames> runs;
  // page:begin Exercise 3
  for (double C : {0.8, 1.0, 1.2}) {
    runs.push_back(simulate(u0, C, 120));
  // page:end
    const Frames& f = runs.back();
    int first_big = -1;
    for (size_t i = 0; i < f.size() && first_big < 0; ++i)
      if (!(max_abs(f[i]) <= 10)) first_big = (int)i;
    const double last = max_abs(f.back());
    std::printf("C = %.1f: max |u| at step 120 = %.3g%s", C, last, std::isfinite(last) ? "" : " (overflow)");
    if (first_big >= 0) std::printf(", |u| > 10 from frame %d on: UNSTABLE", first_big);
    std::printf("\n");
  }
  std::printf(
      "Observation: C = 0.8 is stable and C = 1.0 sits at the edge of stability; C = 1.2 blows up.\n"
      "Reason: the explicit scheme multiplies the sawtooth mode by a factor of modulus > 1 every step\n"
      "when C > 1; stability requires C <= 1 (the Courant-Friedrichs-Lewy, or CFL, condition).\n");
  animate_lines({{"C = 0.8", &runs[0], "C0"}, {"C = 1.0", &runs[1], "C0"}, {"C = 1.2", &runs[2], "C0"}},
                grid_x(180), 14, 3.5, 35, "ex3_courant");
}

// Exercise 4: the 2-D wave equation on a 32 x 32 grid from a single impulse
// in the centre, with the 5-point Laplacian and zero edges: a ring spreads
// out and its amplitude falls as its energy is shared along the ring.
void exercise_4() {
  lesson::section("Exercise 4: 2-D wave equation, 32 x 32, impulse in the centre (C = 0.6, 100 steps)");
  const int N = 32;
  const double C2 = 0.6 * 0.6;
  std::vector<double> impulse(N * N, 0.0);
  impulse[(N / 2) * N + N / 2] = 1.0;  // u[16, 16] = 1
  fx::Tensor u = fx::tensor(impulse, {N, N});
  fx::Tensor u_prev = u.clone();
  std::vector<std::vector<double>> frames;
  const Slice in{1, -1};
  for (int step = 0; step < 100; ++step) {
    // page:begin Exercise 4
    fx::Tensor mid = u.index({in, in});
    fx::Tensor lap = u.index({Slice{2, {}}, in}) + u.index({Slice{{}, -2}, in}) + u.index({in, Slice{2, {}}}) +
                     u.index({in, Slice{{}, -2}}) - 4 * mid;
    fx::Tensor interior = 2 * mid - u_prev.index({in, in}) + C2 * lap;
    fx::Tensor u_next = fx::pad(interior, {1, 1, 1, 1});  // zero on all edges
    // page:end
    frames.push_back(u_next.to_vector<double>());
    u_prev = u;
    u = u_next;
  }
  for (int i : {0, 1, 2, 99}) std::printf("2-D step %3d: max |u| = %.3f\n", i, max_abs(frames[i]));
  plot::Animation anim(60);
  for (size_t i = 0; i < frames.size(); ++i) {
    plot::Figure fig(5.3, 5, 80);
    auto& ax = fig.ax();
    ax.imshow(frames[i], N, N, {.cmap = "seismic", .vmin = -1, .vmax = 1, .origin = "lower"});
    ax.set_title("2D Wave Equation: Hot Spot in Center");
    ax.set_xlabel("Step " + std::to_string(i));
    if (i == 0) lesson::save(fig, kLesson, "ex4_wave2d.png");
    anim.add(fig);
  }
  const std::string path = lesson::figure_path(kLesson, "ex4_wave2d.gif");
  anim.save(path);
  std::printf("  [figure] %s (%zu frames)\n", path.c_str(), anim.size());
}

}  // namespace

int main() {
  fx::set_default_dtype(fx::Float64);  // numpy's float64
  demo_wave();
  exercise_1();
  exercise_2();
  exercise_3();
  exercise_4();
  return 0;
}
