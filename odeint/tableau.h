// SPDX-License-Identifier: MIT
// Butcher tableaux as data: one generic explicit Runge-Kutta stepper runs them all.
//
//   k_i = f(t + c_i h, y + h sum_{j<i} a_ij k_j)      y1 = y + h sum_i b_i k_i
//   err = h sum_i e_i k_i   with e = b - b_hat (the embedded lower-order solution)
//
// Coefficients from Hairer-Norsett-Wanner (dopri5, dense output), Tsitouras
// 2011 (tsit5), Prince-Dormand 1981 as in torchdiffeq (dopri8), Bogacki-
// Shampine 1989 (bosh3), Fehlberg 1969 (fehlberg2); the midpoint weights of
// the quartic dense output of tsit5 and dopri8 as in torchdiffeq.
#pragma once
#include <vector>

#include "odeint/odeint.h"

namespace fluxion::odeint {

/// How a method produces values between its steps.
enum class Dense { linear, hermite, quartic, dopri5 };

struct Tableau {
  Method method;
  int order;                           // of the solution it keeps (the error estimate is one lower)
  std::vector<double> c;               // stage times as fractions of h; c[0] = 0
  std::vector<std::vector<double>> a;  // a[i] holds a_i0 ... a_i,i-1 (a[0] is empty)
  std::vector<double> b;               // solution weights
  std::vector<double> e;               // b - b_hat; empty for fixed-grid methods
  Dense dense = Dense::hermite;
  std::vector<double> d = {};    // dopri5's dense-output coefficients d_1 ... d_7
  std::vector<double> mid = {};  // quartic: y(h/2) ~ y0 + h sum_i mid_i k_i

  int stages() const { return (int)c.size(); }
  bool adaptive() const { return !e.empty(); }
  /// First Same As Last: the last stage is f(t + h, y1), the next step's first.
  bool fsal() const;
};

/// The tableau of an explicit Runge-Kutta method (an error for rosenbrock23).
const Tableau& tableau(Method m);

}  // namespace fluxion::odeint
