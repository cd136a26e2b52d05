// SPDX-License-Identifier: MIT
// SVG and PDF output: savefig picks the back end from the extension; the SVG
// is well-formed XML with text as <text>; the PDF's xref table points at its
// objects, its object count matches, and the text is in the content stream.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

#include "examples/plot/plot.h"

namespace plot = fluxion::plot;
using plot::Vec;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::string tmp(const std::string& name) {
  return (std::filesystem::temp_directory_path() / "fluxion_plot_test" / name).string();
}

// A structural XML check: one root, every start tag closed in order, quoted
// attributes, no raw '<' or stray '&' in text. Returns the element names in order.
std::vector<std::string> parse_xml(const std::string& s) {
  std::vector<std::string> stack, names;
  size_t i = 0;
  if (s.compare(0, 5, "<?xml") == 0) i = s.find("?>") + 2;
  int roots = 0;
  while (i < s.size()) {
    if (s[i] != '<') {
      const size_t next = std::min(s.find('<', i), s.size());
      for (size_t k = i; k < next; ++k)
        if (s[k] == '&') {
          const size_t semi = s.find(';', k);
          if (semi == std::string::npos || semi - k > 6) throw std::runtime_error("stray & in text");
        }
      if (stack.empty() && s.substr(i, next - i).find_first_not_of(" \n\t\r") != std::string::npos)
        throw std::runtime_error("text outside the root");
      i = next;
      continue;
    }
    const size_t end = s.find('>', i);
    if (end == std::string::npos) throw std::runtime_error("unclosed tag");
    std::string tag = s.substr(i + 1, end - i - 1);
    if (tag.find('<') != std::string::npos) throw std::runtime_error("'<' inside a tag");
    if (std::count(tag.begin(), tag.end(), '"') % 2) throw std::runtime_error("unbalanced quotes in <" + tag + ">");
    if (tag[0] == '/') {
      if (stack.empty() || stack.back() != tag.substr(1))
        throw std::runtime_error("mismatched </" + tag.substr(1) + ">");
      stack.pop_back();
    } else {
      const bool empty = tag.back() == '/';
      const std::string name = tag.substr(0, tag.find_first_of(" /\n"));
      if (stack.empty() && ++roots > 1) throw std::runtime_error("two roots");
      names.push_back(name);
      if (!empty) stack.push_back(name);
    }
    i = end + 1;
  }
  if (!stack.empty()) throw std::runtime_error("unclosed <" + stack.back() + ">");
  return names;
}

plot::Figure sample_figure() {
  plot::Figure fig(4, 3, 100);
  auto& ax = fig.ax();
  ax.plot(Vec{0, 1, 2}, Vec{0, 1, 0.5}, {.color = "C1", .linestyle = "--", .label = "a & b"});
  ax.scatter({0.5, 1.5}, {0.2, 0.8});
  ax.set_title("Loss <x> \u2207f(\u03b8)");
  ax.set_xlabel("x");
  ax.set_ylabel("y");
  ax.legend();
  return fig;
}

}  // namespace

TEST(Vector, SvgIsWellFormedWithTextAsText) {
  const std::string path = tmp("fig.svg");
  sample_figure().savefig(path);
  const std::string svg = slurp(path);
  ASSERT_EQ(svg.compare(0, 5, "<?xml"), 0);
  std::vector<std::string> names;
  ASSERT_NO_THROW(names = parse_xml(svg));
  EXPECT_EQ(names.front(), "svg");
  EXPECT_GT(std::count(names.begin(), names.end(), "path"), 10);
  EXPECT_GE(std::count(names.begin(), names.end(), "circle"), 2);
  EXPECT_NE(svg.find(">Loss &lt;x&gt; \u2207f(\u03b8)</text>"), std::string::npos);  // escaped, Unicode kept
  EXPECT_NE(svg.find(">a &amp; b</text>"), std::string::npos);
  EXPECT_NE(svg.find("rotate(-90"), std::string::npos);  // the y label
  EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos);
  EXPECT_NE(svg.find("width=\"288pt\" height=\"216pt\""), std::string::npos);  // 4 x 3 inches in points
}

TEST(Vector, SvgEmbedsImagesAsPng) {
  plot::Figure fig(3, 3, 50);
  fig.ax().imshow({0, 1, 2, 3}, 2, 2);
  const std::string path = tmp("img.svg");
  fig.savefig(path);
  const std::string svg = slurp(path);
  EXPECT_NO_THROW(parse_xml(svg));
  EXPECT_NE(svg.find("<image "), std::string::npos);
  EXPECT_NE(svg.find("data:image/png;base64,iVBORw0KGgo"), std::string::npos);  // the PNG signature
}

TEST(Vector, PdfXrefPointsAtEveryObject) {
  const std::string path = tmp("fig.pdf");
  sample_figure().savefig(path);
  const std::string pdf = slurp(path);
  ASSERT_EQ(pdf.compare(0, 8, "%PDF-1.4"), 0);
  const size_t sx = pdf.rfind("startxref");
  ASSERT_NE(sx, std::string::npos);
  const size_t xref = std::stoul(pdf.substr(sx + 10));
  ASSERT_EQ(pdf.compare(xref, 4, "xref"), 0);
  std::istringstream in(pdf.substr(xref + 5));
  size_t first = 9, count = 0;
  in >> first >> count;
  EXPECT_EQ(first, 0u);
  std::string off, gen, kind;
  in >> off >> gen >> kind;
  EXPECT_EQ(kind, "f");
  for (size_t n = 1; n < count; ++n) {
    in >> off >> gen >> kind;
    ASSERT_EQ(off.size(), 10u);
    const std::string head = std::to_string(n) + " 0 obj";
    EXPECT_EQ(pdf.compare(std::stoul(off), head.size(), head), 0) << "object " << n;
  }
  size_t objs = 0;
  for (size_t p = 0; (p = pdf.find("endobj", p)) != std::string::npos; ++p) ++objs;
  EXPECT_EQ(objs, count - 1);
  EXPECT_NE(pdf.find("/Size " + std::to_string(count)), std::string::npos);
  EXPECT_NE(pdf.find("(Loss <x> "), std::string::npos);  // Helvetica text ...
  EXPECT_NE(pdf.find("/F2 "), std::string::npos);        // ... and \u2207, \u03b8 from Symbol
  EXPECT_NE(pdf.find("(a & b) Tj"), std::string::npos);
}

TEST(Vector, FormatsFromTheEnvironmentAndBadExtensions) {
  const std::string png = tmp("env/fig.png");
  std::filesystem::remove_all(tmp("env"));
  ::setenv("FLUXION_FIGURE_FORMATS", "png,svg,pdf", 1);
  sample_figure().savefig(png);
  ::unsetenv("FLUXION_FIGURE_FORMATS");
  EXPECT_TRUE(std::filesystem::exists(png));
  EXPECT_EQ(slurp(tmp("env/fig.svg")).compare(0, 5, "<?xml"), 0);
  EXPECT_EQ(slurp(tmp("env/fig.pdf")).compare(0, 5, "%PDF-"), 0);
  EXPECT_THROW(sample_figure().savefig(tmp("fig.jpeg")), fluxion::Error);
}

TEST(Vector, RecordingLeavesThePixelsAlone) {
  const plot::Figure fig = sample_figure();
  const plot::Image a = fig.render();
  plot::Canvas cv(fig.width_px(), fig.height_px(), {1, 1, 1, 1});
  cv.record();
  fig.draw(cv);
  EXPECT_EQ(cv.to_image().rgb, a.rgb);
  EXPECT_FALSE(cv.ops().empty());
}
