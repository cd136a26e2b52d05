// SPDX-License-Identifier: MIT
// The lesson pages: what the page writer reads (a program's printed output,
// the marked lines of its source, its prose in text/) and the HTML it makes.
#pragma once
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace pages {
namespace fs = std::filesystem;

/// One "== Title ==" section of a program's printed output.
struct Section {
  std::string title;                 // "Demo 1: Jacobian of y = tanh(Wx + b)"
  std::string output;                // the lines printed under the header, verbatim
  std::vector<std::string> figures;  // file names from its "[figure] path" lines, in order
};

/// A lesson's or example's prose: "# Title", "dir: folder" (examples: where
/// its figures are), intro paragraphs, then one "## KEY" block per section.
/// A line "![file.png] text" gives a figure's alt text.
struct Prose {
  std::string title;
  std::string dir;
  std::string intro;
  std::map<std::string, std::string> sections;  // "Demo 1" -> paragraphs
  std::map<std::string, std::string> alts;      // "mlp_hessian_spectrum.png" -> alt text
};

/// "Demo 1" from "Demo 1: Jacobian of ...": the key prose and code marks use.
std::string section_key(const std::string& title);

/// Splits a program's stdout at its "== Title ==" headers; lines before the
/// first header form a section with an empty title.
std::vector<Section> read_output(const fs::path& file);

/// The lines between "// page:begin KEY" and "// page:end" in the sources, per
/// KEY, with their common indentation removed; several blocks of one KEY are
/// joined with a "…" line.
std::map<std::string, std::string> read_code_marks(const std::vector<fs::path>& sources);

Prose read_prose(const fs::path& file);

std::string read_file(const fs::path& file);
void write_file(const fs::path& file, const std::string& text);

// html.cpp

/// A link in the navigation: its path from the output root, its label.
struct NavLink {
  std::string href;
  std::string label;
};

std::string escape(const std::string& text);
/// "Demo 1 (post)" -> "demo-1-post": a section's id.
std::string slug(const std::string& text);
/// Paragraphs (blank-line separated), "- " list items, `code` and *emphasis*.
std::string markdown(const std::string& text);
/// A whole page one folder below the output root: head, top bar, sidebar
/// (current page marked), then body inside <main>.
std::string layout(const std::string& title, const std::vector<NavLink>& nav, const std::string& current,
                   const std::string& body, bool at_root);
/// <figure> with the image at src (relative to the page) and alt text.
std::string figure(const std::string& src, const std::string& alt, const std::string& caption);

}  // namespace pages
