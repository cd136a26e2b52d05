// SPDX-License-Identifier: MIT
// dtype names and the default dtype (set_default_dtype).
#include "tensor/dtype.h"

namespace fluxion {

static DType g_default_dtype = Float32;

const char* dtype_name(DType t) {
  switch (t) {
    case Float32: return "float32";
    case Float64: return "float64";
    default: return "int64";
  }
}

DType default_dtype() { return g_default_dtype; }

void set_default_dtype(DType t) {
  check(is_floating(t), "set_default_dtype: the default dtype must be float32 or float64, not int64");
  g_default_dtype = t;
}

}  // namespace fluxion
