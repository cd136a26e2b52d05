// SPDX-License-Identifier: MIT
// Animated GIF encoding: one global palette for all frames (the exact colours
// when there are at most 256, else a median cut of the colour histogram),
// LZW-compressed frames with per-frame delays, and the NETSCAPE loop block.
#pragma once
#include <cstdint>
#include <vector>

#include "examples/plot/canvas.h"

namespace fluxion::plot {

/// Colours (RGB triplets) that represent every frame's pixels.
std::vector<uint8_t> gif_palette(const std::vector<Image>& frames);

/// LZW code stream of `indices` (palette indices < 2^min_code_size), unpacked into sub-blocks by the caller.
std::vector<uint8_t> lzw_encode(const std::vector<uint8_t>& indices, int min_code_size);

/// The bytes of an animated GIF; delays in hundredths of a second, one per frame.
std::vector<uint8_t> encode_gif(const std::vector<Image>& frames, const std::vector<int>& delays_cs, bool loop);

}  // namespace fluxion::plot
