// SPDX-License-Identifier: MIT
// The steps of the stiff (Rosenbrock) methods, written once over a backend:
// rosenbrock.cpp runs them on vectors of doubles inside the step-size loop,
// rosenbrock_replay.cpp on tensors when a gradient is wanted. A backend B has
//   V               a vector of the flattened state
//   V f(t, y)       the field
//   V solve(r)      M^-1 r with M = I / (h gamma) - J, J = df/dy at the step's start
//   V comb({x..}, {c..})   sum_j c_j x_j
// and a step is given y, f0 = f(t, y) and T = df/dt at its start.
#pragma once
#include <array>
#include <cmath>
#include <vector>

namespace fluxion::odeint::detail {

template <class V>
struct RosenbrockStep {
  V y1, err;  // the new state and the local error estimate
  V f1;       // f(t + h, y1) when the method computes it (rosenbrock23), for Hermite output
};

/// gamma of rosenbrock23: d = 1 / (2 + sqrt 2).
inline double ros23_gamma() { return 1.0 / (2.0 + std::sqrt(2.0)); }

/// rosenbrock23 (Shampine & Reichelt 1997) with W = I - h d J = h d M:
///   k1 = W^-1 (F0 + h d T)
///   F1 = f(t + h/2, y + h/2 k1),        k2 = W^-1 (F1 - k1) + k1
///   y1 = y + h k2,  F2 = f(t + h, y1),  k3 = W^-1 (F2 - e32 (k2 - F1) - 2 (k1 - F0) + h d T)
///   err = h/6 (k1 - 2 k2 + k3)          e32 = 6 + sqrt 2
template <class B>
RosenbrockStep<typename B::V> ros23_step(B& b, double t, double h, const typename B::V& y, const typename B::V& f0,
                                         const typename B::V& T) {
  using V = typename B::V;
  const double d = ros23_gamma(), e32 = 6.0 + std::sqrt(2.0), w = 1.0 / (h * d);
  V k1 = b.solve(b.comb({&f0, &T}, {w, 1.0}));  // W^-1 r = M^-1 r / (h d)
  V F1 = b.f(t + 0.5 * h, b.comb({&y, &k1}, {1.0, 0.5 * h}));
  V r2 = b.solve(b.comb({&F1, &k1}, {w, -w}));
  V k2 = b.comb({&r2, &k1}, {1.0, 1.0});
  RosenbrockStep<V> st;
  st.y1 = b.comb({&y, &k2}, {1.0, h});
  st.f1 = b.f(t + h, st.y1);
  // F2 - e32 k2 + e32 F1 - 2 k1 + 2 F0 + h d T, divided by h d
  V k3 = b.solve(b.comb({&st.f1, &k2, &F1, &k1, &f0, &T}, {w, -e32 * w, e32 * w, -2.0 * w, 2.0 * w, 1.0}));
  st.err = b.comb({&k1, &k2, &k3}, {h / 6.0, -h / 3.0, h / 6.0});
  return st;
}

/// Rodas5 (Hairer & Wanner's RODAS of order 5(4); coefficients as in
/// DifferentialEquations.jl). Eight stages, six evaluations of f:
///   M k_i = f(t + c_i h, y + sum_j a_ij k_j) + d_i h T + sum_j (C_ij / h) k_j
/// where stages 6..8 sit at t + h with y6 = y + sum a_6j k_j, y7 = y6 + k6,
/// y8 = y7 + k7; y1 = y8 + k8 and err = k8 (stiffly accurate, L-stable).
struct Rodas5 {
  static constexpr double gamma = 0.19;
  static constexpr std::array<double, 6> c{0.0, 0.38, 0.3878509998321533, 0.4839718937873840, 0.4570477008819580, 1.0};
  static constexpr std::array<double, 5> d{0.19, -0.1823079225333714636, -0.319231832186874912, 0.3449828624725343,
                                           -0.377417564392089818};
  // a[i][j]: stage i+1 from k_{j+1} (i = 1..5)
  static constexpr double a[6][5] = {
      {0, 0, 0, 0, 0},
      {2.0, 0, 0, 0, 0},
      {3.040894194418781, 1.041747909077569, 0, 0, 0},
      {2.576417536461461, 1.622083060776640, -0.9089668560264532, 0, 0},
      {2.760842080225597, 1.446624659844071, -0.3036980084553738, 0.2877498600325443, 0},
      {-14.09640773051259, 6.925207756232704, -41.47510893210728, 2.343771018586405, 24.13215229196062}};
  // C[i][j]: stage i+1 from k_{j+1} (i = 1..7)
  static constexpr double C[8][7] = {
      {0, 0, 0, 0, 0, 0, 0},
      {-10.31323885133993, 0, 0, 0, 0, 0, 0},
      {-21.04823117650003, -7.234992135176716, 0, 0, 0, 0, 0},
      {32.22751541853323, -4.943732386540191, 19.44922031041879, 0, 0, 0, 0},
      {-20.69865579590063, -8.816374604402768, 1.260436877740897, -0.7495647613787146, 0, 0, 0},
      {-46.22004352711257, -17.49534862857472, -289.6389582892057, 93.60855400400906, 318.3822534212147, 0, 0},
      {34.20013733472935, -14.15535402717690, 57.82335640988400, 25.83362985412365, 1.408950972071624,
       -6.551835421242162, 0},
      {42.57076742291101, -13.80770672017997, 93.98938432427124, 18.77919633714503, -31.58359187223370,
       -6.685968952921985, -5.810979938412932}};
};

template <class B>
RosenbrockStep<typename B::V> rodas5_step(B& b, double t, double h, const typename B::V& y, const typename B::V& f0,
                                          const typename B::V& T) {
  using V = typename B::V;
  using R = Rodas5;
  std::vector<V> k;
  k.reserve(8);
  V yi = y;
  for (int i = 0; i < 8; ++i) {
    std::vector<const V*> xs;
    std::vector<double> cs;
    if (i >= 1 && i <= 5) {  // yi = y + sum_j a_ij k_j
      xs.push_back(&y), cs.push_back(1.0);
      for (int j = 0; j < i; ++j) xs.push_back(&k[j]), cs.push_back(R::a[i][j]);
      yi = b.comb(xs, cs);
    } else if (i >= 6) {  // y7 = y6 + k6, y8 = y7 + k7
      yi = b.comb({&yi, &k[i - 1]}, {1.0, 1.0});
    }
    V fi = i == 0 ? f0 : b.f(t + R::c[std::min(i, 5)] * h, yi);
    xs = {&fi};
    cs = {1.0};
    if (i < 5) xs.push_back(&T), cs.push_back(R::d[i] * h);
    for (int j = 0; j < i; ++j) xs.push_back(&k[j]), cs.push_back(R::C[i][j] / h);
    k.push_back(b.solve(b.comb(xs, cs)));
  }
  RosenbrockStep<V> st;
  st.y1 = b.comb({&yi, &k[7]}, {1.0, 1.0});
  st.err = k[7];
  return st;
}

}  // namespace fluxion::odeint::detail
