// SPDX-License-Identifier: MIT
// GIF89a writer: palette, LZW (variable code size 3..12 bits, clear code when
// the 4096-entry table is full), and Animation::save.
#include "examples/plot/gif.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <unordered_map>

#include "examples/plot/figure.h"
#include "tensor/error.h"

namespace fluxion::plot {

namespace {

uint32_t key(const uint8_t* p) { return uint32_t{p[0]} << 16 | uint32_t{p[1]} << 8 | p[2]; }

// Median cut over 5-bit-per-channel colour counts: split the box with the widest channel at its median.
std::vector<uint8_t> median_cut(const std::unordered_map<uint32_t, uint64_t>& hist, size_t max_boxes) {
  struct Entry {
    std::array<int, 3> c;
    uint64_t n;
  };
  std::vector<Entry> all;
  for (const auto& [k, n] : hist) all.push_back({{int(k >> 16 & 255), int(k >> 8 & 255), int(k & 255)}, n});
  if (all.empty() || max_boxes == 0) return {};
  std::vector<std::vector<Entry>> boxes{all};
  while (boxes.size() < max_boxes) {
    size_t pick = boxes.size();
    int channel = 0, widest = 0;
    for (size_t b = 0; b < boxes.size(); ++b) {
      if (boxes[b].size() < 2) continue;
      for (int ch = 0; ch < 3; ++ch) {
        const auto [lo, hi] = std::minmax_element(boxes[b].begin(), boxes[b].end(),
                                                  [&](const Entry& a, const Entry& e) { return a.c[ch] < e.c[ch]; });
        if (hi->c[ch] - lo->c[ch] > widest) widest = hi->c[ch] - lo->c[ch], pick = b, channel = ch;
      }
    }
    if (pick == boxes.size()) break;
    auto& box = boxes[pick];
    std::sort(box.begin(), box.end(), [&](const Entry& a, const Entry& e) { return a.c[channel] < e.c[channel]; });
    uint64_t total = 0, acc = 0;
    for (const Entry& e : box) total += e.n;
    size_t cut = 1;
    for (; cut < box.size() - 1; ++cut) {
      acc += box[cut - 1].n;
      if (acc * 2 >= total) break;
    }
    boxes.emplace_back(box.begin() + cut, box.end());
    boxes[pick].resize(cut);
  }
  std::vector<uint8_t> pal;
  for (const auto& box : boxes) {
    double s[3] = {0, 0, 0}, n = 0;
    for (const Entry& e : box)
      for (int ch = 0; ch < 3; ++ch) s[ch] += e.c[ch] * static_cast<double>(e.n);
    for (const Entry& e : box) n += static_cast<double>(e.n);
    for (int ch = 0; ch < 3; ++ch) pal.push_back(static_cast<uint8_t>(std::clamp(s[ch] / n + 0.5, 0.0, 255.0)));
  }
  return pal;
}

uint32_t bin(uint8_t c) { return (c & 0xF8u) | 4u; }

void put16(std::vector<uint8_t>& out, int v) { out.push_back(v & 255), out.push_back(v >> 8 & 255); }

}  // namespace

std::vector<uint8_t> gif_palette(const std::vector<Image>& frames) {
  std::unordered_map<uint32_t, uint64_t> exact;
  for (const Image& f : frames)
    for (size_t i = 0; i < f.rgb.size() && exact.size() <= 256; i += 3) ++exact[key(&f.rgb[i])];
  if (exact.size() <= 256) {
    std::vector<uint32_t> keys;
    for (const auto& [k, n] : exact) keys.push_back(k);
    std::sort(keys.begin(), keys.end());
    std::vector<uint8_t> pal;
    for (uint32_t k : keys) pal.insert(pal.end(), {uint8_t(k >> 16), uint8_t(k >> 8), uint8_t(k)});
    return pal;
  }
  // Colours that cover at least 1% of all pixels (the white background, the
  // frame's black, a line's colour) keep exact entries; the rest share the
  // remaining entries by median cut over 5-bit bins.
  std::unordered_map<uint32_t, uint64_t> all;
  uint64_t total = 0;
  for (const Image& f : frames)
    for (size_t i = 0; i < f.rgb.size(); i += 3) ++all[key(&f.rgb[i])], ++total;
  std::vector<std::pair<uint64_t, uint32_t>> common;
  for (const auto& [k, n] : all)
    if (n * 100 >= total) common.push_back({n, k});
  std::sort(common.rbegin(), common.rend());
  common.resize(std::min<size_t>(common.size(), 64));
  std::vector<uint8_t> pal;
  std::unordered_map<uint32_t, uint64_t> hist;  // 5 bits per channel, kept at the bin centre
  for (const auto& [n, k] : common)
    pal.insert(pal.end(), {uint8_t(k >> 16), uint8_t(k >> 8), uint8_t(k)}), all.erase(k);
  for (const auto& [k, n] : all) hist[bin(uint8_t(k >> 16)) << 16 | bin(uint8_t(k >> 8)) << 8 | bin(uint8_t(k))] += n;
  const std::vector<uint8_t> rest = median_cut(hist, 256 - common.size());
  pal.insert(pal.end(), rest.begin(), rest.end());
  return pal;
}

std::vector<uint8_t> lzw_encode(const std::vector<uint8_t>& indices, int min_code_size) {
  const int clear = 1 << min_code_size, eoi = clear + 1;
  std::vector<uint8_t> out;
  uint32_t bits = 0;
  int nbits = 0, size = min_code_size + 1, next = eoi + 1;
  auto emit = [&](int code) {
    bits |= static_cast<uint32_t>(code) << nbits;
    nbits += size;
    while (nbits >= 8) out.push_back(bits & 255), bits >>= 8, nbits -= 8;
  };
  // table[prefix * 256 + byte] = code + 1 (0: absent); `used` lists entries to wipe on a clear.
  std::vector<uint16_t> table(4096 * 256, 0);
  std::vector<uint32_t> used;
  emit(clear);
  if (indices.empty()) {
    emit(eoi);
    if (nbits > 0) out.push_back(bits & 255);
    return out;
  }
  int prefix = indices[0];
  for (size_t i = 1; i < indices.size(); ++i) {
    const uint32_t slot = static_cast<uint32_t>(prefix) * 256 + indices[i];
    if (table[slot]) {
      prefix = table[slot] - 1;
      continue;
    }
    emit(prefix);
    table[slot] = static_cast<uint16_t>(next + 1), used.push_back(slot);
    if (next++ >= (1 << size) && size < 12) ++size;
    if (next == 4096) {  // table full: start again
      emit(clear);
      for (uint32_t s : used) table[s] = 0;
      used.clear();
      size = min_code_size + 1, next = eoi + 1;
    }
    prefix = indices[i];
  }
  emit(prefix);
  emit(eoi);
  if (nbits > 0) out.push_back(bits & 255);
  return out;
}

std::vector<uint8_t> encode_gif(const std::vector<Image>& frames, const std::vector<int>& delays_cs, bool loop) {
  check(!frames.empty(), "encode_gif: no frames");
  check(delays_cs.size() == frames.size(), "encode_gif: ", delays_cs.size(), " delays for ", frames.size(), " frames");
  const int w = frames[0].width, h = frames[0].height;
  std::vector<uint8_t> pal = gif_palette(frames);
  int bits = 1;
  while ((1 << bits) < static_cast<int>(pal.size() / 3)) ++bits;
  pal.resize(3u << bits, 0);
  std::vector<uint8_t> out = {'G', 'I', 'F', '8', '9', 'a'};
  put16(out, w), put16(out, h);
  out.insert(out.end(), {static_cast<uint8_t>(0xF0 | (bits - 1)), 0, 0});
  out.insert(out.end(), pal.begin(), pal.end());
  if (loop) {
    const char* app = "NETSCAPE2.0";
    out.insert(out.end(), {0x21, 0xFF, 11});
    out.insert(out.end(), app, app + 11);
    out.insert(out.end(), {3, 1, 0, 0, 0});  // loop forever
  }
  // Nearest palette entry per colour, cached.
  std::unordered_map<uint32_t, uint8_t> nearest;
  auto index_of = [&](const uint8_t* p) {
    const uint32_t k = key(p);
    auto it = nearest.find(k);
    if (it != nearest.end()) return it->second;
    int best = 0, bd = 1 << 30;
    for (int i = 0; i < (1 << bits); ++i) {
      const int dr = p[0] - pal[3 * i], dg = p[1] - pal[3 * i + 1], db = p[2] - pal[3 * i + 2];
      const int d = 2 * dr * dr + 4 * dg * dg + 3 * db * db;
      if (d < bd) bd = d, best = i;
    }
    return nearest[k] = static_cast<uint8_t>(best);
  };
  const int min_code = std::max(2, bits);
  for (size_t f = 0; f < frames.size(); ++f) {
    const Image& img = frames[f];
    check(img.width == w && img.height == h, "encode_gif: frame ", f, " is ", img.width, " x ", img.height,
          " but frame 0 is ", w, " x ", h, "; every frame must have the figure size of the first");
    out.insert(out.end(), {0x21, 0xF9, 4, 0x04});  // graphic control: keep the frame, no transparency
    put16(out, delays_cs[f]);
    out.insert(out.end(), {0, 0, 0x2C});
    put16(out, 0), put16(out, 0), put16(out, w), put16(out, h);
    out.push_back(0);
    std::vector<uint8_t> idx(static_cast<size_t>(w) * h);
    for (size_t i = 0; i < idx.size(); ++i) idx[i] = index_of(&img.rgb[3 * i]);
    const std::vector<uint8_t> data = lzw_encode(idx, min_code);
    out.push_back(static_cast<uint8_t>(min_code));
    for (size_t i = 0; i < data.size(); i += 255) {
      const size_t n = std::min<size_t>(255, data.size() - i);
      out.push_back(static_cast<uint8_t>(n));
      out.insert(out.end(), data.begin() + i, data.begin() + i + n);
    }
    out.push_back(0);
  }
  out.push_back(0x3B);
  return out;
}

void Animation::add(const Image& frame, int delay_ms) {
  check(frames_.empty() || (frame.width == frames_[0].width && frame.height == frames_[0].height),
        "Animation::add: frame is ", frame.width, " x ", frame.height, " but the first frame is ",
        frames_.empty() ? 0 : frames_[0].width, " x ", frames_.empty() ? 0 : frames_[0].height);
  frames_.push_back(frame);
  delays_.push_back(std::max(1, ((delay_ms < 0 ? delay_ms_ : delay_ms) + 5) / 10));
}

void Animation::save(const std::string& path) const {
  check(!frames_.empty(), "Animation::save: no frames; add() figures first");
  const std::vector<uint8_t> bytes = encode_gif(frames_, delays_, loop_);
  const std::filesystem::path p(path);
  std::error_code ec;
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  std::ofstream out(path, std::ios::binary);
  check(!ec && out.good(), "Animation::save: cannot write '", path, "'; check that the directory is writable");
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  check(out.good(), "Animation::save: writing '", path, "' failed");
}

}  // namespace fluxion::plot
