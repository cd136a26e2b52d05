// SPDX-License-Identifier: MIT
// The lesson pages in a real browser: headless Chromium, driven through
// chromedriver, loads every page from file:// and checks console errors, broken
// images, dead links, figure counts and the width at 320 px; first the checker
// itself is shown to catch a page with each of those faults. Exits 77 (CTest's
// skip code) when Chromium or chromedriver is not installed.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "check.h"

namespace fs = std::filesystem;
using namespace pages_test;

namespace {

Browser& browser() {
  static Browser b(find_program("chromium"), find_program("chromedriver"));
  return b;
}

void write(const fs::path& file, const std::string& text) { std::ofstream(file) << text; }

/// A folder with a clean page and a page with one of each fault.
fs::path checker_fixture() {
  const fs::path dir = fs::temp_directory_path() / ("fluxion_pages_checker_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  write(dir / "dot.svg",
        R"(<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><circle cx="10" cy="10" r="8"/></svg>)");
  write(dir / "good.html", R"(<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>good</title></head>
<body><h1 id="top">Good</h1><figure><img src="dot.svg" alt="a dot"></figure><a href="bad.html">bad</a> <a href="#top">top</a></body></html>)");
  write(dir / "bad.html", R"(<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>bad</title></head>
<body><h1>Bad</h1><figure><img src="dot.svg" alt="a dot"></figure><figure><img src="missing.png" alt="gone"></figure>
<img src="dot.svg"><a href="nowhere.html">dead</a> <a href="good.html#nosuch">no id</a>
<script>console.error("boom");</script></body></html>)");
  return dir;
}

/// The figures each lesson draws at least (PNG, SVG or GIF; lesson 15's graph.dot is a link, not a figure).
constexpr int kFigures[17] = {0, 3, 5, 1, 8, 5, 3, 3, 2, 2, 6, 6, 6, 10, 5, 2, 4};

fs::path pages_dir() {
  const char* dir = std::getenv("FLUXION_PAGES_DIR");
  return dir ? fs::path(dir) : fs::path("out");
}

std::vector<fs::path> all_pages() {
  std::vector<fs::path> pages{pages_dir() / "index.html"};
  for (const auto& e : fs::directory_iterator(pages_dir()))
    if (fs::exists(e.path() / "index.html")) pages.push_back(e.path() / "index.html");
  std::sort(pages.begin(), pages.end());
  return pages;
}

}  // namespace

TEST(PageChecker, FindsEveryFaultOfABrokenPage) {
  const fs::path dir = checker_fixture();
  const PageReport r = check_page(browser(), dir / "bad.html");
  ASSERT_EQ(r.broken_images.size(), 1u);
  EXPECT_EQ(r.broken_images[0], "missing.png");
  EXPECT_EQ(r.figures, 1);  // the loaded one of its two figures
  EXPECT_EQ(r.images_without_alt, 1);
  ASSERT_EQ(r.dead_links.size(), 2u);
  EXPECT_NE(r.dead_links[0].find("nowhere.html: no such file"), std::string::npos) << r.dead_links[0];
  EXPECT_NE(r.dead_links[1].find("no element with that id"), std::string::npos) << r.dead_links[1];
  std::string errors;
  for (const auto& e : r.console_errors) errors += e + "\n";
  EXPECT_NE(errors.find("boom"), std::string::npos) << errors;
  EXPECT_NE(errors.find("missing.png"), std::string::npos) << errors;
  fs::remove_all(dir);
}

TEST(PageChecker, PassesACleanPage) {
  const fs::path dir = checker_fixture();
  const PageReport r = check_page(browser(), dir / "good.html");
  EXPECT_TRUE(r.broken_images.empty());
  EXPECT_TRUE(r.dead_links.empty()) << r.dead_links[0];
  EXPECT_TRUE(r.console_errors.empty()) << r.console_errors[0];
  EXPECT_EQ(r.figures, 1);
  EXPECT_EQ(r.images_without_alt, 0);
  fs::remove_all(dir);
}

TEST(LessonPages, EveryPageLoadsCleanWithItsFigures) {
  ASSERT_TRUE(fs::exists(pages_dir() / "index.html"))
      << pages_dir() << " has no index.html: run ./run.sh lessons, or set FLUXION_PAGES_DIR";
  for (int nn = 1; nn <= 16; ++nn) {
    char name[24];  // "lesson" + any int
    std::snprintf(name, sizeof name, "lesson%02d", nn);
    EXPECT_TRUE(fs::exists(pages_dir() / name / "index.html")) << name << "/index.html was not written";
  }
  const auto pages = all_pages();
  for (const auto& page : pages) {
    const PageReport r = check_page(browser(), page);
    for (const auto& e : r.console_errors) ADD_FAILURE() << page << ": console error: " << e;
    for (const auto& src : r.broken_images) ADD_FAILURE() << page << ": broken image " << src;
    for (const auto& link : r.dead_links) ADD_FAILURE() << page << ": dead link " << link;
    EXPECT_EQ(r.images_without_alt, 0) << page;
    EXPECT_EQ(r.h1_count, 1) << page;
    const std::string folder = page.parent_path().filename().string();
    if (folder.size() == 8 && folder.rfind("lesson", 0) == 0) {
      EXPECT_GE(r.figures, kFigures[std::stoi(folder.substr(6))]) << page << " shows too few figures";
    }
  }
  std::printf("checked %zu pages under %s\n", pages.size(), pages_dir().c_str());
}

TEST(LessonPages, ReadableAt320Pixels) {
  for (const auto& page : all_pages()) EXPECT_LE(width_at_320(browser(), page), 320) << page << " scrolls sideways";
}

TEST(LessonPages, ScreenshotOfLesson7) {
  const fs::path page = pages_dir() / "lesson07" / "index.html";
  ASSERT_TRUE(fs::exists(page));
  browser().navigate(file_url(page));
  const int height = std::stoi(browser().run("return String(document.documentElement.scrollHeight);"));
  browser().resize(1280, std::min(height + 120, 12000));
  const char* env = std::getenv("FLUXION_SCREENSHOT");
  const fs::path shot = env ? fs::path(env) : pages_dir() / "lesson07_page.png";
  browser().screenshot(shot);
  browser().resize(1280, 900);
  std::ifstream in(shot, std::ios::binary);
  std::string magic(8, '\0');
  in.read(magic.data(), 8);
  EXPECT_EQ(magic, "\x89PNG\r\n\x1a\n");
  EXPECT_GT(fs::file_size(shot), 20000u) << shot;
  std::printf("screenshot of lesson 7: %s\n", shot.c_str());
}

int main(int argc, char** argv) {
  if (find_program("chromium").empty() || find_program("chromedriver").empty()) {
    std::printf(
        "SKIPPED: the pages test needs chromium and chromedriver on PATH "
        "(Debian packages chromium and chromium-driver; ./run.sh test installs them)\n");
    return 77;
  }
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
