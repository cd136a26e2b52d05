// SPDX-License-Identifier: MIT
// Joining and rearranging: cat (the primitive), stack (cat of unsqueezed
// tensors), constant pad, flip, and roll (cat of two slices). Lessons use
// them for boundary conditions (pad), periodic stencils (roll) and for
// collecting trajectories (stack).
#include <algorithm>

#include "autograd/apply.h"
#include "autograd/ops.h"
#include "tensor/kernels/copy.h"
#include "tensor/kernels/index.h"

namespace fluxion {

// cat: y = [x_0, x_1, ...] along dim.
// rules: vjp gives each input its slice of grad, jvp cats the tangents (zeros where none)
struct Cat {
  static constexpr const char* name = "Cat";
  static constexpr bool moves = true;  // each output element copies one input element (jit/trace_unroll.cpp)
  static constexpr Save save = Save::nothing;
  int64_t dim;
  std::vector<int64_t> sizes;  // each input's size along dim
  // vmap: the same op on the batch in front: dims shifted by one, shapes prefixed by B (batching.h)
  Cat batched(const batching::BatchFront& b) const { return {b.dim(dim), sizes}; }
  std::vector<TensorData> forward(const std::vector<TensorData>& xs) const { return {kernels::cat(xs, dim)}; }
  std::vector<Tensor> vjp(const std::vector<Tensor>& grads, const Saved& s) const {
    std::vector<Tensor> dxs(sizes.size());
    int64_t at = 0;
    for (size_t i = 0; i < sizes.size(); ++i) {
      if (s.needs_grad(i)) dxs[i] = grads[0].narrow(dim, at, sizes[i]);
      at += sizes[i];
    }
    return dxs;
  }
  std::vector<Tensor> jvp(const std::vector<Tensor>& dxs, const Saved& s) const {
    std::vector<Tensor> ts(dxs.size());
    for (size_t i = 0; i < dxs.size(); ++i)
      ts[i] = dxs[i].defined() ? dxs[i] : zeros(s.input_shape(i), s.input_dtype(i));
    return {cat(ts, dim)};
  }
};

// pad: y = full(padded shape, value) with x copied inside; pads >= 0 here.
// rules: vjp cuts the border off grad, jvp pads the tangent with zeros
struct Pad {
  static constexpr const char* name = "Pad";
  static constexpr Save save = Save::nothing;
  std::vector<int64_t> pads;  // PyTorch's order: last dim {left, right}, then the dim before ...
  double value;
  // vmap: pads count from the last dim, so the batch in front changes nothing (batching.h)
  Pad batched(const batching::BatchFront&) const { return *this; }
  // The view of the padded `y` where x sits.
  TensorData inner(const TensorData& y, const Shape& x_shape) const {
    TensorData v = y;
    for (size_t k = 0; k < pads.size() / 2; ++k) {
      int64_t d = (int64_t)x_shape.size() - 1 - (int64_t)k;
      v = kernels::narrow_view(v, d, pads[2 * k], x_shape[d]);
    }
    return v;
  }
  TensorData forward(const TensorData& x) const {
    Shape shape = x.shape;
    for (size_t k = 0; k < pads.size() / 2; ++k) shape[shape.size() - 1 - k] += pads[2 * k] + pads[2 * k + 1];
    TensorData y = kernels::full(shape, value, x.dtype);
    kernels::copy_(inner(y, x.shape), x);
    return y;
  }
  Tensor vjp(const Tensor& grad, const Saved& s) const {
    Tensor g = grad;
    const Shape& shape = s.input_shape(0);
    for (size_t k = 0; k < pads.size() / 2; ++k) {
      int64_t d = (int64_t)shape.size() - 1 - (int64_t)k;
      g = g.narrow(d, pads[2 * k], shape[d]);
    }
    return g;
  }
  Tensor jvp(const Tensor& dx, const Saved&) const { return pad(dx, pads, 0); }
};

// flip: y[i] = x[n - 1 - i] along each of dims.   rules: flip again
struct Flip {
  static constexpr const char* name = "Flip";
  static constexpr bool moves = true;  // each output element copies one input element (jit/trace_unroll.cpp)
  static constexpr Save save = Save::nothing;
  std::vector<int64_t> dims;
  // vmap: the same op on the batch in front: dims shifted by one, shapes prefixed by B (batching.h)
  Flip batched(const batching::BatchFront& b) const { return {b.dims(dims)}; }
  TensorData forward(const TensorData& x) const { return kernels::flip(x, dims); }
  Tensor vjp(const Tensor& grad, const Saved&) const { return grad.flip(dims); }
  Tensor jvp(const Tensor& dx, const Saved&) const { return dx.flip(dims); }
};

Tensor cat(const std::vector<Tensor>& xs, int64_t dim) {
  check(!xs.empty(), "cat: expects a non-empty list of tensors");
  const Tensor& first = xs[0];
  check(first.dim() > 0, "cat: zero-dimensional tensors cannot be concatenated; use stack");
  dim = wrap_dim(dim, first.dim(), "cat");
  DType dtype = first.dtype();
  for (const Tensor& x : xs) {
    check(x.dim() == first.dim(), "cat: tensors must have the same number of dims, got shapes ",
          first.shape(), " and ", x.shape());
    for (int64_t d = 0; d < x.dim(); ++d)
      check(d == dim || x.size(d) == first.size(d), "cat: shapes ", first.shape(), " and ",
            x.shape(), " differ in dim ", d, " (only dim ", dim, " may differ)");
    dtype = promote(dtype, x.dtype());
  }
  std::vector<Tensor> same;
  std::vector<int64_t> sizes;
  for (const Tensor& x : xs) {
    same.push_back(x.to(dtype));
    sizes.push_back(x.size(dim));
  }
  return apply_op(Cat{dim, std::move(sizes)}, same)[0];
}

// stack = cat of the tensors, each with a new size-1 dim at `dim`
Tensor stack(const std::vector<Tensor>& xs, int64_t dim) {
  check(!xs.empty(), "stack: expects a non-empty list of tensors");
  dim = wrap_dim(dim, xs[0].dim() + 1, "stack");
  std::vector<Tensor> parts;
  for (const Tensor& x : xs) {
    check(x.shape() == xs[0].shape(), "stack: all tensors must have the same shape, got ", xs[0].shape(),
          " and ", x.shape());
    parts.push_back(x.unsqueeze(dim));
  }
  return cat(parts, dim);
}

Tensor pad(const Tensor& x, const std::vector<int64_t>& pads, double value) {
  check(pads.size() % 2 == 0 && (int64_t)pads.size() <= 2 * x.dim(), "pad: pads has ", pads.size(),
        " entries for a tensor of shape ", x.shape(), "; give {left, right} pairs, last dim first, for at most ",
        x.dim(), " dims");
  // A negative pad crops: narrow first, then pad with what is left.
  Tensor cropped = x;
  std::vector<int64_t> grow(pads);
  for (size_t k = 0; k < pads.size() / 2; ++k) {
    int64_t d = x.dim() - 1 - (int64_t)k, left = std::min<int64_t>(pads[2 * k], 0), right = std::min<int64_t>(pads[2 * k + 1], 0);
    int64_t n = cropped.size(d) + left;
    check(!__builtin_add_overflow(n, right, &n) && n >= 0, "pad: pads ", pads[2 * k], ", ", pads[2 * k + 1],
          " would give dim ", d, " of size ", x.size(d), " a negative size");
    if (left < 0 || right < 0) cropped = cropped.narrow(d, -left, n);
    grow[2 * k] -= left;
    grow[2 * k + 1] -= right;
    int64_t size;
    check(!__builtin_add_overflow(n, grow[2 * k], &size) && !__builtin_add_overflow(size, grow[2 * k + 1], &size),
          "pad: pads ", pads[2 * k], ", ", pads[2 * k + 1], " on dim ", d, " of size ", x.size(d), " overflow int64");
  }
  if (std::all_of(grow.begin(), grow.end(), [](int64_t p) { return p == 0; })) return cropped;
  return apply(Pad{std::move(grow), value}, cropped);
}

Tensor flip(const Tensor& x, std::vector<int64_t> dims) {
  for (int64_t& d : dims) d = wrap_dim(d, x.dim(), "flip");
  std::vector<int64_t> sorted(dims);
  std::sort(sorted.begin(), sorted.end());
  check(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end(), "flip: a dim appears twice in dims");
  if (x.dim() == 0) dims.clear();  // a 0-d tensor reversed is itself
  return apply(Flip{std::move(dims)}, x);
}

// roll = the last `shifts` entries moved to the front: cat(x[n-s:], x[:n-s])
Tensor roll(const Tensor& x, int64_t shifts, int64_t dim) {
  check(x.dim() > 0, "roll: cannot roll a 0-d tensor");
  dim = wrap_dim(dim, x.dim(), "roll");
  int64_t n = x.size(dim);
  int64_t s = n == 0 ? 0 : ((shifts % n) + n) % n;
  if (s == 0) return x;
  return cat({x.narrow(dim, n - s, s), x.narrow(dim, 0, n - s)}, dim);
}

Tensor Tensor::flip(std::vector<int64_t> dims) const { return fluxion::flip(*this, std::move(dims)); }
Tensor Tensor::roll(int64_t shifts, int64_t dim) const { return fluxion::roll(*this, shifts, dim); }

}  // namespace fluxion
