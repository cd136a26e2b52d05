// SPDX-License-Identifier: MIT
// What the pages test asserts about one page, as loaded by a real browser.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "webdriver.h"

namespace pages_test {

struct PageReport {
  std::vector<std::string> console_errors;  // SEVERE console or network messages
  std::vector<std::string> broken_images;   // src of every <img> that did not load (naturalWidth 0)
  std::vector<std::string> dead_links;      // links to a missing file or #id, and links off this machine
  int figures = 0;                          // images inside <figure> that loaded
  int images_without_alt = 0;
  int h1_count = 0;
};

/// Loads page (a file) in the browser and reports what is wrong with it.
PageReport check_page(Browser& browser, const std::filesystem::path& page);

/// The page's document width at a 320 CSS-pixel wide screen: more than 320 means sideways scrolling.
int width_at_320(Browser& browser, const std::filesystem::path& page);

std::string file_url(const std::filesystem::path& page);

}  // namespace pages_test
