// SPDX-License-Identifier: MIT
// Lesson 11 — Divergence, curl, and the Laplacian: diffusion, heat, curvature.
//
// For a planar vector field F = (Fx, Fy):
//   divergence  ∇·F = ∂Fx/∂x + ∂Fy/∂y   how much F flows out of a point,
//   curl        ∂Fy/∂x − ∂Fx/∂y        how much F turns around it.
// For a scalar field u, the Laplacian Δu = ∂²u/∂x² + ∂²u/∂y² (the divergence
// of the gradient) compares u with the average of its neighbours: negative on
// a peak, positive in a pit. Heat flows down that difference, u_t = D Δu, and
// on a grid Δ becomes the 5-point stencil [[0,1,0],[1,−4,1],[0,1,0]] — one
// 3×3 convolution per time step.
//
// Why ML cares: diffusion models add and remove noise by exactly this kind of
// dynamics; graph neural networks and spectral clustering run on the graph
// Laplacian L = D − A; and ‖∇u‖² penalties (whose gradient is −Δu) are the
// smoothness regularisers of images and functions.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "autograd/linalg.h"
#include "examples/lessons/lesson.h"

namespace fx = fluxion;
namespace plot = fluxion::plot;
namespace linalg = fluxion::linalg;
using fx::Tensor;

namespace {

constexpr int kLesson = 11;
constexpr int64_t kN = 64;   // grid size of the heat demos
constexpr double kD = 0.15;  // diffusion constant (stable and monotone for D <= 0.25)
constexpr int kSteps = 80;

// The steps whose state is plotted, after their update: int(linspace(0, 79, 8)).
std::vector<int> plot_steps() {
  std::vector<int> s;
  for (int k = 0; k < 8; ++k) s.push_back(static_cast<int>((kSteps - 1) * k / 7.0));
  return s;
}

// The explicit heat equation u ← u + D Δu for kSteps steps, with Δ the 5-point
// stencil as a conv2d with zero padding (the heat that reaches the border
// leaks out). Returns the state after each plotted step, and prints its peak,
// total heat and minimum there.
std::vector<Tensor> simulate_heat(Tensor u) {
  // page:begin Demo
  const Tensor laplace_kernel = fx::tensor({{0.0, 1.0, 0.0}, {1.0, -4.0, 1.0}, {0.0, 1.0, 0.0}}, fx::Float64)
                                    .reshape({1, 1, 3, 3});  // [out, in, kh, kw]
  const std::vector<int> shown = plot_steps();
  std::vector<Tensor> snapshots;
  u = u.reshape({1, 1, kN, kN}).clone();  // [N, C, H, W]
  for (int s = 0; s < kSteps; ++s) {
    const Tensor lap = fx::conv2d(u, laplace_kernel, {}, {.padding = 1});
    u.add_(lap, kD);
  // page:end
    if (std::find(shown.begin(), shown.end(), s) == shown.end()) continue;
    const Tensor snap = u.reshape({kN, kN}).clone();
    std::printf("step %d: peak %.5f  total heat %.10f  min u %.2e\n", s, snap.max().item(), snap.sum().item(),
                snap.min().item());
    snapshots.push_back(snap);
  }
  return snapshots;
}

// A 2×4 grid of heat maps sharing axes and one colorbar, like the post's figure.
void plot_heat(const std::vector<Tensor>& snapshots, double vmax, const std::string& title, const std::string& file) {
  const std::vector<int> shown = plot_steps();
  plot::Figure fig(12, 6, 80);
  fig.subplots(2, 4, {.sharex = true, .sharey = true});
  plot::Mappable m;
  for (size_t k = 0; k < snapshots.size(); ++k) {
    auto& ax = fig.axes(static_cast<int>(k));
    m = ax.imshow(snapshots[k], kN, kN, {.cmap = "hot", .vmin = 0, .vmax = vmax});
    ax.set_title("step " + std::to_string(shown[k]));
  }
  fig.colorbar(m);
  fig.suptitle(title);
  lesson::save(fig, kLesson, file);
}

// Demo: a single hot spot of 10 at the centre spreads out. The total heat
// stays 10, the peak falls, and the spread Σ r²u / Σu grows by 4D per step —
// the variance of a random walk — reaching 4 · 0.15 · 80 = 48.
void demo_heat_equation() {
  lesson::section("Demo: explicit 2-D heat equation (conv2d with the 5-point Laplacian)");
  Tensor u0 = fx::zeros({kN, kN}, fx::Float64);
  u0.index({kN / 2, kN / 2}).fill_(10.0);
  const std::vector<Tensor> snapshots = simulate_heat(u0);

  const Tensor first = snapshots.front();
  std::printf("after step 0: centre %.5f (= 10(1 - 4D)), neighbour %.5f (= 10 D)\n", first.at({32, 32}),
              first.at({31, 32}));
  const Tensor u = snapshots.back();
  const Tensor offset = fx::arange(kN, fx::Float64) - 32.0;
  const Tensor r2 = offset.square().unsqueeze(1) + offset.square().unsqueeze(0);  // (i−32)² + (j−32)²
  std::printf("total heat after %d steps: %.10f (started at 10)\n", kSteps, u.sum().item());
  std::printf("second moment sum(r^2 u)/sum(u): %.6f (4 D steps = %.1f)\n", (r2 * u).sum().item() / u.sum().item(),
              4 * kD * kSteps);
  // Mirror and diagonal symmetry about the centre (rows/cols 1..63 pair up as i <-> 64 - i).
  const Tensor inner = u.slice(0, 1, kN).slice(1, 1, kN);
  const double asym = std::max({(inner - inner.flip({0})).abs().max().item(),
                                (inner - inner.flip({1})).abs().max().item(), (inner - inner.t()).abs().max().item()});
  std::printf("symmetry error max|u - mirror(u)|: %.2e\n", asym);

  plot_heat(snapshots, 10, "2D Heat Equation Evolution (Diffusion of Hot Spot)", "heat_equation.png");
  // The fixed range [0, 10] leaves all but the first panel nearly black: the
  // same snapshots again on the range of step 11, where the spreading shows.
  plot_heat(snapshots, snapshots[1].max().item(), "2D Heat Equation (colour range of step 11)",
            "heat_equation_rescaled.png");
}

// Exercise 1: F = (y, −x) spins clockwise and neither sources nor sinks:
// divergence 0 and curl −2 everywhere. Finite differences on a 64×64 grid,
// then the same two numbers from autograd's Jacobian at one point.
void exercise_div_curl() {
  lesson::section("Exercise 1: divergence and curl of F = (y, -x)");
  const int64_t n = 64;
  const Tensor xs = fx::linspace(-2, 2, n, fx::Float64);
  const double h = 4.0 / (n - 1);
  const auto XY = fx::meshgrid({xs, xs}, fx::Indexing::xy);  // rows follow y (axis 0), columns x (axis 1)
  const Tensor Fx = XY[1], Fy = -XY[0];
  // page:begin Exercise 1
  const auto d_dx = [&](const Tensor& f) { return fx::gradient(f, {.spacing = h, .dims = {1}})[0]; };
  const auto d_dy = [&](const Tensor& f) { return fx::gradient(f, {.spacing = h, .dims = {0}})[0]; };
  const Tensor div = d_dx(Fx) + d_dy(Fy);
  const Tensor curl = d_dx(Fy) - d_dy(Fx);
  std::printf("Analytic divergence everywhere: 0\n");
  std::printf("Analytic curl everywhere: -2\n");
  std::printf("Mean of computed div: %.6f\n", div.mean().item());
  std::printf("Mean of computed curl: %.6f\n", curl.mean().item());
  std::printf("max |div - 0|: %.2e, max |curl + 2|: %.2e\n", div.abs().max().item(), (curl + 2.0).abs().max().item());

  // The same from the Jacobian J = ∂(Fx, Fy)/∂(x, y): div = trace J, curl = J₁₀ − J₀₁.
  const auto F = [](const Tensor& p) { return fx::stack({p[1], -p[0]}); };
  const Tensor J = fx::func::jacobian(F, fx::tensor({0.7, -1.3}, fx::Float64));
  // page:end
  std::printf("autograd at (0.7, -1.3): div %.6f, curl %.6f\n", J.at({0, 0}) + J.at({1, 1}),
              J.at({1, 0}) - J.at({0, 1}));

  // The post lets each panel auto-scale, which stretches the curl's round-off
  // (about 1e-15 around −2) over the whole colormap as stripes of noise. One
  // fixed range, symmetric about 0, shows the values themselves: div white, curl blue.
  plot::Figure fig(11, 4.5, 80);
  fig.subplots(1, 2);
  const std::vector<std::pair<Tensor, std::string>> panels = {{div, "divergence"}, {curl, "curl"}};
  for (int k = 0; k < 2; ++k) {
    auto& ax = fig.ax(0, k);
    const auto m = ax.imshow(panels[k].first, n, n,
                             {.cmap = "bwr", .vmin = -2.5, .vmax = 2.5, .extent = {-2, 2, -2, 2}, .origin = "lower"});
    ax.colorbar(m, panels[k].second);
    ax.set_title(std::string(k == 0 ? "Divergence" : "Curl") + R"( of $\mathbf{F}(x, y) = [y, -x]$)");
    ax.set_xlabel("x");
    ax.set_ylabel("y");
  }
  lesson::save(fig, kLesson, "div_curl.png");
}

// Exercise 2: the Laplacian of the bump f = exp(−x² − y²) is (4r² − 4)e^{−r²}:
// most negative on the peak (−4 at the origin, f is most "concave" there),
// positive outside r = 1 where the bump flattens into its tails.
void exercise_laplacian_gaussian() {
  lesson::section("Exercise 2: Laplacian of f = exp(-x^2 - y^2)");
  const int64_t n = 120;
  const Tensor xs = fx::linspace(-2, 2, n, fx::Float64);
  const double h = 4.0 / (n - 1);
  const auto XY = fx::meshgrid({xs, xs}, fx::Indexing::xy);
  const Tensor f = (-(XY[0].square() + XY[1].square())).exp();
  const auto second = [&](const Tensor& g, int64_t dim) {  // two passes of np.gradient along dim
    const Tensor d = fx::gradient(g, {.spacing = h, .dims = {dim}})[0];
    return fx::gradient(d, {.spacing = h, .dims = {dim}})[0];
  };
  // page:begin Exercise 2
  const Tensor lap = second(f, 1) + second(f, 0);
  // page:end
  const int64_t flat = lap.argmin().item<int64_t>(), i = flat / n, j = flat % n;  // unravel: row i is y, column j is x
  std::printf("Laplacian Δf is most negative at (x, y) = (%.2f, %.2f)\n", xs.at({j}), xs.at({i}));
  std::printf("Value of Δf there: %.4f\n", lap.min().item());

  // Autograd's answer at the origin: the trace of the Hessian, −4 exactly.
  // page:begin Exercise 2
  const auto bump = [](const Tensor& p) { return (-(p * p).sum()).exp(); };
  const Tensor H = fx::func::hessian(bump, fx::zeros({2}, fx::Float64));
  // page:end
  std::printf("autograd Δf(0, 0) = trace of the Hessian: %.6f\n", H.diagonal().sum().item());

  plot::Figure fig(12, 5, 80);
  fig.subplots(1, 2);
  auto& left = fig.ax(0, 0);
  left.colorbar(left.imshow(f, n, n, {.cmap = "viridis", .extent = {-2, 2, -2, 2}, .origin = "lower"}), "$f(x,y)$");
  left.set_title(R"($f(x,y) = \exp(-x^2 - y^2)$)");
  left.set_xlabel("x");
  left.set_ylabel("y");
  auto& right = fig.ax(0, 1);
  right.colorbar(right.imshow(lap, n, n, {.cmap = "coolwarm", .extent = {-2, 2, -2, 2}, .origin = "lower"}),
                 R"($\Delta f$)");
  right.set_title(R"(Laplacian $\Delta f$ of Gaussian)");
  right.set_xlabel("x");
  right.set_ylabel("y");
  lesson::save(fig, kLesson, "laplacian_gaussian.png");
}

// Exercise 3: three hot spots spread, meet, and merge into one warm region.
void exercise_three_hot_spots() {
  lesson::section("Exercise 3: three hot spots merging");
  Tensor u0 = fx::zeros({kN, kN}, fx::Float64);
  // page:begin Exercise 3
  u0.index({kN / 3, kN / 3}).fill_(10.0);
  u0.index({2 * kN / 3, kN / 2}).fill_(10.0);
  u0.index({kN / 2, 3 * kN / 4}).fill_(10.0);
  const std::vector<Tensor> snapshots = simulate_heat(u0);
  // page:end
  std::printf("three spots: total heat after %d steps %.6f (started at 30)\n", kSteps, snapshots.back().sum().item());
  plot_heat(snapshots, 10, "2D Heat Equation: Three Hot Spots Merging", "heat_three_spots.png");
}

// Exercise 4: diffusion on a graph. For a ring of 6 nodes, L = D − A, and
// u ← u − 0.5 L u moves half of each difference to the neighbours. L's
// eigenvalues are 0, 1, 1, 3, 3, 4; the λ = 4 mode (alternating signs) is
// multiplied by 1 − 0.5·4 = −1 each step and never dies, so the mass keeps
// hopping between even and odd nodes instead of settling to 1/6 each.
void exercise_graph_laplacian() {
  lesson::section("Exercise 4: diffusion on a 6-node ring graph");
  const int64_t n = 6;
  Tensor A = fx::zeros({n, n}, fx::Float64);
  for (int64_t i = 0; i < n; ++i) {
    A.index({i, (i + n - 1) % n}).fill_(1.0);  // left neighbour
    A.index({i, (i + 1) % n}).fill_(1.0);      // right neighbour
  }
  // page:begin Exercise 4
  const Tensor L = fx::eye(n, {}, fx::Float64) * A.sum({1}).unsqueeze(1) - A;  // D − A
  // page:end
  std::printf("Graph Laplacian (6-node ring):\n");
  for (int64_t i = 0; i < n; ++i) {
    std::printf("  [");
    for (int64_t j = 0; j < n; ++j) std::printf(j ? " %4.0f" : "%4.0f", L.at({i, j}));
    std::printf("]\n");
  }
  std::printf("eigenvalues of L:");
  for (double ev : linalg::eigvalsh(L).to_vector<double>()) std::printf(" %.6f", std::abs(ev) < 1e-12 ? 0.0 : ev);
  std::printf("\n");

  const int steps = 10;
  Tensor u = fx::zeros({n}, fx::Float64);
  u.index({0}).fill_(1.0);
  std::vector<plot::Vec> history(n);
  const auto record = [&](int t) {
    std::printf("graph step %d: [", t);
    for (int64_t i = 0; i < n; ++i) {
      history[i].push_back(u.at({i}));
      std::printf(i ? " %.5f" : "%.5f", std::abs(u.at({i})) < 5e-16 ? 0.0 : u.at({i}));
    }
    std::printf("]  sum %.12f\n", u.sum().item());
  };
  record(0);
  // page:begin Exercise 4
  for (int t = 1; t <= steps; ++t) {
    u = u - 0.5 * L.matmul(u);
    record(t);
  }
  // page:end

  plot::Figure fig(7, 4, 80);
  auto& ax = fig.ax();
  const Tensor time = fx::arange(steps + 1, fx::Float64);
  for (int64_t i = 0; i < n; ++i) ax.plot(time, history[i], {.marker = "o", .label = "node " + std::to_string(i)});
  ax.set_xlabel("Time step");
  ax.set_ylabel("Value");
  ax.set_title("Diffusion on 6-node Ring Graph (Graph Laplacian)");
  ax.legend();
  lesson::save(fig, kLesson, "graph_diffusion.png");
}

}  // namespace

int main() {
  demo_heat_equation();
  exercise_div_curl();
  exercise_laplacian_gaussian();
  exercise_three_hot_spots();
  exercise_graph_laplacian();
  return 0;
}
