// SPDX-License-Identifier: MIT
// The record of a replayed solve that is to be differentiated (taped.cpp).
// An explicit Runge-Kutta solve is made of two operations only: linear
// combinations of states (every stage, step and dense output) and
// evaluations of func. The tape keeps each as an entry, in the order they
// ran, so that a reverse sweep can differentiate the solve as backprop
// through autograd's graph would, without building that graph.
#pragma once
#include <cstdint>
#include <vector>

#include "tensor/small_vector.h"

namespace fluxion::odeint::detail {

template <class T>
struct Tape {
  struct Entry {
    // y = sum_j cs[j] * (entry from[j]); or, when `eval`, y = func(t, point), where
    // `point` holds the values of entry from[0]. Entry 0 is the initial state.
    SmallVector<int32_t, 10> from;  // a stage or dense output of the methods here has at most 10 terms
    SmallVector<double, 10> cs;
    bool eval = false;
    double t = 0;
    std::vector<T> point;
  };
  std::vector<Entry> entries{Entry{}};

  int32_t add(Entry&& e) {
    entries.push_back(std::move(e));
    return (int32_t)entries.size() - 1;
  }
};

}  // namespace fluxion::odeint::detail
