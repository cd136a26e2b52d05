// SPDX-License-Identifier: MIT
// Running lesson programs, reading their numbers, checking their figures
// (decoded with stb_image).
#include "lesson_test.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <vector>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_ONLY_GIF
#include <stb_image.h>

namespace lesson_test {
namespace fs = std::filesystem;

namespace {

// FLUXION_LESSON_KEEP_DIR names a folder to run into instead, where what each
// program printed is kept too (logs/lessonNN.txt): the pages test builds the
// lesson pages from it rather than running every lesson a second time.
const char* keep_dir() {
  const char* dir = std::getenv("FLUXION_LESSON_KEEP_DIR");
  return dir && *dir ? dir : nullptr;
}

fs::path out_root() {
  static const fs::path root = [] {
    if (keep_dir()) return fs::path(keep_dir());
    fs::path p = fs::temp_directory_path() / ("fluxion_lessons_" + std::to_string(getpid()));
    fs::remove_all(p);
    fs::create_directories(p);
    return p;
  }();
  return root;
}

std::string lesson_name(int lesson) {
  char name[16];
  std::snprintf(name, sizeof name, "lesson%02d", lesson);
  return name;
}

// Share of pixels (RGB) that differ from the corner pixel by more than a little.
double ink(const unsigned char* px, int w, int h) {
  long inked = 0;
  for (long i = 0; i < static_cast<long>(w) * h; ++i) {
    int d = 0;
    for (int c = 0; c < 3; ++c) d += std::abs(px[i * 4 + c] - px[c]);
    inked += d > 24;
  }
  return static_cast<double>(inked) / (static_cast<double>(w) * h);
}

}  // namespace

const std::string& output(int lesson) {
  static std::map<int, std::string> cache;
  if (auto it = cache.find(lesson); it != cache.end()) return it->second;
  std::string& out = cache[lesson];
  const std::string exe = std::string(FLUXION_LESSON_BIN_DIR) + "/" + lesson_name(lesson);
  fs::remove_all(out_root() / lesson_name(lesson));  // no figure of an earlier run may stand in for a missing one
  const std::string cmd = "FLUXION_OUT_DIR='" + out_root().string() + "' '" + exe + "' 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) {
    ADD_FAILURE() << "cannot run " << exe;
    return out;
  }
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  const int status = pclose(pipe);
  EXPECT_EQ(status, 0) << exe << " failed; its output:\n" << out;
  if (keep_dir()) {
    fs::create_directories(out_root() / "logs");
    std::ofstream(out_root() / "logs" / (lesson_name(lesson) + ".txt")) << out;
  }
  return out;
}

double number_after(const std::string& out, const std::string& label, int k, size_t from) {
  const size_t at = out.find(label, from);
  if (at == std::string::npos) {
    ADD_FAILURE() << "label \"" << label << "\" not in the output";
    return NAN;
  }
  const char* p = out.c_str() + at + label.size();
  for (int found = 0; *p;) {
    char* end = nullptr;
    const double v = std::strtod(p, &end);
    // strtod accepts "inf"/"nan" and hex; only count tokens that start a number.
    const bool starts = std::isdigit(static_cast<unsigned char>(*p)) || *p == '-' || *p == '+' || *p == '.' ||
                        *p == 'i' || *p == 'n' || *p == 'I' || *p == 'N';
    if (end != p && starts && (p == out.c_str() || !std::isalnum(static_cast<unsigned char>(p[-1])))) {
      if (found++ == k) return v;
      p = end;
    } else {
      ++p;
    }
  }
  ADD_FAILURE() << "number " << k << " after \"" << label << "\" not in the output";
  return NAN;
}

std::string figure(int lesson, const std::string& file) {
  output(lesson);
  return (out_root() / lesson_name(lesson) / file).string();
}

void expect_png(const std::string& path, int width, int height) {
  int w = 0, h = 0, c = 0;
  unsigned char* px = stbi_load(path.c_str(), &w, &h, &c, 4);
  ASSERT_NE(px, nullptr) << path << " is missing or not a PNG";
  if (width) {
    EXPECT_EQ(w, width) << path;
  }
  if (height) {
    EXPECT_EQ(h, height) << path;
  }
  EXPECT_GT(ink(px, w, h), 0.01) << path << " is blank";
  stbi_image_free(px);
}

void expect_gif(const std::string& path, int min_frames, int width, int height) {
  FILE* f = std::fopen(path.c_str(), "rb");
  ASSERT_NE(f, nullptr) << path << " is missing";
  std::vector<unsigned char> bytes;
  unsigned char buf[1 << 16];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) bytes.insert(bytes.end(), buf, buf + n);
  std::fclose(f);
  int* delays = nullptr;
  int w = 0, h = 0, frames = 0, c = 0;
  unsigned char* px = stbi_load_gif_from_memory(bytes.data(), static_cast<int>(bytes.size()), &delays, &w, &h,
                                                &frames, &c, 4);
  ASSERT_NE(px, nullptr) << path << " is not a GIF";
  EXPECT_GE(frames, min_frames) << path;
  if (width) {
    EXPECT_EQ(w, width) << path;
  }
  if (height) {
    EXPECT_EQ(h, height) << path;
  }
  const size_t frame = static_cast<size_t>(w) * h * 4;
  EXPECT_GT(ink(px, w, h), 0.01) << path << " first frame is blank";
  bool moves = false;
  for (int i = 1; i < frames && !moves; ++i)
    moves = !std::equal(px, px + frame, px + i * frame);
  EXPECT_TRUE(moves) << path << ": every frame is the same";
  stbi_image_free(px);
  stbi_image_free(delays);
}

}  // namespace lesson_test
