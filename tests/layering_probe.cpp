// SPDX-License-Identifier: MIT
// Compiled by the layering_build test as if it were a source of autograd/:
// the first include is a layer below and must be found, the second a layer
// above and must not be (the build's include paths enforce the layers).
#include "tensor/dtype.h"
#include "nn/module.h"
