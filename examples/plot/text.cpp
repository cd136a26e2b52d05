// SPDX-License-Identifier: MIT
// Text layout and glyph rasterisation. Text is laid out into an alpha bitmap
// (runs of normal/raised/lowered glyphs), then stamped into the canvas mask,
// turned 90 degrees for vertical labels.
#include "examples/plot/text.h"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <tuple>
#include <vector>

#include "tensor/error.h"

#define STB_TRUETYPE_IMPLEMENTATION
#define STBTT_STATIC
#include <stb_easy_font.h>
#include <stb_truetype.h>

namespace fluxion::plot {

namespace {

struct Glyph {
  int w = 0, h = 0, x0 = 0, y0 = 0;  // bitmap and its offset from the pen on the baseline
  double advance = 0;
  std::vector<unsigned char> alpha;
};

struct Font {
  std::vector<unsigned char> data;
  stbtt_fontinfo info{};
  bool ok = false;
  double ascent = 0.93, descent = 0.24;        // in em
  std::map<std::pair<int, int>, Glyph> cache;  // (codepoint, size in 1/8 px)
};

bool load(Font& f, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  f.data.assign(std::istreambuf_iterator<char>(in), {});
  if (f.data.empty() || !stbtt_InitFont(&f.info, f.data.data(), stbtt_GetFontOffsetForIndex(f.data.data(), 0)))
    return false;
  int a, d, g;
  stbtt_GetFontVMetrics(&f.info, &a, &d, &g);
  const double em = 1.0 / stbtt_ScaleForMappingEmToPixels(&f.info, 1.0f);
  f.ascent = a / em, f.descent = -d / em, f.ok = true;
  return true;
}

Font& font() {
  static Font f = [] {
    Font g;
    const char* env = std::getenv("FLUXION_PLOT_FONT");
    for (const char* p : {env, "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans.ttf",
                          "/usr/share/fonts/dejavu/DejaVuSans.ttf", "/Library/Fonts/DejaVuSans.ttf"})
      if (p && load(g, p)) break;
    return g;
  }();
  return f;
}

const Glyph& glyph(int cp, double size) {
  Font& f = font();
  const int key = static_cast<int>(std::lround(size * 8));
  auto [it, fresh] = f.cache.try_emplace({cp, key});
  if (!fresh) return it->second;
  Glyph& g = it->second;
  int index = stbtt_FindGlyphIndex(&f.info, cp);
  if (index == 0) index = stbtt_FindGlyphIndex(&f.info, '?');
  const float scale = stbtt_ScaleForMappingEmToPixels(&f.info, static_cast<float>(size));
  int adv, lsb, x1, y1;
  stbtt_GetGlyphHMetrics(&f.info, index, &adv, &lsb);
  g.advance = adv * scale;
  stbtt_GetGlyphBitmapBox(&f.info, index, scale, scale, &g.x0, &g.y0, &x1, &y1);
  g.w = x1 - g.x0, g.h = y1 - g.y0;
  if (g.w > 0 && g.h > 0) {
    g.alpha.assign(static_cast<size_t>(g.w) * g.h, 0);
    stbtt_MakeGlyphBitmap(&f.info, g.alpha.data(), g.w, g.h, g.w, scale, scale, index);
  }
  return g;
}

std::u32string decode(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
    for (int k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += n;
  }
  return out;
}

std::string encode(const std::u32string& t) {
  std::string out;
  for (char32_t c : t) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | c >> 6)), out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | c >> 12)), out.push_back(static_cast<char>(0x80 | (c >> 6 & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | c >> 18)), out.push_back(static_cast<char>(0x80 | (c >> 12 & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c >> 6 & 0x3F))), out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

// One run of text at a scale and a baseline shift (in units of the base size).
struct Run {
  std::u32string text;
  double scale = 1, shift = 0;
};

std::vector<Run> parse_runs(std::string_view s) {
  std::vector<Run> runs(1);
  const std::u32string t = decode(s);
  for (size_t i = 0; i < t.size(); ++i) {
    if ((t[i] == U'^' || t[i] == U'_') && i + 1 < t.size() && t[i + 1] == U'{') {
      const size_t end = t.find(U'}', i + 2);
      if (end != std::u32string::npos) {
        runs.push_back({t.substr(i + 2, end - i - 2), 0.7, t[i] == U'^' ? 0.42 : -0.2});
        runs.push_back({});
        i = end;
        continue;
      }
    }
    runs.back().text.push_back(t[i]);
  }
  return runs;
}

double easy_scale(double size) { return size / 10.0; }  // easy_font's caps are ~7 units of a 10-unit em

double run_width(const Run& r, double size) {
  const double s = size * r.scale;
  if (!font().ok) {
    std::string ascii;
    for (char32_t c : r.text) ascii.push_back(c < 128 ? static_cast<char>(c) : '?');
    return stb_easy_font_width(ascii.data()) * easy_scale(s);
  }
  double w = 0;
  for (char32_t c : r.text) w += glyph(static_cast<int>(c), s).advance;
  return w;
}

// Alpha bitmap of laid-out text; the baseline is at row `base`.
struct Bitmap {
  int w = 0, h = 0, base = 0;
  std::vector<float> a;
  void add(int x, int y, float v) {
    if (x >= 0 && y >= 0 && x < w && y < h)
      a[static_cast<size_t>(y) * w + x] = std::min(1.f, a[static_cast<size_t>(y) * w + x] + v);
  }
};

Bitmap layout(std::string_view s, double size, const TextSize& ts) {
  Bitmap bm;
  bm.w = static_cast<int>(std::ceil(ts.width)) + 4;
  bm.h = static_cast<int>(std::ceil(ts.height())) + 4;
  bm.base = static_cast<int>(std::ceil(ts.ascent)) + 2;
  bm.a.assign(static_cast<size_t>(bm.w) * bm.h, 0.f);
  double pen = 2;
  for (const Run& r : parse_runs(s)) {
    const double sz = size * r.scale;
    const int base = bm.base - static_cast<int>(std::lround(r.shift * size));
    if (!font().ok) {
      std::string ascii;
      for (char32_t c : r.text) ascii.push_back(c < 128 ? static_cast<char>(c) : '?');
      std::vector<float> quads(ascii.size() * 64 * 4 + 64);
      const int n = stb_easy_font_print(0, 0, ascii.data(), nullptr, quads.data(), static_cast<int>(quads.size() * 4));
      const double k = easy_scale(sz);
      for (int q = 0; q < n; ++q) {  // each quad: 4 vertices of (x, y, z, rgba) = 16 bytes
        const float* v = &quads[static_cast<size_t>(q) * 16];
        const double x0 = pen + v[0] * k, y0 = base - 7 * k + v[1] * k, x1 = pen + v[8] * k,
                     y1 = base - 7 * k + v[9] * k;
        for (int y = static_cast<int>(std::floor(y0)); y < std::ceil(y1); ++y)
          for (int x = static_cast<int>(std::floor(x0)); x < std::ceil(x1); ++x) {
            const double cx = std::min<double>(x + 1, x1) - std::max<double>(x, x0);
            const double cy = std::min<double>(y + 1, y1) - std::max<double>(y, y0);
            bm.add(x, y, static_cast<float>(cx * cy));
          }
      }
      pen += run_width(r, size);
      continue;
    }
    for (char32_t c : r.text) {
      const Glyph& g = glyph(static_cast<int>(c), sz);
      const int gx = static_cast<int>(std::lround(pen)) + g.x0, gy = base + g.y0;
      for (int y = 0; y < g.h; ++y)
        for (int x = 0; x < g.w; ++x) bm.add(gx + x, gy + y, g.alpha[static_cast<size_t>(y) * g.w + x] / 255.f);
      pen += g.advance;
    }
  }
  return bm;
}

}  // namespace

void set_font(const std::string& path) {
  Font f;
  if (!path.empty() && !load(f, path)) fail("set_font: cannot read a TrueType font from '", path, "'");
  font() = std::move(f);
  if (font().ok) stbtt_InitFont(&font().info, font().data.data(), stbtt_GetFontOffsetForIndex(font().data.data(), 0));
}

bool truetype_font() { return font().ok; }

TextSize measure_text(std::string_view s, double size) {
  TextSize ts;
  const bool tt = font().ok;
  ts.ascent = size * (tt ? font().ascent : 0.75), ts.descent = size * (tt ? font().descent : 0.25);
  for (const Run& r : parse_runs(s)) {
    ts.width += run_width(r, size);
    if (r.shift > 0) ts.ascent = std::max(ts.ascent, size * (r.shift + r.scale * 0.75));
  }
  return ts;
}

void draw_text(Canvas& canvas, std::string_view s, double x, double y, double size, Color color, HAlign ha, VAlign va,
               bool rotated) {
  if (s.empty()) return;
  const TextSize ts = measure_text(s, size);
  const Bitmap bm = layout(s, size, ts);
  // Offset of the anchor within the unrotated text box (u along the text, v down from the baseline).
  const double du = ha == HAlign::left ? 0 : ha == HAlign::center ? ts.width / 2 : ts.width;
  const double dv = va == VAlign::baseline ? 0
                    : va == VAlign::top    ? -ts.ascent
                    : va == VAlign::bottom ? ts.descent
                                           : (ts.descent - ts.ascent) / 2;
  const int ox = static_cast<int>(std::lround(rotated ? x - dv : x - du));
  const int oy = static_cast<int>(std::lround(rotated ? y + du : y - dv));
  if (canvas.recording()) {
    std::vector<TextRun> runs;
    double pen = 0;
    for (const Run& r : parse_runs(s)) {
      if (!r.text.empty()) runs.push_back({encode(r.text), pen, r.shift * size, r.scale * size});
      pen += run_width(r, size);
    }
    canvas.record_text(std::move(runs), {static_cast<double>(ox), static_cast<double>(oy)}, rotated, color);
  }
  for (int v = 0; v < bm.h; ++v)
    for (int u = 0; u < bm.w; ++u) {
      const float a = bm.a[static_cast<size_t>(v) * bm.w + u];
      if (a <= 0) continue;
      const int pu = u - 2, pv = v - bm.base;  // relative to the pen origin
      if (rotated)
        canvas.mask_coverage(ox + pv, oy - pu - 1, a);
      else
        canvas.mask_coverage(ox + pu, oy + pv, a);
    }
  canvas.composite(color);
}

}  // namespace fluxion::plot
