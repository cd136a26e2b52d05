// SPDX-License-Identifier: MIT
// Lesson 16 — Hessian-vector products and Newton-like steps: second-order
// optimization in practice.
//
// First-order methods (SGD, Adam) see only the slope g = ∇f. Second-order
// methods also use the curvature H = ∇²f: Newton's step x − H⁻¹g lands on the
// minimum of a quadratic in one move, and quasi-Newton methods (BFGS, L-BFGS)
// build an estimate of H (or H⁻¹) from how the gradient changes between steps.
// The Hessian itself is n×n, but a Hessian-vector product Hv is as cheap as a
// gradient: differentiate the scalar ∇f·v once more (Pearlmutter's trick), or
// push the tangent v forward through the gradient computation.
//
// Why ML cares: Hv without forming H is what makes Newton-CG, curvature
// probes (sharpness, top eigenvalues of the loss Hessian), influence functions
// and K-FAC-style methods affordable for models with millions of parameters;
// L-BFGS is the workhorse for smooth full-batch problems.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "examples/lessons/lesson.h"
#include "optim/lbfgs.h"

namespace fx = fluxion;
namespace plot = fluxion::plot;
using fx::Tensor;

namespace {

using Path = std::vector<std::vector<double>>;  // recorded points (x, y)

// The convex quadratic of the post: f(x) = ½ xᵀAx + bᵀx, A = [[5, 1], [1, 3]], b = (−4, 2).
Tensor quad_A(fx::DType dt = fx::Float64) { return fx::tensor({{5.0, 1.0}, {1.0, 3.0}}, dt); }
Tensor quad_b(fx::DType dt = fx::Float64) { return fx::tensor({-4.0, 2.0}, dt); }
Tensor quadratic(const Tensor& x) {
  static const Tensor A = quad_A(), b = quad_b();
  return 0.5 * x.matmul(A).dot(x) + b.dot(x);
}

// Rosenbrock's banana: (1 − x)² + 100 (y − x²)², minimum 0 at (1, 1).
Tensor rosenbrock(const Tensor& xy) {
  const Tensor x = xy[0], y = xy[1];
  return (1.0 - x).pow(2) + 100.0 * (y - x.pow(2)).pow(2);
}

std::vector<double> values(const Tensor& t) { return t.detach().to_vector<double>(); }
double dist(const std::vector<double>& p, double x, double y) { return std::hypot(p[0] - x, p[1] - y); }

/// SGD (no momentum) from x0 for `steps` steps; records x0 and then every `every`-th
/// step (the post appends after step i when i % every == 0). Returns the path and the final x.
std::pair<Path, std::vector<double>> run_sgd(Tensor (*f)(const Tensor&), std::vector<double> x0, double lr, int steps,
                                             int every) {
  auto x = fx::tensor(x0, {2}, fx::Float64).requires_grad_();
  fx::optim::SGD opt({x}, {.lr = lr});
  Path path = {x0};
  for (int i = 0; i < steps; ++i) {
    opt.zero_grad();
    f(x).backward();
    opt.step();
    if (i % every == 0) path.push_back(values(x));
  }
  return {path, values(x)};
}

/// One LBFGS.step(closure) with strong Wolfe, as the post: the closure appends
/// the current x on every evaluation, so x0 appears twice (start + first call).
struct LbfgsRun {
  Path path;
  int iterations, evaluations;
};
LbfgsRun run_lbfgs(Tensor (*f)(const Tensor&), std::vector<double> x0, int max_iter) {
  auto x = fx::tensor(x0, {2}, fx::Float64).requires_grad_();
  // page:begin Demo 1
  fx::optim::LBFGS opt(
      {x}, {.lr = 1, .max_iter = max_iter, .history_size = 10, .line_search = fx::optim::LineSearch::strong_wolfe});
  Path path = {x0};
  opt.step([&] {
    opt.zero_grad();
    Tensor loss = f(x);
    loss.backward();
    path.push_back(values(x));
    return loss;
  });
  // page:end
  return {path, opt.n_iter(), opt.func_evals()};
}

/// x and y columns of a path, for plotting.
std::pair<plot::Vec, plot::Vec> columns(const Path& p) {
  plot::Vec xs, ys;
  for (const auto& q : p) xs.push_back(q[0]), ys.push_back(q[1]);
  return {xs, ys};
}

/// f on an n×n grid over [x0, x1] × [y0, y1] (z rows follow y), all points at
/// once: `f_rows` maps an (N, 2) tensor of points to their N values.
struct Grid {
  Tensor x, y, z;
};
Grid grid(Tensor (*f_rows)(const Tensor&), double x0, double x1, double y0, double y1, int n) {
  const Tensor x = fx::linspace(x0, x1, n, fx::Float64), y = fx::linspace(y0, y1, n, fx::Float64);
  const auto xy = fx::meshgrid({x, y}, fx::Indexing::xy);  // each (n(y), n(x))
  const Tensor points = fx::stack({xy[0].flatten(), xy[1].flatten()}, 1);
  return {x, y, f_rows(points)};
}
// The two functions on rows of points: ½ pᵀAp + bᵀp for each row p, and Rosenbrock on (x, y) columns.
Tensor quadratic_rows(const Tensor& p) {
  static const Tensor A = quad_A(), b = quad_b();
  return 0.5 * (p.matmul(A) * p).sum({-1}) + p.matmul(b);
}
Tensor rosenbrock_rows(const Tensor& p) { return rosenbrock(p.t()); }

// ---- Demo 1: SGD vs L-BFGS on the convex quadratic ----------------------------------
// SGD's error shrinks by |1 − lr·λ| per step along each eigenvector of A
// (0.741 and 0.459 for lr 0.1); L-BFGS learns the curvature from gradient
// differences and is at the optimum after a handful of evaluations.
void demo1_sgd_vs_lbfgs() {
  lesson::section("Demo 1: SGD vs L-BFGS on f(x) = ½ xᵀAx + bᵀx");
  const Tensor A = quad_A(), b = quad_b();
  const auto x_star = values(-fx::linalg::solve(A, b));
  const double f_star = quadratic(fx::tensor(x_star, {2}, fx::Float64)).item();
  std::printf("optimum x* = -A⁻¹b = (%.6f, %.6f), f* = %.6f\n", x_star[0], x_star[1], f_star);
  const auto lambda = values(fx::linalg::eigvalsh(A));
  std::printf("eigenvalues of A: %.3f %.3f; SGD (lr 0.1) contraction per step: %.3f %.3f\n", lambda[0], lambda[1],
              std::abs(1 - 0.1 * lambda[0]), std::abs(1 - 0.1 * lambda[1]));

  const Grid g = grid(quadratic_rows, -3, 3, -3, 3, 80);
  plot::Figure fig1(6, 5, 80);
  auto& ax1 = fig1.ax();
  const plot::Mappable m = ax1.contourf(g.x, g.y, g.z, {.levels = 30, .cmap = "Spectral"});
  ax1.colorbar(m, "f(x)");
  ax1.set_xlabel("x");
  ax1.set_ylabel("y");
  ax1.set_title("Convex Quadratic");
  lesson::save(fig1, 16, "quadratic.png");

  const std::vector<double> x0 = {2.5, -2.0};
  std::printf("start x0 = (2.5, -2.0), f(x0) = %.6f\n", quadratic(fx::tensor(x0, {2}, fx::Float64)).item());
  const auto [sgd, sgd_end] = run_sgd(quadratic, x0, 0.1, 40, 1);
  std::printf("SGD step 1: (%.4f, %.4f)\n", sgd[1][0], sgd[1][1]);
  std::printf("SGD step 10: distance to x* = %.2e\n", dist(sgd[10], 1, -1));
  const double f40 = quadratic(fx::tensor(sgd_end, {2}, fx::Float64)).item();
  std::printf("SGD step 40: (%.7f, %.7f), distance %.2e, f - f* = %.2e\n", sgd_end[0], sgd_end[1], dist(sgd_end, 1, -1),
              f40 - f_star);

  const LbfgsRun lb = run_lbfgs(quadratic, x0, 40);
  std::printf("L-BFGS: %d iterations, %d function evaluations\n", lb.iterations, lb.evaluations);
  std::printf("L-BFGS recorded points (x0, then one per closure call):\n");
  for (size_t i = 0; i < lb.path.size(); ++i)
    std::printf("  L-BFGS point %zu: (%.7f, %.7f)\n", i, lb.path[i][0], lb.path[i][1]);
  // torch scales the first trial step by min(1, 1/|g0|_1) = 1/8, since g0 = (6.5, -1.5): x1 = x0 - g0/8.
  std::printf("L-BFGS first trial step = (x0 - x1) / g0 = %.6f, %.6f\n", (lb.path[0][0] - lb.path[2][0]) / 6.5,
              (lb.path[0][1] - lb.path[2][1]) / -1.5);
  std::printf("L-BFGS final distance to x* = %.2e\n", dist(lb.path.back(), 1, -1));

  plot::Figure fig2(6, 5, 80);
  auto& ax2 = fig2.ax();
  ax2.contour(g.x, g.y, g.z, {.levels = 30, .cmap = "Spectral"});
  auto [sx, sy] = columns(sgd);
  auto [lx, ly] = columns(lb.path);
  ax2.plot(sx, sy, "o-", {.alpha = 0.7, .label = "SGD"});
  ax2.plot(lx, ly, "s-", {.alpha = 0.7, .label = "L-BFGS"});
  ax2.scatter({x_star[0]}, {x_star[1]}, {.s = 140, .color = "k", .marker = "*", .label = "Optimum"});
  ax2.set_xlabel("x");
  ax2.set_ylabel("y");
  ax2.set_title("SGD vs. L-BFGS optimization paths");
  ax2.legend();
  lesson::save(fig2, 16, "sgd_vs_lbfgs.png");
}

// ---- Demo 2: a Hessian-vector product by autograd -------------------------------------
// Pearlmutter's trick as the post writes it: g = ∇f with create_graph, then
// Hv = ∇(g·v). For a quadratic H = A, so Hv = A v exactly. fluxion's func::hvp
// gives the same by forward-over-reverse (a tangent pushed through ∇f). float32.
void demo2_hvp() {
  lesson::section("Demo 2: Hessian-vector product via autograd (float32)");
  const Tensor A = quad_A(fx::Float32), b = quad_b(fx::Float32);
  auto f = [&](const Tensor& x) { return 0.5 * x.matmul(A).dot(x) + b.dot(x); };
  auto x = fx::tensor({1.5, -1.2}, fx::Float32).requires_grad_();
  const Tensor v = fx::tensor({0.6, -1.0}, fx::Float32);
  // page:begin Demo 2
  const Tensor g = fx::autograd::grad({f(x)}, {x}, {.create_graph = true})[0];
  const auto hv = values(fx::autograd::grad({g.dot(v)}, {x})[0]);
  const auto hv_func = values(fx::func::hvp(f, x.detach(), v));
  // page:end
  const auto direct = values(A.matmul(v));
  std::printf("Hessian-vector product Hv: [%.4f, %.4f]\n", hv[0], hv[1]);
  std::printf("func::hvp (forward-over-reverse): [%.4f, %.4f]\n", hv_func[0], hv_func[1]);
  std::printf("Direct H @ v: [%.4f, %.4f]\n", direct[0], direct[1]);
}

// ---- Exercise 1: SGD vs L-BFGS on the Rosenbrock valley ---------------------------------
// SGD crawls along the curved valley floor; L-BFGS follows it and reaches (1, 1).
void exercise1_rosenbrock() {
  lesson::section("Exercise 1: SGD vs L-BFGS on the Rosenbrock function");
  const std::vector<double> x0 = {-1.2, 1.0};
  // page:begin Exercise 1
  const auto [sgd, sgd_end] = run_sgd(rosenbrock, x0, 1e-3, 5000, 100);  // path: x0 and every 100th step
  const double f_sgd = rosenbrock(fx::tensor(sgd_end, {2}, fx::Float64)).item();
  std::printf("SGD (lr 1e-3, 5000 steps) ends at (%.4f, %.4f), f = %.2e\n", sgd_end[0], sgd_end[1], f_sgd);
  const LbfgsRun lb = run_lbfgs(rosenbrock, x0, 120);
  // page:end
  const double f_lb = rosenbrock(fx::tensor(lb.path.back(), {2}, fx::Float64)).item();
  std::printf("L-BFGS ends at (%.7f, %.7f), f = %.1e\n", lb.path.back()[0], lb.path.back()[1], f_lb);
  std::printf("L-BFGS Rosenbrock: %d iterations, %d closure calls\n", lb.iterations, lb.evaluations);

  const Grid g = grid(rosenbrock_rows, -2, 2, -1, 3, 200);
  plot::Figure fig(8, 5, 80);
  auto& ax = fig.ax();
  ax.contour(g.x, g.y, g.z, {.values = lesson::vec(fx::logspace(-1, 3, 20, 10, fx::Float64)), .cmap = "Spectral"});
  auto [sx, sy] = columns(sgd);
  auto [lx, ly] = columns(lb.path);
  ax.plot(sx, sy, "o-", {.alpha = 0.7, .label = "SGD"});
  ax.plot(lx, ly, "s-", {.alpha = 0.7, .label = "L-BFGS"});
  ax.scatter({1}, {1}, {.s = 140, .color = "k", .marker = "*", .label = "Global min"});
  ax.set_xlabel("x");
  ax.set_ylabel("y");
  ax.set_title("SGD vs. L-BFGS on Rosenbrock function");
  ax.legend();
  lesson::save(fig, 16, "rosenbrock.png");
}

// ---- Exercise 2: one Newton step on the quadratic --------------------------------------
// x_new = x0 − H⁻¹g, with g and H from autograd and the linear system solved
// (never inverting H). On a quadratic the model is exact: one step, optimum.
void exercise2_newton_step() {
  lesson::section("Exercise 2: a Newton step by hand");
  const Tensor x0 = fx::tensor({2.5, -2.0}, fx::Float64);
  // page:begin Exercise 2
  const Tensor g = fx::func::grad(quadratic)(x0);
  const Tensor H = fx::func::hessian(quadratic, x0);
  const Tensor x_new = x0 - fx::linalg::solve(H, g);
  // page:end
  const Tensor x_star = -fx::linalg::solve(quad_A(), quad_b());
  const auto gv = values(g), xn = values(x_new), xs = values(x_star), g_new = values(fx::func::grad(quadratic)(x_new));
  std::printf("Initial x0:         (2.5, -2)\n");
  std::printf("Gradient at x0:     (%g, %g)\n", gv[0], gv[1]);
  std::printf("Newton step x_new:  (%.12g, %.12g)\n", xn[0], xn[1]);
  std::printf("Optimum x_star:     (%.12g, %.12g)\n", xs[0], xs[1]);
  std::printf("Difference Newton step vs optimum: %.3g\n", (x_new - x_star).norm().item());
  std::printf("Gradient at x_new: (%g, %g)\n", g_new[0], g_new[1]);
}

// ---- Exercise 3: HVP in 20 dimensions vs forming the full Hessian -------------------------
// f = ½ xᵀAx with A = QᵀQ + 20 I (SPD). Hv by double backward costs about two
// gradients; the full Hessian costs n of them, then a matrix-vector product.
// (The post draws Q from NumPy's default_rng(0); fluxion's generator, seeded
// with 0, gives different numbers. The check, ‖difference‖ ≈ 1e-14, holds for any draw.)
void exercise3_hvp_vs_hessian() {
  lesson::section("Exercise 3: HVP vs full Hessian in 20-D");
  const int n = 20, reps = 50;
  fx::manual_seed(0);
  const Tensor Q = fx::randn({n, n}, fx::Float64);
  const Tensor A = Q.t().matmul(Q) + n * fx::eye(n, {}, fx::Float64);
  auto f = [&](const Tensor& x) { return 0.5 * x.matmul(A).dot(x); };
  const Tensor x0 = fx::randn({n}, fx::Float64), v = fx::randn({n}, fx::Float64);
  using clock = std::chrono::steady_clock;
  auto ms_per_call = [&](clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(clock::now() - t0).count() / reps;
  };

  Tensor hv;
  auto t0 = clock::now();
  for (int r = 0; r < reps; ++r) {  // the post's way: grad with create_graph, then grad of g·v
    auto x = x0.detach().requires_grad_();
    const Tensor g = fx::autograd::grad({f(x)}, {x}, {.create_graph = true})[0];
    hv = fx::autograd::grad({g.dot(v)}, {x})[0];
  }
  std::printf("Hv by autograd   : %.3f ms\n", ms_per_call(t0));
  Tensor hv_func;
  t0 = clock::now();
  // page:begin Exercise 3
  for (int r = 0; r < reps; ++r) hv_func = fx::func::hvp(f, x0, v);
  // page:end
  std::printf("func::hvp        : %.3f ms (forward-over-reverse)\n", ms_per_call(t0));
  Tensor full;
  t0 = clock::now();
  // page:begin Exercise 3
  for (int r = 0; r < reps; ++r) full = fx::func::hessian(f, x0).matmul(v);
  // page:end
  std::printf("Full Hessian*vec : %.3f ms\n", ms_per_call(t0));
  std::printf("(times are means over %d calls; the post measured 0.46 ms vs 2.06 ms once, in PyTorch)\n", reps);
  std::printf("‖difference‖ = %.3e\n", (hv - full).norm().item());
  std::printf("‖func::hvp - full‖ = %.3e\n", (hv_func - full).norm().item());
}

// ---- Exercise 4: a hand-rolled BFGS and its Hessian estimate --------------------------------
// The inverse-Hessian estimate H is updated from s = x_{k+1} − x_k and
// y = g_{k+1} − g_k: H ← (I − ρsyᵀ) H (I − ρysᵀ) + ρssᵀ, ρ = 1/(yᵀs). With
// exact line searches on a 2-D quadratic, B = H⁻¹ equals A after two steps and
// x is the optimum. The post's loop keeps going for 12 iterations; at g = 0
// its step size is 0/0 and the iterates turn NaN. This one stops on ‖g‖ ≈ 0.
void exercise4_bfgs() {
  lesson::section("Exercise 4: hand-rolled BFGS on the quadratic");
  const Tensor A = quad_A(), I = fx::eye(2, {}, fx::Float64);
  const auto grad_f = fx::func::grad(quadratic);
  const int max_iter = 12;
  const double tol = 1e-12;
  Tensor x = fx::tensor({2.5, -2.0}, fx::Float64), Hinv = I.clone();
  std::vector<Tensor> B_hist = {fx::linalg::inv(Hinv)};
  auto report = [&](int k) {
    const auto xv = values(x), B = values(B_hist.back());
    std::printf("BFGS iter %d: x = (%.5f, %.5f), B = [[%.4f, %.4f], [%.4f, %.4f]], f = %.6f\n", k, xv[0], xv[1], B[0],
                B[1], B[2], B[3], quadratic(x).item());
  };
  report(0);
  for (int k = 0; k < max_iter; ++k) {
    const Tensor g = grad_f(x);
    const double gnorm = g.norm().item();
    if (gnorm < tol) {
      std::printf("BFGS converged: ||g|| = %.1e < %.0e at iteration %d; stopping (the next step size would be 0/0)\n",
                  gnorm, tol, k);
      break;
    }
    // page:begin Exercise 4
    const Tensor p = -Hinv.matmul(g);                                   // search direction
    const double alpha = -g.dot(p).item() / p.matmul(A).dot(p).item();  // exact minimiser along p
    const Tensor x_new = x + alpha * p;
    const Tensor s = x_new - x, y = grad_f(x_new) - g;
    const double ys = y.dot(s).item();
    if (ys > 1e-12) {  // curvature condition; skip the update when it fails
      const double rho = 1 / ys;
      Hinv = (I - rho * s.outer(y)).matmul(Hinv).matmul(I - rho * y.outer(s)) + rho * s.outer(s);
    }
    x = x_new;
    // page:end
    B_hist.push_back(fx::linalg::inv(Hinv));
    report(k + 1);
  }
  const auto xv = values(x), B = values(B_hist.back());
  std::printf("Optimum x*        : (1, -1)\n");
  std::printf("Last iterate x_k  : (%.12g, %.12g)\n", xv[0], xv[1]);
  std::printf("Final loss        : %.4e\n", quadratic(x).item());
  std::printf("Final B - A, max |entry| = %.1e\n", (B_hist.back() - A).abs().max().item());

  plot::Vec k, b11, b12, b22;
  for (size_t i = 0; i < B_hist.size(); ++i) {
    const auto Bi = values(B_hist[i]);
    k.push_back(static_cast<double>(i)), b11.push_back(Bi[0]), b12.push_back(Bi[1]), b22.push_back(Bi[3]);
  }
  plot::Figure fig(8, 4, 80);
  auto& ax = fig.ax();
  ax.plot(k, b11, "o-", {.label = "$B_{11}$"});
  ax.plot(k, b12, "s-", {.label = "$B_{12} = B_{21}$"});
  ax.plot(k, b22, "^-", {.label = "$B_{22}$"});
  const double truth[] = {5, 1, 3};
  const char* colours[] = {"C0", "C1", "C2"};
  for (int i = 0; i < 3; ++i)  // the post's hlines(..., 0, max_iter): the budget it gave BFGS
    ax.plot({0, double(max_iter)}, {truth[i], truth[i]},
            {.color = colours[i], .linestyle = "--", .label = i == 0 ? "true $A$" : ""});
  ax.set_xlabel("iteration k");
  ax.set_ylabel("Hessian element value");
  ax.set_title("BFGS approximation of Hessian elements");
  ax.legend();
  lesson::save(fig, 16, "bfgs_hessian.png");
}

}  // namespace

int main() {
  demo1_sgd_vs_lbfgs();
  demo2_hvp();
  exercise1_rosenbrock();
  exercise2_newton_step();
  exercise3_hvp_vs_hessian();
  exercise4_bfgs();
  return 0;
}
