// SPDX-License-Identifier: MIT
// Checking derivatives against central finite differences, for fluxion's own
// ops and for users' custom ones (like torch.autograd.gradcheck):
//
//   auto f = [](const std::vector<Tensor>& x) { return (x[0] * x[1].sin()).sum(); };
//   a.requires_grad_(); b.requires_grad_();  // only inputs that require grad are checked
//   autograd::gradcheck(f, {a, b});       // reverse mode  vs (f(x+eps) - f(x-eps)) / 2eps
//   autograd::jvpcheck(f, {a, b});        // forward mode  vs the same
//   autograd::gradgradcheck(f, {a, b});   // second order: the VJP's own gradient
//
// Use Float64 inputs: in Float32 the differences drown in rounding. Each
// returns true, or throws fluxion::Error naming the first mismatch (input,
// element, analytical vs numerical) — or returns false when raise_exception is off.
#pragma once
#include <functional>
#include <vector>

#include "autograd/tensor.h"

namespace fluxion::autograd {

using TensorFunction = std::function<Tensor(const std::vector<Tensor>&)>;

struct GradcheckOptions {
  double eps = 1e-6;            // finite-difference step
  double atol = 1e-5;           // |analytical - numerical| <= atol + rtol * |numerical|
  double rtol = 1e-3;
  bool raise_exception = true;  // throw on mismatch (else return false)
  uint64_t seed = 0;            // for the random directions of gradgradcheck
};

/// Full Jacobian by reverse mode (one VJP per output element) against
/// central differences (two evaluations per input element).
bool gradcheck(const TensorFunction& f, const std::vector<Tensor>& inputs, const GradcheckOptions& opts = {});

/// Full Jacobian by forward mode (one JVP per input element) against central differences.
bool jvpcheck(const TensorFunction& f, const std::vector<Tensor>& inputs, const GradcheckOptions& opts = {});

/// Second order: for random cotangent u and directions w, the scalar
/// s(x) = sum_i <VJP_i(x; u), w_i> is differentiated by double backward
/// (create_graph) and checked against central differences.
bool gradgradcheck(const TensorFunction& f, const std::vector<Tensor>& inputs, const GradcheckOptions& opts = {});

}  // namespace fluxion::autograd
