// SPDX-License-Identifier: MIT
// func::vmap (vmap.h): checks in_dims and the batch size, wraps the inputs as
// batched tensors of a new level, calls f once, and unwraps its outputs.
#include "autograd/vmap.h"

#include <string>

#include "autograd/ops.h"

namespace fluxion::func::detail {

namespace {

// dims resolved to one entry per tensor (`what`: "in_dims" or "out_dims").
std::vector<std::optional<int64_t>> per_tensor(const Dims& d, size_t n, const char* what) {
  if (!d.per_tensor) return std::vector<std::optional<int64_t>>(n, d.dims[0]);
  check(d.dims.size() == n, "vmap: ", what, " has ", d.dims.size(), " entries but there are ", n, " ",
        what[0] == 'i' ? "inputs" : "outputs", "; give one dim (or nullopt) per tensor, or one for all");
  return d.dims;
}

std::string describe(const std::vector<Tensor>& xs, const std::vector<std::optional<int64_t>>& dims) {
  std::string s;
  for (size_t i = 0; i < xs.size(); ++i) {
    if (!dims[i]) continue;
    if (!s.empty()) s += ", ";
    s += "input " + std::to_string(i) + " of shape " + to_string(xs[i].shape()) + " at dim " +
         std::to_string(*dims[i]) + " has " + std::to_string(xs[i].size(*dims[i]));
  }
  return s;
}

// The batch size all mapped inputs share; in_dims wrapped to non-negative dims.
int64_t batch_size(const std::vector<Tensor>& xs, std::vector<std::optional<int64_t>>& dims) {
  int64_t size = -1;
  bool mismatch = false;
  for (size_t i = 0; i < xs.size(); ++i) {
    if (!dims[i]) continue;
    check(xs[i].defined(), "vmap: input ", i, " is undefined but in_dims maps it; pass nullopt for it");
    check(xs[i].dim() > 0, "vmap: input ", i, " is a scalar (shape []) and has no dim ", *dims[i],
          " to map over; pass nullopt in in_dims for it, or give it a batch dim");
    dims[i] = wrap_dim(*dims[i], xs[i].dim(), "vmap: in_dims");
    int64_t n = xs[i].size(*dims[i]);
    if (size >= 0 && n != size) mismatch = true;
    if (size < 0) size = n;
  }
  check(size >= 0, "vmap: in_dims maps none of the ", xs.size(), " inputs; at least one input needs a batch dim");
  check(!mismatch, "vmap: the mapped inputs have different batch sizes: ", describe(xs, dims),
        "; every mapped input needs the same size along its in_dim (pass nullopt for an input shared by all examples)");
  return size;
}

// One output of f at `level`, physical, with its batch at out_dim; an output
// that does not depend on the batch is expanded to it, as torch.func does.
Tensor unwrap_output(const Tensor& y, uint64_t level, int64_t size, std::optional<int64_t> out_dim, size_t k) {
  check(y.defined(), "vmap: output ", k, " of f is undefined");
  check(out_dim.has_value(), "vmap: out_dims for output ", k, " is nullopt; every output needs a batch dim");
  batching::Unwrapped u = batching::unwrap(y, level);
  int64_t d = wrap_dim(*out_dim, y.dim() + 1, "vmap: out_dims");
  if (!u.dim) {
    Shape shape = y.shape();
    shape.insert(shape.begin() + d, size);
    return y.unsqueeze(d).expand(shape);
  }
  std::vector<int64_t> order;  // the front dim to d: [1, ..., d, 0, d + 1, ...]
  for (int64_t i = 1; i <= y.dim(); ++i) {
    if (i == d + 1) order.push_back(0);
    order.push_back(i);
  }
  if (d == y.dim()) order.push_back(0);
  return batching::to_front(u.value, u.dim, size).permute(order);
}

std::vector<Tensor> vmap_once(const ManyFn& f, const std::vector<Tensor>& xs,
                              const std::vector<std::optional<int64_t>>& dims, const Dims& out_dims, int64_t size,
                              const VmapOptions& opts) {
  batching::VmapLevel level(size, opts.randomness);
  std::vector<Tensor> args;
  for (size_t i = 0; i < xs.size(); ++i)
    args.push_back(dims[i] ? batching::make_batched(xs[i], *dims[i], level.id()) : xs[i]);
  std::vector<Tensor> ys = f(args);
  std::vector<std::optional<int64_t>> odims = per_tensor(out_dims, ys.size(), "out_dims");
  std::vector<Tensor> out;
  for (size_t k = 0; k < ys.size(); ++k) out.push_back(unwrap_output(ys[k], level.id(), size, odims[k], k));
  return out;
}

}  // namespace

std::vector<Tensor> vmap(const ManyFn& f, const std::vector<Tensor>& xs, const Dims& in_dims, const Dims& out_dims,
                         const VmapOptions& opts) {
  std::vector<std::optional<int64_t>> dims = per_tensor(in_dims, xs.size(), "in_dims");
  int64_t size = batch_size(xs, dims);
  int64_t chunk = opts.chunk_size.value_or(size);
  check(chunk > 0, "vmap: chunk_size must be positive, got ", chunk);
  if (chunk >= size) return vmap_once(f, xs, dims, out_dims, size, opts);
  // Chunks of the batch, one vmap each, joined along each output's batch dim.
  std::vector<std::vector<Tensor>> parts;
  for (int64_t start = 0; start < size; start += chunk) {
    int64_t n = std::min(chunk, size - start);
    std::vector<Tensor> slice;
    for (size_t i = 0; i < xs.size(); ++i) slice.push_back(dims[i] ? xs[i].narrow(*dims[i], start, n) : xs[i]);
    parts.push_back(vmap_once(f, slice, dims, out_dims, n, opts));
  }
  std::vector<std::optional<int64_t>> odims = per_tensor(out_dims, parts[0].size(), "out_dims");
  std::vector<Tensor> out;
  for (size_t k = 0; k < parts[0].size(); ++k) {
    std::vector<Tensor> pieces;
    for (const std::vector<Tensor>& p : parts) pieces.push_back(p[k]);
    out.push_back(cat(pieces, wrap_dim(*odims[k], pieces[0].dim(), "vmap: out_dims")));
  }
  return out;
}

}  // namespace fluxion::func::detail
