// SPDX-License-Identifier: MIT
// SVG back end: the display list as <path>, <circle>, <text> and <image>
// elements in canvas pixels (the viewBox), sized in points as matplotlib's.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>
#include <tuple>

#include "examples/plot/display_list.h"

namespace fluxion::plot {

namespace {

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", std::clamp(v, -1e7, 1e7));
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

std::string hex(Color c) {
  char buf[8];
  auto b = [](double v) { return static_cast<int>(std::lround(std::clamp(v, 0.0, 1.0) * 255)); };
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", b(c.r), b(c.g), b(c.b));
  return buf;
}

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '"')
      out += "&quot;";
    else
      out.push_back(c);
  }
  return out;
}

std::string base64(const std::vector<uint8_t>& d) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < d.size(); i += 3) {
    const uint32_t n =
        uint32_t{d[i]} << 16 | (i + 1 < d.size() ? uint32_t{d[i + 1]} << 8 : 0) | (i + 2 < d.size() ? d[i + 2] : 0);
    out += k[n >> 18 & 63], out += k[n >> 12 & 63];
    out += i + 1 < d.size() ? k[n >> 6 & 63] : '=';
    out += i + 2 < d.size() ? k[n & 63] : '=';
  }
  return out;
}

std::string path_data(const std::vector<Point>& pts, bool close) {
  std::string d;
  for (size_t i = 0; i < pts.size(); ++i) d += (i ? " L" : "M") + num(pts[i].x) + " " + num(pts[i].y);
  return close ? d + " Z" : d;
}

}  // namespace

std::string to_svg(const std::vector<DrawOp>& ops, int width_px, int height_px, double dpi) {
  std::ostringstream o;
  const double k = 72 / dpi;
  o << "<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"no\"?>\n"
    << "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" version=\"1.1\" width=\""
    << num(width_px * k) << "pt\" height=\"" << num(height_px * k) << "pt\" viewBox=\"0 0 " << width_px << " "
    << height_px << "\">\n<rect width=\"" << width_px << "\" height=\"" << height_px << "\" fill=\"#ffffff\"/>\n";
  // One clipPath per distinct clip box that is smaller than the canvas.
  std::map<std::tuple<double, double, double, double>, int> clips;
  for (const DrawOp& op : ops) {
    const auto key = std::make_tuple(op.clip[0], op.clip[1], op.clip[2], op.clip[3]);
    const bool whole = op.clip[0] <= 0 && op.clip[1] <= 0 && op.clip[2] >= width_px && op.clip[3] >= height_px;
    if (!whole && !clips.count(key)) clips.emplace(key, static_cast<int>(clips.size()));
  }
  if (!clips.empty()) {
    o << "<defs>\n";
    for (const auto& [c, id] : clips)
      o << "<clipPath id=\"c" << id << "\"><rect x=\"" << num(std::get<0>(c)) << "\" y=\"" << num(std::get<1>(c))
        << "\" width=\"" << num(std::get<2>(c) - std::get<0>(c)) << "\" height=\""
        << num(std::get<3>(c) - std::get<1>(c)) << "\"/></clipPath>\n";
    o << "</defs>\n";
  }
  for (const DrawOp& op : ops) {
    const auto it = clips.find(std::make_tuple(op.clip[0], op.clip[1], op.clip[2], op.clip[3]));
    const std::string clip = it == clips.end() ? "" : " clip-path=\"url(#c" + std::to_string(it->second) + ")\"";
    const std::string alpha = op.color.a < 1 ? num(op.color.a) : "";
    switch (op.kind) {
      case DrawOp::Kind::stroke: {
        o << "<path d=\"" << path_data(op.pts, false) << "\" fill=\"none\" stroke=\"" << hex(op.color)
          << "\" stroke-width=\"" << num(op.width) << "\" stroke-linecap=\""
          << (op.cap == Cap::round ? "round" : "butt") << "\" stroke-linejoin=\"round\"";
        if (!alpha.empty()) o << " stroke-opacity=\"" << alpha << "\"";
        if (!op.dashes.empty()) {
          o << " stroke-dasharray=\"";
          for (size_t i = 0; i < op.dashes.size(); ++i) o << (i ? " " : "") << num(op.dashes[i] * op.width);
          o << "\"";
        }
        o << clip << "/>\n";
        break;
      }
      case DrawOp::Kind::fill:
        o << "<path d=\"" << path_data(op.pts, true) << "\" fill=\"" << hex(op.color) << "\"";
        if (!alpha.empty()) o << " fill-opacity=\"" << alpha << "\"";
        o << clip << "/>\n";
        break;
      case DrawOp::Kind::disc:
        o << "<circle cx=\"" << num(op.pts[0].x) << "\" cy=\"" << num(op.pts[0].y) << "\" r=\"" << num(op.width)
          << "\" fill=\"" << hex(op.color) << "\"";
        if (!alpha.empty()) o << " fill-opacity=\"" << alpha << "\"";
        o << clip << "/>\n";
        break;
      case DrawOp::Kind::text:
        for (const TextRun& r : op.runs) {
          // Along the text by dx, up from the baseline by rise; rotated text runs up the page.
          const Point p = op.rotated ? Point{op.pts[0].x - r.rise, op.pts[0].y - r.dx}
                                     : Point{op.pts[0].x + r.dx, op.pts[0].y - r.rise};
          o << "<text x=\"" << num(p.x) << "\" y=\"" << num(p.y)
            << "\" font-family=\"DejaVu Sans, Bitstream Vera Sans, Arial, sans-serif\" font-size=\"" << num(r.size)
            << "\" fill=\"" << hex(op.color) << "\" xml:space=\"preserve\"";
          if (!alpha.empty()) o << " fill-opacity=\"" << alpha << "\"";
          if (r.style == Style::italic) o << " font-style=\"italic\"";
          if (r.style == Style::bold) o << " font-weight=\"bold\"";
          if (op.rotated) o << " transform=\"rotate(-90 " << num(p.x) << " " << num(p.y) << ")\"";
          o << clip << ">" << escape(r.utf8) << "</text>\n";
        }
        break;
      case DrawOp::Kind::image:
        o << "<image x=\"" << op.x0 << "\" y=\"" << op.y0 << "\" width=\"" << op.w << "\" height=\"" << op.h
          << "\" preserveAspectRatio=\"none\" style=\"image-rendering:pixelated\" xlink:href=\"data:image/png;base64,"
          << base64(encode_png(op.rgba.data(), op.w, op.h, 4)) << "\"" << clip << "/>\n";
        break;
    }
  }
  o << "</svg>\n";
  return o.str();
}

}  // namespace fluxion::plot
