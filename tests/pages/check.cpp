// SPDX-License-Identifier: MIT
// The page checks: a script run in the page lists its images and links; links
// are resolved here against the file system, and the console log is read back.
#include "check.h"

#include <fstream>
#include <sstream>

namespace pages_test {
namespace fs = std::filesystem;
namespace {

// One line per finding: "broken SRC", "link HREF" (resolved to an absolute
// URL), "figures N", "noalt N", "h1 N".
constexpr const char* kScript = R"(
const out = [];
for (const i of document.images) if (!(i.complete && i.naturalWidth > 0)) out.push('broken ' + i.getAttribute('src'));
for (const a of document.querySelectorAll('a[href]')) out.push('link ' + a.href);
out.push('figures ' + [...document.querySelectorAll('figure img')].filter(i => i.naturalWidth > 0).length);
out.push('noalt ' + [...document.images].filter(i => !i.getAttribute('alt')).length);
out.push('h1 ' + document.querySelectorAll('h1').length);
return out.join('\n');)";

std::string percent_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

/// "" when a link resolves: a file:// URL to an existing file, whose #fragment (if any) names an id in it.
std::string link_problem(const std::string& url) {
  if (url.rfind("file://", 0) != 0) return url + " leaves the machine (pages must work offline)";
  const size_t hash = url.find('#');
  const fs::path file = percent_decode(url.substr(7, hash == std::string::npos ? std::string::npos : hash - 7));
  if (!fs::is_regular_file(file)) return url + ": no such file";
  if (hash == std::string::npos || hash + 1 == url.size()) return "";
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  const std::string id = percent_decode(url.substr(hash + 1));
  return text.str().find("id=\"" + id + "\"") == std::string::npos ? url + ": no element with that id" : "";
}

}  // namespace

std::string file_url(const fs::path& page) { return "file://" + fs::absolute(page).lexically_normal().string(); }

PageReport check_page(Browser& browser, const fs::path& page) {
  browser.take_log();  // drop what earlier pages logged
  browser.navigate(file_url(page));
  PageReport r;
  std::istringstream lines(browser.run(kScript));
  for (std::string line; std::getline(lines, line);) {
    const size_t space = line.find(' ');
    const std::string kind = line.substr(0, space), value = line.substr(space + 1);
    if (kind == "broken")
      r.broken_images.push_back(value);
    else if (kind == "link") {
      if (std::string problem = link_problem(value); !problem.empty()) r.dead_links.push_back(problem);
    } else if (kind == "figures")
      r.figures = std::stoi(value);
    else if (kind == "noalt")
      r.images_without_alt = std::stoi(value);
    else if (kind == "h1")
      r.h1_count = std::stoi(value);
  }
  for (const auto& e : browser.take_log())
    if (e.level == "SEVERE") r.console_errors.push_back(e.message);
  return r;
}

int width_at_320(Browser& browser, const fs::path& page) {
  browser.emulate_width(320);
  browser.navigate(file_url(page));
  const int width = std::stoi(browser.run("return String(document.documentElement.scrollWidth);"));
  browser.emulate_width(0);
  return width;
}

}  // namespace pages_test
