// SPDX-License-Identifier: MIT
// Lesson 3 (fundamental theorem): the numbers of LESSONS.md §3.3 and §3.4.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "lesson_test.h"

namespace {

const std::string& out() { return lesson_test::output(3); }
double after(const std::string& label, int k = 0, size_t from = 0) {
  return lesson_test::number_after(out(), label, k, from);
}
// The k-th number after `key` (the row's first column) on the row that starts
// with it, after the header `table`.
double row(const std::string& table, const std::string& key, int k) {
  const size_t at = out().find(table);
  EXPECT_NE(at, std::string::npos) << table;
  return after("\n" + key, k, at);
}

TEST(Lesson03, NormalAreaTrapezoidSimpsonExact) {
  EXPECT_NEAR(after("Trapezoid  ≈"), 0.68268945, 5e-9);  // the post's 0.68273043 is wrong
  EXPECT_NEAR(after("Simpson    ≈"), 0.68268949, 5e-9);
  EXPECT_NEAR(after("Exact      ="), 0.68268949, 5e-9);
  EXPECT_NEAR(after("exact to 10 digits:"), 0.6826894921, 5e-11);
  EXPECT_NEAR(after("trapezoid error"), -4.03e-8, 5e-11);  // an underestimate: φ is concave on [-1, 1]
  EXPECT_LT(std::abs(after("Simpson error")), 2e-14);     // 5.6e-15: round-off level
}

TEST(Lesson03, AutogradThroughTheTrapezoidRule) {
  EXPECT_NEAR(after("Integral F(1.2) ≈"), 0.63764217, 5e-9);  // not the post's 0.22824368
  EXPECT_NEAR(after("autograd dF/dx  ≈"), 0.93203885, 5e-9);
  EXPECT_NEAR(after("analytic sin(1.2)="), 0.93203909, 5e-9);
  EXPECT_NEAR(after("exact 1 - cos(1.2) ="), 0.63764225, 5e-9);
  EXPECT_NEAR(after("F error"), -7.7e-8, 5e-10);
  EXPECT_NEAR(after("(n = 1000) ="), 2.4e-7, 5e-9);
  EXPECT_NEAR(after("(n = 10000) ="), 2.4e-9, 5e-11);
}

TEST(Lesson03, QuadratureErrorSlopes) {
  // Rows "N | trapezoid | Simpson".
  EXPECT_NEAR(row("trapezoid |", "   201", 0), 4.03e-6, 5e-9);
  EXPECT_NEAR(row("trapezoid |", "  2001", 0), 4.03e-8, 5e-11);
  EXPECT_NEAR(row("trapezoid |", "   201", 1), 5.38e-11, 5e-14);
  EXPECT_LT(row("trapezoid |", "  2001", 1), 2e-14);  // 5.6e-15, round-off
  EXPECT_NEAR(after("log-log slope: trapezoid"), -2.0, 0.01);
  EXPECT_NEAR(after("Simpson", 0, out().find("log-log slope")), -4.0, 0.05);
}

TEST(Lesson03, DerivativeOfIntegralOfTanhIsTanh) {
  // autograd column against tanh x at x = -2, -1, -0.3, 0, 0.5, 1.2, 2.3; errors 0 .. 1.0e-7.
  const double xs[7] = {-2.0, -1.0, -0.3, 0.0, 0.5, 1.2, 2.3};
  const size_t table = out().find("Exercise 2");
  size_t at = out().find("-----\n", table) + 6;
  for (double x : xs) {
    EXPECT_NEAR(after("", 0, at), x, 1e-12);
    EXPECT_NEAR(after("", 1, at), std::tanh(x), 1.05e-7) << "x = " << x;
    EXPECT_NEAR(after("", 2, at), std::tanh(x), 5e-9) << "x = " << x;
    at = out().find('\n', at) + 1;
  }
  EXPECT_EQ(row("Exercise 2", "   0.00", 2), 0.0);  // the error at x = 0
  EXPECT_NEAR(after("tanh: max abs err ="), 1.0e-7, 5e-9);
}

TEST(Lesson03, GaussianWindowDerivative) {
  const char* table = "autograd dG/dmu";
  const double G[4] = {0.839995, 0.954500, 0.926983, 0.499968};
  const double dG[4] = {0.2375389, 0.0, -0.1119893, -0.3988084};
  const char* mus[4] = {" -1.00", "  0.00", "  0.50", "  2.00"};
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(row(table, mus[i], 0), G[i], 5e-7) << mus[i];
    EXPECT_NEAR(row(table, mus[i], 1), dG[i], 5e-8) << mus[i];
  }
  EXPECT_LE(after("window: max abs err ="), 8.4e-9);
}

TEST(Lesson03, Figures) { lesson_test::expect_png(lesson_test::figure(3, "ex_1.png"), 480, 320); }

}  // namespace
