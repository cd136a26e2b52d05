// SPDX-License-Identifier: MIT
#include "tensor/kernels/unary.h"

#include <cmath>

#include "tensor/kernels/loops.h"

namespace fluxion::kernels {

// Runs a float-only scalar function over x, keeping x's dtype.
template <class F>
static TensorData float_map(const TensorData& x, const char* op, F f) {
  return dispatch_float(x.dtype, op, [&](auto tag) {
    using T = decltype(tag);
    return map<T, T>(x, [f](T v) { return static_cast<T>(f(v)); });
  });
}

TensorData neg(const TensorData& x) {
  return dispatch(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    return map<T, T>(x, [](T v) { return -v; });
  });
}

TensorData exp(const TensorData& x) { return float_map(x, "exp", [](auto v) { return std::exp(v); }); }
TensorData log(const TensorData& x) { return float_map(x, "log", [](auto v) { return std::log(v); }); }
TensorData sin(const TensorData& x) { return float_map(x, "sin", [](auto v) { return std::sin(v); }); }
TensorData cos(const TensorData& x) { return float_map(x, "cos", [](auto v) { return std::cos(v); }); }
TensorData tanh(const TensorData& x) { return float_map(x, "tanh", [](auto v) { return std::tanh(v); }); }

}  // namespace fluxion::kernels
