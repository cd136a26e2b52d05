// SPDX-License-Identifier: MIT
// The lesson tests run each lesson program once (figures into a temporary
// folder), then check the numbers it printed and the figures it wrote:
//   const std::string& out = lesson_test::output(7);
//   EXPECT_NEAR(lesson_test::number_after(out, "lambda_max ="), 4.0, 1e-9);
//   lesson_test::expect_png(lesson_test::figure(7, "spectrum.png"), 640, 480);
#pragma once
#include <string>

namespace lesson_test {

/// stdout + stderr of build/.../lessonNN, run once per test process with
/// FLUXION_OUT_DIR set to a fresh temporary folder; fails the test if the
/// program does not exit with 0.
const std::string& output(int lesson);

/// The k-th number (0-based) after the first occurrence of label at or after
/// position `from` in out; numbers are C-style (1.5, -3e-07, inf, nan).
/// Fails the test (and returns NaN) when the label or number is missing.
double number_after(const std::string& out, const std::string& label, int k = 0, size_t from = 0);

/// Where the lesson wrote `file` (e.g. "taylor.gif").
std::string figure(int lesson, const std::string& file);

/// The file is a PNG of width x height pixels (0 = any) that is not blank:
/// a real share of its pixels are not the background colour.
void expect_png(const std::string& path, int width = 0, int height = 0);

/// The file is an animated GIF of at least min_frames frames, width x height
/// (0 = any), whose frames differ (it moves) and are not blank.
void expect_gif(const std::string& path, int min_frames, int width = 0, int height = 0);

}  // namespace lesson_test
