// SPDX-License-Identifier: MIT
// dtype names, the default dtype (set_default_dtype) and the unsupported-dtype error.
#include "tensor/dtype.h"

namespace fluxion {

static DType g_default_dtype = Float32;

void unsupported_dtype(DType t, const char* op) {
  fail(op, ": dtype ", dtype_name(t),
       " is not supported here; convert with .to(fluxion::", "Int64) or .to(fluxion::Float32) first");
}

DType default_dtype() { return g_default_dtype; }

void set_default_dtype(DType t) {
  check(is_floating(t), "set_default_dtype: the default dtype must be float32 or float64, not ", dtype_name(t));
  g_default_dtype = t;
}

}  // namespace fluxion
