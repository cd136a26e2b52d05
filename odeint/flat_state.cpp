// SPDX-License-Identifier: MIT
// Flat states (solver.h): a state's components end to end in one array, for
// solves that need no graph. Their lincomb is the LinComb op's kernel without
// the op: the same sum, in the same order and precision, so a flat solve takes
// the steps a tensor solve takes.
#include "autograd/ops.h"
#include "odeint/solver.h"
#include "odeint/tape.h"

namespace fluxion::odeint::detail {

Layout::Layout(const State& y) : dtype(y.at(0).dtype()) {
  for (const Tensor& c : y) {
    shapes.push_back(c.shape());
    numels.push_back(c.numel());
    n += c.numel();
  }
}

Tensor flat(const State& y) {
  if (y.size() == 1) return y[0].reshape({-1});
  std::vector<Tensor> parts;
  for (const Tensor& c : y) parts.push_back(c.reshape({-1}));
  return cat(parts, 0);
}

template <class T>
std::vector<T> Layout::flat(const State& y) const {
  std::vector<T> v;
  v.reserve(n);
  for (const Tensor& c : y) {
    std::vector<T> part = c.to_vector<T>();
    v.insert(v.end(), part.begin(), part.end());
  }
  return v;
}

template <class T>
State Layout::state(const std::vector<T>& v) const {
  State y;
  int64_t off = 0;
  for (size_t c = 0; c < shapes.size(); ++c) {
    std::vector<T> part(v.begin() + off, v.begin() + off + numels[c]);
    if constexpr (std::is_same_v<T, double>)
      y.push_back(tensor(part, shapes[c], dtype));
    else
      y.push_back(tensor(part, shapes[c]).to(dtype));
    off += numels[c];
  }
  return y;
}

// y = sum_j c_j x_j over the nonzero c_j, accumulated in T from zero; on a tape, recorded.
template <class T>
FlatState<T> lincomb(const std::vector<const FlatState<T>*>& xs, const std::vector<double>& cs) {
  FlatState<T> y{std::vector<T>(xs[0]->v.size(), T(0)), xs[0]->layout};
  for (size_t j = 0; j < xs.size(); ++j) {
    if (cs[j] == 0.0) continue;
    const T c = (T)cs[j];
    const T* in = xs[j]->v.data();
    T* out = y.v.data();
    for (size_t i = 0; i < y.v.size(); ++i) out[i] += c * in[i];
  }
  if (Tape<T>* tape = xs[0]->tape) {
    typename Tape<T>::Entry e;
    for (const FlatState<T>* x : xs) e.from.push_back(x->entry);
    e.cs = cs;
    y.tape = tape;
    y.entry = tape->add(std::move(e));
  }
  return y;
}

template std::vector<double> Layout::flat(const State&) const;
template std::vector<float> Layout::flat(const State&) const;
template State Layout::state(const std::vector<double>&) const;
template State Layout::state(const std::vector<float>&) const;
template FlatState<float> lincomb(const std::vector<const FlatState<float>*>&, const std::vector<double>&);
template FlatState<double> lincomb(const std::vector<const FlatState<double>*>&, const std::vector<double>&);

}  // namespace fluxion::odeint::detail
