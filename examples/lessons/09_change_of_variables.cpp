// SPDX-License-Identifier: MIT
// Lesson 9 — Change of variables, Jacobians, and normalizing flows.
//
// Push a random vector z through a differentiable bijection x = f(z) and its
// density is rescaled by how much f stretches volume near z: the absolute
// determinant of the Jacobian J_f. Greater than 1 spreads the mass thinner,
// less than 1 piles it up, and 0 means f squashes a direction flat (singular).
//   log p_x(x) = log p_z(f⁻¹(x)) − log|det J_f(f⁻¹(x))|
//
// Why ML cares: a normalizing flow is exactly this formula, stacked. It turns
// a simple base density (a standard normal) into a rich one and keeps the
// exact log-likelihood, so it trains by maximum likelihood — provided
// log|det J| is cheap. The demo is the smallest flow: a 2-D affine map.
#include <cmath>
#include <cstdio>
#include <numbers>
#include <string>
#include <vector>

#include "autograd/linalg.h"
#include "examples/lessons/lesson.h"

namespace fx = fluxion;
namespace plot = fluxion::plot;
namespace linalg = fluxion::linalg;
using fx::Tensor;

namespace {

constexpr int kLesson = 9;
const double kLog2Pi = std::log(2 * std::numbers::pi);

// Prints a 1-d tensor like NumPy: "label [0.3030303 1.3131313]".
// `digits` after the point, or significant digits when `significant`.
void print_vector(const char* label, const Tensor& t, int digits = 7, bool significant = false) {
  std::printf("%s [", label);
  const auto v = t.detach().to_vector<double>();
  for (size_t i = 0; i < v.size(); ++i) std::printf(significant ? "%s%.*g" : "%s%.*f", i ? " " : "", digits, v[i]);
  std::printf("]\n");
}

// Prints a 2-d tensor row by row, indented under its label.
void print_matrix(const char* label, const Tensor& t) {
  std::printf("%s\n", label);
  const auto v = t.detach().to_vector<double>();
  const int64_t rows = t.size(0), cols = t.size(1);
  for (int64_t i = 0; i < rows; ++i) {
    std::printf("  [");
    for (int64_t j = 0; j < cols; ++j) std::printf(j ? " %12.8f" : "%12.8f", v[i * cols + j]);
    std::printf("]\n");
  }
}

// The affine flow of the demo: x = f(z) = A z + b, its parameters trainable.
// page:begin Demo 1
struct AffineFlow {
  Tensor A = fx::tensor({{2.0, 0.3}, {0.1, 1.5}}, fx::Float64).requires_grad_();
  Tensor b = fx::tensor({1.0, -2.0}, fx::Float64).requires_grad_();

  Tensor forward(const Tensor& z) const { return A.matmul(z) + b; }
  // f⁻¹(x) = A⁻¹ (x − b), by a linear solve rather than an inverse.
  Tensor inverse(const Tensor& x) const { return linalg::solve(A, x - b); }
  // log|det J_f| = log|det A|, the same at every z because f is affine (torch.logdet).
  Tensor log_det_jacobian() const { return linalg::slogdet(A).logabsdet; }
  // log p_x(x) = −½ zᵀz − log 2π − log|det A|, with z = f⁻¹(x) under a standard 2-D normal.
  Tensor log_prob(const Tensor& x) const {
    const Tensor z = inverse(x);
    const Tensor log_pz = -0.5 * z.dot(z) - kLog2Pi;
    return log_pz - log_det_jacobian();
  }
};
// page:end

// Demo 1: the log-likelihood of one point under the affine flow, and the
// gradient a flow would train on (it flows back through solve and slogdet).
void demo_affine_flow() {
  lesson::section("Demo 1: affine flow log-likelihood");
  const AffineFlow flow;
  const Tensor x = fx::tensor({2.0, 0.0}, fx::Float64).requires_grad_();
  print_vector("x:", x);
  print_vector("f⁻¹(x):", flow.inverse(x));
  std::printf("det A: %.7f\n", linalg::det(flow.A).item());
  std::printf("log|det Jacobian|: %.7f\n", flow.log_det_jacobian().item());
  // page:begin Demo 1
  const Tensor log_p = flow.log_prob(x);
  std::printf("log-prob(x): %.7f\n", log_p.item());

  // Maximum likelihood moves A and b along these gradients. For b the
  // closed form is ∂/∂b log p = A⁻ᵀ z, a check that autograd got through solve.
  log_p.backward();
  // page:end
  print_matrix("d log p / dA:", flow.A.grad());
  print_vector("d log p / db:", flow.b.grad());
  const Tensor A = flow.A.detach();
  const Tensor z = linalg::solve(A, x.detach() - flow.b.detach());
  const Tensor db_exact = linalg::solve(A.t(), z);
  std::printf("max |autograd - A^-T z| for d/db: %.2e\n", (flow.b.grad() - db_exact).abs().max().item());
}

// Demo 2: the Jacobian by autograd. The post differentiates f⁻¹, whose
// Jacobian is A⁻¹, so its log|det| is −log|det A| — equal in magnitude, of
// opposite sign. The forward map's Jacobian is A itself and gives +log|det A|.
void demo_autograd_jacobian() {
  lesson::section("Demo 2: autograd Jacobian check");
  const AffineFlow flow;
  const Tensor x = fx::tensor({2.0, 0.0}, fx::Float64);
  // page:begin Demo 2
  const Tensor J_inv = fx::func::jacobian([&](const Tensor& x_) { return flow.inverse(x_); }, x);
  // page:end
  std::printf("Autograd log|det J|: %.7f   (J of f⁻¹ = A⁻¹: the opposite sign of log|det A|)\n",
              linalg::det(J_inv).abs().log().item());
  const Tensor z = flow.inverse(x).detach();
  // page:begin Demo 2
  const Tensor J_fwd = fx::func::jacobian([&](const Tensor& z_) { return flow.forward(z_); }, z);
  // page:end
  std::printf("Autograd log|det J_f| (forward map): %.7f   (J of f = A)\n", linalg::det(J_fwd).abs().log().item());
}

// Exercise 1: the Jacobian of the affine map at any z is A.
void exercise_affine_jacobian() {
  lesson::section("Exercise 1: Jacobian of the affine flow at random z equals A");
  const AffineFlow flow;
  double worst = 0;
  for (int i = 0; i < 5; ++i) {
    const Tensor z = fx::randn({2}, fx::Float64);
    // page:begin Exercise 1
    const Tensor J = fx::func::jacobian([&](const Tensor& z_) { return flow.forward(z_); }, z);
    const double err = (J - flow.A.detach()).abs().max().item();
    // page:end
    print_vector("Random z =", z);
    print_matrix("Autograd Jacobian:", J);
    std::printf("max |J - A|: %.2e\n", err);
    worst = std::max(worst, err);
  }
  std::printf("All 5 Jacobians match A: %s (worst |J - A| = %.2e, atol 1e-10)\n", worst <= 1e-10 ? "yes" : "NO", worst);
}

// Exercise 2: the nonlinear flow f(z) = tanh(Az + b). Its Jacobian is
// diag(1 − tanh²(Az + b)) A, so log|det J| = log|det A| + Σ log(1 − tanh²):
// the squashing of tanh always shrinks volume.
void exercise_nonlinear_jacobian() {
  lesson::section("Exercise 2: Jacobian and log-determinant of tanh(Az + b)");
  const Tensor b = fx::tensor({0.7, -1.5}, fx::Float64);
  const std::vector<Tensor> As = {fx::tensor({{1.0, 0.5}, {0.2, 1.3}}, fx::Float64),
                                  fx::tensor({{2.0, -0.3}, {0.8, 0.5}}, fx::Float64),
                                  fx::tensor({{0.5, 1.2}, {-1.0, 2.0}}, fx::Float64)};
  for (size_t k = 0; k < As.size(); ++k) {
    const Tensor& A = As[k];
    std::printf("\n--- Case %zu: ---\n", k + 1);
    const Tensor z = fx::randn({2}, fx::Float64);
    print_vector("z =", z);
    print_matrix("A =", A);
    // page:begin Exercise 2
    const Tensor J = fx::func::jacobian([&](const Tensor& z_) { return (A.matmul(z_) + b).tanh(); }, z);
    // page:end
    print_matrix("Jacobian:", J);
    const double det = linalg::det(J).item();
    std::printf("determinant = %.10f\n", det);
    if (det == 0.0) {
      std::printf("determinant is zero (singular Jacobian)\n");
      continue;
    }
    const double logdet = std::log(std::abs(det));
    std::printf("log|det J| = %.10f\n", logdet);
    print_vector("Singular values:", linalg::svdvals(J), 10, true);
    // page:begin Exercise 2
    const Tensor t = (A.matmul(z) + b).tanh();
    const double identity = linalg::slogdet(A).logabsdet.item() + (1.0 - t * t).log().sum().item();
    // page:end
    std::printf("log|det A| + sum log(1 - tanh^2) = %.10f   (case %zu identity error %.2e)\n", identity, k + 1,
                std::abs(identity - logdet));
  }
}

// Exercise 3: 10 000 uniform points of [−2,2]² through x = tanh(z Aᵀ + b).
// The map is a bijection onto part of (−1,1)², but tanh saturates, so the
// mass piles up along the edges and in the corners.
void exercise_volume_transformation() {
  lesson::section("Exercise 3: 10 000 points before and after the flow tanh(Az + b)");
  const Tensor A = fx::tensor({{1.2, 0.7}, {-0.6, 1.5}}, fx::Float64);
  const Tensor b = fx::tensor({0.5, -0.8}, fx::Float64);
  const int64_t n = 10000;
  // page:begin Exercise 3
  const Tensor z = fx::uniform({n, 2}, -2, 2, fx::Float64);
  const Tensor x = (z.matmul(A.t()) + b).tanh();
  // page:end
  // Share of points in the outer 5% band of each square: the band is 9.75% of
  // the area, so that is what the uniform z show; after the flow it is far more.
  const auto band = [](const Tensor& p, double half) {
    return (p.abs().amax({1}) > 0.95 * half).to(p.dtype()).mean().item();
  };
  std::printf("max |x|: %.6f (inside (-1, 1)^2)\n", x.abs().max().item());
  std::printf("share in outer 5%% band: before %.4f, after %.4f\n", band(z, 2.0), band(x, 1.0));

  plot::Figure fig(12, 5, 80);
  fig.subplots(1, 2);
  auto& before = fig.ax(0, 0);
  before.scatter(z.select(1, 0), z.select(1, 1), {.s = 4, .alpha = 0.5});
  before.set_title("z-space (before flow)");
  before.set_xlabel("$z_1$");
  before.set_ylabel("$z_2$");
  before.set_xlim(-2.1, 2.1);
  before.set_ylim(-2.1, 2.1);
  auto& after = fig.ax(0, 1);
  after.scatter(x.select(1, 0), x.select(1, 1), {.s = 4, .color = "orange", .alpha = 0.5});
  after.set_title("x-space (after flow)");
  after.set_xlabel("$x_1$");
  after.set_ylabel("$x_2$");
  after.set_xlim(-1.05, 1.05);
  after.set_ylim(-1.05, 1.05);
  lesson::save(fig, kLesson, "flow_scatter.png");
}

// Exercise 4: log p_x over [−3,3]² for the affine flow, all 14 400 points in
// one batched solve. Level sets are ellipses centred on b, where the density
// peaks at −log 2π − log|det A|.
void exercise_likelihood_grid() {
  lesson::section("Exercise 4: flow log-likelihood over [-3,3]^2");
  const Tensor A = fx::tensor({{2.0, 0.3}, {0.1, 1.5}}, fx::Float64);
  const Tensor b = fx::tensor({1.0, -2.0}, fx::Float64);
  const int64_t n = 120;
  const Tensor axis = fx::linspace(-3, 3, n, fx::Float64);
  const auto XY = fx::meshgrid({axis, axis}, fx::Indexing::xy);  // each [n, n], X varies along columns
  // page:begin Exercise 4
  const Tensor points = fx::stack({XY[0].flatten(), XY[1].flatten()}, 1);  // [n², 2]
  const Tensor z = linalg::solve(A, (points - b).t()).t();                // every f⁻¹(x) at once
  const Tensor log_p = -0.5 * (z * z).sum({1}) - kLog2Pi - linalg::slogdet(A).logabsdet;
  // page:end

  const int64_t imax = log_p.argmax().item<int64_t>(), imin = log_p.argmin().item<int64_t>();
  const auto p = points.to_vector<double>();
  std::printf("analytic max at b = (1, -2): %.6f\n", -kLog2Pi - std::log(linalg::det(A).item()));
  std::printf("grid max: %.5f at (%.3f, %.3f)\n", log_p.max().item(), p[2 * imax], p[2 * imax + 1]);
  std::printf("grid min: %.4f at (%.3f, %.3f)\n", log_p.min().item(), p[2 * imin], p[2 * imin + 1]);

  plot::Figure fig(6, 6, 80);
  auto& ax = fig.ax();
  const auto m = ax.contourf(axis, axis, log_p, {.levels = 30, .cmap = "viridis"});
  ax.colorbar(m, R"($\log p_x(x)$)");
  ax.set_title(R"(Flow log-likelihood $\log p_x(x)$ over $[-3, 3]^2$)");
  ax.set_xlabel("$x_1$");
  ax.set_ylabel("$x_2$");
  lesson::save(fig, kLesson, "flow_loglik.png");
}

}  // namespace

int main() {
  demo_affine_flow();
  demo_autograd_jacobian();
  exercise_affine_jacobian();
  exercise_nonlinear_jacobian();
  exercise_volume_transformation();
  exercise_likelihood_grid();
  return 0;
}
