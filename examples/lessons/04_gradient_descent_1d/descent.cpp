// SPDX-License-Identifier: MIT
// Lesson 4's toolkit: the loss, the descent loop and the shared printing and figure helpers.
#include "examples/lessons/04_gradient_descent_1d/descent.h"

#include <cstdio>

namespace descent {

// f(x) = x⁴ − 3x² + 2, on tensors (0-d in the training loops).
fx::Tensor f(const fx::Tensor& x) { return x.pow(4) - 3 * x.square() + 2; }
// f′(x) = 4x³ − 6x, written out as the post does.
fx::Tensor grad_f(const fx::Tensor& x) { return 4 * x.pow(3) - 6 * x; }
// f′(x) from autograd instead: a detached copy that requires grad, f(x).backward(), read .grad().
// page:begin Demo 2
fx::Tensor grad_f_autograd(const fx::Tensor& x) {
  fx::Tensor xg = x.detach().clone().requires_grad_();
  f(xg).backward();
  return xg.grad();
}
// page:end
// The same loss on plain doubles, for the exercises the post writes with NumPy floats.
double f_double(double x) { return x * x * x * x - 3 * x * x + 2; }
double grad_f_double(double x) { return 4 * x * x * x - 6 * x; }

// Plain gradient descent for `steps` steps from x0 with step size eta.
// page:begin Demo 1 (post)
Path run_gd(double x0, double eta, int steps, const GradFn& grad) {
  fx::Tensor x = fx::scalar(x0, fx::Float64);
  Path p;
  for (int k = 0; k < steps; ++k) {
    p.xs.push_back(x.item());
    p.fs.push_back(f(x).item());
    x = x - eta * grad(x);
  }
  return p;
}
// page:end

// The first iteration whose f is within tol of f_min, if any.
std::optional<int> first_close(const std::vector<double>& fs, double tol) {
  for (size_t i = 0; i < fs.size(); ++i)
    if (std::abs(fs[i] - kFMin) < tol) return static_cast<int>(i);
  return std::nullopt;
}
std::string steps_or_none(std::optional<int> i) { return i ? std::to_string(*i) : "None"; }

// printf's %.Nf, but "nan" for every NaN (glibc prints "-nan" for some).
std::string fixed(double v, int decimals) {
  if (std::isnan(v)) return "nan";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string eta_label(double eta) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "η=%g", eta);
  return buf;
}

// The paths figure of demo 1: (x_k, f(x_k)) joined with circle markers, one
// line per step size. Non-finite points are left out (the library skips them).
plot::Figure paths_figure(const std::vector<double>& etas, const std::vector<Path>& paths) {
  plot::Figure fig(6, 4, 80);
  auto& ax = fig.ax();
  for (size_t i = 0; i < etas.size(); ++i)
    ax.plot(paths[i].xs, paths[i].fs, {.marker = "o", .label = eta_label(etas[i])});
  ax.set_xlabel("x");
  ax.set_ylabel("f(x)");
  ax.set_title("Gradient‑descent paths for different step sizes");
  ax.legend();
  return fig;
}

void print_finals(const std::vector<double>& etas, const std::vector<Path>& paths) {
  for (size_t i = 0; i < etas.size(); ++i)
    std::printf("η=%-5g →  final x=%s, f=%s\n", etas[i], fixed(paths[i].xs.back(), 4).c_str(),
                fixed(paths[i].fs.back(), 6).c_str());
}

void print_path(const char* name, const Path& p, int n, const char* format) {
  std::printf("%s path:", name);
  for (int k = 0; k < n; ++k) {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, p.xs[k]);
    std::printf("%s %s", k ? " →" : "", std::isfinite(p.xs[k]) ? buf : "inf/nan");
  }
  std::printf("\n");
}

double max_gap(const Path& a, const Path& b) {
  double worst = 0;
  for (size_t k = 0; k < a.xs.size(); ++k) worst = std::max(worst, std::abs(a.xs[k] - b.xs[k]));
  return worst;
}

}  // namespace descent
