// SPDX-License-Identifier: MIT
// Ranges and grids: arange, linspace, logspace, eye, meshgrid. The grids
// meshgrid returns are views (reshape + expand) of its inputs, so gradients
// flow back through them. Lessons sample functions on these everywhere.
#include <cmath>

#include "autograd/ops.h"
#include "tensor/kernels/range.h"

namespace fluxion {

// Unlike PyTorch, the dtype is never inferred from the arguments (they are
// doubles): it is the default float dtype unless given. Pass Int64 for indices.
static DType or_default(std::optional<DType> d) { return d.value_or(default_dtype()); }

Tensor arange(double end, std::optional<DType> dtype) { return arange(0, end, 1, dtype); }

Tensor arange(double start, double end, double step, std::optional<DType> dtype) {
  check(std::isfinite(start) && std::isfinite(end) && std::isfinite(step), "arange: start (", start, "), end (", end,
        ") and step (", step, ") must be finite");
  check(step != 0, "arange: step must be nonzero");
  check((end - start) * step >= 0, "arange: a step of ", step, " never goes from ", start, " to ", end,
        "; flip the sign of step");
  double count = std::ceil((end - start) / step);
  check(count < 0x1p62, "arange: ", start, " to ", end, " in steps of ", step, " gives too many elements");
  auto n = (int64_t)count;
  return Tensor(kernels::arange(start, step, n, or_default(dtype)));
}

static void check_steps(int64_t steps, const char* op) {
  check(steps >= 0, op, ": number of steps must be non-negative, got ", steps);
}

Tensor linspace(double start, double end, int64_t steps, std::optional<DType> dtype) {
  check_steps(steps, "linspace");
  return Tensor(kernels::linspace(start, end, steps, or_default(dtype)));
}

Tensor logspace(double start, double end, int64_t steps, double base, std::optional<DType> dtype) {
  check_steps(steps, "logspace");
  return Tensor(kernels::logspace(start, end, steps, base, or_default(dtype)));
}

Tensor eye(int64_t n, std::optional<int64_t> m, std::optional<DType> dtype) {
  int64_t cols = m.value_or(n);
  check(n >= 0 && cols >= 0, "eye: sizes must be non-negative, got n = ", n, ", m = ", cols);
  return Tensor(kernels::eye(n, cols, or_default(dtype)));
}

// ij: out[k] varies along dim k, shape [len(x0), len(x1), ...].
// xy: as ij with the first two dims swapped (NumPy's default): shape [len(x1), len(x0), ...].
std::vector<Tensor> meshgrid(const std::vector<Tensor>& xs, Indexing indexing) {
  check(!xs.empty(), "meshgrid: expected at least one tensor");
  Shape shape;
  for (const Tensor& x : xs) {
    check(x.dim() <= 1, "meshgrid: expected 0-d or 1-d tensors, got shape ", x.shape());
    shape.push_back(x.numel());
  }
  bool swap = indexing == Indexing::xy && xs.size() >= 2;
  if (swap) std::swap(shape[0], shape[1]);
  std::vector<Tensor> out;
  for (size_t k = 0; k < xs.size(); ++k) {
    size_t along = swap && k < 2 ? 1 - k : k;
    Shape view(xs.size(), 1);
    view[along] = xs[k].numel();
    out.push_back(xs[k].reshape(view).expand(shape));
  }
  return out;
}

}  // namespace fluxion
