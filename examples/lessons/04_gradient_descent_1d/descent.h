// SPDX-License-Identifier: MIT
// Lesson 4's toolkit: the double-well loss f(x) = x⁴ − 3x² + 2 and its gradient,
// the gradient-descent loop that records a run's path, and the printing and
// figure helpers the demos and exercises share (descent.cpp).
#pragma once
#include <cmath>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "examples/lessons/lesson.h"

namespace descent {

namespace fx = fluxion;
namespace plot = fluxion::plot;

constexpr int kLesson = 4;
const double kXStar = std::sqrt(1.5);  // the minima are at ±√1.5
constexpr double kFMin = -0.25;

// f(x) = x⁴ − 3x² + 2, on tensors (0-d in the training loops).
fx::Tensor f(const fx::Tensor& x);
// f′(x) = 4x³ − 6x, written out as the post does.
fx::Tensor grad_f(const fx::Tensor& x);
// f′(x) from autograd instead: a detached copy that requires grad, f(x).backward(), read .grad().
fx::Tensor grad_f_autograd(const fx::Tensor& x);
// The same loss on plain doubles, for the exercises the post writes with NumPy floats.
double f_double(double x);
double grad_f_double(double x);

using GradFn = std::function<fx::Tensor(const fx::Tensor&)>;

// The points a run visits: (x_k, f(x_k)), recorded before each update.
struct Path {
  std::vector<double> xs, fs;
};

// Plain gradient descent for `steps` steps from x0 with step size eta.
Path run_gd(double x0, double eta, int steps, const GradFn& grad = grad_f);
// The first iteration whose f is within tol of f_min, if any.
std::optional<int> first_close(const std::vector<double>& fs, double tol = 1e-3);
// "None" when there is no such iteration, as the post's Python prints.
std::string steps_or_none(std::optional<int> i);
// printf's %.Nf, but "nan" for every NaN (glibc prints "-nan" for some).
std::string fixed(double v, int decimals);
// The legend label "η=0.1".
std::string eta_label(double eta);
// The paths figure of demo 1: (x_k, f(x_k)) joined with circle markers, one
// line per step size. Non-finite points are left out (the library skips them).
plot::Figure paths_figure(const std::vector<double>& etas, const std::vector<Path>& paths);
// One line per step size: the run's final x and f.
void print_finals(const std::vector<double>& etas, const std::vector<Path>& paths);
// The first n iterates of a run, joined by arrows, in printf `format`.
void print_path(const char* name, const Path& p, int n, const char* format);

// Runs a torch.optim-style optimizer on a one-element parameter (gradient by
// autograd) and records the path; used to check the hand-written updates.
template <class Opt, class Options>
Path run_optimizer(double x0, int steps, const Options& opts) {
  fx::Tensor x = fx::tensor({x0}, fx::Float64).requires_grad_();
  Opt opt({x}, opts);
  Path p;
  for (int k = 0; k < steps; ++k) {
    opt.zero_grad();
    const fx::Tensor loss = f(x).sum();
    p.xs.push_back(x.item());
    p.fs.push_back(loss.item());
    loss.backward();
    opt.step();
  }
  return p;
}

/// The largest |x_k(a) − x_k(b)| over two runs of the same length.
double max_gap(const Path& a, const Path& b);

}  // namespace descent
