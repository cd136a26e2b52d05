// SPDX-License-Identifier: MIT
// interpolate (nearest and linear, one spatial dim at a time, as gathers of
// whole slices blended by constant weights), pixel_shuffle and
// pixel_unshuffle (a reshape, a permute and a reshape). Composites of
// index_select, mul, add and views, so gradients of every order follow.
#include "nn/upsampling.h"

#include <cmath>

#include "autograd/ops.h"

namespace fluxion::nn {

namespace {

/// Resamples dim `dim` of x from `in` to `out` entries.
Tensor resample(const Tensor& x, int64_t dim, int64_t out, const UpsampleOptions& o) {
  const int64_t in = x.size(dim);
  std::vector<int64_t> i0(out), i1(out);
  std::vector<double> lambda(out);
  if (o.mode == "nearest") {
    // PyTorch computes the nearest index in float: floor(i * scale), scale = in / out or 1 / scale_factor
    const float scale = o.scale_factor ? float(1.0 / *o.scale_factor) : float(in) / float(out);
    for (int64_t i = 0; i < out; ++i) i0[i] = std::min(int64_t(std::floor(float(i) * scale)), in - 1);
    return x.index_select(dim, tensor(i0, {out}));
  }
  const bool corners = o.align_corners.value_or(false);
  const double scale = corners          ? (out > 1 ? double(in - 1) / double(out - 1) : 0.0)
                       : o.scale_factor ? 1.0 / *o.scale_factor
                                        : double(in) / double(out);
  for (int64_t i = 0; i < out; ++i) {
    const double src = corners ? i * scale : std::max((double(i) + 0.5) * scale - 0.5, 0.0);
    i0[i] = std::min(int64_t(std::floor(src)), in - 1);
    i1[i] = std::min(i0[i] + 1, in - 1);
    lambda[i] = src - double(i0[i]);  // the weight of the right neighbour
  }
  Shape along(x.dim(), 1);
  along[dim] = out;
  const Tensor w = tensor(lambda, along, x.dtype());
  return x.index_select(dim, tensor(i0, {out})) * (1.0 - w) + x.index_select(dim, tensor(i1, {out})) * w;
}

}  // namespace

Tensor functional::interpolate(const Tensor& x, const UpsampleOptions& o) {
  const int64_t spatial = x.dim() - 2;
  check(spatial == 1 || spatial == 2, "interpolate: input must be (N, C, L) or (N, C, H, W), got ",
        x.shape());
  check(o.size.empty() != !o.scale_factor.has_value(), "interpolate: give either size or scale_factor, not ",
        o.size.empty() ? "neither" : "both");
  check(o.size.empty() || int64_t(o.size.size()) == spatial || o.size.size() == 1, "interpolate: size has ",
        o.size.size(), " entries for ", spatial, " spatial dims of input ", x.shape());
  check(!o.scale_factor || *o.scale_factor > 0, "interpolate: scale_factor must be positive, got ",
        o.scale_factor.value_or(0));
  const bool linear = o.mode == "linear" || o.mode == "bilinear";
  check(o.mode == "nearest" || linear, "interpolate: mode must be \"nearest\", \"linear\" or \"bilinear\", got \"",
        o.mode, "\"");
  check(!(o.mode == "linear" && spatial != 1) && !(o.mode == "bilinear" && spatial != 2), "interpolate: mode \"",
        o.mode, "\" needs ", o.mode == "linear" ? "3-D (N, C, L)" : "4-D (N, C, H, W)", " input, got ",
        x.shape());
  check(linear || !o.align_corners.has_value(),
        "interpolate: align_corners can only be set with the linear modes (linear, bilinear)");
  Tensor y = x;
  for (int64_t k = 0; k < spatial; ++k) {
    const int64_t dim = 2 + k, in = x.size(dim);
    const int64_t out =
        o.scale_factor ? int64_t(std::floor(double(in) * *o.scale_factor)) : o.size[o.size.size() == 1 ? 0 : k];
    check(out > 0, "interpolate: output size ", out, " for dim ", dim, " of input ", x.shape(),
          " must be positive");
    y = resample(y, dim, out, o);
  }
  return y;
}

namespace {

/// x (*, a, b, c) -> reshape to (*, split) -> permute the last five dims by `order` -> (*, joined).
Tensor rearrange(const Tensor& x, std::initializer_list<int64_t> split, std::initializer_list<int64_t> order,
                 std::initializer_list<int64_t> joined) {
  const int64_t lead = x.dim() - 3;
  Shape s(x.shape().begin(), x.shape().end() - 3), j = s;
  for (int64_t v : split) s.push_back(v);
  for (int64_t v : joined) j.push_back(v);
  std::vector<int64_t> dims;
  for (int64_t i = 0; i < lead; ++i) dims.push_back(i);
  for (int64_t i : order) dims.push_back(lead + i);
  return x.reshape(s).permute(dims).reshape(j);
}

}  // namespace

Tensor functional::pixel_shuffle(const Tensor& x, int64_t r) {
  check(x.dim() >= 3 && r > 0 && x.size(-3) % (r * r) == 0, "pixel_shuffle: input ", x.shape(),
        " must be (*, C r^2, H, W) with upscale_factor r = ", r, " > 0");
  const int64_t c = x.size(-3) / (r * r), h = x.size(-2), w = x.size(-1);
  return rearrange(x, {c, r, r, h, w}, {0, 3, 1, 4, 2}, {c, h * r, w * r});  // (c, r1, r2, h, w) -> (c, h, r1, w, r2)
}

Tensor functional::pixel_unshuffle(const Tensor& x, int64_t r) {
  check(x.dim() >= 3 && r > 0 && x.size(-2) % r == 0 && x.size(-1) % r == 0, "pixel_unshuffle: input ",
        x.shape(), " must be (*, C, H r, W r) with downscale_factor r = ", r, " > 0");
  const int64_t c = x.size(-3), h = x.size(-2) / r, w = x.size(-1) / r;
  return rearrange(x, {c, h, r, w, r}, {0, 2, 4, 1, 3}, {c * r * r, h, w});  // (c, h, r1, w, r2) -> (c, r1, r2, h, w)
}

Upsample::Upsample(UpsampleOptions opts) : opts(std::move(opts)) {
  check(this->opts.size.empty() != !this->opts.scale_factor.has_value(),
        "Upsample: give either size or scale_factor, not both or neither");
}

}  // namespace fluxion::nn
