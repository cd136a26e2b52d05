// SPDX-License-Identifier: MIT
// gradcheck, jvpcheck and gradgradcheck: analytic VJPs, JVPs and second
// derivatives against central finite differences, element by element.
#include "autograd/gradcheck.h"

#include <cmath>
#include <random>
#include <sstream>

#include "autograd/engine.h"
#include "autograd/forward_ad.h"
#include "autograd/grad_mode.h"
#include "autograd/ops.h"

namespace fluxion::autograd {

namespace {

// Inputs that take part: floating tensors that require grad.
std::vector<size_t> differentiable(const std::vector<Tensor>& xs) {
  std::vector<size_t> idx;
  for (size_t i = 0; i < xs.size(); ++i)
    if (xs[i].defined() && xs[i].is_floating_point() && xs[i].requires_grad()) idx.push_back(i);
  return idx;
}

// f evaluated with input i replaced by a contiguous copy whose element j is
// shifted by delta, flattened to doubles. No graph is recorded.
std::vector<double> eval_shifted(const TensorFunction& f, std::vector<Tensor> xs, size_t i, int64_t j, double delta) {
  NoGradGuard no_grad;
  Tensor x = xs[i].detach().clone();
  dispatch_float(x.dtype(), "gradcheck", [&](auto tag) {
    using T = decltype(tag);
    x.data<T>()[j] = static_cast<T>(x.data<T>()[j] + delta);
  });
  xs[i] = x;
  return f(xs).to_vector<double>();
}

// Column j of d f / d input i by central differences.
std::vector<double> numerical_column(const TensorFunction& f, const std::vector<Tensor>& xs, size_t i, int64_t j,
                                     double eps) {
  std::vector<double> plus = eval_shifted(f, xs, i, j, eps), minus = eval_shifted(f, xs, i, j, -eps);
  for (size_t k = 0; k < plus.size(); ++k) plus[k] = (plus[k] - minus[k]) / (2 * eps);
  return plus;
}

bool report(bool raise, const std::string& what) {
  if (raise) throw Error(what);
  return false;
}

bool close(double a, double n, const GradcheckOptions& o) { return std::abs(a - n) <= o.atol + o.rtol * std::abs(n); }

std::string mismatch(const char* check, size_t input, int64_t in_elem, int64_t out_elem, double analytical,
                     double numerical) {
  std::ostringstream os;
  os.precision(10);
  os << check << ": Jacobian mismatch for output element " << out_elem << " w.r.t. input " << input << " element "
     << in_elem << ": analytical " << analytical << " vs numerical " << numerical
     << " (check the op's rule, or the input's domain / eps)";
  return os.str();
}

Tensor one_hot_like(const Tensor& y, int64_t k) {
  Tensor e = zeros(y.shape(), y.dtype());
  dispatch_float(y.dtype(), "gradcheck", [&](auto tag) { e.data<decltype(tag)>()[k] = 1; });
  return e;
}

Tensor random_like(const Tensor& t, std::mt19937_64& rng) {
  std::normal_distribution<double> normal;
  std::vector<double> v((size_t)t.numel());
  for (double& x : v) x = normal(rng);
  return tensor(v, t.shape(), t.dtype());
}

}  // namespace

bool gradcheck(const TensorFunction& f, const std::vector<Tensor>& inputs, const GradcheckOptions& o) {
  std::vector<size_t> idx = differentiable(inputs);
  check(!idx.empty(), "gradcheck: no input requires grad; call requires_grad_() on the inputs to check");
  Tensor y = f(inputs);
  int64_t n_out = y.numel();
  // Rows of the analytical Jacobian: one VJP with each unit cotangent.
  std::vector<std::vector<std::vector<double>>> rows(idx.size());  // [input][out_elem][in_elem]
  for (int64_t k = 0; k < n_out; ++k) {
    std::vector<Tensor> xs;
    for (size_t i : idx) xs.push_back(inputs[i]);
    std::vector<Tensor> g;
    if (y.requires_grad())
      g = grad({y}, xs, {.grad_outputs = {one_hot_like(y, k)}, .retain_graph = true, .allow_unused = true});
    for (size_t a = 0; a < idx.size(); ++a)
      rows[a].push_back(a < g.size() && g[a].defined() ? g[a].to_vector<double>()
                                                       : std::vector<double>((size_t)inputs[idx[a]].numel(), 0.0));
  }
  for (size_t a = 0; a < idx.size(); ++a) {
    for (int64_t j = 0; j < inputs[idx[a]].numel(); ++j) {
      std::vector<double> col = numerical_column(f, inputs, idx[a], j, o.eps);
      for (int64_t k = 0; k < n_out; ++k)
        if (!close(rows[a][k][j], col[k], o))
          return report(o.raise_exception, mismatch("gradcheck", idx[a], j, k, rows[a][k][j], col[k]));
    }
  }
  return true;
}

bool jvpcheck(const TensorFunction& f, const std::vector<Tensor>& inputs, const GradcheckOptions& o) {
  std::vector<size_t> idx = differentiable(inputs);
  check(!idx.empty(), "jvpcheck: no input requires grad; call requires_grad_() on the inputs to check");
  for (size_t i : idx) {
    for (int64_t j = 0; j < inputs[i].numel(); ++j) {
      std::vector<double> col = numerical_column(f, inputs, i, j, o.eps);
      std::vector<double> jv;
      {
        forward_ad::DualLevel level;
        std::vector<Tensor> xs = inputs;
        Tensor e = zeros(inputs[i].shape(), inputs[i].dtype());
        dispatch_float(e.dtype(), "jvpcheck", [&](auto tag) { e.data<decltype(tag)>()[j] = 1; });
        xs[i] = forward_ad::make_dual(inputs[i], e);
        Tensor t = forward_ad::unpack_dual(f(xs)).tangent;
        jv = t.defined() ? t.to_vector<double>() : std::vector<double>(col.size(), 0.0);
      }
      for (size_t k = 0; k < col.size(); ++k)
        if (!close(jv[k], col[k], o)) return report(o.raise_exception, mismatch("jvpcheck", i, j, (int64_t)k, jv[k], col[k]));
    }
  }
  return true;
}

bool gradgradcheck(const TensorFunction& f, const std::vector<Tensor>& inputs, const GradcheckOptions& o) {
  std::vector<size_t> idx = differentiable(inputs);
  check(!idx.empty(), "gradgradcheck: no input requires grad; call requires_grad_() on the inputs to check");
  std::mt19937_64 rng(o.seed);
  Tensor u;
  {
    NoGradGuard no_grad;
    u = random_like(f(inputs), rng);
  }
  std::vector<Tensor> w;
  for (size_t i : idx) w.push_back(random_like(inputs[i], rng));
  // s(x) = sum_a <VJP_a(x; u), w_a>, built with create_graph so it can be differentiated again.
  TensorFunction s = [&](const std::vector<Tensor>& xs_in) {
    std::vector<Tensor> xs = xs_in, wrt;
    for (size_t i : idx) {
      if (!xs[i].requires_grad()) xs[i] = xs[i].detach().requires_grad_();
      wrt.push_back(xs[i]);
    }
    EnableGradGuard grad_on;
    Tensor y = f(xs);
    Tensor total = scalar(0.0, u.dtype());
    if (!y.requires_grad()) return total;
    std::vector<Tensor> g = grad({y}, wrt, {.grad_outputs = {u}, .create_graph = true, .allow_unused = true});
    for (size_t a = 0; a < g.size(); ++a)
      if (g[a].defined()) total = total + (g[a] * w[a]).sum();
    return total;
  };
  return gradcheck(s, inputs, o);
}

}  // namespace fluxion::autograd
