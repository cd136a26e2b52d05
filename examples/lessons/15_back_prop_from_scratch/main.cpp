// SPDX-License-Identifier: MIT
// Lesson 15 — Backpropagation from scratch: how reverse-mode autodiff works.
//
// Forward mode carries a tangent alongside every value: one pass gives the
// derivative along one input direction. Reverse mode records the computation
// graph on the way forward, then sends adjoints ("how much does the output
// change if this node changes") from the output back to the inputs by the
// chain rule: each node adds grad_out × (local derivative) into its parents,
// visiting nodes in reverse topological order, and a node used twice simply
// receives two contributions (+=). One backward pass gives the derivative
// with respect to every input at once.
//
// Why ML cares: a loss is one number and a network has millions of inputs
// (its parameters). Reverse mode gets the whole gradient for about the cost
// of one forward pass; forward mode would need one pass per parameter. This
// program builds the ~50-line scalar engine of the post (tiny::Value, in tiny.h
// and engine.cpp), then checks it against fluxion's own autograd, which is the
// same idea on tensors. graph.cpp draws the graphs of exercise 4.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <unordered_set>
#include <vector>

#include "examples/lessons/15_back_prop_from_scratch/graph.h"
#include "examples/lessons/15_back_prop_from_scratch/tiny.h"
#include "examples/lessons/lesson.h"

namespace fx = fluxion;

namespace {

using tiny::Value;

// ---- Demo 1: the tiny engine on c = a·b + a², d = tanh(c) --------------------
// Shows the chain rule as bookkeeping: a feeds c twice (through a·b and a²),
// and its two contributions add up to ∂c/∂a = b + 2a = 1.
struct Demo1Graph {
  Value a, b, c, d;
};

Demo1Graph demo1_graph() {
  // page:begin Demo 1
  Value a(2.0), b(-3.0);
  Value c = a * b + pow(a, 2);
  Value d = tanh(c);
  tiny::backward(d);
  // page:end
  return {a, b, c, d};
}

void demo1_tiny_engine() {
  lesson::section("Demo 1: a minimal scalar reverse-mode engine");
  const Demo1Graph g = demo1_graph();
  std::printf("tiny engine: d = %.5f, ∂d/∂a = %.5f, ∂d/∂b = %.5f\n", g.d.data(), g.a.grad(), g.b.grad());
  std::printf("  c = %.7f, d = tanh(c) = %.7f, dd/dc = 1 - d² = %.7f\n", g.c.data(), g.d.data(), g.c.grad());
  std::printf("  ∂c/∂a = b + 2a = %.1f, ∂c/∂b = a = %.1f\n", g.a.grad() / g.c.grad(), g.b.grad() / g.c.grad());
}

// The same computation as fluxion tensors (0-d, requires_grad), in `dtype`.
struct Demo2Graph {
  fx::Tensor a, b, d;
};

Demo2Graph demo2_graph(fx::DType dtype) {
  // page:begin Demo 2
  auto a = fx::scalar(2.0, dtype).requires_grad_();
  auto b = fx::scalar(-3.0, dtype).requires_grad_();
  auto c = a * b + a.pow(2);
  auto d = c.tanh();
  d.backward();
  // page:end
  return {a, b, d};
}

// ---- Demo 2: the same computation with fluxion's autograd --------------------
// PyTorch's check in the post runs in float32 (its default dtype); so does this
// one. fluxion records the graph the same way and prints the identical line.
void demo2_fluxion_autograd() {
  lesson::section("Demo 2: the same computation with fluxion's autograd (float32)");
  const Demo2Graph t = demo2_graph(fx::Float32);
  std::printf("fluxion float32: d = %.5f, ∂d/∂a = %.5f, ∂d/∂b = %.5f\n", t.d.item(), t.a.grad().item(),
              t.b.grad().item());
  const Demo1Graph g = demo1_graph();
  const double diff = std::max({std::abs(t.d.item() - g.d.data()), std::abs(t.a.grad().item() - g.a.grad()),
                                std::abs(t.b.grad().item() - g.b.grad())});
  std::printf("max |tiny engine - fluxion float32| = %.2e (float32 rounding)\n", diff);
  const Demo2Graph t64 = demo2_graph(fx::Float64);
  const double diff64 = std::max({std::abs(t64.d.item() - g.d.data()), std::abs(t64.a.grad().item() - g.a.grad()),
                                  std::abs(t64.b.grad().item() - g.b.grad())});
  std::printf("max |tiny engine - fluxion float64| = %.2e\n", diff64);
}

// ---- Exercise 1: more operations ----------------------------------------------
// c = a·b + (a−b)/b + eᵃ − ln b + relu(−a) at a = 2, b = 3, checked against fluxion.
void exercise1_more_ops() {
  lesson::section("Exercise 1: subtraction, division, exp, log, relu");
  Value a(2.0), b(3.0);
  // page:begin Exercise 1
  Value c = a * b + (a - b) / b + exp(a) - log(b) + relu(-a);
  tiny::backward(c);
  // page:end
  std::printf("Ex1 c = %.5f\n", c.data());
  std::printf("Ex1 ∂c/∂a = %.5f\n", a.grad());
  std::printf("Ex1 ∂c/∂b = %.5f\n", b.grad());

  auto ta = fx::scalar(2.0, fx::Float64).requires_grad_();
  auto tb = fx::scalar(3.0, fx::Float64).requires_grad_();
  auto tc = ta * tb + (ta - tb) / tb + ta.exp() - tb.log() + (-ta).relu();
  tc.backward();
  std::printf("Ex1 fluxion: c = %.5f, ∂c/∂a = %.5f, ∂c/∂b = %.5f; max |difference| = %.1e\n", tc.item(),
              ta.grad().item(), tb.grad().item(),
              std::max({std::abs(tc.item() - c.data()), std::abs(ta.grad().item() - a.grad()),
                        std::abs(tb.grad().item() - b.grad())}));
}

// ---- Exercise 2: f = x² + y² + 2xy, checked by finite differences --------------
// f = (x + y)², so both partials are 2(x + y) = 1 at (1.2, −0.7).
void exercise2_numeric_check() {
  lesson::section("Exercise 2: f = x² + y² + 2xy against finite differences");
  const double x0 = 1.2, y0 = -0.7, eps = 1e-6;
  Value x(x0), y(y0);
  // page:begin Exercise 2
  Value f = pow(x, 2) + pow(y, 2) + 2.0 * x * y;
  tiny::backward(f);
  std::printf("Autodiff gradients:  ∂f/∂x = %.6f, ∂f/∂y = %.6f\n", x.grad(), y.grad());
  auto fn = [](double u, double v) { return u * u + v * v + 2 * u * v; };
  const double dfdx = (fn(x0 + eps, y0) - fn(x0 - eps, y0)) / (2 * eps);
  const double dfdy = (fn(x0, y0 + eps) - fn(x0, y0 - eps)) / (2 * eps);
  // page:end
  std::printf("Numerical gradients: ∂f/∂x ≈ %.6f, ∂f/∂y ≈ %.6f\n", dfdx, dfdy);
  std::printf("Analytic gradients:  ∂f/∂x = %.6f, ∂f/∂y = %.6f\n", 2 * x0 + 2 * y0, 2 * y0 + 2 * x0);
}

// ---- Exercise 3: backprop through a 2-2-1 tanh network built from nodes ---------
// The nine parameters are the post's first nine np.random.seed(42) normals.
void exercise3_tiny_mlp() {
  lesson::section("Exercise 3: a 2-2-1 MLP from scalar nodes");
  const char* names[] = {"w11", "w12", "b1", "w21", "w22", "b2", "v1", "v2", "c"};
  const double init[] = {0.4967141530,  -0.1382643012, 0.6476885381, 1.5230298564, -0.2341533747,
                         -0.2341369569, 1.5792128155,  0.7674347292, -0.4694743859};
  std::vector<Value> p(std::begin(init), std::end(init));
  std::vector<Value> x = {Value(1.5), Value(-0.8)};
  // page:begin Exercise 3
  Value h1 = tanh(x[0] * p[0] + x[1] * p[1] + p[2]);
  Value h2 = tanh(x[0] * p[3] + x[1] * p[4] + p[5]);
  Value out = h1 * p[6] + h2 * p[7] + p[8];  // linear output
  tiny::backward(out);
  // page:end
  std::printf("MLP output: %.5f\n", out.data());
  std::printf("Gradients:\n");
  for (int i = 0; i < 9; ++i) std::printf("  doutput/d%s = %.5f\n", names[i], p[i].grad());
  for (int i = 0; i < 2; ++i) std::printf("  doutput/dx%d = %.5f\n", i, x[i].grad());

  // The same network as fluxion tensors: W (2×2), b (2), v (2), c (); one backward.
  auto W = fx::tensor({{init[0], init[1]}, {init[3], init[4]}}, fx::Float64).requires_grad_();
  auto b = fx::tensor({init[2], init[5]}, fx::Float64).requires_grad_();
  auto v = fx::tensor({init[6], init[7]}, fx::Float64).requires_grad_();
  auto c = fx::scalar(init[8], fx::Float64).requires_grad_();
  auto xt = fx::tensor({1.5, -0.8}, fx::Float64).requires_grad_();
  // page:begin Exercise 3
  auto y = (W.matmul(xt) + b).tanh().dot(v) + c;
  y.backward();
  // page:end
  const std::vector<double> flux = {W.grad().at({0, 0}), W.grad().at({0, 1}), b.grad().at({0}),
                                    W.grad().at({1, 0}), W.grad().at({1, 1}), b.grad().at({1}),
                                    v.grad().at({0}),    v.grad().at({1}),    c.grad().item()};
  double diff = std::abs(y.item() - out.data());
  for (int i = 0; i < 9; ++i) diff = std::max(diff, std::abs(flux[i] - p[i].grad()));
  for (int i = 0; i < 2; ++i) diff = std::max(diff, std::abs(xt.grad().at({i}) - x[i].grad()));
  std::printf("fluxion (W x + b, tanh, v·h + c): output %.5f, max |difference| over all 11 gradients = %.1e\n",
              y.item(), diff);
}

// ---- Exercise 4: look at the graph ----------------------------------------------
void exercise4_graph() {
  lesson::section("Exercise 4: the computation graph");
  const Demo1Graph g = demo1_graph();
  std::printf("(a) text tree of d = tanh(a·b + a²):\n");
  std::unordered_set<const tiny::Node*> visited;
  print_tree(g.d.n.get(), 0, visited);

  std::printf("(b) drawn:\n");
  draw_graph(trace_graph(g.d), "Computation Graph", "graph.png");

  // fluxion's autograd records the same graph on tensors; to_dot writes it for Graphviz.
  const Demo2Graph t = demo2_graph(fx::Float64);
  // page:begin Exercise 4
  const std::string dot = fx::autograd::to_dot(t.d);
  // page:end
  const std::string path = lesson::figure_path(15, "graph.dot");
  std::ofstream(path) << dot;
  std::printf("fluxion's graph of d (autograd::to_dot), written to %s:\n%s", path.c_str(), dot.c_str());
  draw_graph(parse_dot(dot), "fluxion autograd graph (to_dot)", "autograd_graph.png");
}

// ---- Exercise 5: reverse mode vs forward mode on f = x + y + z ---------------------
// Reverse mode: one backward pass gives all three partials. Forward mode: one
// pass per input direction, each carrying a tangent (fluxion's func::jvp with
// the seeds e_x, e_y, e_z). Both agree with central differences.
void exercise5_forward_vs_reverse() {
  lesson::section("Exercise 5: reverse mode vs forward mode on f = x + y + z");
  Value x(1.0), y(2.0), z(3.0);
  Value f = x + y + z;
  tiny::backward(f);
  std::printf("Reverse mode (1 backward pass):  df/dx = %.2f, df/dy = %.2f, df/dz = %.2f\n", x.grad(), y.grad(),
              z.grad());

  auto fn = [](const fx::Tensor& v) { return v[0] + v[1] + v[2]; };
  const auto p = fx::tensor({1.0, 2.0, 3.0}, fx::Float64);
  double jvp[3];
  // page:begin Exercise 5
  for (int i = 0; i < 3; ++i) {
    auto seed = fx::zeros({3}, fx::Float64);
    seed.index({int64_t{i}}).fill_(1.0);
    jvp[i] = fx::func::jvp(fn, p, seed).second.item();
  }
  // page:end
  std::printf("Forward mode (3 JVP passes):     df/dx = %.2f, df/dy = %.2f, df/dz = %.2f\n", jvp[0], jvp[1], jvp[2]);

  const double eps = 1e-8;
  auto fs = [](double a, double b, double c) { return a + b + c; };
  std::printf("Numerical check (eps 1e-8):      df/dx = %.2f, df/dy = %.2f, df/dz = %.2f\n",
              (fs(1 + eps, 2, 3) - fs(1 - eps, 2, 3)) / (2 * eps), (fs(1, 2 + eps, 3) - fs(1, 2 - eps, 3)) / (2 * eps),
              (fs(1, 2, 3 + eps) - fs(1, 2, 3 - eps)) / (2 * eps));
}

}  // namespace

int main() {
  demo1_tiny_engine();
  demo2_fluxion_autograd();
  exercise1_more_ops();
  exercise2_numeric_check();
  exercise3_tiny_mlp();
  exercise4_graph();
  exercise5_forward_vs_reverse();
  return 0;
}
