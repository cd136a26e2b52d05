// SPDX-License-Identifier: MIT
// Lesson 4 (gradient descent in 1-D): the numbers of LESSONS.md §4.2-§4.4.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "lesson_test.h"

namespace {

const std::string& out() { return lesson_test::output(4); }
size_t at(const std::string& s) {
  const size_t p = out().find(s);
  EXPECT_NE(p, std::string::npos) << s;
  return p == std::string::npos ? 0 : p;
}
// The k-th number after `label`, searching from the section header `section`.
double in(const std::string& section, const std::string& label, int k = 0) {
  return lesson_test::number_after(out(), label, k, at(section));
}
bool has_line(const std::string& line) { return out().find(line) != std::string::npos; }

const char* kPost = "Demo 1 (post)";
const char* kRepo = "Demo 1 (repository)";
const char* kAutograd = "Demo 2";

TEST(Lesson04, PostStepSizes) {
  EXPECT_NEAR(in(kPost, "η=0.01  →  final x="), -1.2275, 5e-5);
  EXPECT_NEAR(in(kPost, "η=0.01  →  final x=", 1), -0.249956, 5e-7);
  EXPECT_NEAR(in(kPost, "η=0.1   →  final x="), -1.2247, 5e-5);
  EXPECT_NEAR(in(kPost, "η=0.1   →  final x=", 1), -0.250000, 5e-7);
  EXPECT_TRUE(std::isnan(in(kPost, "η=0.5   →  final x=")));
  EXPECT_TRUE(std::isnan(in(kPost, "η=0.5   →  final x=", 1)));
}

TEST(Lesson04, PostPaths) {
  const double slow[4] = {-2.5, -2.025, -1.814, -1.684};  // a monotone approach from the left
  for (int k = 0; k < 4; ++k) EXPECT_NEAR(in(kPost, "η=0.01 path:", k), slow[k], 5e-4) << k;
  EXPECT_NEAR(std::abs(in(kPost, "η=0.01 gap to -sqrt(1.5):")), 2.7e-3, 5e-5);
  const double bounce[6] = {-2.5, 2.25, -0.956, -1.180, -1.231, -1.223};  // into the left minimum
  for (int k = 0; k < 6; ++k) EXPECT_NEAR(in(kPost, "η=0.1 path:", k), bounce[k], 5e-4) << k;
  // η = 0.5 explodes: -2.5 → 21.25 → -1.91e4 → 1.40e13 → -5.43e39 → 3.20e119 → inf/NaN.
  const double boom[6] = {-2.5, 21.25, -1.91e4, 1.40e13, -5.43e39, 3.20e119};
  for (int k = 0; k < 6; ++k) EXPECT_NEAR(in(kPost, "η=0.5 path:", k) / boom[k], 1.0, 5e-3) << k;
  EXPECT_EQ(in(kPost, "η=0.5 first non-finite iterate:"), 6.0);
}

TEST(Lesson04, RepositoryStepSizesAndAutograd) {
  for (const char* section : {kRepo, kAutograd}) {
    EXPECT_NEAR(in(section, "η=0.001 →  final x="), -1.2686, 5e-5) << section;
    EXPECT_NEAR(in(section, "η=0.001 →  final x=", 1), -0.238050, 5e-7) << section;
    EXPECT_NEAR(in(section, "η=0.01  →  final x="), -1.2247, 5e-5) << section;
    EXPECT_NEAR(in(section, "η=0.01  →  final x=", 1), -0.25, 5e-7) << section;
    EXPECT_NEAR(in(section, "η=0.02  →  final x="), -1.2247, 5e-5) << section;
    EXPECT_NEAR(in(section, "η=0.02  →  final x=", 1), -0.25, 5e-7) << section;
  }
  // The autograd gradient reproduces the formula's paths.
  EXPECT_LT(in(kAutograd, "max |x_autograd - x_formula| over all paths ="), 1e-12);
}

TEST(Lesson04, MomentumReachesTheMinimumFaster) {
  EXPECT_EQ(in("Exercise 1", "plain GD    :"), 25.0);
  EXPECT_EQ(in("Exercise 1", "momentum GD :"), 5.0);
  EXPECT_EQ(in("Exercise 1", "optim::SGD(momentum=0.9):"), 5.0);
  EXPECT_LT(in("Exercise 1", "max |x - hand-written| ="), 1e-12);
}

TEST(Lesson04, AdaptiveStepSizes) {
  EXPECT_TRUE(has_line("  GD      : 26\n"));
  EXPECT_TRUE(has_line("  AdaGrad : None\n"));  // never within 600 steps
  EXPECT_TRUE(has_line("  Adam    : 207\n"));
  EXPECT_TRUE(has_line("  optim::Adagrad: None,"));
  EXPECT_TRUE(has_line("  optim::Adam: 207,"));
  EXPECT_LT(in("Exercise 2", "optim::Adagrad: None, max |x - hand-written| ="), 1e-12);
  EXPECT_LT(in("Exercise 2", "optim::Adam: 207, max |x - hand-written| ="), 1e-12);
}

TEST(Lesson04, MultiStartFacts) {
  const char* s = "Exercise 3";
  // Nobody ends near the maximum at 0, for any η.
  EXPECT_EQ(in(s, "η = 0.01  →"), 0.0);
  EXPECT_EQ(in(s, "η = 0.1   →"), 0.0);
  EXPECT_EQ(in(s, "η = 0.5   →"), 0.0);
  // η = 0.01: nothing diverges, and every run stays on its own side.
  EXPECT_EQ(in(s, "η = 0.01  diverged:"), 0.0);
  EXPECT_EQ(in(s, "η = 0.01  diverged:", 4), 50.0);  // "on x0's side: 50"
  // η = 0.1: divergence exactly for |x0| > 2.5495, and the rest reach ±√1.5.
  EXPECT_EQ(in(s, "runs where (diverged) != (|x0| >", 1), 0.0);
  EXPECT_EQ(in(s, "η = 0.1   diverged:") + in(s, "η = 0.1   diverged:", 3), 50.0);  // diverged + near ±√1.5
  EXPECT_LT(in(s, "η = 0.1   largest | |x_final| - sqrt(1.5) | ="), 1e-3);
  // η = 0.5: everything diverges.
  EXPECT_EQ(in(s, "η = 0.5   diverged:"), 50.0);
}

TEST(Lesson04, LineSearch) {
  EXPECT_EQ(in("Exercise 4", "Fixed‑η GD  (η = 0.05):"), 5.0);
  EXPECT_EQ(in("Exercise 4", "Line‑search GD        :"), 1.0);
}

TEST(Lesson04, Figures) {
  for (const char* file : {"gradient_descent_1d_post.png", "gradient_descent_1d.png", "gradient_descent_1d_2.png",
                           "ex_1.png", "ex_2.png", "ex_3_eta0.01.png", "ex_3_eta0.1.png", "ex_3_eta0.5.png"})
    lesson_test::expect_png(lesson_test::figure(4, file), 480, 320);
}

}  // namespace
