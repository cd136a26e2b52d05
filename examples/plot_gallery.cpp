// SPDX-License-Identifier: MIT
// The figure library's gallery: one figure of each kind into out/gallery/,
// the lessons' figures in miniature. Run from the repository root.
#include <cmath>
#include <cstdio>
#include <random>

#include "examples/plot/plot.h"

namespace plot = fluxion::plot;
using plot::Vec;

namespace {

Vec linspace(double a, double b, int n) {
  Vec v(n);
  for (int i = 0; i < n; ++i) v[i] = a + (b - a) * i / (n - 1);
  return v;
}

template <class F>
Vec map(const Vec& x, F f) {
  Vec y(x.size());
  for (size_t i = 0; i < x.size(); ++i) y[i] = f(x[i]);
  return y;
}

// z[i * nx + j] = f(x[j], y[i])
template <class F>
Vec grid(const Vec& x, const Vec& y, F f) {
  Vec z;
  for (double yi : y)
    for (double xj : x) z.push_back(f(xj, yi));
  return z;
}

void lines() {
  plot::Figure fig(6, 4, 80);
  auto& ax = fig.ax();
  const Vec x = linspace(-M_PI, M_PI, 400);
  ax.plot(x, map(x, [](double t) { return std::cos(t); }), {.linewidth = 2, .label = "cos(x)  (true)"});
  ax.plot(x, map(x, [](double t) { return std::cos(t); }), {.linewidth = 1, .linestyle = "--", .label = "autograd"});
  ax.plot(x, map(x, [](double t) { return std::cos(t); }), {.linewidth = 1, .linestyle = ":", .label = "finite diff"});
  ax.set_title("sin'(x) via three methods");
  ax.set_xlabel("x");
  ax.set_ylabel("derivative");
  ax.legend();
  fig.savefig("out/gallery/lines.png");
}

void log_axes() {
  plot::Figure fig(9, 3.6, 80);
  fig.subplots(1, 2);
  auto& ax = fig.ax(0, 0);
  Vec h, err_fd, err_trap;
  for (int k = 2; k <= 8; ++k) {
    const double hk = std::pow(10.0, -k);
    h.push_back(hk);
    err_fd.push_back(hk * hk / 6 + 1e-16 / hk);
    err_trap.push_back(hk * hk * hk);
  }
  ax.plot(h, err_fd, "o-", {.label = "central difference"});
  ax.plot(h, err_trap, "s--", {.label = "h³"});
  ax.set_xscale("log");
  ax.set_yscale("log");
  ax.set_xlabel("step h");
  ax.set_ylabel("max error");
  ax.set_title("Truncation vs round-off (log-log)");
  ax.grid();
  ax.legend();
  // A log y axis skips the zeros and negatives (the Taylor error is 0 at its centre).
  auto& ay = fig.ax(0, 1);
  const Vec x = linspace(-3, 3, 601);
  for (int n : {1, 2, 4, 6, 8}) {
    Vec e = map(x, [n](double t) {
      double s = 0, term = 1;
      for (int k = 0; k <= n; ++k) s += term, term *= t / (k + 1);
      return std::abs(s - std::exp(t));
    });
    char label[16];
    std::snprintf(label, sizeof label, "n = %d", n);
    ay.plot(x, e, {.label = label});
  }
  ay.set_yscale("log");
  ay.set_xlabel("x");
  ay.set_ylabel("|Tₙ(x) − eˣ|");
  ay.set_title("Taylor error of eˣ (log y)");
  ay.legend({.loc = "lower right", .fontsize = 8});
  fig.savefig("out/gallery/log_axes.png");
}

void scatter() {
  plot::Figure fig(10, 4.5, 80);
  fig.subplots(1, 2);
  std::mt19937 gen(0);
  std::uniform_real_distribution<double> uni(-2, 2);
  Vec zx, zy, xx, xy;
  for (int i = 0; i < 10000; ++i) {
    const double a = uni(gen), b = uni(gen);
    zx.push_back(a), zy.push_back(b);
    xx.push_back(std::tanh(1.2 * a - 0.4 * b + 0.3)), xy.push_back(std::tanh(0.5 * a + 0.9 * b - 0.2));
  }
  fig.ax(0, 0).scatter(zx, zy, {.s = 2, .alpha = 0.3});
  fig.ax(0, 0).set_title("z-space: 10 000 uniform samples");
  fig.ax(0, 0).set_aspect("equal");
  auto& ax = fig.ax(0, 1);
  const auto m = ax.scatter(xx, xy, {.s = 4, .c = zx, .cmap = "coolwarm", .alpha = 0.6});
  ax.set_title("x = tanh(Az + b), coloured by z₁");
  ax.set_aspect("equal");
  ax.colorbar(m, "z₁");
  fig.suptitle("Change of variables: scatter with alpha and colour by value");
  fig.savefig("out/gallery/scatter.png");
}

void stem_hist() {
  plot::Figure fig(10, 3.6, 80);
  fig.subplots(1, 2);
  const Vec idx = linspace(0, 8, 9);
  const Vec eig = {-0.52, -0.11, -0.02, 0.0, 0.0, 0.03, 0.18, 0.61, 1.35};
  auto& ax = fig.ax(0, 0);
  ax.stem(idx, eig);
  ax.set_title("Hessian eigenvalues (tiny MLP)");
  ax.set_xlabel("eigen‑index");
  ax.set_ylabel("curvature λ");
  std::mt19937 gen(1);
  std::normal_distribution<double> n1(-1.22, 0.05), n2(1.22, 0.05);
  Vec xs;
  for (int i = 0; i < 50; ++i) xs.push_back(i % 2 ? n1(gen) : n2(gen));
  auto& ah = fig.ax(0, 1);
  ah.hist(xs, {.bins = 20, .edgecolor = "k", .label = "final x"});
  ah.axvline(0, {.color = "k", .linewidth = 1, .linestyle = ":"});
  ah.set_title("Final x after 60 GD steps, η = 0.01");
  ah.set_xlabel("x");
  ah.set_ylabel("count");
  ah.legend();
  fig.savefig("out/gallery/stem_hist.png");
}

void quiver_contour() {
  plot::Figure fig(10, 5, 80);
  fig.subplots(1, 2);
  const Vec g = linspace(-2, 2, 21);
  Vec qx, qy, u, v;
  for (double y : g)
    for (double x : g) qx.push_back(x), qy.push_back(y), u.push_back(2 * x), v.push_back(2 * y);
  auto& ax = fig.ax(0, 0);
  const Vec c = linspace(-2, 2, 100);
  ax.contour(c, c, grid(c, c, [](double x, double y) { return x * x + y * y; }), {.levels = 15, .colors = "gray", .linewidth = 1});
  ax.quiver(qx, qy, u, v, {.color = "C0"});
  Vec px{-1.8}, py{1.6};
  for (int k = 0; k < 20; ++k) px.push_back(px.back() * 0.8), py.push_back(py.back() * 0.8);
  ax.plot(px, py, "o-", {.color = "red", .markersize = 4, .label = "GD path"});
  ax.scatter({-1.8}, {1.6}, {.s = 60, .color = "k", .label = "start", .zorder = 3});
  ax.scatter({0}, {0}, {.s = 80, .color = "green", .label = "minimum", .zorder = 3});
  ax.set_aspect("equal");
  ax.set_title("∇f for f = x² + y² (auto-scaled quiver)");
  ax.set_xlabel("x");
  ax.set_ylabel("y");
  ax.legend();
  auto& as = fig.ax(0, 1);
  const Vec x = linspace(-3, 3, 41);
  const Vec L = map(x, [](double t) { return 0.3 * std::sin(3 * t) + 0.5 * t * t; });
  const Vec dL = map(x, [](double t) { return 0.9 * std::cos(3 * t) + t; });
  as.plot(x, L, {.color = "k"});
  as.quiver(x, L, Vec(x.size(), 1.0), dL, {.scale = 10, .scale_units = "xy", .angles = "xy", .color = "C1", .width = 0.004, .alpha = 0.7});
  as.set_title("Slope arrows (1, L′) in data units: scale_units='xy'");
  as.set_xlabel("x");
  as.set_ylabel("L(x)");
  fig.savefig("out/gallery/quiver_contour.png");
}

void contourf() {
  plot::Figure fig(11, 4.2, 80);
  fig.subplots(1, 3);
  const Vec x = linspace(-3, 3, 120);
  auto& a = fig.ax(0, 0);
  const auto m = a.contourf(x, x, grid(x, x, [](double u, double v) { return std::exp(-(u * u + v * v) / 2) / (2 * M_PI); }),
                            {.levels = 20, .cmap = "viridis"});
  a.rectangle(-1, -1, 2, 2, {.edgecolor = "red", .linewidth = 2, .label = "[−1, 1]²"});
  a.colorbar(m, "density");
  a.set_aspect("equal");
  a.set_title("2-D Gaussian and the box");
  a.legend({.loc = "upper right"});
  auto& b = fig.ax(0, 1);
  const auto m2 = b.contourf(x, x, grid(x, x, [](double u, double v) {
    return 0.5 * (5 * u * u + 2 * u * v + 3 * v * v) - 4 * u + 2 * v;
  }), {.levels = 30, .cmap = "Spectral"});
  b.colorbar(m2, "f(x)");
  b.set_title("Convex Quadratic");
  b.set_xlabel("x");
  b.set_ylabel("y");
  auto& c = fig.ax(0, 2);
  const Vec rx = linspace(-2, 2, 200), ry = linspace(-1, 3, 200);
  Vec levels;
  for (int k = 0; k < 20; ++k) levels.push_back(std::pow(10.0, -1 + 4.0 * k / 19));
  c.contour(rx, ry, grid(rx, ry, [](double u, double v) { return (1 - u) * (1 - u) + 100 * (v - u * u) * (v - u * u); }),
            {.values = {0.3, 1, 3, 10, 30, 100, 300, 1000}, .cmap = "viridis", .linewidth = 1, .labels = true});
  c.plot({1}, {1}, "*", {.color = "red", .markersize = 14, .label = "minimum"});
  c.set_title("Rosenbrock, labelled contours");
  c.legend();
  fig.savefig("out/gallery/contourf.png");
}

void images() {
  plot::Figure fig(12, 5.6, 80);
  fig.subplots(2, 4, {.sharex = true, .sharey = true});
  const int n = 40;
  Vec u(n * n, 0.0);
  u[(n / 2) * n + n / 2] = 400;
  for (int panel = 0; panel < 8; ++panel) {
    auto& ax = fig.axes(panel);
    const auto m = ax.imshow(u, n, n, {.cmap = "hot", .vmin = 0, .vmax = 10, .extent = {0, 1, 0, 1}, .origin = "lower"});
    char title[32];
    std::snprintf(title, sizeof title, "step %d", panel * 11);
    ax.set_title(title);
    if (panel == 7) fig.colorbar(m, "u");  // one colorbar for the grid
    for (int s = 0; s < 11; ++s) {  // diffuse: u += 0.2 Δu
      Vec next = u;
      for (int i = 1; i + 1 < n; ++i)
        for (int j = 1; j + 1 < n; ++j)
          next[i * n + j] += 0.2 * (u[(i + 1) * n + j] + u[(i - 1) * n + j] + u[i * n + j + 1] + u[i * n + j - 1] - 4 * u[i * n + j]);
      u = next;
    }
  }
  fig.suptitle("2-D heat equation (imshow, hot, vmin = 0, vmax = 10, shared axes)");
  fig.savefig("out/gallery/imshow_grid.png");

  plot::Figure f2(10, 4, 80);
  f2.subplots(1, 2);
  const Vec g = linspace(-2, 2, 60);
  const Vec z = grid(g, g, [](double x, double y) { return std::exp(-x * x - y * y); });
  const Vec lap = grid(g, g, [](double x, double y) { return (4 * (x * x + y * y) - 4) * std::exp(-x * x - y * y); });
  const auto m1 = f2.ax(0, 0).imshow(z, 60, 60, {.cmap = "viridis", .extent = {-2, 2, -2, 2}, .origin = "lower"});
  f2.ax(0, 0).colorbar(m1);
  f2.ax(0, 0).set_title("f = exp(−x² − y²)");
  const auto m2 = f2.ax(0, 1).imshow(lap, 60, 60, {.cmap = "coolwarm", .extent = {-2, 2, -2, 2}, .origin = "lower"});
  f2.ax(0, 1).colorbar(m2);
  f2.ax(0, 1).set_title("Δf (coolwarm)");
  f2.savefig("out/gallery/imshow.png");
}

void streamplots() {
  plot::Figure fig(12, 4.4, 80);
  fig.subplots(1, 3);
  const Vec g = linspace(-2, 2, 28);
  auto& a = fig.ax(0, 0);
  a.streamplot(g, g, grid(g, g, [](double x, double) { return -2 * x; }), grid(g, g, [](double, double y) { return -2 * y; }),
               {.density = 1.4, .color = "C0"});
  a.scatter({0}, {0}, {.s = 30, .color = "k", .label = "Minimum", .zorder = 3});
  a.set_aspect("equal");
  a.legend();
  a.set_title("Streamplot: −∇f, f(x,y)=x²+y²");
  auto& b = fig.ax(0, 1);
  const auto m = b.streamplot(g, g, grid(g, g, [](double, double y) { return std::sin(y); }),
                              grid(g, g, [](double x, double) { return std::cos(x); }),
                              {.color_by_magnitude = true, .cmap = "plasma"});
  b.colorbar(m, "speed |F|");
  b.set_title("F = (sin y, cos x)");
  b.set_aspect("equal");
  auto& c = fig.ax(0, 2);
  const Vec gx = linspace(-2.5, 2.5, 28), gy = linspace(-3.5, 0.5, 28);
  const auto mf = c.contourf(gx, gy, grid(gx, gy, [](double x, double y) { return -((x - 1) * (x - 1) + (y + 1) * (y + 1)); }),
                             {.levels = 30, .cmap = "Greens"});
  c.colorbar(mf, "reward");
  c.streamplot(gx, gy, grid(gx, gy, [](double x, double) { return -2 * (x - 1); }),
               grid(gx, gy, [](double, double y) { return -2 * (y + 1); }), {.color = "k", .linewidth = 0.7});
  c.set_title("Reward and its gradient flow");
  fig.savefig("out/gallery/streamplot.png");
}

void annotations() {
  plot::Figure fig(10, 6, 80);
  fig.subplots(2, 1, {.sharex = true});
  const Vec x = linspace(0, 1, 300);
  auto& a = fig.ax(0, 0);
  const Vec f = map(x, [](double t) { return std::sin(3 * M_PI * t) + 0.4 * std::cos(5 * M_PI * t); });
  a.fill_between(x, map(f, [](double v) { return v - 0.2; }), map(f, [](double v) { return v + 0.2; }), {.alpha = 0.25, .label = "f ± δ"});
  a.plot(x, f, {.color = "C0", .label = "f(x)"});
  Vec gap = map(x, [](double t) { return 0.5 * std::cos(3 * M_PI * t); });
  for (size_t i = 140; i < 160; ++i) gap[i] = std::nan("");
  a.plot(x, gap, {.color = "C1", .linestyle = "-.", .label = "with a NaN gap"});
  a.axhline(0, {.color = "k", .linewidth = 0.8});
  a.axvline(0.5, {.color = "gray", .linewidth = 1, .linestyle = "--"});
  a.text(0.52, 1.1, "ε-δ: |f(x) − L| < ε  ∇ ∂ ∫ λ", {.fontsize = 11});
  a.set_ylabel("f");
  a.set_title("fill_between, axhline/axvline, text with Greek and a NaN gap");
  a.legend({.loc = "lower left"});
  a.grid();
  auto& b = fig.ax(1, 0);
  b.plot(x, map(x, [](double t) { return 1e-5 * std::sin(6 * t); }), {.label = "tiny values: 1e−5 multiplier"});
  b.plot(x, map(x, [](double t) { return 1e-5 * std::cos(6 * t); }), "^", {.markersize = 4, .label = "markers ^"});
  b.set_xlabel("x");
  b.set_ylabel("−2 f″ (scaled)");
  b.set_xlim(0, 1);
  b.legend();
  fig.savefig("out/gallery/annotations.png");
}

void animation() {
  plot::Animation anim(400);
  const Vec x = linspace(-3, 3, 200);
  const Vec ex = map(x, [](double t) { return std::exp(t); });
  for (int n = 0; n <= 10; ++n) {
    char label[32], title[64];
    std::snprintf(label, sizeof label, "T%d(x)", n);
    std::snprintf(title, sizeof title, "Taylor polynomials of eˣ, n = %d", n);
    plot::Figure fig(6, 4, 80);
    auto& ax = fig.ax();
    ax.plot(x, ex, {.color = "k", .linestyle = "--", .label = "eˣ"});
    ax.plot(x, map(x, [n](double t) {
      double s = 0, term = 1;
      for (int k = 0; k <= n; ++k) s += term, term *= t / (k + 1);
      return s;
    }), {.color = "C0", .linewidth = 2, .label = label});
    ax.set_ylim(-5, 20);
    ax.set_title(title);
    ax.legend({.loc = "upper left"});
    anim.add(fig);
  }
  anim.save("out/gallery/taylor.gif");
}

}  // namespace

int main() {
  lines();
  log_axes();
  scatter();
  stem_hist();
  quiver_contour();
  contourf();
  images();
  streamplots();
  annotations();
  animation();
  std::printf("gallery written to out/gallery/\n");
}
