// SPDX-License-Identifier: MIT
#include "tensor/kernels/binary.h"

#include "tensor/kernels/loops.h"

namespace fluxion::kernels {

// Runs f over a and b (same dtype), result in that dtype.
template <class F>
static TensorData same_type_zip(const TensorData& a, const TensorData& b, const char* op, F f) {
  check(a.dtype == b.dtype, op, ": dtypes ", dtype_name(a.dtype), " and ", dtype_name(b.dtype),
        " differ; convert one with .to(dtype)");
  return dispatch(a.dtype, [&](auto tag) {
    using T = decltype(tag);
    return zip<T, T, T>(a, b, op, [f](T x, T y) { return static_cast<T>(f(x, y)); });
  });
}

TensorData add(const TensorData& a, const TensorData& b) {
  return same_type_zip(a, b, "add", [](auto x, auto y) { return x + y; });
}
TensorData sub(const TensorData& a, const TensorData& b) {
  return same_type_zip(a, b, "sub", [](auto x, auto y) { return x - y; });
}
TensorData mul(const TensorData& a, const TensorData& b) {
  return same_type_zip(a, b, "mul", [](auto x, auto y) { return x * y; });
}
TensorData div(const TensorData& a, const TensorData& b) {
  check(a.dtype != Int64, "div: integer division is not supported; convert to a float dtype first");
  return same_type_zip(a, b, "div", [](auto x, auto y) { return x / y; });
}

}  // namespace fluxion::kernels
