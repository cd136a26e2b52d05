// SPDX-License-Identifier: MIT
// Differential fuzzing of small op graphs: the input bytes pick a shape, a
// broadcast partner and a chain of up to six ops (elementwise, broadcasting,
// views, reductions). Each graph must either raise fluxion::Error or give, in
// Float32, the values of the Float64 run, and pass gradcheck in Float64.
// Both comparisons hold only where the chain is well conditioned: every
// intermediate value within kBound in magnitude. A chain of squares and
// exponentials leaves that range (2^64 after six squarings of 2); there
// Float32 rounding and finite differences say nothing about the ops, so such
// a graph is only run, for crashes and sanitizer reports.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "autograd/gradcheck.h"
#include "autograd/ops.h"
#include "nn/functional.h"

namespace fx = fluxion;

namespace {

constexpr double kBound = 50;

struct Bytes {
  const uint8_t* p;
  size_t n;
  uint8_t next() {
    if (n == 0) return 0;
    --n;
    return *p++;
  }
  double value() { return (next() - 127.5) / 64.0; }  // in [-2, 2]
};

// One step of the chain, chosen by `op`; `other` is a tensor broadcastable to x.
fx::Tensor step(const fx::Tensor& x, const fx::Tensor& other, uint8_t op, uint8_t arg) {
  int64_t d = x.dim() == 0 ? 0 : arg % x.dim();
  switch (op % 16) {
    case 0:
      return x.tanh();
    case 1:
      return x.sin();
    case 2:
      return x.sigmoid();
    case 3:
      return (x * 0.5).exp();
    case 4:
      return x * other;
    case 5:
      return x + other;
    case 6:
      return x - other * 2.0;
    case 7:
      return x.dim() >= 2 ? x.transpose(0, x.dim() - 1) : x;
    case 8:
      return x.reshape({-1});
    case 9:
      return x.unsqueeze(d);
    case 10:
      return x.dim() > 0 ? x.slice(d, arg % 3, std::nullopt, 1 + arg % 2) : x;
    case 11:
      return x.sum({d}, arg % 2 == 0);
    case 12:
      return (x * x + 1.0).sqrt();
    case 13:
      return x.dim() > 0 ? fx::nn::functional::softmax(x, d) : x;
    case 14:
      return x.dim() > 0 ? x.flip({d}) : x;
    default:
      return x * x;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Bytes in{data, size};
  int64_t ndim = in.next() % 4;
  fx::Shape shape(ndim), other_shape(ndim);
  for (int64_t i = 0; i < ndim; ++i) {
    shape[i] = 1 + in.next() % 4;
    other_shape[i] = in.next() % 2 ? shape[i] : 1;  // broadcast along some dims
  }
  std::vector<double> xv(fx::numel(shape)), ov(fx::numel(other_shape));
  for (double& v : xv) v = in.value();
  for (double& v : ov) v = in.value();
  int steps = 1 + in.next() % 6;
  std::vector<std::pair<uint8_t, uint8_t>> ops;
  for (int i = 0; i < steps; ++i) ops.emplace_back(in.next(), in.next());
  fx::Tensor other = fx::tensor(ov, other_shape, fx::Float64);
  double largest = 0;  // of every intermediate value, in the last run of f
  auto f = [&](const std::vector<fx::Tensor>& xs) {
    fx::Tensor y = xs[0], o = other.to(xs[0].dtype());
    largest = 0;
    for (auto [op, arg] : ops) {
      y = step(y, o, op, arg);
      double m = y.numel() > 0 ? y.detach().abs().amax().to(fx::Float64).item<double>() : 0;
      largest = std::isnan(largest) || std::isnan(m) ? NAN : std::max(largest, m);
    }
    return y;
  };
  fx::Tensor x = fx::tensor(xv, shape, fx::Float64);
  fx::Tensor y64;
  try {
    y64 = f({x});
  } catch (const fx::Error&) {
    return 0;
  }
  if (!(largest <= kBound)) return 0;  // ill conditioned (or not finite): run, not compared
  fx::Tensor y32 = f({x.to(fx::Float32)});
  if (y32.shape() != y64.shape()) __builtin_trap();
  std::vector<double> a = y64.to_vector<double>(), b = y32.to(fx::Float64).to_vector<double>();
  for (size_t i = 0; i < a.size(); ++i)
    if (!(std::abs(a[i] - b[i]) <= 1e-4 * (1 + std::abs(a[i])))) __builtin_trap();
  if (!fx::autograd::gradcheck(f, {x.requires_grad_()}, {.atol = 1e-6, .rtol = 1e-4, .raise_exception = false}))
    __builtin_trap();
  return 0;
}
