// SPDX-License-Identifier: MIT
// Figure layout and output. Tight layout: each grid column gets the widest
// left/right decorations of its axes, each row the tallest top/bottom ones,
// and the remaining width/height is split evenly between the axes boxes.
#include "examples/plot/figure.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "examples/plot/axes_render.h"
#include "examples/plot/text.h"
#include "tensor/error.h"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#include <stb_image_write.h>

namespace fluxion::plot {

Figure::Figure(double width_in, double height_in, double dpi) : w_(width_in), h_(height_in), dpi_(dpi) {
  check(width_in > 0 && height_in > 0 && dpi > 0 && width_in * dpi <= 20000 && height_in * dpi <= 20000,
        "Figure: size ", width_in, " x ", height_in, " in at ", dpi, " dpi is not a drawable size");
}

int Figure::width_px() const { return static_cast<int>(std::lround(w_ * dpi_)); }
int Figure::height_px() const { return static_cast<int>(std::lround(h_ * dpi_)); }

void Figure::subplots(int nrows, int ncols, const SubplotOpts& o) {
  check(nrows > 0 && ncols > 0 && nrows * ncols <= 64, "subplots: a ", nrows, " x ", ncols, " grid is not allowed");
  rows_ = nrows, cols_ = ncols, share_ = o;
  axes_.clear();
  for (int i = 0; i < nrows * ncols; ++i) axes_.push_back(std::make_unique<Axes>());
}

Axes& Figure::ax(int row, int col) {
  if (axes_.empty()) subplots(1, 1);
  check(row >= 0 && row < rows_ && col >= 0 && col < cols_, "Figure::ax: (", row, ", ", col, ") is outside the ", rows_,
        " x ", cols_, " grid");
  return *axes_[static_cast<size_t>(row) * cols_ + col];
}

Axes& Figure::axes(int i) {
  if (axes_.empty()) subplots(1, 1);
  check(i >= 0 && static_cast<size_t>(i) < axes_.size(), "Figure::axes: index ", i, " out of range for ", axes_.size(),
        " axes");
  return *axes_[i];
}

double Figure::colorbar_width() const {
  if (!colorbar_) return 0;
  const double pt = dpi_ / 72;
  return 10 * pt + std::max(8.0, 0.022 * width_px()) +
         AxesRenderer::colorbar_room(colorbar_->first, colorbar_->second, pt);
}

std::vector<View> Figure::layout() const {
  const double pt = dpi_ / 72;
  const double W = width_px() - colorbar_width(), H = height_px();
  const double pad = 1.08 * 10 * pt;  // matplotlib's tight_layout pad: 1.08 font sizes
  const double top0 = pad + (suptitle_.empty() ? 0 : measure_text(suptitle_, 12 * pt).height());
  const size_t n = axes_.size();
  std::vector<View> views(n);
  for (size_t i = 0; i < n; ++i) {
    views[i].pt = pt;
    AxesRenderer::limits(*axes_[i], views[i]);
  }
  // Shared axes: one range over every axes, in the first axes' direction (inverted by imshow or not).
  auto share = [&](bool x) {
    double lo = 1e300, hi = -1e300;
    for (const View& v : views) {
      lo = std::min(lo, x ? std::min(v.x0, v.x1) : std::min(v.y0, v.y1));
      hi = std::max(hi, x ? std::max(v.x0, v.x1) : std::max(v.y0, v.y1));
    }
    const bool inverted = x ? views[0].x0 > views[0].x1 : views[0].y0 > views[0].y1;
    if (inverted) std::swap(lo, hi);
    for (View& v : views) (x ? v.x0 : v.y0) = lo, (x ? v.x1 : v.y1) = hi;
  };
  if (share_.sharex) share(true);
  if (share_.sharey) share(false);
  // Two passes: decorations depend on the ticks, which depend on the box size.
  const double cell_w = (W - 2 * pad) / cols_, cell_h = (H - top0 - pad) / rows_;
  for (View& v : views) v.left = 0, v.right = 0.8 * cell_w, v.top = 0, v.bottom = 0.8 * cell_h;
  for (int pass = 0; pass < 2; ++pass) {
    std::vector<double> l(cols_, 0), r(cols_, 0), t(rows_, 0), b(rows_, 0);
    for (size_t i = 0; i < n; ++i) {
      const Decor d = AxesRenderer::decorations(*axes_[i], views[i], show_x(i), show_y(i));
      const int row = static_cast<int>(i) / cols_, col = static_cast<int>(i) % cols_;
      l[col] = std::max(l[col], d.left), r[col] = std::max(r[col], d.right);
      t[row] = std::max(t[row], d.top), b[row] = std::max(b[row], d.bottom);
    }
    double fixed_w = (cols_ - 1) * pad, fixed_h = (rows_ - 1) * pad;
    for (int c = 0; c < cols_; ++c) fixed_w += l[c] + r[c];
    for (int r0 = 0; r0 < rows_; ++r0) fixed_h += t[r0] + b[r0];
    const double aw = std::max(10.0, (W - 2 * pad - fixed_w) / cols_),
                 ah = std::max(10.0, (H - top0 - pad - fixed_h) / rows_);
    for (size_t i = 0; i < n; ++i) {
      const int row = static_cast<int>(i) / cols_, col = static_cast<int>(i) % cols_;
      double x = pad, y = top0;
      for (int c = 0; c < col; ++c) x += l[c] + aw + r[c] + pad;
      for (int r0 = 0; r0 < row; ++r0) y += t[r0] + ah + b[r0] + pad;
      View& v = views[i];
      v.left = std::round(x + l[col]), v.right = std::round(x + l[col] + aw);
      v.top = std::round(y + t[row]), v.bottom = std::round(y + t[row] + ah);
    }
  }
  for (size_t i = 0; i < n; ++i) AxesRenderer::aspect(*axes_[i], views[i]);
  return views;
}

bool Figure::show_x(size_t i) const { return !share_.sharex || static_cast<int>(i) / cols_ == rows_ - 1; }
bool Figure::show_y(size_t i) const { return !share_.sharey || static_cast<int>(i) % cols_ == 0; }

View Figure::view(int i) const {
  check(i >= 0 && static_cast<size_t>(i) < axes_.size(), "Figure::view: index ", i, " out of range for ", axes_.size(),
        " axes");
  return layout()[i];
}

Image Figure::render() const {
  Canvas cv(width_px(), height_px(), {1, 1, 1, 1});
  draw(cv);
  return cv.to_image();
}

void Figure::draw(Canvas& cv) const {
  const double pt = dpi_ / 72;
  if (!suptitle_.empty())
    draw_text(cv, suptitle_, width_px() / 2.0, 0.6 * 1.08 * 10 * pt, 12 * pt, {0, 0, 0, 1}, HAlign::center,
              VAlign::top);
  const std::vector<View> views = layout();
  for (size_t i = 0; i < views.size(); ++i) AxesRenderer::draw(*axes_[i], cv, views[i], show_x(i), show_y(i));
  if (colorbar_ && !views.empty()) {  // spans the grid, right of the last column
    double top = 1e300, bottom = 0;
    for (const View& v : views) top = std::min(top, v.top), bottom = std::max(bottom, v.bottom);
    const double x0 = width_px() - colorbar_width() - 1.08 * 10 * pt + 10 * pt;  // after the last column's margin
    AxesRenderer::colorbar(colorbar_->first, colorbar_->second, cv, x0, top, x0 + std::max(8.0, 0.022 * width_px()),
                           bottom, pt);
  }
}

namespace {

void make_parent(const std::filesystem::path& p) {
  std::error_code ec;
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  check(!ec, "savefig: cannot create directory '", p.parent_path().string(), "': ", ec.message());
}

void append(void* ctx, void* data, int size) {
  auto* out = static_cast<std::vector<uint8_t>*>(ctx);
  out->insert(out->end(), static_cast<uint8_t*>(data), static_cast<uint8_t*>(data) + size);
}

}  // namespace

std::vector<uint8_t> encode_png(const uint8_t* pixels, int width, int height, int channels) {
  std::vector<uint8_t> out;
  stbi_write_png_to_func(append, &out, width, height, channels, pixels, width * channels);
  return out;
}

void write_png(const Image& img, const std::string& path) {
  check(!path.empty(), "savefig: empty path");
  make_parent(path);
  const int ok = stbi_write_png(path.c_str(), img.width, img.height, 3, img.rgb.data(), img.width * 3);
  check(ok != 0, "savefig: cannot write '", path, "'; check that the directory is writable");
}

void Figure::save_as(const std::string& path, const std::string& format) const {
  if (format == "png") return write_png(render(), path);
  Canvas cv(width_px(), height_px(), {1, 1, 1, 1});
  cv.record();
  draw(cv);
  const std::string doc = format == "svg" ? to_svg(cv.ops(), width_px(), height_px(), dpi_)
                                          : to_pdf(cv.ops(), width_px(), height_px(), dpi_);
  make_parent(path);
  std::ofstream out(path, std::ios::binary);
  out.write(doc.data(), static_cast<std::streamsize>(doc.size()));
  check(static_cast<bool>(out), "savefig: cannot write '", path, "'; check that the directory is writable");
}

void Figure::savefig(const std::string& path) const {
  check(!path.empty(), "savefig: empty path");
  std::string ext = std::filesystem::path(path).extension().string();
  for (char& ch : ext) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (ext.empty()) ext = ".png";  // matplotlib's default format
  check(ext == ".png" || ext == ".svg" || ext == ".pdf", "savefig: cannot write '", path, "': format '", ext.substr(1),
        "' is not supported; use .png, .svg or .pdf");
  save_as(path, ext.substr(1));
  // FLUXION_FIGURE_FORMATS=png,svg,pdf also writes a PNG figure in the other formats, beside it.
  const char* env = std::getenv("FLUXION_FIGURE_FORMATS");
  if (ext != ".png" || !env) return;
  std::string list = env;
  for (size_t start = 0; start <= list.size();) {
    const size_t end = std::min(list.find(',', start), list.size());
    const std::string f = list.substr(start, end - start);
    check(f.empty() || f == "png" || f == "svg" || f == "pdf", "FLUXION_FIGURE_FORMATS: unknown format '", f,
          "'; list some of png, svg, pdf separated by commas");
    if (f == "svg" || f == "pdf") save_as(std::filesystem::path(path).replace_extension(f).string(), f);
    start = end + 1;
  }
}

}  // namespace fluxion::plot
