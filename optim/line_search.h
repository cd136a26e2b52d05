// SPDX-License-Identifier: MIT
// Line searches along a direction p from x: choose a step alpha so that
// phi(alpha) = f(x + alpha p) decreases enough (Armijo, c1) and, for strong
// Wolfe, the slope flattens enough (|phi'(alpha)| <= c2 |phi'(0)|, c2).
// strong_wolfe (line_search.cpp) serves optim::LBFGS and optim::NewtonCG, as
// in torch; more_thuente (more_thuente.cpp) serves minimize()'s gd, bfgs,
// lbfgs and newton_cg, as in SciPy; backtracking its dense newton.
// Failure is a status, never an exception or a NaN step.
#pragma once
#include <functional>

namespace fluxion::optim {

/// phi(alpha) and its derivative phi'(alpha) = grad f(x + alpha p) . p
struct PhiValue {
  double phi;
  double dphi;
};
using Phi = std::function<PhiValue(double alpha)>;

enum class LineSearchStatus { ok, failed, non_finite };

struct LineSearchResult {
  double alpha = 0;  // the accepted step (0 when the search failed)
  double phi = 0;    // phi(alpha)
  double dphi = 0;   // phi'(alpha)
  int evals = 0;     // calls of phi
  LineSearchStatus status = LineSearchStatus::failed;
};

struct WolfeOptions {
  double c1 = 1e-4;
  double c2 = 0.9;  // 0.9 for quasi-Newton; 0.1 suits nonlinear CG
  double alpha_max = 1e10;
  int max_evals = 25;
};

/// Strong Wolfe: bracketing, then zoom with cubic interpolation
/// (Nocedal & Wright, Algorithms 3.5 and 3.6). phi0/dphi0 at alpha = 0.
LineSearchResult strong_wolfe(const Phi& phi, double phi0, double dphi0, double alpha0, const WolfeOptions& opts = {});

struct MoreThuenteOptions {
  double c1 = 1e-4;
  double c2 = 0.9;
  double xtol = 1e-14;  // relative width at which the interval counts as collapsed
  double alpha_min = 0;
  double alpha_max = 1e10;
  int max_evals = 25;
};

/// Strong Wolfe by Moré and Thuente's safeguarded interpolation (MINPACK-2
/// dcsrch), the search SciPy's BFGS and L-BFGS-B use. Out of evaluations or
/// interval, it returns the best Armijo point seen (or fails).
LineSearchResult more_thuente(const Phi& phi, double phi0, double dphi0, double alpha0,
                              const MoreThuenteOptions& opts = {});

/// Backtracking: halve (by `shrink`) from alpha0 until Armijo holds.
LineSearchResult backtracking(const Phi& phi, double phi0, double dphi0, double alpha0, double c1 = 1e-4,
                              double shrink = 0.5, int max_evals = 40);

/// The minimiser of the cubic through (a, fa, ga) and (b, fb, gb), clamped to
/// [lo, hi] (the bisection midpoint when the cubic has no usable minimum).
double cubic_minimizer(double a, double fa, double ga, double b, double fb, double gb, double lo, double hi);

}  // namespace fluxion::optim
