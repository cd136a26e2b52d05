// SPDX-License-Identifier: MIT
// fluxion_pages: the lessons as web pages. Reads each program's captured
// stdout (OUT/logs/NAME.txt, which ./run.sh lessons writes), the code between
// "// page:begin KEY" and "// page:end" in examples/lessons/, and the prose in
// examples/pages/text/; writes OUT/index.html, OUT/lessonNN/index.html and a
// page per example that ran, beside the figures the programs drew.
//
//   fluxion_pages SOURCE_DIR OUT_DIR
#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "examples/pages/pages.h"

namespace fs = std::filesystem;
using namespace pages;

namespace {

/// A page to write: where it goes (from OUT), its label in the sidebar, its body.
struct Page {
  std::string href;   // "lesson07/index.html"
  std::string label;  // "7 · Jacobian and Hessian"
  std::string title;
  std::string body;
  std::string thumb, thumb_alt;  // the index's thumbnail, relative to OUT
};

std::string two_digits(int n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d", n);
  return buf;
}

/// The file a page shows for a figure written as dir/name: its SVG copy when
/// the figure library wrote one of at most 1 MB (a 10 000-point scatter is
/// smaller and quicker as PNG), else the file itself.
std::string shown_file(const fs::path& dir, const std::string& name) {
  if (!fs::exists(dir / name)) throw std::runtime_error("pages: figure " + (dir / name).string() + " is missing");
  const fs::path svg = (dir / name).replace_extension(".svg");
  if (fs::path(name).extension() == ".png" && fs::exists(svg) && fs::file_size(svg) <= (1u << 20))
    return svg.filename().string();
  return name;
}

std::string alt_text(const Prose& prose, const std::string& name, const std::string& section) {
  if (auto it = prose.alts.find(name); it != prose.alts.end()) return it->second;
  std::string stem = fs::path(name).stem().string();
  std::replace(stem.begin(), stem.end(), '_', ' ');
  return "Figure “" + stem + "”" + (section.empty() ? "" : " of " + section);
}

/// The figures of one section, as <figure> elements; sets the page's thumbnail to the first.
std::string figures_html(Page& page, const Prose& prose, const fs::path& dir, const std::vector<std::string>& names,
                         const std::string& section) {
  std::string html;
  for (const auto& name : names) {
    const std::string alt = alt_text(prose, name, section);
    const std::string shown = shown_file(dir, name);
    html += figure(shown, alt, shown);
    if (page.thumb.empty()) {
      page.thumb = dir.filename().string() + "/" + name;
      page.thumb_alt = alt;
    }
  }
  return html.empty() ? "" : "<div class=\"figures\">\n" + html + "</div>\n";
}

std::string output_html(const std::string& output) {
  return output.empty() ? "" : "<pre class=\"output\" aria-label=\"printed output\">" + escape(output) + "</pre>\n";
}

/// The lesson NN page; throws naming every section whose prose or code is missing.
Page lesson_page(int nn, const fs::path& lessons_dir, const fs::path& text_dir, const fs::path& out) {
  const std::string id = two_digits(nn);
  std::vector<fs::path> sources;
  std::string source_name;
  for (const auto& e : fs::directory_iterator(lessons_dir)) {
    if (e.path().filename().string().rfind(id + "_", 0) != 0) continue;
    source_name = e.path().filename().string() + (e.is_directory() ? "/" : "");
    if (e.is_directory()) {
      for (const auto& f : fs::directory_iterator(e.path()))
        if (f.path().extension() == ".cpp") sources.push_back(f.path());
    } else {
      sources.push_back(e.path());
    }
  }
  std::sort(sources.begin(), sources.end());
  const Prose prose = read_prose(text_dir / ("lesson" + id + ".md"));
  const auto code = read_code_marks(sources);
  const auto sections = read_output(out / "logs" / ("lesson" + id + ".txt"));
  const fs::path dir = out / ("lesson" + id);

  Page page{.href = "lesson" + id + "/index.html",
            .label = std::to_string(nn) + " · " + prose.title,
            .title = "Lesson " + std::to_string(nn) + ": " + prose.title};
  std::string& body = page.body;
  body = "<h1>Lesson " + std::to_string(nn) + " · " + escape(prose.title) + "</h1>\n" + markdown(prose.intro) +
         "<p class=\"source\">Program: <code>examples/lessons/" + escape(source_name) +
         "</code>. Run it on its own with <code>./run.sh lessons " + std::to_string(nn) + "</code>.</p>\n";
  std::string missing;
  std::vector<std::string> keys;
  for (const auto& s : sections) {
    const std::string key = section_key(s.title);
    keys.push_back(key);
    body += "<section" + (key.empty() ? std::string() : " id=\"" + slug(key) + "\"") + ">\n";
    if (!key.empty()) {
      body += "<h2>" + escape(s.title) + "</h2>\n";
      auto p = prose.sections.find(key);
      auto c = code.find(key);
      if (p == prose.sections.end()) missing += " prose for '" + key + "';";
      if (c == code.end()) missing += " code marks '// page:begin " + key + "';";
      if (p != prose.sections.end()) body += markdown(p->second);
      if (c != code.end()) body += "<pre class=\"code\"><code>" + escape(c->second) + "</code></pre>\n";
    }
    body += output_html(s.output) + figures_html(page, prose, dir, s.figures, s.title) + "</section>\n";
  }
  for (const auto& [key, text] : prose.sections)
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) missing += " a printed section '" + key + "';";
  if (!missing.empty()) throw std::runtime_error("pages: lesson " + id + " lacks" + missing);
  return page;
}

/// An example's page, in OUT/<dir>/index.html: its prose, what it printed and
/// its figures (those it announced with "[figure]", else every image in its folder).
Page example_page(const std::string& name, const fs::path& text, const fs::path& out) {
  const Prose prose = read_prose(text);
  const std::string dir_name = prose.dir.empty() ? name : prose.dir;
  const fs::path dir = out / dir_name;
  Page page{.href = dir_name + "/index.html", .label = prose.title, .title = prose.title};
  page.body = "<h1>" + escape(prose.title) + "</h1>\n" + markdown(prose.intro) +
              "<p class=\"source\">Program: <code>examples/" + escape(name) + ".cpp</code>.</p>\n";
  std::vector<std::string> figures;
  for (const auto& s : read_output(out / "logs" / (name + ".txt"))) {
    page.body += (s.title.empty() ? "" : "<h2>" + escape(s.title) + "</h2>\n") + output_html(s.output);
    figures.insert(figures.end(), s.figures.begin(), s.figures.end());
  }
  if (figures.empty() && fs::is_directory(dir))
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".png" || e.path().extension() == ".gif")
        figures.push_back(e.path().filename().string());
  std::sort(figures.begin(), figures.end());
  page.body += figures_html(page, prose, dir, figures, "");
  return page;
}

std::string index_body(const std::vector<Page>& lessons, const std::vector<Page>& examples) {
  std::string body =
      "<h1>Calculus for machine learning, in C++</h1>\n"
      "<p>Sixteen lessons, each a program on fluxion that computes, prints and draws one topic of calculus that "
      "machine learning leans on. Every page shows the lesson's key code, the numbers it printed on this machine "
      "and the figures it drew. <code>./run.sh lessons</code> writes these pages again.</p>\n"
      "<h2>Lessons</h2>\n<ul class=\"cards\">\n";
  auto card = [](const Page& p) {
    return "<li><a href=\"" + escape(p.href) + "\">" +
           (p.thumb.empty() ? "" : "<img src=\"" + escape(p.thumb) + "\" alt=\"" + escape(p.thumb_alt) + "\">") +
           "<span>" + escape(p.label) + "</span></a></li>\n";
  };
  for (const auto& p : lessons) body += card(p);
  body += "</ul>\n";
  if (!examples.empty()) {
    body += "<h2>Examples</h2>\n<ul class=\"cards\">\n";
    for (const auto& p : examples) body += card(p);
    body += "</ul>\n";
  }
  return body;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: fluxion_pages SOURCE_DIR OUT_DIR\n");
    return 2;
  }
  const fs::path source = argv[1], out = argv[2];
  const fs::path text = source / "examples/pages/text";
  try {
    std::vector<Page> lessons, examples;
    for (int nn = 1; nn <= 16; ++nn)
      if (fs::exists(out / "logs" / ("lesson" + two_digits(nn) + ".txt")))
        lessons.push_back(lesson_page(nn, source / "examples/lessons", text, out));
    std::vector<fs::path> example_texts;
    for (const auto& e : fs::directory_iterator(text / "examples")) example_texts.push_back(e.path());
    std::sort(example_texts.begin(), example_texts.end());
    for (const auto& t : example_texts)
      if (fs::exists(out / "logs" / (t.stem().string() + ".txt")))
        examples.push_back(example_page(t.stem().string(), t, out));

    std::vector<NavLink> nav{{"", "Lessons"}};
    for (const auto& p : lessons) nav.push_back({p.href, p.label});
    if (!examples.empty()) nav.push_back({"", "Examples"});
    for (const auto& p : examples) nav.push_back({p.href, p.label});
    size_t bytes = 0;
    auto emit = [&](const fs::path& file, const std::string& html) {
      write_file(file, html);
      bytes += html.size();
    };
    emit(out / "index.html", layout("Lessons", nav, "index.html", index_body(lessons, examples), true));
    for (size_t i = 0; i < lessons.size(); ++i) {
      std::string pager = "<nav class=\"pager\" aria-label=\"previous and next lesson\">";
      if (i > 0) pager += "<a href=\"../" + lessons[i - 1].href + "\">← " + escape(lessons[i - 1].label) + "</a>";
      if (i + 1 < lessons.size())
        pager += "<a class=\"next\" href=\"../" + lessons[i + 1].href + "\">" + escape(lessons[i + 1].label) + " →</a>";
      emit(out / lessons[i].href,
           layout(lessons[i].title, nav, lessons[i].href, lessons[i].body + pager + "</nav>\n", false));
    }
    for (const auto& p : examples) emit(out / p.href, layout(p.title, nav, p.href, p.body, false));
    emit(out / "style.css", read_file(source / "examples/pages/style.css"));
    std::printf("pages: wrote %zu pages (%zu KB of HTML and CSS) to %s\n", 1 + lessons.size() + examples.size(),
                bytes / 1024, (out / "index.html").c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
