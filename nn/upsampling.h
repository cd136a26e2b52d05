// SPDX-License-Identifier: MIT
// Changing resolution without parameters, as PyTorch: functional::interpolate
// and nn::Upsample (nearest, linear, bilinear; align_corners), PixelShuffle
// and PixelUnshuffle (channels <-> space).
//
//   fx::nn::Upsample up({.scale_factor = 2.0, .mode = "bilinear"});
//   fx::Tensor y = up.forward(x);   // (N, C, H, W) -> (N, C, 2H, 2W)
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "nn/module.h"

namespace fluxion::nn {

struct UpsampleOptions {
  std::vector<int64_t> size;           // the output's spatial sizes, or
  std::optional<double> scale_factor;  // one factor for every spatial dim
  std::string mode = "nearest";        // "nearest", "linear" (3-D input), "bilinear" (4-D input)
  std::optional<bool> align_corners;   // linear modes only; default false
};

namespace functional {
/// torch.nn.functional.interpolate on (N, C, L) or (N, C, H, W). Output index i
/// reads source position src(i): nearest takes floor(i scale) with scale = in / out
/// (or 1 / scale_factor when that is given); the linear modes blend the two
/// neighbours of src(i) = (i + 0.5) scale - 0.5 (clamped at 0), or of
/// i (in - 1) / (out - 1) with align_corners. Each dim is done in turn.
[[nodiscard]] Tensor interpolate(const Tensor& x, const UpsampleOptions& opts);
/// (N, C r^2, H, W) -> (N, C, H r, W r): element (c, i, j) of the output is channel c r^2 + (i % r) r + j % r.
[[nodiscard]] Tensor pixel_shuffle(const Tensor& x, int64_t upscale_factor);
/// The inverse: (N, C, H r, W r) -> (N, C r^2, H, W).
[[nodiscard]] Tensor pixel_unshuffle(const Tensor& x, int64_t downscale_factor);
}  // namespace functional

class Upsample : public Cloneable<Upsample> {
 public:
  explicit Upsample(UpsampleOptions opts);
  Tensor forward(const Tensor& x) const { return functional::interpolate(x, opts); }
  Tensor operator()(const Tensor& x) const { return forward(x); }
  UpsampleOptions opts;
};

class PixelShuffle : public Cloneable<PixelShuffle> {
 public:
  explicit PixelShuffle(int64_t upscale_factor) : upscale_factor(upscale_factor) {}
  Tensor forward(const Tensor& x) const { return functional::pixel_shuffle(x, upscale_factor); }
  Tensor operator()(const Tensor& x) const { return forward(x); }
  int64_t upscale_factor;
};

class PixelUnshuffle : public Cloneable<PixelUnshuffle> {
 public:
  explicit PixelUnshuffle(int64_t downscale_factor) : downscale_factor(downscale_factor) {}
  Tensor forward(const Tensor& x) const { return functional::pixel_unshuffle(x, downscale_factor); }
  Tensor operator()(const Tensor& x) const { return forward(x); }
  int64_t downscale_factor;
};

}  // namespace fluxion::nn
