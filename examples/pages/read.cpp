// SPDX-License-Identifier: MIT
// What the page writer reads: a program's captured stdout split at its section
// headers, the code between page markers in its source, and its prose file.
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "examples/pages/pages.h"

namespace pages {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

/// "  [figure] out/lesson07/x.png (12 frames)" -> "x.png"; "" when the line names no figure.
std::string figure_name(const std::string& line) {
  const size_t at = line.find("[figure] ");
  if (at == std::string::npos) return "";
  std::string path = line.substr(at + 9);
  path = path.substr(0, path.find(' '));
  return fs::path(path).filename().string();
}

/// Removes the indentation all non-blank lines share.
std::string dedent(const std::vector<std::string>& lines) {
  size_t common = std::string::npos;
  for (const auto& l : lines)
    if (!trim(l).empty()) common = std::min(common, l.find_first_not_of(' '));
  std::string out;
  for (const auto& l : lines) out += (trim(l).empty() ? "" : l.substr(common)) + "\n";
  return out;
}

}  // namespace

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("pages: cannot read " + file.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("pages: cannot write " + file.string());
}

std::string section_key(const std::string& title) { return trim(title.substr(0, title.find(':'))); }

std::vector<Section> read_output(const fs::path& file) {
  std::vector<Section> sections(1);
  std::vector<std::vector<std::string>> lines(1);
  for (const auto& line : lines_of(read_file(file))) {
    if (starts_with(line, "== ") && line.size() > 6 && line.compare(line.size() - 3, 3, " ==") == 0) {
      sections.push_back({.title = line.substr(3, line.size() - 6)});
      lines.emplace_back();
      continue;
    }
    if (const std::string name = figure_name(line); !name.empty()) sections.back().figures.push_back(name);
    lines.back().push_back(line);
  }
  for (size_t i = 0; i < sections.size(); ++i) {  // the lines between the first and last non-blank one
    auto& ls = lines[i];
    size_t b = 0, e = ls.size();
    while (b < e && trim(ls[b]).empty()) ++b;
    while (e > b && trim(ls[e - 1]).empty()) --e;
    for (size_t k = b; k < e; ++k) sections[i].output += ls[k] + "\n";
  }
  if (sections.front().output.empty()) sections.erase(sections.begin());
  return sections;
}

std::map<std::string, std::string> read_code_marks(const std::vector<fs::path>& sources) {
  std::map<std::string, std::string> marks;
  for (const auto& src : sources) {
    std::string key;
    std::vector<std::string> block;
    int lineno = 0;
    for (const auto& line : lines_of(read_file(src))) {
      ++lineno;
      const std::string t = trim(line);
      if (starts_with(t, "// page:begin ")) {
        if (!key.empty())
          throw std::runtime_error(src.string() + ":" + std::to_string(lineno) + ": page:begin inside '" + key +
                                   "'; close it with // page:end first");
        key = trim(t.substr(14));
        block.clear();
      } else if (t == "// page:end") {
        if (key.empty())
          throw std::runtime_error(src.string() + ":" + std::to_string(lineno) + ": page:end without page:begin");
        std::string& code = marks[key];
        code += (code.empty() ? "" : "…\n") + dedent(block);
        key.clear();
      } else if (!key.empty()) {
        block.push_back(line);
      }
    }
    if (!key.empty())
      throw std::runtime_error(src.string() + ": page:begin " + key + " is never closed by // page:end");
  }
  return marks;
}

Prose read_prose(const fs::path& file) {
  Prose p;
  std::string* text = &p.intro;
  for (const auto& line : lines_of(read_file(file))) {
    if (starts_with(line, "# ")) {
      p.title = trim(line.substr(2));
    } else if (starts_with(line, "## ")) {
      text = &p.sections[trim(line.substr(3))];
    } else if (starts_with(line, "dir: ") && text == &p.intro && p.intro.empty()) {
      p.dir = trim(line.substr(5));
    } else if (starts_with(line, "![") && line.find("] ") != std::string::npos) {
      const size_t close = line.find("] ");
      p.alts[line.substr(2, close - 2)] = trim(line.substr(close + 2));
    } else {
      *text += line + "\n";
    }
  }
  if (p.title.empty()) throw std::runtime_error(file.string() + ": no '# Title' line");
  return p;
}

}  // namespace pages
