// SPDX-License-Identifier: MIT
// A solve's accepted steps as quartics in theta (see Trajectory in solver.h).
#include <algorithm>

#include "autograd/ops.h"
#include "odeint/solver.h"

namespace fluxion::odeint::detail {

// The quartic through samples y0..y4 at theta = 0, 1/4, 1/2, 3/4, 1, in powers
// of theta: c_j = sum_i kPower[j][i] y_i (the inverse of the samples' Vandermonde matrix).
constexpr double kPower[5][5] = {{1, 0, 0, 0, 0},
                                 {-25.0 / 3, 16, -12, 16.0 / 3, -1},
                                 {70.0 / 3, -208.0 / 3, 76, -112.0 / 3, 22.0 / 3},
                                 {-80.0 / 3, 96, -128, 224.0 / 3, -16},
                                 {32.0 / 3, -128.0 / 3, 64, -128.0 / 3, 32.0 / 3}};

std::function<bool(double, double, const std::function<State(double)>&)> Trajectory::recorder() {
  return [this](double t0, double t1, const std::function<State(double)>& dense) {
    std::array<State, 5> y;
    for (int i = 0; i < 5; ++i) {
      y[i] = dense(i / 4.0);
      for (Tensor& c : y[i]) c = c.detach();
    }
    std::vector<const State*> ys{&y[0], &y[1], &y[2], &y[3], &y[4]};
    std::array<State, 5> c;
    for (int j = 0; j < 5; ++j) c[j] = lincomb(ys, std::vector<double>(kPower[j], kPower[j] + 5));
    t0_.push_back(t0);
    h_.push_back(t1 - t0);
    c_.push_back(std::move(c));
    return false;
  };
}

State Trajectory::at(const Tensor& t) const {
  check(!t0_.empty(), "odeint: a Trajectory read before any step was recorded");
  double tv = t.item();
  // The steps run one way (h > 0 or h < 0 throughout): the last step starting at or before t.
  double dir = h_.front() < 0 ? -1 : 1;
  auto after = std::upper_bound(t0_.begin(), t0_.end(), tv, [dir](double a, double b) { return dir * a < dir * b; });
  size_t k = after == t0_.begin() ? 0 : size_t(after - t0_.begin()) - 1;
  const std::array<State, 5>& c = c_[k];
  if (!t.requires_grad()) {
    double th = (tv - t0_[k]) / h_[k];
    return lincomb(std::vector<const State*>{&c[0], &c[1], &c[2], &c[3], &c[4]},
                   {1.0, th, th * th, th * th * th, th * th * th * th});
  }
  Tensor th = (t - t0_[k]) * (1.0 / h_[k]);
  State y;
  for (size_t i = 0; i < c[0].size(); ++i)
    y.push_back(c[0][i] + th * (c[1][i] + th * (c[2][i] + th * (c[3][i] + th * c[4][i]))));
  return y;
}

}  // namespace fluxion::odeint::detail
