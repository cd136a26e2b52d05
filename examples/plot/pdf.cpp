// SPDX-License-Identifier: MIT
// PDF back end: one page, the display list as path operators in canvas
// pixels (one cm flips y and scales to points), text in the standard
// Helvetica and Symbol fonts (Greek and maths symbols from Symbol), images as
// RGB XObjects with a soft mask, constant alpha through ExtGState; a classic
// xref table with each object's byte offset.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "examples/plot/display_list.h"
#include "examples/plot/text.h"

namespace fluxion::plot {

namespace {

std::string num(double v) {  // PDF numbers have no exponent: clamp far-off coordinates
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", std::clamp(v, -1e6, 1e6));
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

std::string rgb(Color c) { return num(c.r) + " " + num(c.g) + " " + num(c.b); }

// A code point as a byte of Helvetica (WinAnsiEncoding, font 1) or of Symbol (font 2).
std::pair<int, uint8_t> font_byte(char32_t c) {
  if (c >= 0x20 && c < 0x7F) return {1, static_cast<uint8_t>(c)};
  if (c >= 0xA0 && c <= 0xFF) return {1, static_cast<uint8_t>(c)};  // Latin-1 = WinAnsi here (× · ² ±)
  static const std::map<char32_t, uint8_t> winansi = {
      {0x2212, '-'}, {0x2013, 0x96}, {0x2014, 0x97}, {0x2022, 0x95}, {0x2026, 0x85}};
  if (auto it = winansi.find(c); it != winansi.end()) return {1, it->second};
  static const std::map<char32_t, uint8_t> symbol = {
      {U'α', 'a'},  {U'β', 'b'},  {U'γ', 'g'},  {U'δ', 'd'},  {U'ε', 'e'},  {U'ϵ', 'e'},  {U'ζ', 'z'},  {U'η', 'h'},
      {U'θ', 'q'},  {U'ϑ', 'J'},  {U'ι', 'i'},  {U'κ', 'k'},  {U'λ', 'l'},  {U'μ', 'm'},  {U'ν', 'n'},  {U'ξ', 'x'},
      {U'π', 'p'},  {U'ρ', 'r'},  {U'σ', 's'},  {U'τ', 't'},  {U'υ', 'u'},  {U'φ', 'f'},  {U'ϕ', 'j'},  {U'χ', 'c'},
      {U'ψ', 'y'},  {U'ω', 'w'},  {U'Γ', 'G'},  {U'Δ', 'D'},  {U'∆', 'D'},  {U'Θ', 'Q'},  {U'Λ', 'L'},  {U'Ξ', 'X'},
      {U'Π', 'P'},  {U'Σ', 'S'},  {U'Φ', 'F'},  {U'Ψ', 'Y'},  {U'Ω', 'W'},  {U'∇', 0xD1}, {U'∂', 0xB6}, {U'∫', 0xF2},
      {U'∑', 0xE5}, {U'∏', 0xD5}, {U'∞', 0xA5}, {U'⋅', 0xD7}, {U'≤', 0xA3}, {U'≥', 0xB3}, {U'≈', 0xBB}, {U'≠', 0xB9},
      {U'→', 0xAE}, {U'←', 0xAC}, {U'∈', 0xCE}, {U'√', 0xD6}, {U'′', 0xA2}, {U'∀', 0x22}, {U'∃', 0x24}, {U'∝', 0xB5}};
  if (auto it = symbol.find(c); it != symbol.end()) return {2, it->second};
  return {1, '?'};
}

// Code points of s with the byte offset where each starts.
std::vector<std::pair<char32_t, size_t>> decode(const std::string& s) {
  std::vector<std::pair<char32_t, size_t>> out;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
    for (int k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back({cp, i});
    i += n;
  }
  return out;
}

std::string literal(const std::string& bytes) {  // a PDF string: ( ) \ escaped, non-ASCII as octal
  std::string out = "(";
  for (unsigned char c : bytes) {
    if (c == '(' || c == ')' || c == '\\')
      out += '\\', out += static_cast<char>(c);
    else if (c < 0x20 || c >= 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o", c);
      out += buf;
    } else
      out += static_cast<char>(c);
  }
  return out + ")";
}

void path(std::ostringstream& o, const std::vector<Point>& pts) {
  for (size_t i = 0; i < pts.size(); ++i) o << num(pts[i].x) << " " << num(pts[i].y) << (i ? " l\n" : " m\n");
}

}  // namespace

std::string to_pdf(const std::vector<DrawOp>& ops, int width_px, int height_px, double dpi) {
  const double k = 72 / dpi;
  // 1 catalog, 2 pages, 3 page, 4 contents, 5 Helvetica, 6 Symbol, 7 Helvetica-Oblique, 8 Helvetica-Bold
  std::vector<std::string> objects(8);
  std::map<double, std::string> alphas;  // alpha -> ExtGState name
  std::string xobjects;
  std::ostringstream c;
  c << num(k) << " 0 0 " << num(-k) << " 0 " << num(height_px * k) << " cm\n1 j\n";
  auto alpha = [&](double a) {
    auto [it, fresh] = alphas.try_emplace(a, "/G" + std::to_string(alphas.size()));
    c << it->second << " gs\n";
  };
  for (const DrawOp& op : ops) {
    c << "q " << num(op.clip[0]) << " " << num(op.clip[1]) << " " << num(op.clip[2] - op.clip[0]) << " "
      << num(op.clip[3] - op.clip[1]) << " re W n\n";
    if (op.color.a < 1) alpha(op.color.a);
    switch (op.kind) {
      case DrawOp::Kind::stroke:
        c << rgb(op.color) << " RG " << num(op.width) << " w " << (op.cap == Cap::round ? 1 : 0) << " J [";
        for (double d : op.dashes) c << num(d * op.width) << " ";
        c << "] 0 d\n";
        path(c, op.pts);
        c << (op.pts.size() == 1 ? "h S\n" : "S\n");
        break;
      case DrawOp::Kind::fill:
        c << rgb(op.color) << " rg\n";
        path(c, op.pts);
        c << "h f\n";
        break;
      case DrawOp::Kind::disc: {  // four cubic Beziers, control points at 0.5523 r
        const double x = op.pts[0].x, y = op.pts[0].y, r = op.width, m = 0.5523 * r;
        c << rgb(op.color) << " rg\n" << num(x + r) << " " << num(y) << " m\n";
        const double q[4][6] = {
            {r, m, m, r, 0, r}, {-m, r, -r, m, -r, 0}, {-r, -m, -m, -r, 0, -r}, {m, -r, r, -m, r, 0}};
        for (const auto& s : q)
          c << num(x + s[0]) << " " << num(y + s[1]) << " " << num(x + s[2]) << " " << num(y + s[3]) << " "
            << num(x + s[4]) << " " << num(y + s[5]) << " c\n";
        c << "h f\n";
        break;
      }
      case DrawOp::Kind::text:
        c << rgb(op.color) << " rg\n";
        for (const TextRun& r : op.runs) {
          // Split the run where the font changes; each piece starts where our own layout puts it.
          const auto t = decode(r.utf8);
          size_t i = 0;
          while (i < t.size()) {
            const int f = font_byte(t[i].first).first;
            const int face = f == 2 ? 2 : r.style == Style::italic ? 3 : r.style == Style::bold ? 4 : 1;
            std::string bytes;
            size_t j = i;
            for (; j < t.size() && font_byte(t[j].first).first == f; ++j)
              bytes.push_back(static_cast<char>(font_byte(t[j].first).second));
            const double along = r.dx + (i ? measure_text(r.utf8.substr(0, t[i].second), r.size).width : 0);
            const double x = op.rotated ? op.pts[0].x - r.rise : op.pts[0].x + along;
            const double y = op.rotated ? op.pts[0].y - along : op.pts[0].y - r.rise;
            c << "BT /F" << face << " " << num(r.size) << " Tf " << (op.rotated ? "0 -1 -1 0 " : "1 0 0 -1 ") << num(x)
              << " " << num(y) << " Tm " << literal(bytes) << " Tj ET\n";
            i = j;
          }
        }
        break;
      case DrawOp::Kind::image: {
        std::string color, mask;
        for (size_t p = 0; p < op.rgba.size(); p += 4)
          color.append(reinterpret_cast<const char*>(&op.rgba[p]), 3), mask += static_cast<char>(op.rgba[p + 3]);
        const std::string dims = "/Type /XObject /Subtype /Image /Width " + std::to_string(op.w) + " /Height " +
                                 std::to_string(op.h) + " /BitsPerComponent 8 ";
        objects.push_back("<< " + dims + "/ColorSpace /DeviceGray /Length " + std::to_string(mask.size()) +
                          " >>\nstream\n" + mask + "\nendstream");
        const size_t smask = objects.size();
        objects.push_back("<< " + dims + "/ColorSpace /DeviceRGB /SMask " + std::to_string(smask) + " 0 R /Length " +
                          std::to_string(color.size()) + " >>\nstream\n" + color + "\nendstream");
        const std::string name = "/Im" + std::to_string(objects.size());
        xobjects += name + " " + std::to_string(objects.size()) + " 0 R ";
        c << op.w << " 0 0 " << -op.h << " " << op.x0 << " " << op.y0 + op.h << " cm " << name << " Do\n";
        break;
      }
    }
    c << "Q\n";
  }
  std::string gstates;
  for (const auto& [a, name] : alphas) {
    objects.push_back("<< /Type /ExtGState /CA " + num(a) + " /ca " + num(a) + " >>");
    gstates += name + " " + std::to_string(objects.size()) + " 0 R ";
  }
  const std::string content = c.str();
  objects[0] = "<< /Type /Catalog /Pages 2 0 R >>";
  objects[1] = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>";
  objects[2] = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " + num(width_px * k) + " " + num(height_px * k) +
               "] /Contents 4 0 R /Resources << /Font << /F1 5 0 R /F2 6 0 R /F3 7 0 R /F4 8 0 R >> /XObject << " +
               xobjects + ">> /ExtGState << " + gstates + ">> >> >>";
  objects[3] = "<< /Length " + std::to_string(content.size()) + " >>\nstream\n" + content + "endstream";
  objects[4] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";
  objects[5] = "<< /Type /Font /Subtype /Type1 /BaseFont /Symbol >>";
  objects[6] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Oblique /Encoding /WinAnsiEncoding >>";
  objects[7] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>";
  std::string out = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  std::vector<size_t> offsets;
  for (size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(out.size());
    out += std::to_string(i + 1) + " 0 obj\n" + objects[i] + "\nendobj\n";
  }
  const size_t xref = out.size();
  out += "xref\n0 " + std::to_string(objects.size() + 1) + "\n0000000000 65535 f \n";
  for (size_t off : offsets) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%010zu 00000 n \n", off);
    out += buf;
  }
  out += "trailer\n<< /Size " + std::to_string(objects.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  return out;
}

}  // namespace fluxion::plot
