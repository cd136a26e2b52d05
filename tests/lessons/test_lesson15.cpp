// SPDX-License-Identifier: MIT
// Lesson 15: the tiny reverse-mode engine and fluxion's autograd give the
// verified numbers of LESSONS.md 15.3 and 15.4; the graph figures exist.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "lesson_test.h"

using lesson_test::number_after;

namespace {
const std::string& out() { return lesson_test::output(15); }
}  // namespace

TEST(Lesson15, TinyEngineMatchesTheVerifiedDemo) {
  // d = -0.96403, ∂d/∂a = 0.07065, ∂d/∂b = 0.14130 (5 dp)
  EXPECT_NEAR(number_after(out(), "tiny engine: d =", 0), -0.96403, 5e-6);
  EXPECT_NEAR(number_after(out(), "tiny engine: d =", 1), 0.07065, 5e-6);
  EXPECT_NEAR(number_after(out(), "tiny engine: d =", 2), 0.14130, 5e-6);
  // c = -2, d = tanh(-2) = -0.9640276, dd/dc = 0.0706508; ∂c/∂a = 1, ∂c/∂b = 2
  EXPECT_NEAR(number_after(out(), "c = "), -2.0, 1e-12);
  EXPECT_NEAR(number_after(out(), "d = tanh(c) ="), -0.9640276, 5e-8);
  EXPECT_NEAR(number_after(out(), "1 - d² ="), 0.0706508, 5e-8);
  EXPECT_NEAR(number_after(out(), "b + 2a ="), 1.0, 1e-9);
  EXPECT_NEAR(number_after(out(), "∂c/∂b = a ="), 2.0, 1e-9);
}

TEST(Lesson15, FluxionFloat32AgreesToEveryPrintedDigit) {
  EXPECT_NEAR(number_after(out(), "fluxion float32: d =", 0), -0.96403, 5e-6);
  EXPECT_NEAR(number_after(out(), "fluxion float32: d =", 1), 0.07065, 5e-6);
  EXPECT_NEAR(number_after(out(), "fluxion float32: d =", 2), 0.14130, 5e-6);
  EXPECT_LT(number_after(out(), "tiny engine - fluxion float32| ="), 5e-7);  // float32 rounding only
  EXPECT_LT(number_after(out(), "tiny engine - fluxion float64| ="), 1e-14);
}

TEST(Lesson15, Exercise1MoreOperations) {
  EXPECT_NEAR(number_after(out(), "Ex1 c ="), 11.95711, 5e-6);
  EXPECT_NEAR(number_after(out(), "Ex1 ∂c/∂a ="), 10.72239, 5e-6);
  EXPECT_NEAR(number_after(out(), "Ex1 ∂c/∂b ="), 1.44444, 5e-6);
  EXPECT_LT(number_after(out(), "Ex1 fluxion:", 3), 1e-12);
}

TEST(Lesson15, Exercise2BothPartialsAreOne) {
  for (const char* label : {"Autodiff gradients:", "Numerical gradients:"}) {
    // "  ∂f/∂x = 1.000000, ∂f/∂y = 1.000000": the numbers after the label are 1.000000 twice
    EXPECT_NEAR(number_after(out(), label, 0), 1.0, 5e-7) << label;
    EXPECT_NEAR(number_after(out(), label, 1), 1.0, 5e-7) << label;
  }
}

TEST(Lesson15, Exercise3TinyMlp) {
  EXPECT_NEAR(number_after(out(), "MLP output:"), 1.71106, 5e-6);
  const std::pair<const char*, double> grads[] = {
      {"doutput/dw11 =", 0.42546}, {"doutput/dw12 =", -0.22691}, {"doutput/db1 =", 0.28364},
      {"doutput/dw21 =", 0.05125}, {"doutput/dw22 =", -0.02733}, {"doutput/db2 =", 0.03417},
      {"doutput/dv1 =", 0.90576},  {"doutput/dv2 =", 0.97749},   {"doutput/dc =", 1.00000},
      {"doutput/dx0 =", 0.19292},  {"doutput/dx1 =", -0.04722}};
  for (auto [label, value] : grads) EXPECT_NEAR(number_after(out(), label), value, 5e-6) << label;
  EXPECT_LT(number_after(out(), "max |difference| over all 11 gradients ="), 1e-12);
}

TEST(Lesson15, Exercise4GraphTreeDotAndFigures) {
  EXPECT_NE(out().find("tanh: -0.9640 (grad 1.0000)"), std::string::npos);
  EXPECT_NE(out().find("  +: -2.0000 (grad 0.0707)"), std::string::npos);
  EXPECT_NE(out().find("input: -3.0000 (grad 0.1413)"), std::string::npos);
  std::ifstream dot(lesson_test::figure(15, "graph.dot"));
  ASSERT_TRUE(dot.good());
  std::stringstream text;
  text << dot.rdbuf();
  for (const char* node : {"digraph", "TanhBackward", "AddBackward", "MulBackward", "PowBackward", "leaf"})
    EXPECT_NE(text.str().find(node), std::string::npos) << node;
  lesson_test::expect_png(lesson_test::figure(15, "graph.png"), 640, 480);
  lesson_test::expect_png(lesson_test::figure(15, "autograd_graph.png"), 640, 480);
}

TEST(Lesson15, Exercise5ForwardAndReverseModeAgree) {
  for (const char* label :
       {"Reverse mode (1 backward pass):", "Forward mode (3 JVP passes):", "Numerical check (eps 1e-8):"})
    for (int k = 0; k < 3; ++k) EXPECT_NEAR(number_after(out(), label, k), 1.0, 5e-3) << label << " " << k;
}
