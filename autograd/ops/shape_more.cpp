// SPDX-License-Identifier: MIT
// More shape ops, as composites of reshape / expand / permute / index_select /
// cat (so their rules come from those): repeat, tile, repeat_interleave,
// movedim, swapaxes, unflatten, split by sizes, unfold (sliding windows),
// as_strided, broadcast_tensors, atleast_1d/2d/3d, hstack / vstack /
// column_stack / dstack.
#include <algorithm>
#include <numeric>

#include "autograd/apply.h"
#include "autograd/ops.h"
#include "autograd/ops_math.h"

namespace fluxion {

// repeat: x [s0, .., sk] tiled r0 x .. x rk times (len(repeats) >= x.dim(), x gets leading 1s).
// As a view [1, s0, 1, s1, ..] expanded to [r0, s0, r1, s1, ..] and reshaped to [r0 s0, r1 s1, ..].
Tensor repeat(const Tensor& x, const std::vector<int64_t>& repeats) {
  check((int64_t)repeats.size() >= x.dim(), "repeat: ", repeats.size(), " repeats for a tensor of shape ", x.shape(),
        "; give at least one per dim (use tile to pad with 1s)");
  Shape shape((int64_t)repeats.size() - x.dim(), 1);
  for (int64_t s : x.shape()) shape.push_back(s);
  Shape split, expanded, out;
  for (size_t d = 0; d < repeats.size(); ++d) {
    check(repeats[d] >= 0, "repeat: repeats must be >= 0, got ", repeats[d], " for dim ", d);
    split.insert(split.end(), {1, shape[d]});
    expanded.insert(expanded.end(), {repeats[d], shape[d]});
    out.push_back(repeats[d] * shape[d]);
  }
  return x.reshape(split).expand(expanded).reshape(out);
}

// tile: repeat with reps padded by leading 1s up to x.dim()
Tensor tile(const Tensor& x, std::vector<int64_t> reps) {
  if ((int64_t)reps.size() < x.dim()) reps.insert(reps.begin(), x.dim() - reps.size(), 1);
  return repeat(x, reps);
}

// repeat_interleave: each element repeated `repeats` times along dim (flattened when no dim)
Tensor repeat_interleave(const Tensor& x, int64_t repeats, std::optional<int64_t> dim) {
  check(repeats >= 0, "repeat_interleave: repeats must be >= 0, got ", repeats);
  Tensor v = dim ? x : x.reshape({-1});
  int64_t d = wrap_dim(dim.value_or(0), std::max<int64_t>(v.dim(), 1), "repeat_interleave");
  if (v.dim() == 0) v = v.reshape({1});
  Shape expanded = v.shape();
  expanded.insert(expanded.begin() + d + 1, repeats);
  return v.unsqueeze(d + 1).expand(expanded).flatten(d, d + 1);
}

// ... with one count per element along dim (repeats: int64 [n] or a single count)
Tensor repeat_interleave(const Tensor& x, const Tensor& repeats, std::optional<int64_t> dim) {
  check(repeats.dtype() == Int64 && repeats.dim() <= 1,
        "repeat_interleave: repeats must be an int64 scalar or 1-d "
        "tensor, got ",
        dtype_name(repeats.dtype()), " of shape ", repeats.shape());
  Tensor v = dim ? x : x.reshape({-1});
  if (v.dim() == 0) v = v.reshape({1});
  int64_t d = wrap_dim(dim.value_or(0), v.dim(), "repeat_interleave");
  std::vector<int64_t> counts = repeats.to_vector<int64_t>();
  if (counts.size() == 1 && v.shape()[d] != 1) counts.assign(v.shape()[d], counts[0]);
  check((int64_t)counts.size() == v.shape()[d], "repeat_interleave: ", counts.size(), " repeats for dim ", d,
        " of size ", v.shape()[d], " (shape ", v.shape(), "); give one per element");
  std::vector<int64_t> index;
  for (size_t i = 0; i < counts.size(); ++i) {
    check(counts[i] >= 0, "repeat_interleave: repeats must be >= 0, got ", counts[i]);
    index.insert(index.end(), counts[i], (int64_t)i);
  }
  return v.index_select(d, tensor(index, {(int64_t)index.size()}));
}

// movedim: the dims `source` move to positions `destination`; the others keep their order
Tensor movedim(const Tensor& x, std::vector<int64_t> source, std::vector<int64_t> destination) {
  check(source.size() == destination.size(), "movedim: ", source.size(), " source dims but ", destination.size(),
        " destination dims; give the same number");
  int64_t n = x.dim();
  std::vector<int64_t> perm(n, -1);
  std::vector<bool> used(n, false);
  for (size_t k = 0; k < source.size(); ++k) {
    int64_t s = wrap_dim(source[k], n, "movedim"), t = wrap_dim(destination[k], n, "movedim");
    check(!used[s] && perm[t] < 0, "movedim: repeated dim in source ", source, " or destination ", destination);
    perm[t] = s;
    used[s] = true;
  }
  int64_t next = 0;
  for (int64_t& p : perm) {
    if (p >= 0) continue;
    while (used[next]) ++next;
    p = next++;
  }
  return x.permute(perm);
}
Tensor movedim(const Tensor& x, int64_t source, int64_t destination) {
  return movedim(x, std::vector<int64_t>{source}, std::vector<int64_t>{destination});
}
Tensor swapaxes(const Tensor& x, int64_t d0, int64_t d1) { return x.transpose(d0, d1); }
Tensor swapdims(const Tensor& x, int64_t d0, int64_t d1) { return x.transpose(d0, d1); }

// unflatten: dim split into `sizes` (one may be -1)
Tensor unflatten(const Tensor& x, int64_t dim, const std::vector<int64_t>& sizes) {
  int64_t d = wrap_dim(dim, x.dim(), "unflatten");
  int64_t known = 1, free = 0, n = x.shape()[d];
  for (int64_t s : sizes) s == -1 ? (void)++free : (void)(known *= s);
  check(free > 1 ? false
        : free   ? known > 0 && n % known == 0
                 : known == n,
        "unflatten: sizes ", sizes, " do not multiply to dim ", d, " of size ", n, " (shape ", x.shape(), ")");
  // -1 is resolved here, from the dim alone (reshape could not, for a tensor with a 0 elsewhere)
  Shape shape(x.shape().begin(), x.shape().begin() + d);
  for (int64_t s : sizes) shape.push_back(s == -1 ? n / known : s);
  shape.insert(shape.end(), x.shape().begin() + d + 1, x.shape().end());
  return x.reshape(shape);
}

// split by sizes: pieces of sizes[k] along dim (they must add up to its size)
std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim) {
  int64_t d = wrap_dim(dim, x.dim(), "split");
  int64_t total = std::accumulate(sizes.begin(), sizes.end(), int64_t{0});
  check(total == x.shape()[d], "split: sizes ", sizes, " add up to ", total, " but dim ", d, " of shape ", x.shape(),
        " has ", x.shape()[d]);
  std::vector<Tensor> parts;
  int64_t start = 0;
  for (int64_t s : sizes) {
    parts.push_back(x.narrow(d, start, s));
    start += s;
  }
  return parts;
}
std::vector<Tensor> split_with_sizes(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim) {
  return split(x, sizes, dim);
}

// unfold: windows of `size` every `step` along dim; dim becomes the window
// count and a new last dim holds each window (Tensor.unfold). One index_select
// of the window positions, so the gradient of overlapping windows adds up.
Tensor unfold(const Tensor& x, int64_t dim, int64_t size, int64_t step) {
  Tensor v = x.dim() ? x : x.reshape({1});
  int64_t d = wrap_dim(dim, v.dim(), "unfold"), n = v.shape()[d];
  check(size >= 0 && size <= n && step > 0, "unfold: windows of size ", size, " every ", step, " along dim ", d,
        " of size ", n, " (shape ", x.shape(), "); need 0 <= size <= ", n, " and step > 0");
  int64_t windows = (n - size) / step + 1;
  std::vector<int64_t> index;
  for (int64_t w = 0; w < windows; ++w)
    for (int64_t k = 0; k < size; ++k) index.push_back(w * step + k);
  Tensor y = v.index_select(d, tensor(index, {(int64_t)index.size()}));
  y = unflatten(y, d, {windows, size});
  y = movedim(y, d + 1, -1);
  return x.dim() ? y : y.squeeze(0);
}

// as_strided: a view of x's storage, y[i0, i1, ..] = storage[offset + sum_k i_k stride_k].
// As a function of x it reads x's elements where y's positions meet x's
// (other positions of the storage are constants). With P the storage
// positions of y's elements and Q those of x's (PyTorch's as_strided_backward):
//   vjp: gx = (zeros of the storage).index_add(P, grad)[Q] / (how many of x's elements share each position)
//   jvp: dy = (the storage with dx placed at Q)[P]
struct AsStrided {
  static constexpr const char* name = "AsStrided";
  static constexpr Save save = Save::nothing;
  Shape size, stride;
  int64_t offset;
  Shape x_shape, x_strides;
  int64_t x_offset;
  TensorData forward(const TensorData& x) const { return x.as_strided(size, stride, offset); }

  // Storage positions (from the lowest either geometry touches) as a flat int64 tensor.
  struct Positions {
    Tensor y, x, x_count;  // x_count: x's elements at each storage position (at least 1)
    int64_t span;
  };
  static std::vector<int64_t> positions(const Shape& shape, const Shape& strides, int64_t start) {
    std::vector<int64_t> p((size_t)numel(shape));
    for (size_t i = 0; i < p.size(); ++i) {
      int64_t rest = (int64_t)i, at = start;
      for (int64_t d = (int64_t)shape.size() - 1; d >= 0; --d) {
        at += (rest % shape[d]) * strides[d];
        rest /= shape[d];
      }
      p[i] = at;
    }
    return p;
  }
  Positions geometry(DType dtype) const {
    std::vector<int64_t> py = positions(size, stride, offset), px = positions(x_shape, x_strides, x_offset);
    int64_t lo = std::min(offset, x_offset), hi = lo;
    for (int64_t v : py) hi = std::max(hi, v + 1);
    for (int64_t v : px) hi = std::max(hi, v + 1);
    for (int64_t& v : py) v -= lo;
    for (int64_t& v : px) v -= lo;
    Tensor ty = tensor(py, {(int64_t)py.size()}), tx = tensor(px, {(int64_t)px.size()});
    Tensor count = zeros({hi - lo}, dtype).index_add(0, tx, ones({(int64_t)px.size()}, dtype)).clamp_min(1.0);
    return {ty, tx, count, hi - lo};
  }
  Tensor vjp(const Tensor& grad, const Saved&) const {
    Positions g = geometry(grad.dtype());
    Tensor storage = zeros({g.span}, grad.dtype()).index_add(0, g.y, grad.reshape({-1})) / g.x_count;
    return storage.index_select(0, g.x).reshape(x_shape);
  }
  Tensor jvp(const Tensor& dx, const Saved&) const {
    Positions g = geometry(dx.dtype());
    Tensor storage = zeros({g.span}, dx.dtype()).index_add(0, g.x, dx.reshape({-1})) / g.x_count;
    return storage.index_select(0, g.y).reshape(size);
  }
};

Tensor as_strided(const Tensor& x, const Shape& size, const Shape& stride, std::optional<int64_t> storage_offset) {
  const TensorData& xd = x.tensor_data();
  int64_t offset = storage_offset.value_or(xd.offset);
  check(size.size() == stride.size(), "as_strided: size ", size, " and stride ", stride, " differ in length");
  int64_t last = offset;
  for (size_t d = 0; d < size.size(); ++d) {
    check(size[d] >= 0 && stride[d] >= 0, "as_strided: negative size or stride in size ", size, ", stride ", stride,
          "; use flip for a reversed view");
    if (size[d] > 0) last += (size[d] - 1) * stride[d];
  }
  int64_t elements = (int64_t)(xd.storage->nbytes / dtype_size(xd.dtype));
  check(offset >= 0 && (numel(size) == 0 || last < elements), "as_strided: size ", size, ", stride ", stride,
        " and storage offset ", offset, " reach storage element ", last, ", but the storage of x (shape ", x.shape(),
        ") holds ", elements, "; shrink the size or the strides");
  return apply(AsStrided{size, stride, offset, x.shape(), xd.strides, xd.offset}, x);
}

std::vector<Tensor> broadcast_tensors(const std::vector<Tensor>& xs) {
  Shape shape;
  for (const Tensor& x : xs) shape = broadcast_shapes(shape, x.shape(), "broadcast_tensors");
  std::vector<Tensor> ys;
  for (const Tensor& x : xs) ys.push_back(x.expand(shape));
  return ys;
}

Tensor atleast_1d(const Tensor& x) { return x.dim() >= 1 ? x : x.reshape({1}); }
Tensor atleast_2d(const Tensor& x) { return x.dim() >= 2 ? x : x.reshape({1, x.dim() ? x.shape()[0] : 1}); }
// atleast_3d: [] -> [1, 1, 1], [n] -> [1, n, 1], [m, n] -> [m, n, 1] (NumPy's rule)
Tensor atleast_3d(const Tensor& x) {
  if (x.dim() >= 3) return x;
  if (x.dim() == 2) return x.unsqueeze(2);
  return x.reshape({1, x.numel(), 1});
}

static std::vector<Tensor> each(const std::vector<Tensor>& xs, Tensor (*f)(const Tensor&)) {
  check(!xs.empty(), "stack: expected a non-empty list of tensors");
  std::vector<Tensor> ys;
  for (const Tensor& x : xs) ys.push_back(f(x));
  return ys;
}
// hstack: along dim 1, or dim 0 for 1-d tensors
Tensor hstack(const std::vector<Tensor>& xs) {
  std::vector<Tensor> ys = each(xs, atleast_1d);
  return cat(ys, ys[0].dim() == 1 ? 0 : 1);
}
Tensor vstack(const std::vector<Tensor>& xs) { return cat(each(xs, atleast_2d), 0); }
Tensor dstack(const std::vector<Tensor>& xs) { return cat(each(xs, atleast_3d), 2); }
// column_stack: 0-d and 1-d tensors become columns [n, 1], then hstack
Tensor column_stack(const std::vector<Tensor>& xs) {
  return cat(each(xs, [](const Tensor& x) { return x.dim() <= 1 ? x.reshape({-1, 1}) : x; }), 1);
}

}  // namespace fluxion
