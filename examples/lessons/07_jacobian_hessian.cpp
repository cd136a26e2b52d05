// SPDX-License-Identifier: MIT
// Lesson 7 — Jacobian & Hessian: second-order structure for smarter learning.
//
// The Jacobian of f: ℝⁿ → ℝᵐ is the m×n matrix J_ij = ∂f_i/∂x_j: how every
// output responds to every input. The Hessian of a scalar f is the n×n matrix
// H_ij = ∂²f/∂x_i∂x_j, its local curvature, and it is symmetric. Its
// eigenvalues classify the landscape: all positive is a bowl (locally convex),
// mixed signs a saddle, many near zero flat directions, and a wide spread of
// magnitudes is ill-conditioning.
//
// Why ML cares: Jacobians chain layer by layer into back-prop; the Hessian's
// spectrum tells which directions of parameter space are steep, flat or
// saddle-shaped, which is what second-order optimizers, learning-rate limits
// (η < 2/λ_max) and sharpness-aware training look at.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "examples/lessons/lesson.h"

namespace fx = fluxion;
namespace plot = fluxion::plot;
using fx::Tensor;

namespace {

constexpr int kLesson = 7;

void print_matrix(const char* label, const Tensor& m) {
  std::printf("%s [", label);
  for (int64_t i = 0; i < m.size(0); ++i) {
    std::printf(i ? ", [" : "[");
    for (int64_t j = 0; j < m.size(1); ++j) std::printf(j ? ", %.8f" : "%.8f", m.at({i, j}));
    std::printf("]");
  }
  std::printf("]\n");
}

/// The Hessian of a scalar y w.r.t. a 1-D leaf x, row by row as the post does:
/// g = ∂y/∂x with create_graph, then row i = ∂g_i/∂x. A component of g that does
/// not depend on x gives a zero row (allow_unused); non-finite entries become 0.
Tensor hessian_rows(const Tensor& y, const Tensor& x) {
  const Tensor g = fx::autograd::grad({y}, {x}, {.create_graph = true})[0];
  std::vector<Tensor> rows;
  for (int64_t i = 0; i < x.numel(); ++i) {
    if (!g[i].requires_grad()) {  // a constant gradient component: its row is zero
      rows.push_back(fx::zeros_like(x));
      continue;
    }
    const Tensor row = fx::autograd::grad(
        {g[i]}, {x}, {.retain_graph = true, .allow_unused = true, .materialize_grads = true})[0];
    rows.push_back(fx::where(row.isfinite(), row, 0.0));
  }
  return fx::stack(rows).detach();
}

/// The 2-2-1 tanh network on one flat parameter vector p (9 numbers):
/// W1 = p[0:4] as 2×2, b1 = p[4:6], W2 = p[6:8] as 1×2, b2 = p[8:9]; out = W2 tanh(W1 x + b1) + b2.
Tensor net(const Tensor& p, const Tensor& x) {
  const Tensor W1 = p.slice(0, 0, 4).view({2, 2});
  const Tensor b1 = p.slice(0, 4, 6);
  const Tensor W2 = p.slice(0, 6, 8).view({1, 2});
  const Tensor b2 = p.slice(0, 8, 9);
  const Tensor h = (W1.matmul(x) + b1).tanh();
  return (W2.matmul(h) + b2).squeeze();
}

struct SignCounts {
  int negative = 0, zero = 0, positive = 0;
};
/// Eigenvalues with |λ| below 1e-10 · max|λ| count as zero.
SignCounts count_signs(const Tensor& eigenvalues) {
  const double scale = eigenvalues.abs().max().item();
  SignCounts c;
  for (double l : eigenvalues.to_vector<double>()) {
    if (std::abs(l) <= 1e-10 * scale) ++c.zero;
    else if (l > 0) ++c.positive;
    else ++c.negative;
  }
  return c;
}

// Demo 1: the Jacobian of a one-layer map y = tanh(Wx + b), built one output
// row at a time with autograd. Each equals diag(1 − tanh²(Wx + b))·W.
void demo_mlp_jacobian() {
  lesson::section("Demo 1: Jacobian of y = tanh(Wx + b)");
  const Tensor W = fx::tensor({{1.0, -0.7}, {0.4, 0.9}});
  const Tensor b = fx::tensor({0.5, -0.3});
  const std::vector<Tensor> xs = {fx::tensor({1.2, -0.8}), fx::tensor({0.3, 2.0})};
  for (size_t i = 0; i < xs.size(); ++i) {
    // page:begin Demo 1
    const Tensor x = xs[i].clone().requires_grad_();
    const Tensor y = (W.matmul(x) + b).tanh();
    std::vector<Tensor> rows;
    for (int64_t j = 0; j < 2; ++j)
      rows.push_back(fx::autograd::grad({y[j]}, {x}, {.retain_graph = true, .create_graph = true})[0]);
    const Tensor J = fx::stack(rows).detach();
    // page:end
    char label[48];
    std::snprintf(label, sizeof label, "Jacobian at input %zu:", i);
    print_matrix(label, J);
    const Tensor closed = (1 - y.detach().square()).unsqueeze(1) * W;  // diag(1 − tanh²) W
    std::printf("  max |J - diag(1 - tanh^2) W| at input %zu = %.2e\n", i, (J - closed).abs().max().item());
  }
}

// Demo 2: the Hessian of a tiny 2-2-1 tanh MLP's output w.r.t. its 9
// parameters. Whatever the random draw, the spectrum has exactly 5 zero
// eigenvalues, 2 positive and 2 negative: the output is linear in W2 and b2
// (zero blocks), and each hidden unit adds a rank-2 block of negative
// determinant, one positive and one negative eigenvalue.
void demo_mlp_hessian_spectrum(const Tensor& params, const Tensor& x) {
  lesson::section("Demo 2: Hessian spectrum of a 2-2-1 tanh MLP (9 parameters)");
  // page:begin Demo 2
  const Tensor p = params.clone().requires_grad_();
  const Tensor H = hessian_rows(net(p, x), p);
  const Tensor eigenvalues = fx::linalg::eigvalsh(H);
  // page:end
  std::printf("Hessian eigenvalues: [");
  for (double l : eigenvalues.to_vector<double>()) std::printf(" %.5f", std::round(l * 1e5) / 1e5 + 0.0);
  std::printf(" ]\n");
  const SignCounts c = count_signs(eigenvalues);
  std::printf("eigenvalue signs (9 params): zero = %d  positive = %d  negative = %d\n", c.zero, c.positive,
              c.negative);
  std::printf("max |H - H^T| = %.2e\n", (H - H.t()).abs().max().item());
  std::printf("max |b2 row| = %.2e\n", H[8].abs().max().item());
  std::printf("max |W2-W2 block| = %.2e\n", H.slice(0, 6, 8).slice(1, 6, 8).abs().max().item());

  plot::Figure fig(6.4, 4.8, 80);
  auto& ax = fig.ax();
  ax.stem(lesson::vec(fx::arange(9)), lesson::vec(eigenvalues));
  ax.set_title("Hessian eigenvalues (tiny MLP)");
  ax.set_xlabel("eigen-index");
  ax.set_ylabel("curvature λ");
  lesson::save(fig, kLesson, "mlp_hessian_spectrum.png");

  // The post's intent: the Hessian over parameters and input together (11 variables).
  auto f = [](const Tensor& z) { return net(z.slice(0, 0, 9), z.slice(0, 9, 11)); };
  const Tensor H11 = fx::func::hessian(f, fx::cat({params, x}));
  const SignCounts c11 = count_signs(fx::linalg::eigvalsh(H11));
  std::printf("eigenvalue signs (params + input, 11 variables): zero = %d  positive = %d  negative = %d\n",
              c11.zero, c11.positive, c11.negative);
}

// Exercise 1: the chain rule for h(x, y) = tanh(ax + by): its Jacobian is
// (1 − tanh²(ax + by))·[a, b]. Autograd agrees at random points.
void exercise_chain_rule() {
  lesson::section("Exercise 1: Jacobian of tanh(ax + by) by the chain rule");
  double max_err = 0;
  for (int i = 0; i < 5; ++i) {
    // page:begin Exercise 1
    const Tensor xy = fx::uniform({2}, -2, 2).requires_grad_();
    const Tensor ab = fx::uniform({2}, -2, 2);
    const Tensor z = ab[0] * xy[0] + ab[1] * xy[1];
    z.tanh().backward();
    const Tensor analytic = (1 - z.detach().tanh().square()) * ab;
    // page:end
    const double err = (analytic - xy.grad()).abs().max().item();
    max_err = std::max(max_err, err);
    std::printf("(%5.2f,%5.2f), a=%5.2f, b=%5.2f | analytic: [%.6f, %.6f] | autograd: [%.6f, %.6f] | err=%.2e\n",
                xy.at({0}), xy.at({1}), ab.at({0}), ab.at({1}), analytic.at({0}), analytic.at({1}),
                xy.grad().at({0}), xy.grad().at({1}), err);
  }
  std::printf("\nMax absolute error (chain rule): %.2e\n", max_err);
  std::printf(max_err < 1e-8 ? "OK: analytic and autograd Jacobian match to < 1e-8\n" : "FAILED: chain rule check\n");
}

// Exercise 2: the Hessian of the quadratic form xᵀAx is A + Aᵀ = 2A for a
// symmetric A, at every x.
void exercise_quadratic_hessian() {
  lesson::section("Exercise 2: Hessian of x^T A x");
  // page:begin Exercise 2
  const Tensor R = fx::randn({2, 2});
  const Tensor A = (R + R.t()) / 2;
  const Tensor x0 = fx::randn({2}).requires_grad_();
  const Tensor H = hessian_rows(x0.matmul(A).matmul(x0), x0);
  // page:end
  print_matrix("symmetric A =", A);
  print_matrix("Analytic Hessian 2A =", 2 * A);
  print_matrix("Autograd Hessian =", H);
  const double diff = (2 * A - H).abs().max().item();
  std::printf("max |2A - H_autograd| = %.2e\n", diff);
  std::printf(diff < 1e-8 ? "OK: Hessian matches 2A\n" : "FAILED: Hessian mismatch\n");
}

// Exercise 3: f = x³ − 3xy² has Hessian [[6x, −6y], [−6y, −6x]], eigenvalues ±6r:
// every point but the origin is a saddle, and at the origin H = 0 (degenerate).
// The Hessians of all 41×41 grid points come from one batched double backward
// (f summed over the grid: each point's gradient only sees its own (x, y)).
void exercise_sign_map() {
  lesson::section("Exercise 3: Hessian-sign map of f = x^3 - 3xy^2");
  // page:begin Exercise 3
  auto f = [](const Tensor& xy) {  // xy [N, 2] -> f at every row [N]
    const Tensor x = xy.select(1, 0), y = xy.select(1, 1);
    return x.pow(3) - 3 * x * y.square();
  };
  const Tensor v = fx::linspace(-2, 2, 41);
  const auto XY = fx::meshgrid({v, v}, fx::Indexing::xy);
  const Tensor pts = fx::stack({XY[0].flatten(), XY[1].flatten()}, 1).requires_grad_();  // [1681, 2]
  const Tensor g = fx::autograd::grad({f(pts).sum()}, {pts}, {.create_graph = true})[0];  // [N, 2]
  const Tensor row0 = fx::autograd::grad({g.select(1, 0).sum()}, {pts}, {.retain_graph = true})[0];
  const Tensor row1 = fx::autograd::grad({g.select(1, 1).sum()}, {pts})[0];
  const Tensor H = fx::stack({row0, row1}, 1);  // [N, 2, 2]: H[k] = Hessian at point k
  const Tensor eig = fx::linalg::eigvalsh(H);    // [N, 2]
  // page:end

  const int64_t n = pts.size(0), center = n / 2;  // the middle grid point is exactly (0, 0)
  std::printf("Hessian at (0,0): [[%g, %g], [%g, %g]]\n", H.at({center, 0, 0}), H.at({center, 0, 1}),
              H.at({center, 1, 0}), H.at({center, 1, 1}));
  std::printf("Eigenvalues at (0,0): [%g, %g]\n", eig.at({center, 0}), eig.at({center, 1}));

  const char* names[] = {"convex", "concave", "saddle", "degenerate"};
  const char* colors[] = {"blue", "red", "green", "black"};
  plot::Vec px[4], py[4];
  for (int64_t k = 0; k < n; ++k) {
    const double l0 = eig.at({k, 0}), l1 = eig.at({k, 1});
    int kind = 2;
    if (l0 > 1e-6 && l1 > 1e-6) kind = 0;
    else if (l0 < -1e-6 && l1 < -1e-6) kind = 1;
    else if (std::abs(l0) < 1e-6 && std::abs(l1) < 1e-6) kind = 3;
    px[kind].push_back(pts.at({k, 0}));
    py[kind].push_back(pts.at({k, 1}));
  }
  for (int kind = 0; kind < 4; ++kind) std::printf("%s points: %zu\n", names[kind], px[kind].size());

  plot::Figure fig(6, 6, 80);
  auto& ax = fig.ax();
  for (int kind = 0; kind < 4; ++kind)
    if (!px[kind].empty())
      ax.scatter(px[kind], py[kind], {.s = 30, .color = colors[kind], .alpha = 0.8, .edgecolors = "k", .label = names[kind]});
  ax.set_aspect("equal");
  ax.set_xlabel("x");
  ax.set_ylabel("y");
  ax.set_title("Hessian-sign map for  $f(x, y) = x^3 - 3xy^2$");
  ax.legend();
  lesson::save(fig, kLesson, "ex3_hessian_sign_map.png");
}

// Exercise 4: walk the MLP's parameters along the Hessian eigenvector of
// largest |λ|. Near α = 0 the output is a parabola whose curvature is λ itself
// (vᵀHv = λ for a unit eigenvector): it bends up for λ > 0, down for λ < 0.
void exercise_fastest_direction(const Tensor& params, const Tensor& x) {
  lesson::section("Exercise 4: output along the eigenvector of largest |lambda|");
  // page:begin Exercise 4
  const Tensor p = params.clone().requires_grad_();
  const auto [eigenvalues, eigenvectors] = fx::linalg::eigh(hessian_rows(net(p, x), p));
  const int64_t imax = static_cast<int64_t>(eigenvalues.abs().argmax().item());
  const double lmax = eigenvalues.at({imax});
  const Tensor vmax = eigenvectors.select(1, imax);
  // page:end
  std::printf("Largest-magnitude eigenvalue: %.3f\n", lmax);
  std::printf("Eigenvector (normalized): [");
  for (double c : vmax.to_vector<double>()) std::printf(" %.4f", c);
  std::printf(" ]\n");

  const Tensor alphas = fx::linspace(-1, 1, 101);
  plot::Vec fvals;
  for (double a : alphas.to_vector<double>()) fvals.push_back(net(params + a * vmax, x).item());
  const double h = 0.02;  // the grid step: f(±h) are fvals[49] and fvals[51]
  const double curvature = (fvals[51] - 2 * fvals[50] + fvals[49]) / (h * h);
  std::printf("finite-difference curvature d2f/dalpha2 at alpha=0: %.4f (lambda = %.4f)\n", curvature, lmax);

  plot::Figure fig(6, 4, 80);
  auto& ax = fig.ax();
  ax.plot(lesson::vec(alphas), fvals, {.label = "f(param_vec + α·v_{max})"});
  ax.axvline(0, {.color = "gray", .linewidth = 0.8, .linestyle = "--"});
  ax.set_xlabel("α");
  ax.set_ylabel("network output");
  ax.set_title("Function value along fastest curvature direction");
  ax.legend();
  lesson::save(fig, kLesson, "ex4_fastest_direction.png");
}

}  // namespace

int main() {
  fx::set_default_dtype(fx::Float64);
  fx::manual_seed(0);
  demo_mlp_jacobian();
  const Tensor params = fx::randn({9}), x = fx::randn({2});  // the tiny MLP of Demo 2 and Exercise 4
  demo_mlp_hessian_spectrum(params, x);
  exercise_chain_rule();
  exercise_quadratic_hessian();
  exercise_sign_map();
  exercise_fastest_direction(params, x);
  return 0;
}
