// SPDX-License-Identifier: MIT
// A small GIF decoder for the tests: reads what encode_gif writes (global
// palette, graphic-control delays, full-size LZW frames) back into RGB images.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "examples/plot/canvas.h"

namespace gif_test {

struct Decoded {
  int width = 0, height = 0;
  bool loops = false;
  std::vector<fluxion::plot::Image> frames;
  std::vector<int> delays_cs;
};

// LZW decoding of one frame's code stream into palette indices.
inline std::vector<uint8_t> lzw_decode(const std::vector<uint8_t>& data, int min_code_size, size_t count) {
  const int clear = 1 << min_code_size, eoi = clear + 1;
  std::vector<std::vector<uint8_t>> dict;
  auto reset = [&] {
    dict.assign(eoi + 1, {});
    for (int i = 0; i < clear; ++i) dict[i] = {static_cast<uint8_t>(i)};
  };
  reset();
  int size = min_code_size + 1, prev = -1;
  size_t bit = 0;
  std::vector<uint8_t> out;
  while (bit + size <= data.size() * 8) {
    int code = 0;
    for (int k = 0; k < size; ++k, ++bit) code |= ((data[bit / 8] >> (bit % 8)) & 1) << k;
    if (code == clear) {
      reset(), size = min_code_size + 1, prev = -1;
      continue;
    }
    if (code == eoi) break;
    std::vector<uint8_t> entry;
    if (code < static_cast<int>(dict.size())) entry = dict[code];
    else if (code == static_cast<int>(dict.size()) && prev >= 0) entry = dict[prev], entry.push_back(dict[prev][0]);
    else throw std::runtime_error("gif: bad LZW code");
    out.insert(out.end(), entry.begin(), entry.end());
    if (prev >= 0 && dict.size() < 4096) {
      std::vector<uint8_t> added = dict[prev];
      added.push_back(entry[0]);
      dict.push_back(added);
      if (static_cast<int>(dict.size()) == (1 << size) && size < 12) ++size;
    }
    prev = code;
  }
  if (out.size() != count) throw std::runtime_error("gif: frame has the wrong number of pixels");
  return out;
}

inline Decoded decode(const std::vector<uint8_t>& b) {
  Decoded d;
  size_t p = 0;
  auto u8 = [&] { return b.at(p++); };
  auto u16 = [&] { const int lo = u8(); return lo | u8() << 8; };
  if (b.size() < 13 || std::string(b.begin(), b.begin() + 6) != "GIF89a") throw std::runtime_error("gif: bad signature");
  p = 6;
  d.width = u16(), d.height = u16();
  const int packed = u8();
  u8(), u8();
  std::vector<uint8_t> pal;
  if (packed & 0x80) {
    const size_t n = 3u << ((packed & 7) + 1);
    pal.assign(b.begin() + p, b.begin() + p + n), p += n;
  }
  int delay = 0;
  while (p < b.size()) {
    const int tag = u8();
    if (tag == 0x3B) break;
    if (tag == 0x21) {
      const int label = u8();
      std::vector<uint8_t> first;
      for (int n = u8(); n; n = u8()) {
        if (first.empty()) first.assign(b.begin() + p, b.begin() + p + n);
        p += n;
      }
      if (label == 0xF9) delay = first.at(1) | first.at(2) << 8;
      if (label == 0xFF && std::string(first.begin(), first.end()) == "NETSCAPE2.0") d.loops = true;
      continue;
    }
    if (tag != 0x2C) throw std::runtime_error("gif: unexpected block");
    u16(), u16();
    const int w = u16(), h = u16();
    if (u8() & 0x80) throw std::runtime_error("gif: local palettes are not expected");
    const int min_code = u8();
    std::vector<uint8_t> data;
    for (int n = u8(); n; n = u8()) data.insert(data.end(), b.begin() + p, b.begin() + p + n), p += n;
    const std::vector<uint8_t> idx = lzw_decode(data, min_code, static_cast<size_t>(w) * h);
    fluxion::plot::Image img{w, h, std::vector<uint8_t>(3 * idx.size())};
    for (size_t i = 0; i < idx.size(); ++i)
      for (int c = 0; c < 3; ++c) img.rgb[3 * i + c] = pal.at(3 * idx[i] + c);
    d.frames.push_back(std::move(img));
    d.delays_cs.push_back(delay);
  }
  return d;
}

}  // namespace gif_test
