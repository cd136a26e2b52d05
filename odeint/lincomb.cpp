// SPDX-License-Identifier: MIT
// lincomb: y = sum_j c_j x_j, the one op a Runge-Kutta stage is made of.
// Promoted to an op of its own for speed: a dopri5 stage on a small state is
// one op instead of a dozen scalar multiplies and adds, and on small states
// the per-op overhead, not the arithmetic, is the cost.
#include "autograd/apply.h"
#include "autograd/ops.h"
#include "odeint/solver.h"
#include "tensor/vec.h"

namespace fluxion::odeint::detail {

namespace {

// lincomb: y = sum_j c_j x_j.   dy/dx_j = c_j
struct LinComb {
  static constexpr const char* name = "LinComb";
  static constexpr Save save = Save::nothing;
  std::vector<double> cs;

  std::vector<TensorData> forward(const std::vector<TensorData>& xs) const {
    TensorData y = TensorData::empty(xs[0].shape, xs[0].dtype);
    int64_t n = y.numel();
    dispatch_float(y.dtype, "lincomb", [&](auto tag) {
      using T = decltype(tag);
      T* out = y.data<T>();
      for (int64_t i = 0; i < n; ++i) out[i] = 0;
      for (size_t j = 0; j < xs.size(); ++j) {
        TensorData x = vec::contiguous(xs[j]);
        const T* in = x.data<T>();
        T c = (T)cs[j];
        for (int64_t i = 0; i < n; ++i) out[i] += c * in[i];
      }
    });
    return {y};
  }
  // d/dx_j: grad * c_j
  std::vector<Tensor> vjp(const std::vector<Tensor>& grads, const Saved& s) const {
    std::vector<Tensor> dxs(cs.size());
    for (size_t j = 0; j < cs.size(); ++j)
      if (s.needs_grad(j)) dxs[j] = cs[j] == 1.0 ? grads[0] : grads[0] * cs[j];
    return dxs;
  }
  // dy = sum_j c_j dx_j (undefined tangents are zero)
  std::vector<Tensor> jvp(const std::vector<Tensor>& dxs, const Saved&) const {
    std::vector<Tensor> xs;
    std::vector<double> c;
    for (size_t j = 0; j < cs.size(); ++j)
      if (dxs[j].defined()) xs.push_back(dxs[j]), c.push_back(cs[j]);
    return {lincomb(xs, c)};
  }
};

}  // namespace

Tensor lincomb(const std::vector<Tensor>& xs, const std::vector<double>& cs) {
  std::vector<Tensor> in;
  std::vector<double> c;
  for (size_t j = 0; j < xs.size(); ++j)
    if (cs[j] != 0.0) in.push_back(xs[j]), c.push_back(cs[j]);
  if (in.empty()) return zeros_like(xs.at(0));
  if (in.size() == 1 && c[0] == 1.0) return in[0];
  for (const Tensor& x : in)
    if (x.shape() != in[0].shape() || x.dtype() != in[0].dtype())
      fail("lincomb: tensors of shape ", to_string(x.shape()), " (", dtype_name(x.dtype()), ") and ",
           to_string(in[0].shape()), " (", dtype_name(in[0].dtype()), ") cannot be combined; they must match");
  return apply_op(LinComb{std::move(c)}, in)[0];
}

State lincomb(const std::vector<const State*>& xs, const std::vector<double>& cs) {
  State y(xs[0]->size());
  std::vector<Tensor> parts(xs.size());
  for (size_t c = 0; c < y.size(); ++c) {
    for (size_t j = 0; j < xs.size(); ++j) parts[j] = (*xs[j])[c];
    y[c] = lincomb(parts, cs);
  }
  return y;
}

}  // namespace fluxion::odeint::detail
