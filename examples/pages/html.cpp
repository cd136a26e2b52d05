// SPDX-License-Identifier: MIT
// The HTML the page writer produces: escaping, a small markdown subset for the
// prose, figures, and the layout every page shares (top bar, sidebar, main).
#include <cctype>

#include "examples/pages/pages.h"

namespace pages {
namespace {

/// Lets <sub>, </sub>, <sup> and </sup> through the escaping: the prose writes
/// indices and powers in formulas with them.
std::string allow_scripts(std::string html) {
  for (const std::string tag : {"sub>", "/sub>", "sup>", "/sup>"}) {
    const std::string escaped = "&lt;" + tag.substr(0, tag.size() - 1) + "&gt;";
    for (size_t at; (at = html.find(escaped)) != std::string::npos;) html.replace(at, escaped.size(), "<" + tag);
  }
  return html;
}

/// `code` and *emphasis* inside one escaped line of prose.
std::string inline_markup(const std::string& text) {
  std::string out;
  bool code = false, em = false;
  for (char c : escape(text)) {
    if (c == '`') {
      out += code ? "</code>" : "<code>";
      code = !code;
    } else if (c == '*' && !code) {
      out += em ? "</em>" : "<em>";
      em = !em;
    } else {
      out += c;
    }
  }
  if (code) out += "</code>";
  if (em) out += "</em>";
  return allow_scripts(out);
}

}  // namespace

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string slug(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c))
      out += static_cast<char>(std::tolower(c));
    else if (!out.empty() && out.back() != '-')
      out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

std::string markdown(const std::string& text) {
  std::string html, para;
  bool in_list = false;
  auto flush = [&] {
    if (!para.empty()) html += "<p>" + inline_markup(para) + "</p>\n";
    para.clear();
  };
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    const bool item = line.rfind("- ", 0) == 0;
    if (line.find_first_not_of(' ') == std::string::npos || item) flush();
    if (in_list && !item && !line.empty()) {
      html += "</ul>\n";
      in_list = false;
    }
    if (item) {
      if (!in_list) html += "<ul>\n";
      in_list = true;
      html += "<li>" + inline_markup(line.substr(2)) + "</li>\n";
    } else if (line.find_first_not_of(' ') != std::string::npos) {
      para += (para.empty() ? "" : " ") + line;
    }
  }
  flush();
  if (in_list) html += "</ul>\n";
  return html;
}

std::string figure(const std::string& src, const std::string& alt, const std::string& caption) {
  return "<figure><img src=\"" + escape(src) + "\" alt=\"" + escape(alt) + "\"><figcaption>" + escape(caption) +
         "</figcaption></figure>\n";
}

std::string layout(const std::string& title, const std::vector<NavLink>& nav, const std::string& current,
                   const std::string& body, bool at_root) {
  const std::string up = at_root ? "" : "../";
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
      escape(title) + " · fluxion</title>\n<link rel=\"stylesheet\" href=\"" + up + "style.css\">\n</head>\n<body>\n" +
      "<header class=\"top\"><a href=\"" + up + "index.html\">fluxion · calculus for machine learning</a></header>\n" +
      "<div class=\"layout\">\n<nav aria-label=\"Lessons and examples\">\n";
  bool list_open = false;
  for (const auto& link : nav) {
    if (link.href.empty()) {  // a group heading
      html += std::string(list_open ? "</ul>\n" : "") + "<h2>" + escape(link.label) + "</h2>\n<ul>\n";
      list_open = true;
      continue;
    }
    if (!list_open) html += "<ul>\n";
    list_open = true;
    // "7 · Jacobian and Hessian": on narrow screens the style sheet shows only the
    // number (the title stays in the link's accessible name).
    const bool here = link.href == current;
    const size_t dot = link.label.find(" · ");
    const std::string label = dot == std::string::npos ? escape(link.label)
                                                       : escape(link.label.substr(0, dot)) + "<span class=\"title\">" +
                                                             escape(link.label.substr(dot)) + "</span>";
    html += "<li><a href=\"" + up + escape(link.href) + "\"" + (here ? " aria-current=\"page\"" : "") + ">" + label +
            "</a></li>\n";
  }
  return html + (list_open ? "</ul>\n" : "") + "</nav>\n<main>\n" + body + "</main>\n</div>\n</body>\n</html>\n";
}

}  // namespace pages
