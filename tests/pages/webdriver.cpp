// SPDX-License-Identifier: MIT
// The WebDriver client of webdriver.h: chromedriver as a child process, one
// HTTP request per connection on 127.0.0.1, JSON read by hand (the replies
// the test reads are flat strings).
#include "webdriver.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace pages_test {
namespace {

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{.sin_family = AF_INET, .sin_port = 0, .sin_addr = {htonl(INADDR_LOOPBACK)}, .sin_zero = {}};
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

/// Sends one request and returns the reply's status code and body; throws when the connection fails.
std::pair<int, std::string> http(int port, const std::string& method, const std::string& path,
                                 const std::string& body) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{.sin_family = AF_INET,
                   .sin_port = htons(static_cast<uint16_t>(port)),
                   .sin_addr = {htonl(INADDR_LOOPBACK)},
                   .sin_zero = {}};
  timeval timeout{.tv_sec = 60, .tv_usec = 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    throw std::runtime_error("webdriver: cannot connect to chromedriver on port " + std::to_string(port));
  }
  const std::string req =
      method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
      "Content-Type: application/json; charset=utf-8\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
      body;
  for (size_t sent = 0; sent < req.size();) {
    const ssize_t n = ::send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  // Read up to the end of the body that Content-Length announces: chromedriver
  // may keep the connection open after replying.
  std::string reply;
  char buf[65536];
  size_t head_end = std::string::npos, length = std::string::npos;
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) {
    reply.append(buf, static_cast<size_t>(n));
    if (head_end == std::string::npos && (head_end = reply.find("\r\n\r\n")) != std::string::npos) {
      std::string head = reply.substr(0, head_end);
      for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (const size_t at = head.find("content-length:"); at != std::string::npos)
        length = std::stoul(head.substr(at + 15));
    }
    if (length != std::string::npos && reply.size() >= head_end + 4 + length) break;
  }
  ::close(fd);
  if (reply.rfind("HTTP/", 0) != 0 || head_end == std::string::npos)
    throw std::runtime_error("webdriver: no HTTP reply to " + method + " " + path);
  return {std::atoi(reply.c_str() + reply.find(' ') + 1), reply.substr(head_end + 4)};
}

void append_utf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string base64_decode(const std::string& text) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned bits = 0;
  int count = 0;
  for (char c : text) {
    const size_t v = alphabet.find(c);
    if (v == std::string::npos) continue;  // '=' padding
    bits = (bits << 6) | static_cast<unsigned>(v);
    if ((count += 6) >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xFF);
    }
  }
  return out;
}

}  // namespace

std::string find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  for (size_t start = 0; start <= dirs.size();) {
    const size_t end = std::min(dirs.find(':', start), dirs.size());
    const std::string file = dirs.substr(start, end - start) + "/" + name;
    if (::access(file.c_str(), X_OK) == 0) return file;
    start = end + 1;
  }
  return "";
}

std::string json_quote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\')
      out += std::string("\\") + c;
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out + "\"";
}

std::string json_string(const std::string& json, const std::string& key, size_t from, size_t* end) {
  size_t at = json.find("\"" + key + "\":", from);
  if (at == std::string::npos || (at = json.find('"', at + key.size() + 3)) == std::string::npos)
    throw std::runtime_error("webdriver: no string \"" + key + "\" in reply " + json.substr(0, 300));
  std::string out;
  size_t i = at + 1;
  for (; i < json.size() && json[i] != '"'; ++i) {
    if (json[i] != '\\') {
      out += json[i];
      continue;
    }
    const char e = json[++i];
    if (e == 'n')
      out += '\n';
    else if (e == 't')
      out += '\t';
    else if (e == 'u') {
      append_utf8(out, static_cast<unsigned>(std::stoul(json.substr(i + 1, 4), nullptr, 16)));
      i += 4;
    } else
      out += e;  // \" \\ \/
  }
  if (end) *end = i + 1;
  return out;
}

Browser::Browser(const std::string& chromium, const std::string& chromedriver) : port_(free_port()) {
  const std::string port_arg = "--port=" + std::to_string(port_);
  char* argv[] = {const_cast<char*>(chromedriver.c_str()), const_cast<char*>(port_arg.c_str()), nullptr};
  posix_spawn_file_actions_t quiet;
  posix_spawn_file_actions_init(&quiet);
  posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&quiet, 2, "/dev/null", O_WRONLY, 0);
  const int rc = posix_spawn(&driver_, chromedriver.c_str(), &quiet, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&quiet);
  if (rc != 0) throw std::runtime_error("webdriver: cannot start " + chromedriver);
  try {
    for (int tries = 0;; ++tries) {  // chromedriver listens within a second or two
      try {
        if (http(port_, "GET", "/status", "").first == 200) break;
      } catch (const std::runtime_error&) {
        if (tries > 200) throw;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    // --no-sandbox: Chromium refuses to run as root with its sandbox (CI containers run as root).
    const std::string caps = R"({"capabilities":{"alwaysMatch":{"goog:chromeOptions":{"binary":)" +
                             json_quote(chromium) +
                             R"(,"args":["--headless=new","--no-sandbox","--disable-gpu","--disable-dev-shm-usage",)"
                             R"("--window-size=1280,900"]},"goog:loggingPrefs":{"browser":"ALL"}}}})";
    session_ = json_string(request("POST", "/session", caps), "sessionId");
  } catch (const std::runtime_error&) {
    stop();
    throw;
  }
}

Browser::~Browser() { stop(); }

void Browser::stop() {
  try {
    if (!session_.empty()) request("DELETE", "/session/" + session_);  // closes Chromium
  } catch (const std::runtime_error&) {  // the browser is gone already; stop the driver anyway
  }
  session_.clear();
  if (driver_ > 0) {
    ::kill(driver_, SIGTERM);
    ::waitpid(driver_, nullptr, 0);
  }
  driver_ = -1;
}

std::string Browser::request(const std::string& method, const std::string& path, const std::string& body) {
  auto [status, reply] = http(port_, method, path, body);
  if (status != 200) {
    std::string message = reply.substr(0, 300);
    try {
      message = json_string(reply, "message");
    } catch (const std::runtime_error&) {  // not a WebDriver error object: keep the raw reply
    }
    throw std::runtime_error("webdriver: " + method + " " + path + " failed (" + std::to_string(status) +
                             "): " + message);
  }
  return reply;
}

void Browser::navigate(const std::string& url) {
  request("POST", "/session/" + session_ + "/url", "{\"url\":" + json_quote(url) + "}");
}

std::string Browser::run(const std::string& script) {
  return json_string(
      request("POST", "/session/" + session_ + "/execute/sync", "{\"script\":" + json_quote(script) + ",\"args\":[]}"),
      "value");
}

std::vector<LogEntry> Browser::take_log() {
  const std::string reply = request("POST", "/session/" + session_ + "/se/log", R"({"type":"browser"})");
  std::vector<LogEntry> entries;
  for (size_t at = 0; reply.find("\"level\":", at) != std::string::npos;) {
    LogEntry e;
    e.level = json_string(reply, "level", at, &at);
    e.message = json_string(reply, "message", at, &at);
    entries.push_back(e);
  }
  return entries;
}

void Browser::emulate_width(int css_pixels) {
  const std::string cmd = css_pixels > 0 ? R"({"cmd":"Emulation.setDeviceMetricsOverride","params":{"width":)" +
                                               std::to_string(css_pixels) +
                                               R"(,"height":800,"deviceScaleFactor":1,"mobile":true}})"
                                         : R"({"cmd":"Emulation.clearDeviceMetricsOverride","params":{}})";
  request("POST", "/session/" + session_ + "/goog/cdp/execute", cmd);
}

void Browser::resize(int width, int height) {
  request("POST", "/session/" + session_ + "/window/rect",
          "{\"width\":" + std::to_string(width) + ",\"height\":" + std::to_string(height) + "}");
}

void Browser::screenshot(const std::string& png_path) {
  const std::string png = base64_decode(json_string(request("GET", "/session/" + session_ + "/screenshot"), "value"));
  std::filesystem::create_directories(std::filesystem::path(png_path).parent_path());
  std::ofstream(png_path, std::ios::binary) << png;
}

}  // namespace pages_test
