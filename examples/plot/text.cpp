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

#include "examples/plot/mathtext.h"
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

// "DejaVuSans.ttf" -> "DejaVuSans-Oblique.ttf": the italic and bold faces beside a regular one.
std::string variant(const std::string& path, const char* suffix) {
  const size_t dot = path.rfind(".ttf");
  return dot == std::string::npos ? "" : path.substr(0, dot) + suffix + ".ttf";
}

struct Fonts {
  Font face[3];  // regular, italic, bold; italic and bold fall back to regular when missing
  void load_all(const std::string& path) {
    for (Font& f : face) f = Font{};
    if (path.empty() || !load(face[0], path)) return;
    load(face[1], variant(path, "-Oblique"));
    load(face[2], variant(path, "-Bold"));
  }
};

Fonts& fonts() {
  static Fonts f = [] {
    Fonts g;
    const char* env = std::getenv("FLUXION_PLOT_FONT");
    for (const char* p : {env, "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans.ttf",
                          "/usr/share/fonts/dejavu/DejaVuSans.ttf", "/Library/Fonts/DejaVuSans.ttf"})
      if (p) {
        g.load_all(p);
        if (g.face[0].ok) break;
      }
    return g;
  }();
  return f;
}

Font& font(Style st = Style::regular) {
  Font& f = fonts().face[static_cast<int>(st)];
  return f.ok ? f : fonts().face[0];
}

const Glyph& glyph(int cp, double size, Style st) {
  Font& f = font(st);
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

double easy_scale(double size) { return size / 10.0; }  // easy_font's caps are ~7 units of a 10-unit em

// Without a TrueType font, text is drawn with stb_easy_font, which has ASCII only:
// maths symbols and Greek are spelt out (α -> alpha, − -> -, ≤ -> <=, x² -> x^2) so a
// label still reads; anything else becomes '?'.
std::string ascii(const std::u32string& t) {
  static const std::map<char32_t, const char*> spelt = {
      {U'α', "alpha"},  {U'β', "beta"},  {U'γ', "gamma"}, {U'δ', "delta"},  {U'ε', "eps"},   {U'ζ', "zeta"},
      {U'η', "eta"},    {U'θ', "theta"}, {U'κ', "kappa"}, {U'λ', "lambda"}, {U'μ', "mu"},    {U'ν', "nu"},
      {U'ξ', "xi"},     {U'π', "pi"},    {U'ρ', "rho"},   {U'σ', "sigma"},  {U'τ', "tau"},   {U'φ', "phi"},
      {U'χ', "chi"},    {U'ψ', "psi"},   {U'ω', "omega"}, {U'Γ', "Gamma"},  {U'Δ', "Delta"}, {U'Θ', "Theta"},
      {U'Λ', "Lambda"}, {U'Π', "Pi"},    {U'Σ', "Sigma"}, {U'Φ', "Phi"},    {U'Ψ', "Psi"},   {U'Ω', "Omega"},
      {U'−', "-"},      {U'–', "-"},     {U'—', "--"},    {U'′', "'"},      {U'″', "''"},    {U'·', "*"},
      {U'×', "x"},      {U'÷', "/"},     {U'±', "+/-"},   {U'≤', "<="},     {U'≥', ">="},    {U'≠', "!="},
      {U'≈', "~="},     {U'∼', "~"},     {U'∝', "~"},     {U'→', "->"},     {U'←', "<-"},    {U'∇', "grad "},
      {U'∂', "d"},      {U'∫', "int "},  {U'∮', "oint "}, {U'∑', "sum "},   {U'∏', "prod "}, {U'∞', "inf"},
      {U'∈', " in "},   {U'√', "sqrt"},  {U'∘', "o"},     {U'‖', "||"},     {U'⟨', "<"},     {U'⟩', ">"},
      {U'…', "..."},    {U'°', "deg"},   {U'ℓ', "l"},     {U'½', "1/2"},    {U'ᵀ', "^T"},    {U'⁻', "^-"},
      {U'¹', "^1"},     {U'²', "^2"},    {U'³', "^3"},    {U'⁴', "^4"},     {U'ⁿ', "^n"},    {U'₀', "0"},
      {U'₁', "1"},      {U'₂', "2"},     {U'₃', "3"},     {U'₄', "4"},      {U'ᵢ', "i"},     {U'ₖ', "k"}};
  std::string a;
  for (char32_t c : t) {
    if (c < 128) {
      a.push_back(static_cast<char>(c));
    } else {
      const auto it = spelt.find(c);
      a += it == spelt.end() ? "?" : it->second;
    }
  }
  return a;
}

double advance(char32_t c, double size, Style st) {
  if (!font().ok) return stb_easy_font_width(ascii(std::u32string(1, c)).data()) * easy_scale(size);
  return glyph(static_cast<int>(c), size, st).advance;
}

MathLayout layout(std::string_view s, double size) { return layout_math(s, size, advance); }

// Alpha bitmap of laid-out text; the pen starts at column 2, the baseline is at row `base`.
struct Bitmap {
  int w = 0, h = 0, base = 0;
  std::vector<float> a;
  void add(int x, int y, float v) {
    if (x >= 0 && y >= 0 && x < w && y < h)
      a[static_cast<size_t>(y) * w + x] = std::min(1.f, a[static_cast<size_t>(y) * w + x] + v);
  }
};

Bitmap rasterise(const MathLayout& m, const TextSize& ts) {
  Bitmap bm;
  bm.w = static_cast<int>(std::ceil(ts.width)) + 4;
  bm.h = static_cast<int>(std::ceil(ts.height())) + 4;
  bm.base = static_cast<int>(std::ceil(ts.ascent)) + 2;
  bm.a.assign(static_cast<size_t>(bm.w) * bm.h, 0.f);
  for (const PlacedRun& r : m.runs) {
    const int base = bm.base - static_cast<int>(std::lround(r.rise));
    double pen = 2 + r.x;
    if (!font().ok) {
      std::string text = ascii(r.text);
      std::vector<float> quads(text.size() * 64 * 4 + 64);
      const int n = stb_easy_font_print(0, 0, text.data(), nullptr, quads.data(), static_cast<int>(quads.size() * 4));
      const double k = easy_scale(r.size);
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
      continue;
    }
    for (char32_t c : r.text) {
      const Glyph& g = glyph(static_cast<int>(c), r.size, r.style);
      const int gx = static_cast<int>(std::lround(pen)) + g.x0, gy = base + g.y0;
      for (int y = 0; y < g.h; ++y)
        for (int x = 0; x < g.w; ++x) bm.add(gx + x, gy + y, g.alpha[static_cast<size_t>(y) * g.w + x] / 255.f);
      pen += g.advance;
    }
  }
  return bm;
}

TextSize measure(const MathLayout& m, double size) {
  const bool tt = font().ok;
  TextSize ts;
  ts.width = m.width;
  ts.ascent = std::max(size * (tt ? font().ascent : 0.75), m.ascent);
  ts.descent = std::max(size * (tt ? font().descent : 0.25), m.descent);
  return ts;
}

}  // namespace

void set_font(const std::string& path) {
  Font f;
  if (!path.empty() && !load(f, path)) fail("set_font: cannot read a TrueType font from '", path, "'");
  fonts().load_all(path);
}

bool truetype_font() { return font().ok; }

TextSize measure_text(std::string_view s, double size) { return measure(layout(s, size), size); }

void draw_text(Canvas& canvas, std::string_view s, double x, double y, double size, Color color, HAlign ha, VAlign va,
               bool rotated) {
  if (s.empty()) return;
  const MathLayout m = layout(s, size);
  const TextSize ts = measure(m, size);
  const Bitmap bm = rasterise(m, ts);
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
    for (const PlacedRun& r : m.runs) runs.push_back({encode(r.text), r.x, r.rise, r.size, r.style});
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
  // Fraction bars and square-root tops, in the text's frame (u along, v up).
  for (const Rule& r : m.rules) {
    auto at = [&](double u, double v) { return rotated ? Point{ox - v, oy - u} : Point{ox + u, oy - v}; };
    const double h = r.thickness / 2;
    canvas.fill_polygon({at(r.x0, r.rise - h), at(r.x1, r.rise - h), at(r.x1, r.rise + h), at(r.x0, r.rise + h)},
                        color);
  }
}

}  // namespace fluxion::plot
