// SPDX-License-Identifier: MIT
// A minimal W3C WebDriver client for the pages test: starts chromedriver, opens
// one headless Chromium session and talks plain HTTP to it. Only what the
// test needs: navigate, run a script returning a string, read the console log,
// emulate a screen width, take a screenshot.
#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

namespace pages_test {

/// The full path of an executable found on PATH, or "" when there is none.
std::string find_program(const std::string& name);

struct LogEntry {
  std::string level;  // "SEVERE", "WARNING", "INFO"
  std::string message;
};

class Browser {
 public:
  /// Starts chromedriver and a headless Chromium; throws std::runtime_error when either fails.
  Browser(const std::string& chromium, const std::string& chromedriver);
  ~Browser();
  Browser(const Browser&) = delete;
  Browser& operator=(const Browser&) = delete;

  void navigate(const std::string& url);       // returns when the page and its images have loaded
  std::string run(const std::string& script);  // the script's return value, which must be a string
  std::vector<LogEntry> take_log();            // console and network messages since the last call
  void emulate_width(int css_pixels);          // 0 restores the window's own size
  void resize(int width, int height);
  void screenshot(const std::string& png_path);

 private:
  void stop();
  std::string request(const std::string& method, const std::string& path, const std::string& body = "");
  pid_t driver_ = -1;
  int port_ = 0;
  std::string session_;
};

std::string json_quote(const std::string& text);
/// The string value of the first "key" at or after from in a JSON text, unescaped;
/// sets *end past it. Throws when there is none.
std::string json_string(const std::string& json, const std::string& key, size_t from = 0, size_t* end = nullptr);

}  // namespace pages_test
