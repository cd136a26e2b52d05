// SPDX-License-Identifier: MIT
// Numerical calculus on sampled functions: trapezoid (the integral; lesson 3
// differentiates it with respect to parameter-dependent sample points), diff,
// and gradient (np.gradient). All are composites of slices, arithmetic and
// sums, so they are differentiable in every input with no rules of their own.
#include "autograd/ops.h"

namespace fluxion {

static int64_t sample_dim(const Tensor& y, int64_t dim, const char* op) {
  check(y.dim() >= 1, op, ": expected a tensor with at least 1 dim, got a 0-d tensor");
  check(y.is_floating_point(), op, ": expected a floating tensor (float32 or float64), got int64 of shape ",
        y.shape(), "; convert with .to(fluxion::Float64)");
  return wrap_dim(dim, y.dim(), op);
}

// x[start : start + length] along dim
static Tensor part(const Tensor& x, int64_t dim, int64_t start, int64_t length) { return x.narrow(dim, start, length); }

// A 1-d tensor laid along dim of an nd-dim tensor: shape [1, ..., len, ..., 1].
static Tensor along(const Tensor& v, int64_t dim, int64_t nd) {
  Shape shape(nd, 1);
  shape[dim] = v.numel();
  return v.reshape(shape);
}

// sum_i (x_{i+1} - x_i) (y_i + y_{i+1}) / 2
Tensor trapezoid(const Tensor& y, const Tensor& x, int64_t dim) {
  int64_t d = sample_dim(y, dim, "trapezoid"), n = y.size(d);
  if (n == 0) return y.sum({d});
  Tensor dx;
  if (x.dim() == 1) {
    check(x.numel() == n, "trapezoid: x has ", x.numel(), " sample points but y has ", n, " along dim ", d,
          " (y shape ", y.shape(), ")");
    dx = along(diff(x), d, y.dim());
  } else {
    check(x.dim() == y.dim(), "trapezoid: x must be 1-d or have as many dims as y; got x ", x.shape(),
          " and y ", y.shape());
    dx = diff(x, 1, d);
  }
  return (dx * (part(y, d, 1, n - 1) + part(y, d, 0, n - 1))).sum({d}) * 0.5;
}

Tensor trapezoid(const Tensor& y, double dx, int64_t dim) {
  int64_t d = sample_dim(y, dim, "trapezoid"), n = y.size(d);
  if (n == 0) return y.sum({d});
  return (part(y, d, 1, n - 1) + part(y, d, 0, n - 1)).sum({d}) * (dx / 2);
}

Tensor diff(const Tensor& x, int64_t n, int64_t dim) {
  check(x.dim() >= 1, "diff: expected a tensor with at least 1 dim, got a 0-d tensor");
  check(n >= 0, "diff: order n must be non-negative, got ", n);
  int64_t d = wrap_dim(dim, x.dim(), "diff");
  Tensor y = x;
  for (int64_t k = 0; k < n && y.size(d) > 0; ++k) {
    int64_t len = y.size(d) - 1;
    y = part(y, d, 1, len) - part(y, d, 0, len);
  }
  return y;
}

// df/dx along dim d. With steps h_s = x_i - x_{i-1} and h_d = x_{i+1} - x_i, the
// second-order central difference inside is
//   (h_s^2 f_{i+1} + (h_d^2 - h_s^2) f_i - h_d^2 f_{i-1}) / (h_s h_d (h_s + h_d)),
// which for even steps h is (f_{i+1} - f_{i-1}) / 2h; the ends use (f_1 - f_0) / (x_1 - x_0).
static Tensor gradient_along(const Tensor& f, int64_t d, const Tensor& x, double spacing) {
  int64_t n = f.size(d), nd = f.dim();
  check(n >= 2, "gradient: dim ", d, " of shape ", f.shape(),
        " has fewer than 2 points; np.gradient needs at least 2");
  Tensor first = part(f, d, 1, 1) - part(f, d, 0, 1), last = part(f, d, n - 1, 1) - part(f, d, n - 2, 1);
  Tensor inner;
  if (!x.defined()) {
    inner = (part(f, d, 2, n - 2) - part(f, d, 0, n - 2)) / (2 * spacing);
    first = first / spacing;
    last = last / spacing;
  } else {
    Tensor h = diff(x);  // n - 1 steps
    Tensor hs = along(part(h, 0, 0, n - 2), d, nd), hd = along(part(h, 0, 1, n - 2), d, nd);
    inner = (hs * hs * part(f, d, 2, n - 2) + (hd * hd - hs * hs) * part(f, d, 1, n - 2) - hd * hd * part(f, d, 0, n - 2)) /
            (hs * hd * (hs + hd));
    first = first / along(part(h, 0, 0, 1), d, nd);
    last = last / along(part(h, 0, n - 2, 1), d, nd);
  }
  return cat({first, inner, last}, d);
}

std::vector<Tensor> gradient(const Tensor& f, const GradientOptions& opts) {
  check(f.dim() >= 1, "gradient: expected a tensor with at least 1 dim, got a 0-d tensor");
  check(f.is_floating_point(), "gradient: expected a floating tensor, got int64; convert with .to(fluxion::Float64)");
  std::vector<int64_t> dims;
  if (opts.dims.empty())
    for (int64_t d = 0; d < f.dim(); ++d) dims.push_back(d);
  for (int64_t d : opts.dims) dims.push_back(wrap_dim(d, f.dim(), "gradient"));
  check(opts.coordinates.empty() || opts.coordinates.size() == dims.size(), "gradient: got ",
        opts.coordinates.size(), " coordinate tensors for ", dims.size(), " dims; pass one per dim or none");
  check(opts.spacing != 0, "gradient: spacing must be nonzero");
  std::vector<Tensor> out;
  for (size_t k = 0; k < dims.size(); ++k) {
    Tensor x = opts.coordinates.empty() ? Tensor{} : opts.coordinates[k];
    if (x.defined())
      check(x.dim() == 1 && x.numel() == f.size(dims[k]), "gradient: coordinates for dim ", dims[k],
            " must be 1-d with ", f.size(dims[k]), " points, got shape ", x.shape());
    out.push_back(gradient_along(f, dims[k], x, opts.spacing));
  }
  return out;
}

}  // namespace fluxion
