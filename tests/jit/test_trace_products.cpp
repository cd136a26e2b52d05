// SPDX-License-Identifier: MIT
// jit::trace of the first and second derivatives of cumprod, prod and
// scatter_reduce "prod": their rules have no branch on the values, so a trace
// recorded where the input has no zeros replays exactly where it has some (and
// the other way round). Checked against eager autograd and a plain loop.
#include <gtest/gtest.h>

#include "fluxion.h"

namespace fx = fluxion;
using Args = std::vector<fx::Tensor>;

namespace {

fx::Tensor vec(const std::vector<double>& v) { return fx::tensor(v, {(int64_t)v.size()}, fx::Float64); }

void expect_close(const fx::Tensor& got, const std::vector<double>& want, const char* what) {
  std::vector<double> g = got.to_vector<double>();
  ASSERT_EQ(g.size(), want.size()) << what;
  for (size_t i = 0; i < g.size(); ++i) EXPECT_NEAR(g[i], want[i], 1e-12 * (1 + std::abs(want[i]))) << what << " " << i;
}

// (x, u, v) -> [y, g = J^T u, h = d<g, v>/dx] for y = f(x)
template <class F>
Args grad_and_hvp(F f, const Args& in) {
  fx::Tensor x = in[0].requires_grad() ? in[0] : in[0].detach().requires_grad_();
  fx::Tensor y = f(x);
  fx::Tensor g = fx::autograd::grad({y}, {x}, {.grad_outputs = {in[1]}, .create_graph = true})[0];
  fx::Tensor h = fx::autograd::grad({g}, {x}, {.grad_outputs = {in[2]}})[0];
  return {y, g, h};
}

// Products over a subset of x, leaving out k (and m): plain loops for the references.
double prod_except(const std::vector<double>& x, const std::vector<size_t>& set, size_t k, size_t m) {
  double p = 1;
  for (size_t j : set)
    if (j != k && j != m) p *= x[j];
  return p;
}

// y_i = prod_{l <= i} x_l on one row:  g_k = sum_{i >= k} u_i prod_{l <= i, l != k} x_l,
// h_m = sum_{k != m} v_k sum_{i >= max(k, m)} u_i prod_{l <= i, l != k, m} x_l.
void cumprod_reference(const std::vector<double>& x, const std::vector<double>& u, const std::vector<double>& v,
                       std::vector<double>& g, std::vector<double>& h) {
  size_t n = x.size();
  g.assign(n, 0);
  h.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    std::vector<size_t> upto;
    for (size_t l = 0; l <= i; ++l) upto.push_back(l);
    for (size_t k = 0; k <= i; ++k) {
      g[k] += u[i] * prod_except(x, upto, k, k);
      for (size_t m = 0; m <= i; ++m)
        if (m != k) h[m] += v[k] * u[i] * prod_except(x, upto, k, m);
    }
  }
}

TEST(TraceProducts, CumprodGradientsReplayAtZeros) {
  auto f = [](const fx::Tensor& x) { return fx::cumprod(x, 0); };
  auto run = [&](const Args& in) { return grad_and_hvp(f, in); };
  std::vector<double> u = {0.3, -1.1, 0.7, 2.0, -0.4}, v = {1.5, 0.2, -0.9, 0.6, 1.1};
  fx::jit::Trace t = fx::jit::trace(run, {vec({1.2, -0.8, 0.5, 2.0, -1.5}).requires_grad_(), vec(u), vec(v)});
  for (std::vector<double> x : {std::vector<double>{0.7, 0.0, 1.3, -2.0, 0.9},
                                {0.0, 1.1, 0.0, 2.5, -0.6},
                                {2.0, -1.0, 3.0, 0.0, 0.0},
                                {1.5, 0.0, 0.0, 0.0, 4.0},
                                {0.4, 1.6, -0.3, 2.2, 1.0}}) {
    Args got = t({vec(x), vec(u), vec(v)}), want = run({vec(x), vec(u), vec(v)});
    std::vector<double> g, h;
    cumprod_reference(x, u, v, g, h);
    for (size_t k = 0; k < 3; ++k) expect_close(got[k], want[k].to_vector<double>(), "trace vs eager");
    expect_close(got[1], g, "gradient vs loop");
    expect_close(got[2], h, "hvp vs loop");
  }
}

TEST(TraceProducts, CumprodAlongRowsOfAMatrix) {
  // dim 1 of a [2, 3]: each row its own product
  auto run = [](const Args& in) { return grad_and_hvp([](const fx::Tensor& x) { return fx::cumprod(x, 1); }, in); };
  auto mat = [](std::vector<double> v) { return fx::tensor(v, {2, 3}, fx::Float64); };
  std::vector<double> u = {1, 2, 3, -1, 0.5, 2}, v = {0.5, -1, 2, 1, 1, -2};
  fx::jit::Trace t = fx::jit::trace(run, {mat({1, 2, 3, 4, 5, 6}).requires_grad_(), mat(u), mat(v)});
  std::vector<double> x = {0, 2, 3, 4, 0, 6};
  Args got = t({mat(x), mat(u), mat(v)});
  std::vector<double> g, h, gr, hr;
  for (size_t r = 0; r < 2; ++r) {
    auto row = [&](const std::vector<double>& a) {
      return std::vector<double>(a.begin() + 3 * r, a.begin() + 3 * r + 3);
    };
    cumprod_reference(row(x), row(u), row(v), gr, hr);
    g.insert(g.end(), gr.begin(), gr.end());
    h.insert(h.end(), hr.begin(), hr.end());
  }
  expect_close(got[1], g, "gradient vs loop");
  expect_close(got[2], h, "hvp vs loop");
}

// y = prod_l x_l over a row:  g_k = u prod_{l != k} x_l,  h_m = sum_{k != m} v_k u prod_{l != k, m} x_l.
void prod_reference(const std::vector<double>& x, double u, const std::vector<double>& v, std::vector<double>& g,
                    std::vector<double>& h) {
  std::vector<size_t> all;
  for (size_t l = 0; l < x.size(); ++l) all.push_back(l);
  g.assign(x.size(), 0);
  h.assign(x.size(), 0);
  for (size_t k = 0; k < x.size(); ++k) {
    g[k] = u * prod_except(x, all, k, k);
    for (size_t m = 0; m < x.size(); ++m)
      if (m != k) h[m] += v[k] * u * prod_except(x, all, k, m);
  }
}

TEST(TraceProducts, ProdGradientsReplayAtZeros) {
  auto run = [](const Args& in) { return grad_and_hvp([](const fx::Tensor& x) { return x.prod(); }, in); };
  double u = 0.7;
  std::vector<double> v = {1.5, 0.2, -0.9, 0.6, 1.1};
  fx::Tensor ut = fx::tensor(std::vector<double>{u}, {}, fx::Float64);
  fx::jit::Trace t = fx::jit::trace(run, {vec({1.2, -0.8, 0.5, 2.0, -1.5}).requires_grad_(), ut, vec(v)});
  for (std::vector<double> x : {std::vector<double>{0.7, 0.0, 1.3, -2.0, 0.9},  // one zero
                                {0.0, 1.1, 0.0, 2.5, -0.6},                     // two zeros
                                {0.0, 1.5, -2.0, 0.5, 3.0},                     // a leading zero
                                {0.0, 0.0, 0.0, 1.0, 2.0},
                                {0.4, 1.6, -0.3, 2.2, 1.0}}) {
    Args got = t({vec(x), ut, vec(v)}), want = run({vec(x), ut, vec(v)});
    std::vector<double> g, h;
    prod_reference(x, u, v, g, h);
    for (size_t k = 0; k < 3; ++k) expect_close(got[k], want[k].to_vector<double>(), "trace vs eager");
    expect_close(got[0], {prod_except(x, {0, 1, 2, 3, 4}, 9, 9)}, "value vs loop");
    expect_close(got[1], g, "gradient vs loop");
    expect_close(got[2], h, "hvp vs loop");
  }
}

TEST(TraceProducts, ProdAlongRowsOfAMatrix) {
  // dim 1 of a [2, 3], traced without zeros, replayed with a leading zero in one row and two in the other
  auto run = [](const Args& in) { return grad_and_hvp([](const fx::Tensor& x) { return x.prod(1); }, in); };
  auto mat = [](std::vector<double> v) { return fx::tensor(v, {2, 3}, fx::Float64); };
  std::vector<double> u = {0.5, -2}, v = {0.5, -1, 2, 1, 1, -2};
  fx::jit::Trace t = fx::jit::trace(run, {mat({1, 2, 3, 4, 5, 6}).requires_grad_(), vec(u), mat(v)});
  std::vector<double> x = {0, 2, 3, 4, 0, 0};
  Args got = t({mat(x), vec(u), mat(v)}), want = run({mat(x), vec(u), mat(v)});
  std::vector<double> y, g, h, gr, hr;
  for (size_t r = 0; r < 2; ++r) {
    auto row = [&](const std::vector<double>& a) {
      return std::vector<double>(a.begin() + 3 * r, a.begin() + 3 * r + 3);
    };
    prod_reference(row(x), u[r], row(v), gr, hr);
    y.push_back(prod_except(row(x), {0, 1, 2}, 9, 9));
    g.insert(g.end(), gr.begin(), gr.end());
    h.insert(h.end(), hr.begin(), hr.end());
  }
  for (size_t k = 0; k < 3; ++k) expect_close(got[k], want[k].to_vector<double>(), "trace vs eager");
  expect_close(got[0], y, "value vs loop");
  expect_close(got[1], g, "gradient vs loop");
  expect_close(got[2], h, "hvp vs loop");
}

// y_p = prod of the candidates at p: self x_p and every src_j with index_j = p.
TEST(TraceProducts, ScatterReduceProdGradientsReplayAtZeros) {
  std::vector<int64_t> index = {2, 0, 2, 1, 2, 0};
  fx::Tensor idx = fx::tensor(std::vector<double>(index.begin(), index.end()), {6}, fx::Float64).to(fx::Int64);
  fx::Tensor self = vec({1.5, -0.5, 2.0, 0.8});
  auto f = [&](const fx::Tensor& src) { return self.scatter_reduce(0, idx, src, "prod"); };
  auto run = [&](const Args& in) { return grad_and_hvp(f, in); };
  std::vector<double> u = {0.3, -1.1, 0.7, 2.0}, v = {1.5, 0.2, -0.9, 0.6, 1.1, -0.7};
  fx::jit::Trace t = fx::jit::trace(run, {vec({1.2, -0.8, 0.5, 2.0, -1.5, 0.9}).requires_grad_(), vec(u), vec(v)});
  for (std::vector<double> s : {std::vector<double>{0.0, 1.1, 0.7, -2.0, 0.9, 1.3},
                                {0.0, 0.0, 0.0, 2.5, -0.6, 0.0},
                                {2.0, 0.0, -1.0, 0.0, 0.0, 4.0},
                                {0.4, 1.6, -0.3, 2.2, 1.0, -1.2}}) {
    Args got = t({vec(s), vec(u), vec(v)}), want = run({vec(s), vec(u), vec(v)});
    // candidates: self first (slots 0..3), then src (slots 4..9)
    std::vector<double> c = self.to_vector<double>();
    c.insert(c.end(), s.begin(), s.end());
    std::vector<double> g(6, 0), h(6, 0);
    for (size_t p = 0; p < 4; ++p) {
      std::vector<size_t> at = {p};
      for (size_t j = 0; j < 6; ++j)
        if (index[j] == (int64_t)p) at.push_back(4 + j);
      for (size_t j = 0; j < 6; ++j) {
        if (index[j] != (int64_t)p) continue;
        g[j] = u[p] * prod_except(c, at, 4 + j, 4 + j);
        for (size_t k = 0; k < 6; ++k)
          if (k != j && index[k] == (int64_t)p) h[j] += v[k] * u[p] * prod_except(c, at, 4 + j, 4 + k);
      }
    }
    for (size_t k = 0; k < 3; ++k) expect_close(got[k], want[k].to_vector<double>(), "trace vs eager");
    expect_close(got[1], g, "gradient vs loop");
    expect_close(got[2], h, "hvp vs loop");
  }
}

}  // namespace
