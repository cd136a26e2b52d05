// SPDX-License-Identifier: MIT
// PyTorch's x[...] (Tensor::index): integers, slices, None and Ellipsis give
// a view; index tensors (advanced indexing) and Bool masks give a copy, built
// from differentiable ops (permute, reshape, index_select), so gradients of
// repeated indices accumulate. Also nonzero / argwhere, take, take_along_dim.
#include <algorithm>

#include "autograd/ops/indexing.h"
#include "autograd/recorder.h"
#include "tensor/kernels/scatter.h"

namespace fluxion {

Tensor wrap_index(const Tensor& index, int64_t size, const char* op, int64_t dim) {
  autograd::on_read(index.tensor_data(), op);  // the values are checked here, in C++
  return Tensor(kernels::wrap_indices(index.tensor_data(), size, op, dim));
}

Tensor positions_of(const Shape& shape) { return arange((double)numel(shape), Int64).reshape(shape); }

Tensor nonzero(const Tensor& x) {
  autograd::on_read(x.tensor_data(), "nonzero (its output's size)");
  return Tensor(kernels::nonzero(x.tensor_data()));
}
Tensor argwhere(const Tensor& x) { return nonzero(x); }

// Advanced indexing of y by index tensors at dims `dims` (ascending). The
// indices broadcast to one shape B; the result holds y's other dims with B in
// place of the indexed ones: where the indexed dims were, if they were adjacent,
// else first (PyTorch's and NumPy's rule). Computed as one index_select of the
// flat position sum_k idx_k * stride_k on y with the indexed dims moved first.
static Tensor advanced(const Tensor& y, const std::vector<int64_t>& dims, const std::vector<Tensor>& idx) {
  Shape b = idx[0].shape();
  for (size_t k = 1; k < idx.size(); ++k) {
    bool ok = true;
    try {
      b = broadcast_shapes(b, idx[k].shape(), "index");
    } catch (const Error&) {
      ok = false;
    }
    check(ok, "index: index tensors of shapes ", idx[k - 1].shape(), " and ", idx[k].shape(),
          " cannot be broadcast together; give them broadcastable shapes (e.g. [n, 1] and [m])");
  }
  Tensor flat;
  int64_t stride = 1, count = 1;
  for (size_t k = idx.size(); k-- > 0;) {
    int64_t n = y.size(dims[k]);
    Tensor term = wrap_index(idx[k], n, "index", dims[k]).expand(b) * (double)stride;
    flat = flat.defined() ? flat + term : term;
    stride *= n;
    count *= n;
  }
  std::vector<int64_t> perm = dims;
  Shape rest;
  for (int64_t d = 0; d < y.dim(); ++d)
    if (std::find(dims.begin(), dims.end(), d) == dims.end()) perm.push_back(d), rest.push_back(y.size(d));
  Shape lead = {count};
  lead.insert(lead.end(), rest.begin(), rest.end());
  Tensor r = y.permute(perm).reshape(lead).index_select(0, flat.reshape({-1}));
  Shape out = b;
  out.insert(out.end(), rest.begin(), rest.end());
  r = r.reshape(out);
  bool adjacent = dims.back() - dims.front() + 1 == (int64_t)dims.size();
  if (!adjacent || dims.front() == 0) return r;
  // move B (r's first nb dims) to where the indexed dims were: after y's first dims.front() dims
  int64_t nb = (int64_t)b.size(), at = dims.front();
  std::vector<int64_t> order;
  for (int64_t d = 0; d < at; ++d) order.push_back(nb + d);
  for (int64_t d = 0; d < nb; ++d) order.push_back(d);
  for (int64_t d = at; d < (int64_t)rest.size(); ++d) order.push_back(nb + d);
  return r.permute(order);
}

Tensor Tensor::index(const std::vector<Index>& indices) const {
  int64_t consumed = 0, ellipses = 0;  // dims of x the indices use up
  for (const Index& i : indices) {
    if (const Tensor* t = std::get_if<Tensor>(&i))
      consumed += t->dtype() == Bool ? t->dim() : 1;
    else if (std::holds_alternative<EllipsisIndex>(i))
      ++ellipses;
    else if (!std::holds_alternative<NoneIndex>(i))
      ++consumed;
  }
  check(ellipses <= 1, "index: an index can only have a single Ellipsis, got ", ellipses);
  check(consumed <= dim(), "index: too many indices for a tensor of shape ", shape(), ": the indices use ", consumed,
        " dims");
  Tensor y = *this;
  std::vector<int64_t> dims;
  std::vector<Tensor> idx;
  int64_t d = 0;  // the dim of y the next index applies to
  for (const Index& i : indices) {
    if (const int64_t* pos = std::get_if<int64_t>(&i)) {
      y = fluxion::select(y, d, *pos);
    } else if (const Slice* s = std::get_if<Slice>(&i)) {
      y = fluxion::slice(y, d++, s->start, s->end, s->step);
    } else if (std::holds_alternative<NoneIndex>(i)) {
      y = fluxion::unsqueeze(y, d++);
    } else if (std::holds_alternative<EllipsisIndex>(i)) {
      d += dim() - consumed;
    } else {
      const Tensor& t = std::get<Tensor>(i);
      check(t.defined(), "index: an index tensor is undefined");
      if (t.dtype() != Bool) {
        dims.push_back(d++);
        idx.push_back(t);
        continue;
      }
      if (t.dim() == 0) y = fluxion::unsqueeze(y, d);  // x[true]: a new dim of size 1 (0 when false)
      Tensor mask = t.dim() == 0 ? t.reshape({1}) : t;
      for (int64_t k = 0; k < mask.dim(); ++k)
        check(mask.size(k) == y.size(d + k), "index: the Bool mask of shape ", t.shape(),
              " does not match the dims it indexes: dim ", d + k, " of the tensor (shape ", shape(), ") has size ",
              y.size(d + k), "; a mask must have the shape of the dims it covers");
      Tensor coords = fluxion::nonzero(mask);  // [n, k]: one index tensor per covered dim
      for (int64_t k = 0; k < mask.dim(); ++k) dims.push_back(d++), idx.push_back(coords.select(1, k));
    }
  }
  return dims.empty() ? y : advanced(y, dims, idx);
}

Tensor take(const Tensor& x, const Tensor& index) {
  Tensor pos = wrap_index(index, x.numel(), "take", 0);
  return x.reshape({-1}).index_select(0, pos.reshape({-1})).reshape(index.shape());
}

Tensor take_along_dim(const Tensor& x, const Tensor& indices, std::optional<int64_t> dim) {
  if (!dim) return take(x, indices.reshape({-1}));
  check(x.dim() == indices.dim(), "take_along_dim: input of shape ", x.shape(), " and indices of shape ",
        indices.shape(), " must have the same number of dims");
  int64_t d = wrap_dim(*dim, x.dim(), "take_along_dim");
  Shape xs = x.shape(), is = indices.shape();
  xs[d] = is[d] = 1;
  Shape b = broadcast_shapes(xs, is, "take_along_dim");
  Shape bx = b, bi = b;
  bx[d] = x.size(d), bi[d] = indices.size(d);
  return x.expand(bx).gather(d, wrap_index(indices, x.size(d), "take_along_dim", d).expand(bi));
}

Tensor Tensor::take(const Tensor& index) const { return fluxion::take(*this, index); }
Tensor Tensor::take_along_dim(const Tensor& indices, std::optional<int64_t> dim) const {
  return fluxion::take_along_dim(*this, indices, dim);
}
Tensor Tensor::nonzero() const { return fluxion::nonzero(*this); }
Tensor Tensor::argwhere() const { return fluxion::argwhere(*this); }

}  // namespace fluxion
